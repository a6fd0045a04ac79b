//! Command latency on a long article, and proof that saving happens off the
//! calling thread.
//!
//! A 100,000-char document (the seed articles repeated) with 2,000 entities
//! and 2,000 pending proposals. For each typical command it prints the time
//! from `apply` being called to the state being updated (median, p99, max
//! over many runs), then measures `apply` while the autosave thread is
//! writing that document's 2,000-entity file, next to how long one such
//! write takes on the calling thread.
//!
//! Run: `cargo bench --bench workflow`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kashif::annotation::{Edit, Origin, Proposal, Source, Span};
use kashif::arabic::{TokenKind, tokenize};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store::Store;
use kashif::text::CharIndex;
use kashif::workflow::{Command, Direction, Edge, FocusKind, Proposer, Scope, Session};

const CHARS: usize = 100_000;
const ENTITIES: usize = 2_000;
const LABELS: [&str; 5] = ["PER", "LOC", "ORG", "MISC", "DATE"];

/// Proposes the Arabic words the entities leave free, 2,000 of them.
struct Every {
    words: Vec<(usize, usize)>,
}

impl Proposer for Every {
    fn propose(&self, _doc_id: &str, _text: &str) -> Vec<Proposal> {
        self.words
            .iter()
            .enumerate()
            .map(|(i, &(start, end))| Proposal {
                start,
                end,
                label: LABELS[i % 5].into(),
                text: String::new(),
                confidence: (i % 10) as f32 / 10.0,
                source: Source::Model,
            })
            .collect()
    }
}

fn long_text() -> String {
    // KASHIF_SEEDS lets the built bench run from another checkout.
    let dir = std::env::var("KASHIF_SEEDS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/seeds").to_string());
    let seeds = Corpus::load(Path::new(&dir)).expect("seeds load");
    let mut text = String::new();
    'fill: loop {
        for d in &seeds.documents {
            for c in d.text.chars() {
                if text.chars().count() >= CHARS {
                    break 'fill;
                }
                text.push(c);
            }
            text.push('\n');
        }
    }
    text
}

struct Stats(Vec<Duration>);

impl Stats {
    fn line(&mut self, what: &str) {
        self.0.sort();
        let n = self.0.len();
        let at = |q: f64| self.0[((n as f64 * q) as usize).min(n - 1)];
        println!(
            "{what:<46} n={n:<5} median {:>9.1?}  p99 {:>9.1?}  max {:>9.1?}",
            at(0.5),
            at(0.99),
            self.0[n - 1]
        );
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus_dir = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus_dir).expect("corpus dir");
    let text = long_text();
    std::fs::write(corpus_dir.join("long.txt"), &text).expect("write doc");
    let corpus = Corpus::load(&corpus_dir).expect("corpus");
    let doc = corpus.documents[0].clone();
    let n_chars = text.chars().count();

    // Every other Arabic word becomes an entity, the rest proposals.
    let words: Vec<(usize, usize)> = tokenize(&text)
        .iter()
        .filter(|t| t.kind == TokenKind::Arabic)
        .map(|t| (t.start, t.end))
        .collect();
    let stride = words.len() / (2 * ENTITIES);
    let picked: Vec<(usize, usize)> = words.iter().step_by(stride).copied().collect();
    let (ents, props): (Vec<_>, Vec<_>) = picked
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0], c[1]))
        .take(ENTITIES)
        .unzip();

    // Write the entities as a file, as a previous session would have.
    let ann_dir = tmp.path().join("annotations");
    {
        let store = Store::open(&ann_dir, "bench").expect("store");
        let idx = CharIndex::new(&text);
        let mut ann = kashif::annotation::DocAnnotations::default();
        for (i, &(start, end)) in ents.iter().enumerate() {
            let span = Span {
                start,
                end,
                label: LABELS[i % 5].into(),
                origin: Origin::Manual,
                text: String::new(),
                proposed: None,
            };
            Edit::Add(span).apply(&mut ann, &text, &idx).expect("add");
        }
        store.save(&doc, &ann).expect("save");
    }

    let t = Instant::now();
    let mut s = Session::open(corpus, Schema::builtin(), &ann_dir, "bench").expect("session");
    let open = t.elapsed();
    // Filtering 2,000 proposals against 2,000 entities (part of merging
    // them on the UI thread when they arrive).
    {
        let ann = s.current_annotations().expect("open document");
        let idx = CharIndex::new(&text);
        let raw = Every {
            words: props.clone(),
        }
        .propose("long", &text);
        let n = raw.len();
        let t = Instant::now();
        let fresh = kashif::workflow::fresh_proposals(ann, &text, &idx, raw);
        println!(
            "filter {n} proposals against {} entities: {:.1?} ({} kept)",
            ann.entities.len(),
            t.elapsed(),
            fresh.len()
        );
    }
    s.set_proposer(Arc::new(Every { words: props }));
    s.wait_for_proposals();
    let a = s.current_annotations().expect("open document");
    println!(
        "document: {n_chars} chars, {} entities, {} proposals; session open {open:.1?}",
        a.entities.len(),
        a.proposals.len()
    );
    s.flush().expect("flush");

    let mut tab = Vec::new();
    let mut accept = Vec::new();
    let mut relabel = Vec::new();
    let mut create = Vec::new();
    let mut undo = Vec::new();
    let mut redo = Vec::new();
    let mut move_edge = Vec::new();
    let mut reject = Vec::new();
    for round in 0..300 {
        // Tab to a proposal, accept it (or reject every third).
        while s.focus().is_none_or(|f| f.kind != FocusKind::Proposal) {
            tab.push(time(|| {
                s.apply(Command::FocusNext).expect("tab");
            }));
        }
        if round % 3 == 0 {
            reject.push(time(|| {
                s.apply(Command::RejectFocused).expect("reject");
            }));
            continue;
        }
        accept.push(time(|| {
            s.apply(Command::AcceptFocused { label: None })
                .expect("accept");
        }));
        // Tab to an entity and relabel it.
        while s.focus().is_none_or(|f| f.kind != FocusKind::Entity) {
            tab.push(time(|| {
                s.apply(Command::FocusNext).expect("tab");
            }));
        }
        let label = LABELS[(round + 1) % 5].to_string();
        relabel.push(time(|| {
            s.apply(Command::RelabelFocused(label)).ok();
        }));
        move_edge.push(time(|| {
            s.apply(Command::MoveEdge {
                edge: Edge::End,
                direction: Direction::Forward,
            })
            .ok();
        }));
        // Select a word and create an entity there.
        let (a, b) = words[(round * 97) % words.len()];
        s.apply(Command::Select { start: a, end: b })
            .expect("select");
        create.push(time(|| {
            s.apply(Command::CreateFromSelection("MISC".into())).ok();
        }));
        undo.push(time(|| {
            s.apply(Command::Undo).expect("undo");
        }));
        redo.push(time(|| {
            s.apply(Command::Redo).expect("redo");
        }));
    }
    println!("\ncommand -> updated state (apply), 100k chars, ~2,000 entities:");
    Stats(tab).line("Tab (focus next)");
    Stats(accept).line("Enter (accept focused proposal)");
    Stats(reject).line("X (reject focused proposal)");
    Stats(relabel).line("number key (relabel focused entity)");
    Stats(move_edge).line("Shift+Arrow (move end by a word)");
    Stats(create).line("create entity from selection");
    Stats(undo).line("Ctrl+Z (undo)");
    Stats(redo).line("Ctrl+Y (redo)");
    let mut bulk = Vec::new();
    let mut outcome = None;
    bulk.push(time(|| {
        outcome = Some(s.apply(Command::AcceptAllAbove(0.5)).expect("bulk"));
    }));
    println!("accept all above 0.5: {outcome:?}");
    let mut undo_bulk = Vec::new();
    undo_bulk.push(time(|| {
        s.apply(Command::Undo).expect("undo bulk");
    }));
    Stats(bulk).line("accept all above 0.5 (one step)");
    Stats(undo_bulk).line("undo of that bulk step");
    let mut search = Vec::new();
    search.push(time(|| {
        s.apply(Command::Search {
            query: "أذربيجان".into(),
            scope: Scope::Document,
        })
        .expect("search");
    }));
    Stats(search).line("search in the document");
    s.flush().expect("flush");

    // Saving off the calling thread.
    let store = s.store();
    let ann = s.current_annotations().expect("doc").clone();
    let mut clones = Vec::new();
    for _ in 0..50 {
        clones.push(time(|| drop(std::hint::black_box(ann.clone()))));
    }
    let mut direct = Vec::new();
    for _ in 0..20 {
        direct.push(time(|| store.save(&doc, &ann).expect("save")));
    }
    println!("\nsaving this document ({} entities):", ann.entities.len());
    Stats(clones).line("snapshot for autosave (part of every edit)");
    Stats(direct).line("Store::save on the calling thread (atomic)");
    let mut during = Vec::new();
    let mut all = Vec::new();
    let writes_before = s.writes();
    let t = Instant::now();
    let mut i = 0;
    while t.elapsed() < Duration::from_secs(3) {
        while s.focus().is_none_or(|f| f.kind != FocusKind::Entity) {
            s.apply(Command::FocusNext).expect("tab");
        }
        let saving = s.writing();
        let label = LABELS[i % 5].to_string();
        i += 1;
        let d = time(|| {
            s.apply(Command::RelabelFocused(label)).ok();
        });
        all.push(d);
        if saving {
            during.push(d);
        }
    }
    let writes = s.writes() - writes_before;
    let flush = time(|| s.flush().expect("flush"));
    println!(
        "{} relabels in 3 s while autosave wrote the file {writes} times",
        all.len()
    );
    Stats(all).line("relabel, all");
    if !during.is_empty() {
        Stats(during).line("relabel while the file was being written");
    }
    println!("flush at the end: {flush:.1?}");

    // Key to durable: one edit at a time (a keystroke every 50 ms), timed
    // from calling apply until the journal record is fdatasync'ed.
    let mut durable = Vec::new();
    for k in 0..100 {
        while s.focus().is_none_or(|f| f.kind != FocusKind::Entity) {
            s.apply(Command::FocusNext).expect("tab");
        }
        let before = s.journaled();
        let t = Instant::now();
        s.apply(Command::RelabelFocused(LABELS[k % 5].to_string()))
            .ok();
        while s.journaled() == before && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_micros(100));
        }
        durable.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "
key to disk (journal appended and fdatasync'ed; target 100 ms):"
    );
    Stats(durable).line("relabel -> durable in the journal");
}
