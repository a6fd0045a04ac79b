//! `kashif validate`: check annotation files against corpus and schema.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use kashif::store::{self, Severity};
use kashif::workflow::gate;

use super::common::Folders;

#[derive(Args, Clone, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// Also list, one line each, names labelled differently (or annotated
    /// in one place and bare in another) across the corpus and annotators,
    /// with every place (`annotator/document start..end LABEL`, chars), and
    /// the annotators' notes. Findings count as warnings.
    #[arg(long)]
    pub consistency: bool,
}

/// Errors and warnings printed so far.
#[derive(Default)]
struct Tally {
    errors: usize,
    warnings: usize,
}

impl Tally {
    fn error(&mut self, line: impl std::fmt::Display) {
        println!("{line}");
        self.errors += 1;
    }

    fn warning(&mut self, line: impl std::fmt::Display) {
        println!("{line}");
        self.warnings += 1;
    }

    /// Reports a document's problems, and a done document with proposals
    /// still pending (the gate into "done", for files written around it).
    fn loaded(&mut self, path: &Path, loaded: Result<store::Loaded, store::StoreError>) {
        match loaded {
            Err(e) => self.error(e),
            Ok(loaded) => {
                for p in &loaded.problems {
                    match p.severity {
                        Severity::Error => self.error(p),
                        Severity::Warning => self.warning(p),
                    }
                }
                if let Some(why) = gate::done_with_pending(&loaded.annotations) {
                    self.warning(format!(
                        "{}: warning: marked done with {why}; they are not gold: decide them in the workbench",
                        path.display()
                    ));
                }
            }
        }
    }
}

/// Prints one line per problem (`file:line:col: message`) and fails if any
/// is an error; warnings alone (e.g. re-anchored spans) still pass. Each
/// annotator's journal is replayed as every reader does ([`store::Reader`]):
/// a document with edits there is checked as the journal has it.
pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let schema = args.folders.schema()?;
    let corpus = args.folders.corpus()?;
    let mut t = Tally::default();
    let mut files = 0usize;
    for e in &corpus.errors {
        t.error(e);
    }
    let annotators = store::annotators(&args.folders.annotations);
    for p in store::annotator_folder_problems(&args.folders.annotations) {
        t.error(p);
    }
    for annotator in &annotators {
        let dir = args.folders.annotations.join(annotator);
        let reader = match store::Reader::open(&args.folders.annotations, annotator) {
            Ok(r) => r,
            Err(e) => {
                t.error(e);
                continue;
            }
        };
        if reader.torn_bytes() > 0 {
            t.warning(format!(
                "{}: warning: {} byte(s) after the last complete record (a write cut short by a crash) are ignored",
                reader.journal_path().display(),
                reader.torn_bytes()
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (id, path) in store::annotation_files(&dir) {
            files += 1;
            // A file under the old name (id cut at a dot) belongs to the
            // document its `document` field names.
            let legacy = store::parse_document_field(&path)
                .filter(|d| *d != id)
                .filter(|d| {
                    store::legacy_file_path(&args.folders.annotations, annotator, d).as_deref()
                        == Some(path.as_path())
                })
                .and_then(|d| corpus.get(&d));
            if let Some(doc) = legacy {
                t.warning(format!(
                    "{}: warning: annotations of {:?} under the old name (document id cut at a dot); they belong at {} and are moved there when {annotator:?}'s annotations are next opened for writing (import, propose, the workbench)",
                    path.display(),
                    doc.id,
                    store::file_path(&args.folders.annotations, annotator, &doc.id).display()
                ));
            }
            let Some(doc) = legacy.or_else(|| corpus.get(&id)) else {
                t.error(format!(
                    "{}: no document {id:?} in the corpus {}",
                    path.display(),
                    args.folders.corpus.display()
                ));
                continue;
            };
            if legacy.is_none() && reader.has_journaled(&doc.id) {
                seen.insert(doc.id.clone());
                t.loaded(
                    &path,
                    reader.read(doc, &schema).map(Option::unwrap_or_default),
                );
            } else {
                t.loaded(&path, store::read_file(&path, annotator, doc, &schema));
            }
        }
        // Documents whose only annotations are in the journal so far.
        for id in reader.journaled() {
            if seen.contains(id) {
                continue;
            }
            match corpus.get(id) {
                Some(doc) => {
                    files += 1;
                    let path = store::file_path(&args.folders.annotations, annotator, &doc.id);
                    t.loaded(
                        &path,
                        reader.read(doc, &schema).map(Option::unwrap_or_default),
                    );
                }
                None => t.error(format!(
                    "{}: edits of document {id:?}, which is not in the corpus {}",
                    reader.journal_path().display(),
                    args.folders.corpus.display()
                )),
            }
        }
    }
    if args.consistency {
        let (findings, notes) =
            super::lead::consistency_findings(&args.folders.annotations, &corpus, &schema);
        for f in &findings {
            println!("warning: {f}");
        }
        t.warnings += findings.len();
        for n in &notes {
            println!("{n}");
        }
    }
    eprintln!(
        "checked {files} annotation files of {} annotators against {} documents: {} errors, {} warnings",
        annotators.len(),
        corpus.documents.len(),
        t.errors,
        t.warnings
    );
    Ok(if t.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
