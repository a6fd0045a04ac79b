//! `kashif gui`: the workbench window.

use std::process::ExitCode;

use clap::Args;

use super::common::Folders;

#[derive(Args, Clone, Debug, Default)]
pub struct GuiArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// Annotator name; asked in the window (and remembered) when not given.
    #[arg(long)]
    pub annotator: Option<String>,
}

pub fn run(_args: GuiArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the workbench window is not built yet")
}
