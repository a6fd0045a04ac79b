//! `kashif propose`: write proposals for every document into one
//! annotator's files.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use kashif::annotation::DocAnnotations;
use kashif::arabic::{name_key, normalize};
use kashif::propose::bundled;
use kashif::propose::proposer::{Proposer, fresh};
use kashif::store::{self, Store};

use super::common::Folders;

#[derive(Args, Clone, Debug)]
pub struct ProposeArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// Whose files receive the proposals.
    #[arg(long, default_value = "proposer")]
    pub annotator: String,
    /// A model file instead of the one built into the program.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Propose from the model, rules, dates and gazetteers only: no memory
    /// of what annotators saved. Use it when the proposals will be scored
    /// against an annotator's gold (a review of extraction).
    #[arg(long)]
    pub no_memory: bool,
}

/// One saved entity of some annotator, for the memory.
struct Remembered {
    doc: usize,
    key: String,
    text: String,
    label: String,
}

/// Saved entities stay, rejected proposals do not come back, undecided
/// proposals stay; new ones are added where nothing is yet.
pub fn run(args: ProposeArgs) -> anyhow::Result<ExitCode> {
    let schema = args.folders.schema()?;
    let corpus = args.folders.corpus()?;
    for e in &corpus.errors {
        eprintln!("{e}");
    }
    let model = match &args.model {
        Some(p) => bundled::load_file(p)?,
        None => bundled::load()?,
    };
    let base = Proposer::new(Arc::new(model));
    // Memory: what any annotator already saved as an entity, by document;
    // a document is never proposed for from its own entities, so proposals
    // scored against any annotator's gold never measure that gold.
    let mut memory: Vec<Remembered> = Vec::new();
    if !args.no_memory {
        for annotator in store::annotators(&args.folders.annotations) {
            for (d, doc) in corpus.documents.iter().enumerate() {
                if let Ok(Some(l)) =
                    store::read(&args.folders.annotations, &annotator, doc, &schema)
                {
                    for e in &l.annotations.entities {
                        memory.push(Remembered {
                            doc: d,
                            key: name_key(&e.text),
                            text: e.text.clone(),
                            label: e.label.clone(),
                        });
                    }
                }
            }
        }
    }
    let knowledge = if args.no_memory {
        "model, rules, dates and gazetteers; no memory (--no-memory)".to_string()
    } else {
        format!(
            "model, rules, dates and gazetteers; memory of {} saved entities, each document's own never used",
            memory.len()
        )
    };
    eprintln!("knowledge: {knowledge}");
    let mut remembered_total = 0usize;
    let store = Store::open(&args.folders.annotations, &args.annotator)
        .with_context(|| format!("opening {}", args.folders.annotations.display()))?;
    let bar = ProgressBar::new(corpus.documents.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut added, mut docs, mut failed) = (0usize, 0usize, 0usize);
    for (d, doc) in corpus.documents.iter().enumerate() {
        bar.set_message(doc.id.clone());
        let loaded = match store.load(doc, &schema) {
            Ok(l) => l,
            Err(e) => {
                bar.println(format!("{e}"));
                failed += 1;
                bar.inc(1);
                continue;
            }
        };
        if let Some(l) = &loaded
            && l.has_errors()
        {
            for p in &l.problems {
                bar.println(format!("{p}"));
            }
            bar.println(format!(
                "{}: left alone (errors)",
                store.path(&doc.id).display()
            ));
            failed += 1;
            bar.inc(1);
            continue;
        }
        let mut ann: DocAnnotations = loaded.map(|l| l.annotations).unwrap_or_default();
        let proposer = proposer_for(&base, &memory, d, &doc.text);
        remembered_total += proposer.memory_len();
        let new: Vec<_> = fresh(&ann, proposer.propose(&doc.text))
            .into_iter()
            .filter(|p| schema.contains(&p.label))
            .collect();
        added += new.len();
        ann.proposals.extend(new);
        ann.proposals
            .sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
        store
            .save(doc, &ann)
            .with_context(|| store.path(&doc.id).display().to_string())?;
        docs += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "{added} new proposals in {docs} documents for {} ({remembered_total} remembered gold strings used, none from their own document){}",
        args.annotator,
        if failed > 0 {
            format!("; {failed} documents skipped")
        } else {
            String::new()
        }
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The proposer for document `d`: `base` plus the memory of entities saved
/// in other documents whose words all occur in `text` (the rest could not
/// match anyway).
fn proposer_for(base: &Proposer, memory: &[Remembered], d: usize, text: &str) -> Proposer {
    let mut p = base.clone();
    if memory.is_empty() {
        return p;
    }
    let folded = normalize(text).into_string();
    let words: std::collections::HashSet<&str> = folded.split_whitespace().collect();
    for m in memory {
        if m.doc != d
            && m.key
                .split(' ')
                .all(|w| words.contains(w) || folded.contains(w))
        {
            p.remember(&m.text, &m.label);
        }
    }
    p
}
