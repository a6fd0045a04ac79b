//! Arguments shared by several subcommands.

use std::path::PathBuf;

use clap::Args;
use kashif::corpus::Corpus;
use kashif::schema::Schema;

/// Where the articles and the annotation files are.
#[derive(Args, Clone, Debug)]
pub struct Folders {
    /// Folder of `.txt` articles (subfolders too).
    #[arg(long, default_value = "seeds")]
    pub corpus: PathBuf,
    /// Folder of annotation files, one subfolder per annotator.
    #[arg(long, default_value = "annotations")]
    pub annotations: PathBuf,
    /// Label schema file (default: the shipped `assets/labels.ron`).
    #[arg(long)]
    pub schema: Option<PathBuf>,
}

impl Default for Folders {
    fn default() -> Self {
        Folders {
            corpus: PathBuf::from("seeds"),
            annotations: PathBuf::from("annotations"),
            schema: None,
        }
    }
}

impl Folders {
    /// The label schema: the given file, or the shipped one.
    pub fn schema(&self) -> anyhow::Result<Schema> {
        match &self.schema {
            Some(p) => Schema::load(p).map_err(|e| anyhow::anyhow!("--schema: {e}")),
            None => Ok(Schema::builtin()),
        }
    }

    /// The corpus; a missing folder is an error, bad files are in `errors`.
    /// The corpus; first, the annotations folder is checked not to be a
    /// file (every command that loads a corpus reads or writes it next:
    /// "Not a directory (os error 20)" from deep inside said too little).
    pub fn corpus(&self) -> anyhow::Result<Corpus> {
        if self.annotations.exists() && !self.annotations.is_dir() {
            anyhow::bail!(
                "--annotations: {}: a file, not a folder: the annotations folder holds one folder per annotator (give a folder, or a path that does not exist yet)",
                self.annotations.display()
            );
        }
        Corpus::load(&self.corpus).map_err(|e| anyhow::anyhow!("--corpus: {e}"))
    }
}

/// The thread pool for `--jobs N`: `N` threads, or one per core when not
/// given. Work run inside it (`pool.install`) splits over these threads
/// only; results never depend on their number.
pub fn thread_pool(jobs: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    if jobs == Some(0) {
        anyhow::bail!("--jobs: must be at least 1");
    }
    let n = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| anyhow::anyhow!("starting {n} threads: {e}"))
}

/// Which tagger gives the model's spans (`--tagger`), and where the
/// accurate tier's files are (`--encoder`).
#[derive(Args, Clone, Debug)]
pub struct TaggerArgs {
    /// `fast`: the built-in tagger (hundreds of thousands of words a
    /// second). `accurate`: the fine-tuned encoder (about a thousand words
    /// a second, more accurate; see README, "Two tiers of proposals").
    #[arg(long, value_enum, default_value = "fast")]
    pub tagger: TaggerChoice,
    /// Folder of the accurate tier's files (default: `$KASHIF_ENCODER`,
    /// else `assets/encoder` of the source tree).
    #[arg(long)]
    pub encoder: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaggerChoice {
    Fast,
    Accurate,
}

impl TaggerArgs {
    /// The accurate tier when asked for; a missing or broken file is an
    /// error naming it.
    pub fn accurate(
        &self,
    ) -> anyhow::Result<Option<std::sync::Arc<kashif::propose::accurate::AccurateTagger>>> {
        use kashif::propose::accurate::{AccurateTagger, default_dir};
        match self.tagger {
            TaggerChoice::Fast => Ok(None),
            TaggerChoice::Accurate => {
                let dir = self.encoder.clone().unwrap_or_else(default_dir);
                Ok(Some(std::sync::Arc::new(AccurateTagger::load(&dir)?)))
            }
        }
    }
}
