//! `kashif propose`: write proposals for every document into one
//! annotator's files.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use rayon::prelude::*;

use kashif::annotation::{DocAnnotations, Span, Status};
use kashif::arabic::name_key;
use kashif::corpus::Document;
use kashif::propose::accurate::knn::{KnnConfig, KnnMemory};
use kashif::propose::bundled;
use kashif::propose::proposer::Proposer;
use kashif::propose::recall::Recall;
use kashif::schema::Schema;
use kashif::store::{self, Store};
use kashif::workflow::{Knowledge, knn_memory_of, knows_name_with, proposals_for_document};

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
    /// Threads to propose with, documents in parallel (default: every core).
    /// The files written are the same whatever the number.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Only this share of the documents, `I/N` (0 ≤ I < N): those whose id
    /// hashes to I mod N (see [`shard_of`]), so N machines can split a
    /// corpus. Together the N shards write the files one unsharded run does.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    #[command(flatten)]
    pub tagger: super::common::TaggerArgs,
}

/// Reads `I/N` with `0 <= I < N`.
fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// The shard (0..n) of a document: FNV-1a (64-bit) of its id's UTF-8
/// bytes, mod `n`. Depends on the id alone, so a document keeps its shard
/// when others are added or removed, on any machine.
pub fn shard_of(id: &str, n: u64) -> u64 {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    });
    h % n
}

/// One saved entity of some annotator, for the memory.
struct Remembered {
    doc: usize,
    key: String,
    text: String,
    label: String,
    /// How strongly it spreads ([`crate::annotation::Span::memory_confidence`]).
    confidence: f32,
}

/// What happened to one document, reported in document order.
enum Outcome {
    /// Its annotations with the new proposals added, how many, how many
    /// undecided proposals of the file are gone (withdrawn or relabelled by
    /// the workbench's rules), and how many remembered gold strings its
    /// proposer used.
    Proposed(DocAnnotations, usize, usize, usize),
    /// Not touched; the messages say why.
    Skipped(Vec<String>),
    /// Marked done: left as it is. A done document passed the gate with
    /// nothing pending (its gold is what `export` writes); proposals added
    /// to it would keep it out of every export.
    Done,
}

/// Saved entities stay, rejected proposals do not come back, undecided
/// proposals stay; new ones are added where nothing is yet.
pub fn run(args: ProposeArgs) -> anyhow::Result<ExitCode> {
    let schema = args.folders.schema()?;
    let corpus = args.folders.corpus()?;
    for e in &corpus.errors {
        eprintln!("{e}");
    }
    // The annotator's store first: opening it replays (folds) its journal,
    // and a damaged one is kept aside and said here, before the memory
    // below reads every annotator's files (a reader refuses to read past
    // damage it cannot keep aside).
    let store = Store::open(&args.folders.annotations, &args.annotator)
        .with_context(|| format!("opening {}", args.folders.annotations.display()))?;
    if let Some(d) = &store.folded().damage {
        eprintln!("warning: {d}");
    }
    let model = match &args.model {
        Some(p) => bundled::load_file(p)?,
        None => bundled::load()?,
    };
    let mut base = Proposer::new(Arc::new(model));
    let accurate = args.tagger.accurate()?;
    if let Some(acc) = &accurate {
        base = base.with_accurate(acc.clone());
    }
    let tier = format!("{} tier", base.tier().name());
    // Memory: what any annotator already saved as an entity, by document;
    // a document is never proposed for from its own entities, so proposals
    // scored against any annotator's gold never measure that gold.
    // The same memory rules as the workbench: every saved entity and
    // rejection is counted in one `Knowledge` (labels by majority, a name
    // the annotators contradicted not spread, spelling variants, names
    // behind a glued proclitic), and each document is settled through the
    // workbench's own path (`proposals_for_document`) with its own
    // entities taken out of the counts meanwhile. The proposer's exact
    // memory (`Recall`) stands for the workbench's memory of done
    // documents inside the proposer.
    let mut memory = Recall::default();
    let mut know = Knowledge::default();
    // Every annotator's entities of each document (taken out of `know`
    // while that document is proposed for).
    let mut own: Vec<Vec<Span>> = vec![Vec::new(); corpus.documents.len()];
    // Done documents for the accurate tier's neighbour memory.
    let mut done: Vec<(String, String, Vec<Span>)> = Vec::new();
    if !args.no_memory {
        let mut remembered: Vec<Remembered> = Vec::new();
        for annotator in store::annotators(&args.folders.annotations) {
            let reader = store::Reader::open(&args.folders.annotations, &annotator)?;
            for (d, doc) in corpus.documents.iter().enumerate() {
                if let Ok(Some(l)) = reader.read(doc, &schema) {
                    know.add_document(&l.annotations);
                    own[d].extend(l.annotations.entities.iter().cloned());
                    if l.annotations.status == Status::Done {
                        // One copy per document: the last annotator's.
                        done.retain(|(id, _, _)| *id != doc.id);
                        done.push((
                            doc.id.clone(),
                            doc.text.clone(),
                            l.annotations.entities.clone(),
                        ));
                    }
                    for e in &l.annotations.entities {
                        remembered.push(Remembered {
                            doc: d,
                            key: name_key(&e.text),
                            text: e.text.clone(),
                            label: e.label.clone(),
                            confidence: e.memory_confidence(),
                        });
                    }
                }
            }
        }
        remembered.retain(|m| know.spread(&m.key).is_some_and(|(l, _)| l == m.label));
        // The strongest first: the first label remembered for a text stays.
        remembered.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        for m in &remembered {
            memory.add(m.doc, &m.text, &m.label, m.confidence);
        }
    }
    memory.build().map_err(anyhow::Error::msg)?;
    // The accurate tier's neighbour memory of done documents, as the
    // workbench keeps it; each document's own words hidden for it.
    let knn: Option<(KnnMemory, KnnConfig)> = match &accurate {
        Some(acc) if !done.is_empty() => Some((
            knn_memory_of(acc, &done).context("the accurate tier's neighbour memory")?,
            KnnConfig::default(),
        )),
        _ => None,
    };
    let knowledge = if args.no_memory {
        format!("model ({tier}), rules, dates and gazetteers; no memory (--no-memory)")
    } else {
        format!(
            "model ({tier}), rules, dates and gazetteers; memory of {} saved entities (names, their spelling variants and behind a glued proclitic, as the workbench){}, each document's own never used",
            memory.len(),
            knn.as_ref()
                .map(|(m, _)| format!(
                    "; neighbour memory of {} words of {} done documents",
                    m.len(),
                    m.documents()
                ))
                .unwrap_or_default()
        )
    };
    eprintln!("knowledge: {knowledge}");
    let memories = Memories {
        recall: &memory,
        know: Mutex::new(Vec::new()),
        knowledge: &know,
        own: &own,
        knn: knn.as_ref(),
    };
    let mut remembered_total = 0usize;
    let docs_here: Vec<(usize, &Document)> = corpus
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| args.shard.is_none_or(|(i, n)| shard_of(&d.id, n) == i))
        .collect();
    let pool = super::common::thread_pool(args.jobs)?;
    let bar = ProgressBar::new(docs_here.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut added, mut docs, mut failed, mut done_left) = (0usize, 0usize, 0usize, 0usize);
    let mut gone = 0usize;
    // Documents are proposed in parallel a batch at a time, then saved
    // and reported in document order, so files and messages are the same
    // whatever the number of threads.
    let batch = pool.current_num_threads() * 4;
    for chunk in docs_here.chunks(batch) {
        let outcomes: Vec<Outcome> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&(d, doc)| propose_one(&store, &schema, &base, &memories, d, doc))
                .collect()
        });
        for (&(_, doc), outcome) in chunk.iter().zip(outcomes) {
            bar.set_message(doc.id.clone());
            match outcome {
                Outcome::Skipped(msgs) => {
                    // `println` is swallowed when the bar is hidden (standard
                    // error not a terminal): say it either way.
                    bar.suspend(|| {
                        for m in &msgs {
                            eprintln!("{m}");
                        }
                    });
                    failed += 1;
                }
                Outcome::Done => done_left += 1,
                Outcome::Proposed(ann, n, g, used) => {
                    store
                        .save(doc, &ann)
                        .with_context(|| store.path(&doc.id).display().to_string())?;
                    added += n;
                    gone += g;
                    remembered_total += used;
                    docs += 1;
                }
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    eprintln!(
        "{added} new proposals in {docs} documents for {}{} ({remembered_total} remembered gold strings used, none from their own document){}{}{}",
        args.annotator,
        args.shard
            .map(|(i, n)| format!(" (shard {i}/{n} of {} documents)", corpus.documents.len()))
            .unwrap_or_default(),
        if gone > 0 {
            format!(
                "; {gone} undecided proposal(s) already in the files withdrawn or relabelled (decisions and rejections elsewhere, as the workbench settles them)"
            )
        } else {
            String::new()
        },
        if done_left > 0 {
            format!("; {done_left} document(s) marked done left as they are")
        } else {
            String::new()
        },
        if failed > 0 {
            format!("; {failed} document(s) skipped (said above)")
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

/// What `kashif propose` remembers, shared by the threads.
struct Memories<'a> {
    /// The proposer's exact memory of saved names.
    recall: &'a Recall,
    /// Copies of `knowledge`, one per thread at work (a thread takes its
    /// own document's entities out of one, then puts them back).
    know: Mutex<Vec<Knowledge>>,
    knowledge: &'a Knowledge,
    /// Every annotator's entities by document.
    own: &'a [Vec<Span>],
    knn: Option<&'a (KnnMemory, KnnConfig)>,
}

impl Memories<'_> {
    /// A copy of the knowledge no other thread uses.
    fn take(&self) -> Knowledge {
        let spare = match self.know.lock() {
            Ok(mut v) => v.pop(),
            Err(e) => e.into_inner().pop(),
        };
        spare.unwrap_or_else(|| self.knowledge.clone())
    }

    fn give_back(&self, k: Knowledge) {
        match self.know.lock() {
            Ok(mut v) => v.push(k),
            Err(e) => e.into_inner().push(k),
        }
    }
}

/// Loads one document's annotations and settles the proposer's answer and
/// the memory into them as the workbench does; leaves a document whose
/// file has errors alone.
fn propose_one(
    store: &Store,
    schema: &Schema,
    base: &Proposer,
    memory: &Memories,
    d: usize,
    doc: &Document,
) -> Outcome {
    let loaded = match store.load(doc, schema) {
        Ok(l) => l,
        Err(e) => return Outcome::Skipped(vec![e.to_string()]),
    };
    if let Some(l) = &loaded
        && l.has_errors()
    {
        let mut msgs: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
        msgs.push(format!(
            "{}: left alone (errors)",
            store.path(&doc.id).display()
        ));
        return Outcome::Skipped(msgs);
    }
    let mut ann: DocAnnotations = loaded.map(|l| l.annotations).unwrap_or_default();
    if ann.status == Status::Done {
        return Outcome::Done;
    }
    let (mut proposer, recalled) = memory.recall.proposer_for(base, d, &doc.text);
    if let Some((knn, config)) = memory.knn {
        let others = knn.hiding(|id| id == doc.id);
        if others.visible() > 0 {
            proposer = proposer.with_knn(Arc::new(others), *config);
        }
    }
    let machine: Vec<_> = proposer
        .propose(&doc.text)
        .into_iter()
        .filter(|p| schema.contains(&p.label))
        .collect();
    let own = memory.own.get(d).map_or(&[][..], Vec::as_slice);
    let mut know = memory.take();
    know.count_entities(own, false);
    let pending = proposals_for_document(Arc::new(doc.clone()), &ann, machine, &know, &|k| {
        knows_name_with(base, k)
    });
    know.count_entities(own, true);
    memory.give_back(know);
    let before: HashSet<(usize, usize, &str)> = ann
        .proposals
        .iter()
        .map(|p| (p.start, p.end, p.label.as_str()))
        .collect();
    let pending: Vec<_> = pending
        .into_iter()
        .filter(|p| schema.contains(&p.label))
        .collect();
    let n = pending
        .iter()
        .filter(|p| !before.contains(&(p.start, p.end, p.label.as_str())))
        .count();
    let after: HashSet<(usize, usize, &str)> = pending
        .iter()
        .map(|p| (p.start, p.end, p.label.as_str()))
        .collect();
    let gone = before.difference(&after).count();
    ann.proposals = pending;
    ann.proposals
        .sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
    Outcome::Proposed(ann, n, gone, recalled.used)
}
