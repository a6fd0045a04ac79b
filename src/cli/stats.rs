//! `kashif stats`: entity counts per document.

use std::process::ExitCode;

use clap::Args;

use super::common::Folders;

#[derive(Args, Clone, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub folders: Folders,
}

pub fn run(_args: StatsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}
