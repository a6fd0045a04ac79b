//! `kashif tag`: tag CoNLL tokens from standard input with the trained model.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use kashif::propose::bundled;
use kashif::propose::model::Model;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// One token a line (first column), blank line between sentences.
    Conll,
}

#[derive(Args, Clone, Debug)]
pub struct TagArgs {
    #[arg(long, value_enum, default_value = "conll")]
    pub format: Format,
    /// Output only these labels (comma-separated); the others become O.
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
    /// A model file instead of the one built into the program.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Tags CoNLL `input` into `out`, keeping blank lines; `keep` filters
/// labels. The sentences are tagged as one running text (the model looks at
/// nearby sentences for the same names).
pub fn tag_conll(
    model: &Model,
    input: &str,
    keep: &[String],
    out: &mut impl Write,
) -> std::io::Result<()> {
    // Lines as they come: Some(token) or None for a blank line.
    let lines: Vec<Option<&str>> = input.lines().map(|l| l.split_whitespace().next()).collect();
    let mut sents: Vec<Vec<&str>> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for l in &lines {
        match l {
            Some(t) => cur.push(t),
            None if !cur.is_empty() => sents.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        sents.push(cur);
    }
    let tagged = model.tag_document(&sents, false);
    let mut tags = tagged.iter().flat_map(|t| t.tags.iter());
    for l in lines {
        match l {
            Some(tok) => {
                let tag = tags.next().map_or("O", |&t| model.labels[t].as_str());
                let shown = match tag.split_once('-') {
                    Some((_, l)) if !keep.is_empty() && !keep.iter().any(|k| k == l) => "O",
                    _ => tag,
                };
                writeln!(out, "{tok} {shown}")?;
            }
            None => writeln!(out)?,
        }
    }
    Ok(())
}

pub fn run(args: TagArgs) -> anyhow::Result<ExitCode> {
    let Format::Conll = args.format;
    let model = match &args.model {
        Some(p) => bundled::load_file(p)?,
        None => bundled::load()?,
    };
    for l in &args.labels {
        if !model.types().contains(l) {
            bail!(
                "--labels: the model has no label {l:?} (it has {})",
                model.types().join(", ")
            );
        }
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading standard input")?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    tag_conll(&model, &input, &args.labels, &mut out).context("writing standard output")?;
    out.flush().context("writing standard output")?;
    Ok(ExitCode::SUCCESS)
}
