//! Arguments shared by several subcommands.

use std::path::PathBuf;

use clap::Args;

/// Where the articles and the annotation files are.
#[derive(Args, Clone, Debug)]
pub struct Folders {
    /// Folder of `.txt` articles (subfolders too).
    #[arg(long, default_value = "seeds")]
    pub corpus: PathBuf,
    /// Folder of annotation files, one subfolder per annotator.
    #[arg(long, default_value = "annotations")]
    pub annotations: PathBuf,
}

impl Default for Folders {
    fn default() -> Self {
        Folders {
            corpus: PathBuf::from("seeds"),
            annotations: PathBuf::from("annotations"),
        }
    }
}
