//! `kashif import`: another tool's files as one annotator's annotations.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kashif::annotation::{DocAnnotations, Span, Status};
use kashif::corpus::Document;
use kashif::formats::{self, Format, ImportOptions, ImportedDoc, OffsetUnit};
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
    /// Status of the imported documents.
    #[arg(long, value_enum, default_value_t = StatusArg::Done)]
    pub status: StatusArg,
    #[command(flatten)]
    pub folders: Folders,
    /// Files to import (for brat: folders, `.ann` or `.txt` files).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Text without layout chars: a CoNLL file rebuilds spacing, nothing else.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !formats::is_layout(*c)).collect()
}

/// A document id usable as a path below the corpus folder.
fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('/')
        && !id.contains('\\')
        && !id.chars().any(char::is_control)
        && id
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.starts_with('.'))
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
    let options = ImportOptions {
        offsets,
        labels: Some(schema.labels.iter().map(|l| l.name.clone()).collect()),
    };
    let imported = formats::read_files(format, &args.files, &options)?;
    for d in &imported {
        for n in &d.notes {
            eprintln!("note: {}:{}: {n}", d.path.display(), d.line);
        }
    }

    let by_text: HashMap<&str, &Document> = corpus
        .documents
        .iter()
        .map(|d| (d.text.as_str(), d))
        .collect();
    let by_squeezed: HashMap<String, &Document> = corpus
        .documents
        .iter()
        .map(|d| (squeezed(&d.text), d))
        .collect();
    let mut failed = false;
    let fail = |d: &ImportedDoc, m: String| {
        eprintln!("error: {}:{}: {m}", d.path.display(), d.line);
        true
    };
    // Where each imported document goes: a corpus document (or a new one).
    let mut targets: Vec<(Document, Vec<Span>, bool)> = Vec::new();
    let mut unnamed = 0;
    for d in &imported {
        let named = d.id.as_deref().and_then(|id| corpus.get(id));
        let found = named
            .and_then(|doc| Some((doc, d.spans_on(&doc.text)?)))
            .or_else(|| {
                by_text
                    .get(d.text.as_str())
                    .map(|doc| (*doc, d.spans.clone()))
            })
            .or_else(|| {
                let doc = by_squeezed.get(&squeezed(&d.text))?;
                Some((*doc, d.spans_on(&doc.text)?))
            });
        if let Some((doc, spans)) = found {
            targets.push((doc.clone(), spans, false));
            continue;
        }
        if let Some(doc) = named {
            failed |= fail(
                d,
                format!(
                    "the text differs from the corpus document {:?}; not imported",
                    doc.id
                ),
            );
            continue;
        }
        if !args.add_texts {
            failed |= fail(
                d,
                "the text is not in the corpus; not imported (use --add-texts to add it)".into(),
            );
            continue;
        }
        let id = match &d.id {
            Some(id) => id.clone(),
            None => {
                unnamed += 1;
                let stem = d
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{stem}-{unnamed}")
            }
        };
        if !safe_id(&id) {
            failed |= fail(
                d,
                format!("document id {id:?} cannot be a file name; not imported"),
            );
            continue;
        }
        let path = args.folders.corpus.join(format!("{id}.txt"));
        if path.exists() {
            failed |= fail(
                d,
                format!(
                    "{} exists with another text; not overwritten",
                    path.display()
                ),
            );
            continue;
        }
        targets.push((
            Document {
                id,
                text: d.text.clone(),
                path,
            },
            d.spans.clone(),
            true,
        ));
    }

    let store = Store::open(&args.folders.annotations, &args.annotator)?;
    let status = match args.status {
        StatusArg::Todo => Status::Todo,
        StatusArg::InProgress => Status::InProgress,
        StatusArg::Done => Status::Done,
    };
    let (mut written, mut entities, mut added) = (0, 0, 0);
    let mut seen = std::collections::HashSet::new();
    for (doc, spans, is_new) in targets {
        if !seen.insert(doc.id.clone()) {
            eprintln!(
                "error: {}: imported twice in these files; the second is not imported",
                doc.id
            );
            failed = true;
            continue;
        }
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
