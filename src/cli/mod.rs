//! One module per subcommand; each returns the process exit code.

pub mod agree;
pub mod common;
pub mod eval;
pub mod exchange;
pub mod export;
pub mod gui;
pub mod import;
pub mod lead;
pub mod propose;
pub mod score;
pub mod script;
pub mod stats;
pub mod tag;
pub mod train;
pub mod validate;
