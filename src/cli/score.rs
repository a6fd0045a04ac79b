//! `kashif score`: exact-span P/R/F1 of predicted IOB2 tags against gold.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use kashif::propose::iob::{Score, Sentence, read_conll};

#[derive(Args, Clone, Debug)]
pub struct ScoreArgs {
    /// Gold CoNLL file (last column the IOB2 tag).
    #[arg(value_name = "GOLD", required_unless_present = "gold")]
    pub gold_pos: Option<PathBuf>,
    /// Predicted CoNLL file, same tokens and sentences.
    #[arg(value_name = "PRED", required_unless_present = "pred")]
    pub pred_pos: Option<PathBuf>,
    #[arg(long, conflicts_with = "gold_pos")]
    pub gold: Option<PathBuf>,
    #[arg(long, conflicts_with = "pred_pos")]
    pub pred: Option<PathBuf>,
    /// Score only these labels (comma-separated); others are ignored.
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
}

fn read(path: &PathBuf) -> anyhow::Result<Vec<Sentence>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    read_conll(&text, true).with_context(|| path.display().to_string())
}

/// Scores two files sentence by sentence; they must hold the same tokens.
pub fn score_files(gold: &PathBuf, pred: &PathBuf) -> anyhow::Result<Score> {
    let g = read(gold)?;
    let p = read(pred)?;
    if g.len() != p.len() {
        bail!(
            "{} has {} sentences but {} has {}",
            gold.display(),
            g.len(),
            pred.display(),
            p.len()
        );
    }
    let mut score = Score::default();
    for (a, b) in g.iter().zip(&p) {
        if a.tokens != b.tokens {
            bail!(
                "{}:{} and {}:{}: the sentences differ",
                gold.display(),
                a.line,
                pred.display(),
                b.line
            );
        }
        score.add(&a.tags, &b.tags);
    }
    Ok(score)
}

pub fn run(args: ScoreArgs) -> anyhow::Result<ExitCode> {
    let (Some(gold), Some(pred)) = (args.gold.or(args.gold_pos), args.pred.or(args.pred_pos))
    else {
        bail!("give GOLD and PRED files");
    };
    let mut score = score_files(&gold, &pred)?;
    if !args.labels.is_empty() {
        score = score.restricted(&args.labels);
    }
    print!("{score}");
    Ok(ExitCode::SUCCESS)
}
