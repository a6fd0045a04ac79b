//! `kashif import`: another tool's files as one annotator's annotations.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kashif::annotation::{DocAnnotations, Span, Status};
use kashif::corpus::Document;
use kashif::formats::{self, Format, ImportOptions, OffsetUnit, Placement};
use kashif::store::{self, Store};

use super::common::Folders;
use super::exchange::{self, FormatArg, OffsetsArg};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusArg {
    Todo,
    InProgress,
    Done,
}

#[derive(Args, Clone, Debug)]
pub struct ImportArgs {
    /// The format the files are in.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Whose annotations the imported entities become.
    #[arg(long)]
    pub annotator: String,
    /// How the files count offsets (Label Studio and other JavaScript tools:
    /// utf16).
    #[arg(long, value_enum, default_value_t = OffsetsArg::Chars)]
    pub offsets: OffsetsArg,
    /// Write texts that are not in the corpus as new `.txt` files there.
    #[arg(long)]
    pub add_texts: bool,
    /// Replace annotation files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Import the file's label FROM as TO (repeatable), e.g. `--rename
    /// PERS=PER` for ANERcorp.
    #[arg(long, value_name = "FROM=TO")]
    pub rename: Vec<String>,
    /// Status of the imported documents.
    #[arg(long, value_enum, default_value_t = StatusArg::Done)]
    pub status: StatusArg,
    #[command(flatten)]
    pub folders: Folders,
    /// Files to import (for brat: folders, `.ann` or `.txt` files).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Writes a new corpus text; `create_new` makes sure no existing file is
/// ever replaced, even one that appeared since the corpus was read.
fn write_new_text(doc: &Document) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = doc.path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&doc.path)?;
    f.write_all(doc.text.as_bytes())?;
    f.sync_all()
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let format = Format::from(args.format);
    let offsets = OffsetUnit::from(args.offsets);
    if offsets == OffsetUnit::Utf16 && format == Format::Conll {
        anyhow::bail!("--offsets utf16 has no meaning for conll (it has no offsets)");
    }
    store::check_annotator(&args.annotator)?;
    let (corpus, schema) = exchange::open(&args.folders)?;
    let mut renames = Vec::new();
    for r in &args.rename {
        let Some((from, to)) = r.split_once('=') else {
            anyhow::bail!("--rename {r:?}: expected FROM=TO, e.g. PERS=PER");
        };
        renames.push((from.to_string(), to.to_string()));
    }
    let options = ImportOptions {
        offsets,
        labels: Some(schema.labels.iter().map(|l| l.name.clone()).collect()),
        renames,
    };
    let imported = formats::read_files(format, &args.files, &options)?;
    for d in &imported {
        for n in &d.notes {
            eprintln!("note: {}:{}: {n}", d.path.display(), d.line);
        }
    }

    let mut failed = false;
    // Where each imported document goes: a corpus document or a new text.
    let mut targets: Vec<(Document, Vec<Span>, bool)> = Vec::new();
    for (d, placement) in imported
        .iter()
        .zip(formats::place(&imported, &corpus, args.add_texts))
    {
        match placement {
            Placement::Existing { doc, spans } => {
                targets.push((corpus.documents[doc].clone(), spans, false))
            }
            Placement::New { id, text, spans } => {
                let path = args.folders.corpus.join(format!("{id}.txt"));
                targets.push((Document { id, text, path }, spans, true));
            }
            Placement::Refused(why) => {
                let hint = if args.add_texts {
                    ""
                } else {
                    " (--add-texts adds texts the corpus lacks)"
                };
                eprintln!(
                    "error: {}:{}: {why}; not imported{hint}",
                    d.path.display(),
                    d.line
                );
                failed = true;
            }
        }
    }

    let store = Store::open(&args.folders.annotations, &args.annotator)?;
    let status = match args.status {
        StatusArg::Todo => Status::Todo,
        StatusArg::InProgress => Status::InProgress,
        StatusArg::Done => Status::Done,
    };
    let (mut written, mut entities, mut added) = (0, 0, 0);
    for (doc, spans, is_new) in targets {
        let path = store.path(&doc.id);
        if path.exists() && !args.force {
            eprintln!(
                "error: {} exists; not overwritten (use --force)",
                path.display()
            );
            failed = true;
            continue;
        }
        if is_new {
            if let Err(e) = write_new_text(&doc) {
                eprintln!("error: {}: cannot write: {e}", doc.path.display());
                failed = true;
                continue;
            }
            added += 1;
        }
        let ann = DocAnnotations {
            status,
            entities: spans,
            ..Default::default()
        };
        if let Err(e) = store.save(&doc, &ann) {
            eprintln!("error: {e}");
            failed = true;
            continue;
        }
        entities += ann.entities.len();
        written += 1;
    }
    println!(
        "imported {written} of {} document(s), {entities} entities, as {}{}",
        imported.len(),
        args.annotator,
        if added > 0 {
            format!("; {added} new text(s) added to the corpus")
        } else {
            String::new()
        }
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
