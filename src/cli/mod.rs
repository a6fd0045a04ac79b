//! One module per subcommand; each returns the process exit code.

pub mod common;
pub mod gui;
pub mod stats;
pub mod validate;
pub mod train;
