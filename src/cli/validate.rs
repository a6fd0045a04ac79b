//! `kashif validate`: check annotation files against corpus and schema.

use std::process::ExitCode;

use clap::Args;

use super::common::Folders;

#[derive(Args, Clone, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub folders: Folders,
}

pub fn run(_args: ValidateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}
