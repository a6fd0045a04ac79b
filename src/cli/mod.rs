//! One module per subcommand; each returns the process exit code.

pub mod common;
pub mod gui;
pub mod propose;
pub mod score;
pub mod stats;
pub mod tag;
pub mod train;
pub mod validate;
