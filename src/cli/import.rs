//! `kashif import`: another tool's files as one annotator's annotations.
//!
//! Nothing is silent: every record skipped or changed is listed with its
//! file and line (or task / region / T id), and the command ends with a
//! summary. Exit status 0 when everything came in, 1 when some records or
//! documents were skipped (what could be placed exactly is written), 2 when
//! nothing could be read. The input files are only read.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kashif::annotation::{DocAnnotations, Span, Status};
use kashif::corpus::Document;
use kashif::formats::{self, Format, ImportOptions, IssueKind, OffsetUnit, Placement};
use kashif::store::{self, Place, Store, write_group};
use kashif::workflow::gate;

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
    /// The format the files are in (`prodigy`: db-out JSONL, read by the
    /// spacy reader, which also recognises it by its `answer` field).
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Whose annotations the imported entities become (several annotators
    /// of one Label Studio task become NAME-<completed_by>).
    #[arg(long)]
    pub annotator: String,
    /// CoNLL: the column holding the tag: a number (the token is column 1),
    /// `last`, or `all` (every column after the token, one nesting level
    /// each); needed for files with more than two columns in no known layout.
    #[arg(long, value_name = "N|last|all", value_parser = formats::TagColumn::parse)]
    pub tag_column: Option<formats::TagColumn>,
    /// The files' encoding when not UTF-8 (`windows-1256`, `utf-16le`,
    /// `iso-8859-6`...; UTF-16 with a BOM is read without it).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Hugging Face rows: the names of integer tags in id order
    /// (`O,B-PER,I-PER,...`); by default from a `dataset_info.json` next to
    /// the file.
    #[arg(long, value_name = "NAME,NAME...", value_delimiter = ',')]
    pub labels: Option<Vec<String>>,
    /// How the files count offsets; by default detected from the records
    /// (the unit under which they fit the text).
    #[arg(long, value_enum)]
    pub offsets: Option<OffsetsArg>,
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
    /// Import labels the schema lacks and add them to the schema file given
    /// with --schema (instead of skipping their entities).
    #[arg(long)]
    pub add_labels: bool,
    /// Status of the imported documents (documents with only predictions or
    /// rejections are left `todo`).
    #[arg(long, value_enum, default_value_t = StatusArg::Done)]
    pub status: StatusArg,
    #[command(flatten)]
    pub folders: Folders,
    /// Files to import (for brat: folders, `.ann` or `.txt` files).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Counts for the closing summary.
#[derive(Default)]
struct Tally {
    files: usize,
    unreadable: usize,
    docs_read: usize,
    written: usize,
    added: usize,
    entities: usize,
    proposals: usize,
    rejected: usize,
    skipped_records: usize,
    skipped_docs: usize,
    /// Documents whose text or annotation file could not be written.
    failed_docs: usize,
    /// Documents asked to be done but left in progress: proposals pending.
    not_done: usize,
    changed: BTreeMap<&'static str, usize>,
    grouped: BTreeMap<String, usize>,
}

/// What kind of change an issue is, for the summary line.
/// The summary's name for records whose id no corpus document has, placed
/// on the one with their text.
const PLACED_BY_TEXT: &str = "record(s) placed by their text on a document of another id";

fn change_kind(message: &str) -> &'static str {
    if message.contains("joined over line breaks") {
        "span(s) merged from fragments"
    } else if message.contains("overlapping fragments") {
        "overlapping fragment(s) merged"
    } else if message.contains("trimmed") {
        "span(s) trimmed of edge whitespace"
    } else if message.contains("duplicate") {
        "duplicate span(s) stored once"
    } else if message.contains("read as O") {
        "tag(s) read as O"
    } else if message.contains("fit only when read as") {
        "record(s) read in another offset reading"
    } else {
        "other change(s)"
    }
}

/// Refuses an option the format has no use for, rather than ignoring it:
/// a user who gives `--tag-column 3` or `--labels` expects it to change
/// what is read.
fn check_options_fit(format: Format, args: &ImportArgs) -> anyhow::Result<()> {
    let name = format.name();
    if args.tag_column.is_some() && !matches!(format, Format::Conll | Format::ConllNested) {
        anyhow::bail!(
            "--tag-column is for CoNLL files (--format conll or conll-nested); --format {name} has no tag columns: leave it out"
        );
    }
    let has_offsets = matches!(
        format,
        Format::Brat | Format::Doccano | Format::Spacy | Format::LabelStudio | Format::Webanno
    );
    if args.offsets.is_some() && !has_offsets {
        anyhow::bail!(
            "--offsets says how char offsets are counted; --format {name} has no char offsets (it is read by tokens): leave it out"
        );
    }
    if args.labels.is_some() && format != Format::Hf {
        anyhow::bail!(
            "--labels names the integer tags of Hugging Face rows (--format hf); --format {name} has no integer tags: leave it out (to rename a label, use --rename FROM=TO)"
        );
    }
    Ok(())
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let format = args.format.format();
    let offsets = args.offsets.map(OffsetUnit::from);
    if let Some(f) = format {
        check_options_fit(f, &args)?;
    }
    store::check_annotator(&args.annotator)?;
    if args.add_labels && args.folders.schema.is_none() {
        anyhow::bail!(
            "--add-labels adds labels to the project's schema file: give it with --schema FILE"
        );
    }
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
        admit_unknown: args.add_labels,
        tag_column: args.tag_column,
        // `--labels "O, B-PER"`: the names without the spaces around them.
        tag_names: args
            .labels
            .as_ref()
            .map(|l| l.iter().map(|n| n.trim().to_string()).collect()),
        encoding: args.encoding.clone(),
    };

    let mut t = Tally::default();
    let mut imported = Vec::new();
    let mut readings = Vec::new();
    let results = match format {
        Some(f) => formats::read_files(f, &args.files, &options),
        None => formats::read_files_auto(&args.files, &options),
    };
    for result in results {
        t.files += 1;
        match result {
            Err(e) => {
                eprintln!("error: {e}");
                t.unreadable += 1;
            }
            Ok(f) => {
                for i in &f.issues {
                    eprintln!("{i}");
                    match i.kind {
                        IssueKind::Skipped => t.skipped_records += 1,
                        IssueKind::Changed => {
                            *t.changed.entry(change_kind(&i.message)).or_default() += 1
                        }
                        IssueKind::Note => {}
                    }
                    if let Some(g) = &i.tally {
                        *t.grouped.entry(g.clone()).or_default() += i.count;
                    }
                }
                let path = f
                    .docs
                    .first()
                    .map(|d| d.path.display().to_string())
                    .unwrap_or_default();
                if args.offsets.is_some() && f.reading.is_none() {
                    // `--format auto` found a shape without char offsets.
                    eprintln!(
                        "note: {path}: read as {}, which has no char offsets: --offsets had no effect on it",
                        f.shape
                    );
                }
                readings.push(format!(
                    "{path}: read as {}{}",
                    f.shape,
                    f.reading
                        .as_ref()
                        .map(|r| format!("; offsets: {r}"))
                        .unwrap_or_default()
                ));
                imported.extend(f.docs);
            }
        }
    }
    t.docs_read = imported.len();

    // Labels to add to the schema (--add-labels).
    let mut new_labels: Vec<String> = Vec::new();
    if args.add_labels {
        for d in &imported {
            for l in d
                .spans
                .iter()
                .map(|s| &s.label)
                .chain(d.proposals.iter().map(|p| &p.label))
            {
                if !schema.contains(l) && !new_labels.contains(l) {
                    new_labels.push(l.clone());
                }
            }
        }
        if !new_labels.is_empty()
            && let Some(path) = &args.folders.schema
        {
            kashif::schema::add_labels(path, &new_labels)?;
        }
    }

    // Where each imported document goes: a corpus document or a new text.
    let mut targets: Vec<(usize, Document, Vec<Span>, bool)> = Vec::new();
    for (k, (d, placement)) in imported
        .iter()
        .zip(formats::place(&imported, &corpus, args.add_texts))
        .enumerate()
    {
        if d.records > 0
            && d.skipped == d.records
            && d.proposals.is_empty()
            && d.rejected.is_empty()
        {
            eprintln!(
                "skipped: {}:{}: document{}: every one of its {} entity record(s) was skipped; not written (it would look annotated with nothing)",
                d.path.display(),
                d.line,
                d.id.as_ref()
                    .map(|i| format!(" \"{i}\""))
                    .unwrap_or_default(),
                d.records
            );
            t.skipped_docs += 1;
            continue;
        }
        match placement {
            Placement::Existing { doc, spans } => {
                let target = &corpus.documents[doc];
                if let Some(id) = d.id.as_deref().filter(|id| *id != target.id) {
                    eprintln!(
                        "changed: {}:{}: document \"{id}\": no corpus document has this id; placed on \"{}\", whose text is the same",
                        d.path.display(),
                        d.line,
                        target.id
                    );
                    *t.changed.entry(PLACED_BY_TEXT).or_default() += 1;
                }
                targets.push((k, target.clone(), spans, false))
            }
            Placement::New { id, text, spans } => {
                let path = args.folders.corpus.join(format!("{id}.txt"));
                targets.push((k, Document { id, text, path }, spans, true));
            }
            Placement::Refused(why) => {
                let hint = if args.add_texts {
                    ""
                } else {
                    " (--add-texts adds texts the corpus lacks)"
                };
                eprintln!(
                    "skipped: {}:{}: document: {why}; not imported{hint}",
                    d.path.display(),
                    d.line
                );
                t.skipped_docs += 1;
            }
        }
    }

    let status = match args.status {
        StatusArg::Todo => Status::Todo,
        StatusArg::InProgress => Status::InProgress,
        StatusArg::Done => Status::Done,
    };
    let mut stores: HashMap<String, Store> = HashMap::new();
    let mut written_texts: HashSet<String> = HashSet::new();
    let mut write_failed = false;
    // What to write, gathered first and then written with one group commit
    // per kind (new texts, then each annotator's files): thousands of
    // documents cost one pass of flushes, and each file is whole or absent.
    // Each with the place of its record (`file:line`), for the errors.
    let mut new_texts: Vec<(Document, String)> = Vec::new();
    let mut saves: Vec<(String, Document, DocAnnotations, String)> = Vec::new();
    // (annotator, document id) → its place in `saves`.
    let mut queued_at: HashMap<(String, String), usize> = HashMap::new();
    for (k, doc, spans, is_new) in targets {
        let d = &imported[k];
        let name = match &d.annotator {
            None => args.annotator.clone(),
            Some(who) => format!("{}-{who}", args.annotator),
        };
        let store: &Store = match stores.entry(name.clone()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => match Store::open(&args.folders.annotations, &name) {
                Ok(s) => {
                    for m in s.migrated() {
                        eprintln!("note: {m}");
                    }
                    if let Some(d) = &s.folded().damage {
                        eprintln!("warning: {d}");
                    }
                    v.insert(s)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    write_failed = true;
                    continue;
                }
            },
        };
        let path = store.path(&doc.id);
        let queued = queued_at.get(&(name.clone(), doc.id.clone())).copied();
        if (path.exists() || queued.is_some()) && !args.force {
            eprintln!(
                "skipped: {}:{}: {} exists; not overwritten (use --force)",
                d.path.display(),
                d.line,
                path.display()
            );
            t.skipped_docs += 1;
            continue;
        }
        let place = format!("{}:{}", d.path.display(), d.line);
        if is_new && written_texts.insert(doc.id.clone()) {
            new_texts.push((doc.clone(), place.clone()));
        }
        let (proposals, rejected) = d.extras_on(&doc.text).unwrap_or_default();
        let mut ann = DocAnnotations {
            entities: spans,
            proposals,
            rejected,
            ..Default::default()
        };
        // The gate into "done" (as in the workbench): a document with
        // proposals pending is not done; it comes in as in progress.
        let (gated, pending) = gate::gated_status(&ann, if d.gold { status } else { Status::Todo });
        ann.status = gated;
        if let Some(why) = pending {
            eprintln!(
                "note: {}:{}: {}: {why}; imported as in progress, not done (decide them in the workbench)",
                d.path.display(),
                d.line,
                doc.id
            );
            t.not_done += 1;
        }
        match queued {
            // --force: the later record replaces the earlier, as writing
            // them one after the other would.
            Some(at) => saves[at] = (name, doc, ann, place),
            None => {
                queued_at.insert((name.clone(), doc.id.clone()), saves.len());
                saves.push((name, doc, ann, place));
            }
        }
    }
    // What a crashed writer left in the corpus folder goes first (only
    // files of writers no longer running: another import may be adding
    // texts at this moment).
    if !new_texts.is_empty() {
        let gone = store::clean_stale_temp_files(&args.folders.corpus);
        if !gone.is_empty() {
            eprintln!(
                "note: removed {} left by an interrupted writer in {}",
                kashif::text::count(gone.len(), "temporary file", "temporary files"),
                args.folders.corpus.display()
            );
        }
    }
    // New texts first: a document whose text could not be written gets no
    // annotation file.
    let mut text_failed: HashSet<String> = HashSet::new();
    let group: Vec<(&Path, &[u8], Place)> = new_texts
        .iter()
        .map(|(d, _)| (d.path.as_path(), d.text.as_bytes(), Place::CreateNew))
        .collect();
    for ((doc, place), r) in new_texts.iter().zip(write_group(&group)) {
        match r {
            Ok(()) => t.added += 1,
            // The same text written meanwhile (another annotator's import
            // of the same files): nothing lost, nothing overwritten.
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && std::fs::read(&doc.path).is_ok_and(|b| b == doc.text.as_bytes()) => {}
            Err(e) => {
                eprintln!(
                    "error: {place}: document \"{}\": {}: cannot write: {e}; not imported",
                    doc.id,
                    doc.path.display()
                );
                write_failed = true;
                text_failed.insert(doc.id.clone());
            }
        }
    }
    t.failed_docs += saves
        .iter()
        .filter(|(_, doc, _, _)| text_failed.contains(&doc.id))
        .count();
    saves.retain(|(_, doc, _, _)| !text_failed.contains(&doc.id));
    let mut names: Vec<&String> = stores.keys().collect();
    names.sort();
    for name in names {
        let mine: Vec<(&Document, &DocAnnotations)> = saves
            .iter()
            .filter(|(n, _, _, _)| n == name)
            .map(|(_, d, a, _)| (d, a))
            .collect();
        let places: Vec<&String> = saves
            .iter()
            .filter(|(n, _, _, _)| n == name)
            .map(|(_, _, _, p)| p)
            .collect();
        let results = stores[name].save_many(&mine);
        for (((doc, ann), place), r) in mine.iter().zip(&places).zip(results) {
            if let Err(e) = r {
                eprintln!("error: {place}: document \"{}\": {e}; not imported", doc.id);
                write_failed = true;
                t.failed_docs += 1;
                continue;
            }
            t.entities += ann.entities.len();
            t.proposals += ann.proposals.len();
            t.rejected += ann.rejected.len();
            t.written += 1;
        }
    }

    // The summary.
    let mut names: Vec<&String> = stores.keys().collect();
    names.sort();
    println!(
        "import summary: {} file(s) read{}; {} of {} document(s) imported as {}{}; {} entities{}{}",
        t.files - t.unreadable,
        if t.unreadable > 0 {
            format!(", {} unreadable", t.unreadable)
        } else {
            String::new()
        },
        t.written,
        t.docs_read,
        if names.is_empty() {
            args.annotator.clone()
        } else {
            names
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        if t.added > 0 {
            format!(" ({} new text(s) added to the corpus)", t.added)
        } else {
            String::new()
        },
        t.entities,
        if t.proposals > 0 {
            format!(", {} pending proposal(s)", t.proposals)
        } else {
            String::new()
        },
        if t.rejected > 0 {
            format!(", {} rejected span(s)", t.rejected)
        } else {
            String::new()
        },
    );
    for r in &readings {
        println!("  {r}");
    }
    if readings.iter().any(|r| r.contains("CRLF")) {
        println!("  texts with CRLF line ends are stored with LF line ends (offsets moved along)");
    }
    let changed: usize = t.changed.values().sum();
    if changed > 0 {
        let parts: Vec<String> = t.changed.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!("  changed: {}", parts.join(", "));
    }
    if t.skipped_records + t.skipped_docs > 0 {
        println!(
            "  skipped: {} record(s), {} document(s) (each listed above with its place)",
            t.skipped_records, t.skipped_docs
        );
    }
    if t.failed_docs > 0 {
        println!(
            "  failed: {} document(s) could not be written (each listed above with its place)",
            t.failed_docs
        );
    }
    if t.not_done > 0 {
        println!(
            "  not done: {} document(s) imported as in progress, with proposals pending (each listed above)",
            t.not_done
        );
    }
    for (what, n) in &t.grouped {
        println!("  {what}: {n}");
    }
    if !new_labels.is_empty() {
        println!("  labels added to the schema: {}", new_labels.join(", "));
    }
    if t.skipped_records + t.skipped_docs == 0 && t.unreadable == 0 && !write_failed {
        if changed == 0 {
            println!("  everything in the files came in");
        } else {
            // A tag read as O may cut an entity short: not "as it was".
            println!(
                "  everything in the files came in, changed where listed above (check those places)"
            );
        }
    }
    let nothing = t.unreadable == t.files || (t.docs_read == 0 && t.unreadable > 0);
    Ok(if nothing {
        ExitCode::from(2)
    } else if t.unreadable > 0 || t.skipped_records + t.skipped_docs > 0 || write_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
