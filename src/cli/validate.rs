//! `kashif validate`: check annotation files against corpus and schema.

use std::process::ExitCode;

use clap::Args;
use kashif::store::{self, Severity};
use kashif::workflow::gate;

use super::common::Folders;

#[derive(Args, Clone, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub folders: Folders,
}

/// Prints one line per problem (`file:line:col: message`) and fails if any
/// is an error; warnings alone (e.g. re-anchored spans) still pass.
pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let schema = args.folders.schema()?;
    let corpus = args.folders.corpus()?;
    let (mut errors, mut warnings, mut files) = (0usize, 0usize, 0usize);
    for e in &corpus.errors {
        println!("{e}");
        errors += 1;
    }
    let annotators = store::annotators(&args.folders.annotations);
    for annotator in &annotators {
        let dir = args.folders.annotations.join(annotator);
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
                println!(
                    "{}: warning: annotations of {:?} under the old name (document id cut at a dot); they belong at {} and are moved there when {annotator:?}'s annotations are next opened for writing (import, propose, the workbench)",
                    path.display(),
                    doc.id,
                    store::file_path(&args.folders.annotations, annotator, &doc.id).display()
                );
                warnings += 1;
            }
            let Some(doc) = legacy.or_else(|| corpus.get(&id)) else {
                println!(
                    "{}: no document {id:?} in the corpus {}",
                    path.display(),
                    args.folders.corpus.display()
                );
                errors += 1;
                continue;
            };
            match store::read_file(&path, annotator, doc, &schema) {
                Err(e) => {
                    println!("{e}");
                    errors += 1;
                }
                Ok(loaded) => {
                    for p in &loaded.problems {
                        println!("{p}");
                        match p.severity {
                            Severity::Error => errors += 1,
                            Severity::Warning => warnings += 1,
                        }
                    }
                    // The gate into "done", for files written around it.
                    if let Some(why) = gate::done_with_pending(&loaded.annotations) {
                        println!(
                            "{}: warning: marked done with {why}; they are not gold: decide them in the workbench",
                            path.display()
                        );
                        warnings += 1;
                    }
                }
            }
        }
    }
    eprintln!(
        "checked {files} annotation files of {} annotators against {} documents: {errors} errors, {warnings} warnings",
        annotators.len(),
        corpus.documents.len()
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
