//! Issue 12, the accurate tier in the workbench: the fast tier proposes at
//! once, the accurate tier follows in the background and replaces the fast
//! tier's proposals for a document when ready; rejections, entities and
//! memory still win; a later fast answer never overwrites the accurate
//! one; a missing or broken encoder keeps the fast tier and says why,
//! naming the file; the status bar says which tier proposes.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use kashif::annotation::{Proposal, Source};
use kashif::workflow::{
    AccurateProposer, Base, Command, Focus, ModelProposer, Proposer, Session, Tier, TierStatus,
    WordEdges, whole_word_occurrences,
};
use workflow_support::*;

const A: &str = "اقتربت أرمينيا من اتفاق مع أذربيجان في موسكو ثم قال الوزير في موسكو يوم الخميس";
const B: &str = "زار الوزير طهران ثم سافر إلى أنقرة";

/// Proposes every whole-word occurrence of its strings, from one source.
struct Fake {
    entries: Vec<(&'static str, &'static str, Source)>,
}

fn fake(entries: &[(&'static str, &'static str, Source)]) -> Arc<Fake> {
    Arc::new(Fake {
        entries: entries.to_vec(),
    })
}

impl Proposer for Fake {
    fn propose(&self, _doc_id: &str, text: &str) -> Vec<Proposal> {
        let words = WordEdges::new(text);
        let mut out = Vec::new();
        for &(s, label, source) in &self.entries {
            for (start, end) in whole_word_occurrences(text, &words, s) {
                out.push(Proposal {
                    start,
                    end,
                    label: label.into(),
                    text: String::new(),
                    confidence: 0.9,
                    source,
                });
            }
        }
        out
    }
}

/// A proposer that says which document it started on, then waits for a
/// go before answering: the test decides which answer comes when.
struct Gated {
    inner: Arc<Fake>,
    entered: Mutex<Sender<String>>,
    go: Mutex<Receiver<()>>,
}

fn gated(inner: Arc<Fake>) -> (Arc<Gated>, Receiver<String>, Sender<()>) {
    let (entered, entered_rx) = channel();
    let (go_tx, go) = channel();
    let g = Gated {
        inner,
        entered: Mutex::new(entered),
        go: Mutex::new(go),
    };
    (Arc::new(g), entered_rx, go_tx)
}

impl Proposer for Gated {
    fn propose(&self, doc_id: &str, text: &str) -> Vec<Proposal> {
        let _ = self.entered.lock().unwrap().send(doc_id.to_string());
        let _ = self.go.lock().unwrap().recv();
        self.inner.propose(doc_id, text)
    }
}

const MODEL: Source = Source::Model;

/// The two tiers of these tests: they disagree on أرمينيا and موسكو, the
/// accurate one finds أذربيجان, the fast one الخميس, and its memory (of
/// gold names: the combined proposer's) الوزير.
fn fast() -> Arc<Fake> {
    fake(&[
        ("أرمينيا", "PER", MODEL),
        ("موسكو", "ORG", MODEL),
        ("الخميس", "DATE", Source::Rule),
        ("الوزير", "PER", Source::Memory),
    ])
}

fn accurate() -> Arc<Fake> {
    fake(&[
        ("أرمينيا", "LOC", MODEL),
        ("أذربيجان", "LOC", MODEL),
        ("موسكو", "LOC", MODEL),
    ])
}

fn pending(s: &Session, i: usize) -> Vec<(String, String, Source)> {
    s.annotations(i)
        .unwrap()
        .proposals
        .iter()
        .map(|p| (p.text.clone(), p.label.clone(), p.source))
        .collect()
}

fn has(s: &Session, i: usize, text: &str, label: &str) -> bool {
    pending(s, i)
        .iter()
        .any(|(t, l, _)| t == text && l == label)
}

fn corpus(tmp: &Path) -> Session {
    open_docs(tmp, &[("a", A), ("b", B)])
}

/// Polls (as the UI does each frame) until `done` holds, for at most 10 s.
fn poll_until(s: &mut Session, done: impl Fn(&Session) -> bool) {
    let t = Instant::now();
    while !done(s) {
        assert!(t.elapsed() < Duration::from_secs(10), "timed out");
        s.poll();
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn the_accurate_answer_replaces_the_fast_proposals_of_its_document() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    s.set_proposer(fast());
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Fast));
    assert_eq!(s.tier_status(), TierStatus::Fast);
    assert!(has(&s, 0, "أرمينيا", "PER"));
    assert!(has(&s, 0, "الخميس", "DATE"));
    // The annotator is on the fast tier's أرمينيا PER when the answer comes.
    let armenia = s.annotations(0).unwrap().proposals[0].clone();
    assert_eq!(armenia.label, "PER");
    ok(&mut s, Command::Focus(Focus::proposal(&armenia)));
    s.set_accurate(accurate());
    assert_eq!(s.tier_status(), TierStatus::Working);
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Accurate));
    assert_eq!(s.tier_status(), TierStatus::Accurate);
    let got = pending(&s, 0);
    assert!(has(&s, 0, "أرمينيا", "LOC"), "{got:?}");
    assert!(has(&s, 0, "أذربيجان", "LOC"), "{got:?}");
    assert_eq!(got.iter().filter(|p| p.0 == "موسكو").count(), 2, "{got:?}");
    // The focus moved to the accurate tier's proposal at its place.
    let f = s.focus().expect("still focused");
    assert_eq!(
        (f.start, f.end, f.label.as_str()),
        (armenia.start, armenia.end, "LOC")
    );
    let model = got.iter().filter(|p| p.2 == MODEL);
    assert!(model.clone().all(|p| p.1 == "LOC"), "{got:?}");
    assert_eq!(model.count(), 4, "{got:?}");
    // The fast tier's date is gone too: the document's machine proposals
    // are the accurate tier's now.
    assert!(!has(&s, 0, "الخميس", "DATE"), "{got:?}");
    // ...but for the memory's proposals, which stay.
    assert!(
        got.contains(&("الوزير".into(), "PER".into(), Source::Memory)),
        "{got:?}"
    );
    // Proposals arriving are no edit of the annotator's.
    assert!(!s.can_undo());
    // The next document was sent to both tiers too.
    assert_eq!(s.proposal_tier(1), Some(Tier::Accurate));
    assert_proposal_invariants(&s, "after the accurate tier");
    assert_disk_matches(&s, &tmp.path().join("ann"));
}

#[test]
fn a_rejected_proposal_is_not_brought_back_by_the_accurate_tier() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    s.set_proposer(fake(&[("أذربيجان", "LOC", MODEL)]));
    s.wait_for_proposals();
    let p = s.annotations(0).unwrap().proposals[0].clone();
    ok(&mut s, Command::Focus(Focus::proposal(&p)));
    ok(&mut s, Command::RejectFocused);
    let undo = s.undo_name().map(str::to_string);
    assert!(!has(&s, 0, "أذربيجان", "LOC"));
    s.set_accurate(accurate());
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Accurate));
    assert!(has(&s, 0, "أرمينيا", "LOC"), "{:?}", pending(&s, 0));
    assert!(!has(&s, 0, "أذربيجان", "LOC"), "{:?}", pending(&s, 0));
    assert_eq!(s.annotations(0).unwrap().rejected.len(), 1);
    // The undo history is the annotator's, untouched.
    assert_eq!(s.undo_name().map(str::to_string), undo);
    ok(&mut s, Command::Undo);
    assert!(s.annotations(0).unwrap().rejected.is_empty());
    assert_disk_matches(&s, &tmp.path().join("ann"));
}

#[test]
fn entities_and_memory_win_over_the_accurate_tier() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    // The annotator confirms أرمينيا as LOC... and the first موسكو as ORG.
    let (a, b) = range_of(A, "أرمينيا", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("LOC".into()));
    let (a, b) = range_of(A, "موسكو", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("ORG".into()));
    let entities = s.annotations(0).unwrap().entities.clone();
    let undo = s.undo_name().map(str::to_string);
    s.set_accurate(fake(&[
        ("أرمينيا", "PER", MODEL),
        ("موسكو", "LOC", MODEL),
        ("أذربيجان", "LOC", MODEL),
    ]));
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Accurate));
    let got = pending(&s, 0);
    // Nothing at the place of an entity, whatever the label.
    assert!(!got.iter().any(|p| p.0 == "أرمينيا"), "{got:?}");
    // The second موسكو: the memory's label (the annotator said ORG), not
    // the accurate tier's LOC.
    let moscow: Vec<_> = got.iter().filter(|p| p.0 == "موسكو").collect();
    assert_eq!(moscow.len(), 1, "{got:?}");
    assert_eq!(moscow[0].1, "ORG", "{got:?}");
    assert_eq!(moscow[0].2, Source::Memory, "{got:?}");
    assert!(has(&s, 0, "أذربيجان", "LOC"), "{got:?}");
    assert_eq!(s.annotations(0).unwrap().entities, entities);
    assert_eq!(s.undo_name().map(str::to_string), undo);
    assert_proposal_invariants(&s, "memory and entities");
    assert_disk_matches(&s, &tmp.path().join("ann"));
}

#[test]
fn a_later_fast_answer_does_not_overwrite_the_accurate_proposals() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    // The fast tier is held back on document a until the accurate tier's
    // answer is in (as after a retraining, when the fast tier proposes
    // again); its memory proposal still counts.
    let (slow_fast, entered, go) = gated(fake(&[
        ("أرمينيا", "PER", MODEL),
        ("طهران", "LOC", Source::Memory),
        ("الخميس", "DATE", Source::Rule),
        ("الوزير", "PER", Source::Memory),
    ]));
    s.set_proposer(slow_fast);
    assert_eq!(entered.recv().unwrap(), "a");
    s.set_accurate(accurate());
    poll_until(&mut s, |s| s.proposal_tier(0) == Some(Tier::Accurate));
    assert!(has(&s, 0, "أرمينيا", "LOC"));
    for _ in 0..4 {
        let _ = go.send(());
    }
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Accurate));
    let got = pending(&s, 0);
    assert!(has(&s, 0, "أرمينيا", "LOC"), "{got:?}");
    assert!(!has(&s, 0, "أرمينيا", "PER"), "{got:?}");
    assert!(!has(&s, 0, "الخميس", "DATE"), "{got:?}");
    // The memory's proposal from the fast answer is taken.
    assert!(has(&s, 0, "الوزير", "PER"), "{got:?}");
    assert_eq!(s.tier_status(), TierStatus::Accurate);
    assert_disk_matches(&s, &tmp.path().join("ann"));
}

#[test]
fn the_open_document_goes_first_to_the_accurate_tier() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = [("a", A), ("b", B), ("c", B), ("d", A)];
    let mut s = open_docs(tmp.path(), &docs);
    let (slow, entered, go) = gated(accurate());
    s.set_accurate(slow);
    // a is being worked on, b waits; the annotator opens d.
    assert_eq!(entered.recv().unwrap(), "a");
    ok(&mut s, Command::Open("d".into()));
    assert_eq!(s.tier_status(), TierStatus::Working);
    let mut order = Vec::new();
    for _ in 0..3 {
        go.send(()).unwrap();
        if order.len() < 2 {
            order.push(entered.recv().unwrap());
        }
    }
    s.wait_for_proposals();
    assert_eq!(order, ["d", "b"]);
    assert_eq!(s.tier_status(), TierStatus::Accurate);
    assert_eq!(s.proposal_tier(2), None, "c was never opened nor next");
}

/// The workbench's combined proposer over the shipped fast model.
fn shipped() -> Arc<ModelProposer> {
    let model = kashif::propose::bundled::load().expect("shipped model");
    Arc::new(ModelProposer::with_base(
        kashif::propose::proposer::Proposer::new(Arc::new(model)),
        Base::Nothing,
    ))
}

/// What `kashif gui` does: load the encoder from `dir` in the background.
fn load_from(s: &mut Session, dir: &Path) {
    let (dir, base) = (dir.to_path_buf(), shipped());
    s.load_accurate(move || {
        AccurateProposer::load(&dir, base)
            .map(|p| Arc::new(p) as Arc<dyn Proposer>)
            .map_err(|e| e.to_string())
    });
}

#[test]
fn a_missing_or_broken_encoder_keeps_the_fast_tier_and_says_which_file() {
    let tmp = tempfile::tempdir().unwrap();
    let encoder = tmp.path().join("encoder");
    std::fs::create_dir_all(&encoder).unwrap();
    let mut s = corpus(tmp.path());
    // Loading, before any tier proposed (the bench's case).
    load_from(&mut s, &encoder);
    assert_eq!(s.tier_status(), TierStatus::Loading);
    s.set_proposer(fast());
    s.wait_for_proposals();
    let missing = encoder.join("config.json").display().to_string();
    match s.tier_status() {
        TierStatus::FastOnly(why) => {
            assert!(why.contains(&missing), "{why}");
            assert!(why.contains("missing"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.proposal_tier(0), Some(Tier::Fast));
    assert!(has(&s, 0, "أرمينيا", "PER"));
    let text = s.tier_status().text().unwrap();
    assert!(text.starts_with("proposals: fast tier only: "), "{text}");
    // Moving on keeps proposing with the fast tier.
    ok(&mut s, Command::NextDocument);
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(1), Some(Tier::Fast));
    assert!(matches!(s.tier_status(), TierStatus::FastOnly(_)));

    // A broken configuration file: named, and the fast tier stays.
    std::fs::write(encoder.join("config.json"), "{ not json").unwrap();
    load_from(&mut s, &encoder);
    assert!(s.proposing(), "loading counts as background work");
    assert_eq!(s.tier_status(), TierStatus::Loading);
    s.wait_for_proposals();
    match s.tier_status() {
        TierStatus::FastOnly(why) => {
            assert!(why.contains(&missing), "{why}");
            assert!(why.contains("not a usable encoder file"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failing_accurate_tier_keeps_the_fast_proposals_and_says_so() {
    struct Panics;
    impl Proposer for Panics {
        fn propose(&self, _: &str, _: &str) -> Vec<Proposal> {
            panic!("encoder exploded")
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    s.set_proposer(fast());
    s.set_accurate(Arc::new(Panics));
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Fast));
    assert!(has(&s, 0, "أرمينيا", "PER"));
    match s.tier_status() {
        TierStatus::FastOnly(why) => assert!(why.contains("a: the proposer failed"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_encoder_error_is_shown_not_hidden_behind_the_fast_tagger() {
    // A proposer that answers `propose` (the fall back) but reports the
    // encoder's error through `try_propose`, as `AccurateProposer` does.
    struct Fails;
    impl Proposer for Fails {
        fn propose(&self, _: &str, text: &str) -> Vec<Proposal> {
            fast().propose("a", text)
        }
        fn try_propose(&self, doc_id: &str, _: &str) -> Result<Vec<Proposal>, String> {
            Err(format!(
                "{doc_id}: the encoder failed on a sentence: shape mismatch"
            ))
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    s.set_proposer(fast());
    s.set_accurate(Arc::new(Fails));
    s.wait_for_proposals();
    assert_eq!(s.proposal_tier(0), Some(Tier::Fast));
    match s.tier_status() {
        TierStatus::FastOnly(why) => assert!(why.contains("shape mismatch"), "{why}"),
        other => panic!("{other:?}"),
    }
}

// ----- the status bar -------------------------------------------------

mod status_bar {
    use super::*;
    use wire_support::{session, settle, workbench, write_corpus};

    #[test]
    fn the_status_bar_says_which_tier_proposes() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        write_corpus(&corpus, &[("a", A), ("b", B)]);
        let ann = tmp.path().join("ann");
        let mut h = workbench(&corpus, &ann, fast(), (1600.0, 700.0));
        // The accurate tier off: nothing said about tiers.
        assert!(h.query_by_label_contains("proposals:").is_none());
        // The accurate tier, held back: the bar says it is working.
        let (slow, entered, go) = gated(accurate());
        h.state_mut()
            .model
            .session
            .as_mut()
            .unwrap()
            .set_accurate(slow);
        assert_eq!(entered.recv().unwrap(), "a");
        // (A few frames: the spinner keeps asking for more.)
        for _ in 0..3 {
            h.step();
        }
        h.get_by_label_contains("proposals: fast tier; accurate tier working…");
        go.send(()).unwrap();
        go.send(()).unwrap();
        settle(&mut h);
        h.get_by_label_contains("proposals: accurate tier");
        assert!(h.query_by_label_contains("working").is_none());
        assert_eq!(session(&h).proposal_tier(0), Some(Tier::Accurate));
        let shown = &session(&h).current_annotations().unwrap().proposals;
        assert!(shown.iter().any(|p| p.text == "أذربيجان"));
    }

    #[test]
    fn the_status_bar_names_the_missing_encoder_file() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        write_corpus(&corpus, &[("a", A)]);
        let ann = tmp.path().join("ann");
        let encoder = tmp.path().join("enc");
        let mut h = workbench(&corpus, &ann, fast(), (1600.0, 700.0));
        load_from(h.state_mut().model.session.as_mut().unwrap(), &encoder);
        settle(&mut h);
        h.get_by_label_contains("proposals: fast tier only: ");
        h.get_by_label_contains("enc/config.json");
    }
}

/// The real path: the shipped fast model as the fast tier, the encoder's
/// files (`$KASHIF_ENCODER`, else assets/encoder, as `kashif gui`) loaded
/// in the background; the document's model proposals end up the
/// encoder's, checked against the combined proposer run directly.
#[test]
fn the_encoder_replaces_the_fast_tier_in_a_session() {
    let dir = kashif::propose::accurate::default_dir();
    let tmp = tempfile::tempdir().unwrap();
    let mut s = corpus(tmp.path());
    let base = shipped();
    s.set_proposer(base.clone());
    load_from(&mut s, &dir);
    s.wait_for_proposals();
    assert_eq!(s.tier_status(), TierStatus::Accurate, "{}", dir.display());
    assert_eq!(s.proposal_tier(0), Some(Tier::Accurate));
    let tagger =
        Arc::new(kashif::propose::accurate::AccurateTagger::load(&dir).expect("the encoder loads"));
    let direct = kashif::propose::proposer::Proposer::new(Arc::new(
        kashif::propose::bundled::load().unwrap(),
    ))
    .with_accurate(tagger)
    .propose(A);
    for p in &s.annotations(0).unwrap().proposals {
        if p.source == MODEL {
            assert!(
                direct.iter().any(|q| q.source == MODEL
                    && q.label == p.label
                    && q.start < p.end
                    && p.start < q.end),
                "{p:?} is not the encoder's: {direct:?}"
            );
        }
    }
    assert_proposal_invariants(&s, "with the encoder");
    assert_disk_matches(&s, &tmp.path().join("ann"));
}
