//! Shared by the workflow integration tests: corpora in temp folders, a fake
//! proposer and learner, key presses through the real keymap, and the check
//! that what is on disk equals what is in memory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use kashif::annotation::{Proposal, Source, Span};
use kashif::corpus::Corpus;
use kashif::propose::train::TrainControl;
use kashif::schema::Schema;
use kashif::store;
use kashif::text::CharIndex;
use kashif::workflow::{
    Action, Chord, Command, Key, Keymap, Learner, Modifiers, Outcome, Proposer, RetrainError,
    SaveTiming, Session, WordEdges, WorkflowError, whole_word_occurrences,
};

pub const ANNOTATOR: &str = "tester";

/// Fast autosave so tests that wait for it do not wait long.
pub const FAST: SaveTiming = SaveTiming {
    debounce: Duration::from_millis(20),
    retry: Duration::from_millis(50),
};

pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

pub fn seeds() -> Corpus {
    Corpus::load(&seeds_dir()).expect("seeds load")
}

/// A corpus folder with these documents.
pub fn corpus_of(dir: &Path, docs: &[(&str, &str)]) -> Corpus {
    std::fs::create_dir_all(dir).unwrap();
    for (id, text) in docs {
        std::fs::write(dir.join(format!("{id}.txt")), text).unwrap();
    }
    Corpus::load(dir).unwrap()
}

pub fn open(corpus: Corpus, annotations: &Path) -> Session {
    Session::open_with(corpus, Schema::builtin(), annotations, ANNOTATOR, FAST).expect("session")
}

/// A session over `docs` (id, text), written as `dir/corpus/<id>.txt`,
/// with its annotations in `dir/ann`.
pub fn open_docs(dir: &Path, docs: &[(&str, &str)]) -> Session {
    open(corpus_of(&dir.join("corpus"), docs), &dir.join("ann"))
}

/// Proposes every whole-word occurrence of its strings.
pub struct FakeProposer {
    pub entries: Vec<(&'static str, &'static str, f32)>,
    pub calls: AtomicUsize,
}

impl FakeProposer {
    pub fn new(entries: &[(&'static str, &'static str, f32)]) -> FakeProposer {
        FakeProposer {
            entries: entries.to_vec(),
            calls: AtomicUsize::new(0),
        }
    }
}

impl Proposer for FakeProposer {
    fn propose(&self, _doc_id: &str, text: &str) -> Vec<Proposal> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let words = WordEdges::new(text);
        let mut out = Vec::new();
        for &(s, label, confidence) in &self.entries {
            for (start, end) in whole_word_occurrences(text, &words, s) {
                out.push(Proposal {
                    start,
                    end,
                    label: label.into(),
                    text: String::new(),
                    confidence,
                    source: Source::Gazetteer,
                });
            }
        }
        out
    }
}

/// Records what it was taught; retraining reports how many documents.
#[derive(Default)]
pub struct FakeLearner {
    pub remembered: Mutex<Vec<(String, Vec<String>)>>,
    pub retrains: AtomicUsize,
}

impl Learner for FakeLearner {
    fn remember(&self, doc_id: &str, _text: &str, entities: &[Span]) {
        let texts = entities.iter().map(|s| s.text.clone()).collect();
        self.remembered
            .lock()
            .unwrap()
            .push((doc_id.to_string(), texts));
    }

    fn retrain(&self, _: &TrainControl) -> Result<String, RetrainError> {
        let n = self.retrains.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(format!("model {n}"))
    }
}

/// A retraining that is seen running: each run reports 30 % done, then
/// holds until it is cancelled (it returns `Cancelled`, as training does
/// at its next check) or let go ([`HeldLearner::release`]: it finishes,
/// commits and says "held model N", N counting the runs that finished).
#[derive(Default)]
pub struct HeldLearner {
    /// Runs started.
    pub started: AtomicUsize,
    /// Runs that finished and put their "model" in use.
    pub finished: AtomicUsize,
    go: AtomicBool,
}

impl HeldLearner {
    /// Lets every run, now and later, finish.
    pub fn release(&self) {
        self.go.store(true, Ordering::SeqCst);
    }
}

impl Learner for HeldLearner {
    fn remember(&self, _: &str, _: &str, _: &[Span]) {}

    fn retrain(&self, control: &TrainControl) -> Result<String, RetrainError> {
        self.started.fetch_add(1, Ordering::SeqCst);
        control.begin(10);
        control.advance(3);
        while !self.go.load(Ordering::SeqCst) {
            if control.is_cancelled() {
                return Err(RetrainError::Cancelled);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        control.advance(7);
        if !control.commit() {
            return Err(RetrainError::Cancelled);
        }
        let n = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(format!("held model {n}"))
    }
}

/// Waits (polling the session) until the retraining's progress bar would
/// show `fraction`; panics after 30 s (a hang, not a timing).
pub fn wait_for_learn_progress(s: &mut Session, fraction: f32) {
    let t = std::time::Instant::now();
    loop {
        s.poll();
        if s.learn_progress().is_some_and(|p| p.fraction == fraction) {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{:?}",
            s.learn_progress()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Presses a key through the real keymap (article focused) and applies it.
pub fn press(
    s: &mut Session,
    km: &Keymap,
    mods: Modifiers,
    key: Key,
) -> Result<Outcome, WorkflowError> {
    match km.action(Chord::new(mods, key), false) {
        Some(Action::Run(cmd)) => s.apply(cmd.clone()),
        other => panic!("{mods:?}+{key:?} runs no command: {other:?}"),
    }
}

pub fn keymap() -> Keymap {
    Keymap::new(&Schema::builtin())
}

/// Char range of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn range_of(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let (b, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in text"));
    let s = CharIndex::new(text).char_of(b);
    (s, s + needle.chars().count())
}

/// Flushes, then checks every editable document: the file read back equals
/// memory (a document never changed may have no file).
pub fn assert_disk_matches(s: &Session, annotations: &Path) {
    s.flush().expect("flush");
    let schema = Schema::builtin();
    for (i, doc) in s.documents().iter().enumerate() {
        let state = s.state(i).unwrap();
        if state.read_only.is_some() {
            continue;
        }
        let disk = store::read(annotations, ANNOTATOR, doc, &schema)
            .unwrap_or_else(|e| panic!("{}: {e}", doc.id));
        // A document the annotator did not edit is not written when the
        // machine's proposals change: only its decisions must match.
        let decided = |a: &kashif::annotation::DocAnnotations| {
            let mut a = a.clone();
            if !state.edited {
                a.proposals.clear();
            }
            a
        };
        match disk {
            Some(loaded) => assert_eq!(
                decided(&loaded.annotations),
                decided(&state.annotations),
                "{}: disk differs from memory",
                doc.id
            ),
            None => assert_eq!(
                decided(&state.annotations),
                Default::default(),
                "{}: edited but no file",
                doc.id
            ),
        }
    }
}

/// Runs a command that must succeed.
pub fn ok(s: &mut Session, cmd: Command) -> Outcome {
    s.apply(cmd.clone())
        .unwrap_or_else(|e| panic!("{cmd:?} failed: {e}"))
}

/// The rules pending proposals keep (src/workflow/settle.rs), checked on
/// every document: none coincides with or crosses an entity, none sits
/// inside a person's name, none overlaps an entity of a done document, no
/// two coincide or cross (strict nesting may stay), none keeps a proclitic
/// before a name confirmed anywhere in the corpus unless the whole word is
/// confirmed too, and no label the annotator turned down on a name comes
/// back on it unless confirmed.
pub fn assert_proposal_invariants(s: &Session, when: &str) {
    use kashif::annotation::Status;
    use kashif::arabic::{name_key, name_keys};
    use std::collections::{HashMap, HashSet};
    let mut confirmed: HashMap<String, HashSet<String>> = HashMap::new();
    let mut turned_down: HashSet<(String, String)> = HashSet::new();
    for i in 0..s.documents().len() {
        let a = s.annotations(i).unwrap();
        for e in &a.entities {
            confirmed
                .entry(name_key(&e.text))
                .or_default()
                .insert(e.label.clone());
        }
        for r in &a.rejected {
            turned_down.insert((name_key(&r.text), r.label.clone()));
        }
    }
    let crosses = |a: (usize, usize), b: (usize, usize)| {
        a.0 < b.1 && b.0 < a.1 && !(a.0 <= b.0 && b.1 <= a.1) && !(b.0 <= a.0 && a.1 <= b.1)
    };
    for (i, doc) in s.documents().iter().enumerate() {
        let a = s.annotations(i).unwrap();
        let id = &doc.id;
        for p in &a.proposals {
            let here = (p.start, p.end);
            for e in &a.entities {
                let there = (e.start, e.end);
                assert!(here != there, "{when}: {id}: {p:?} at the place of {e:?}");
                assert!(!crosses(here, there), "{when}: {id}: {p:?} crosses {e:?}");
                assert!(
                    !(e.label == "PER" && e.start <= p.start && p.end <= e.end),
                    "{when}: {id}: {p:?} inside person {e:?}"
                );
                assert!(
                    !(e.label == p.label && e.start <= p.start && p.end <= e.end),
                    "{when}: {id}: {p:?} inside {e:?} of its label"
                );
                assert!(
                    !(a.status == Status::Done && e.start < p.end && p.start < e.end),
                    "{when}: {id}: done, but {p:?} over {e:?}"
                );
            }
            let spanned = a
                .entities
                .iter()
                .filter(|e| p.start <= e.start && e.end <= p.end)
                .count();
            assert!(spanned < 2, "{when}: {id}: {p:?} spans {spanned} entities");
            for q in &a.proposals {
                if std::ptr::eq(p, q) {
                    continue;
                }
                let there = (q.start, q.end);
                assert!(here != there, "{when}: {id}: {p:?} and {q:?} coincide");
                assert!(!crosses(here, there), "{when}: {id}: {p:?} crosses {q:?}");
            }
            let keys = name_keys(&p.text);
            if !confirmed.contains_key(&keys[0]) {
                for k in &keys[1..] {
                    assert!(
                        !confirmed.contains_key(k),
                        "{when}: {id}: {p:?} keeps a proclitic before the confirmed {k}"
                    );
                }
            }
            let whole = confirmed.get(&keys[0]);
            for key in &keys {
                let labels = confirmed.get(key).or(whole);
                assert!(
                    !turned_down.contains(&(key.clone(), p.label.clone()))
                        || labels.is_some_and(|l| l.contains(&p.label)),
                    "{when}: {id}: {p:?} was turned down on {key}"
                );
            }
        }
    }
}
