//! Issue 25, point 3: each entity records how it was decided (accepted one
//! by one or in bulk, corrected, drawn), and memory weighs that: a bulk
//! accept spreads no stronger than the proposal was, and a name the
//! annotator contradicts stops spreading. Point 8: notes.

mod workflow_support;

use std::sync::Arc;

use kashif::annotation::{Decision, Origin, Proposal, Source};
use kashif::workflow::{Command, Focus, Key, Modifiers as M, Proposer, Session};
use workflow_support::*;

/// The model: proposes each string at every whole-word occurrence.
struct Model(Vec<(&'static str, &'static str, f32)>);

impl Proposer for Model {
    fn propose(&self, _: &str, text: &str) -> Vec<Proposal> {
        let words = kashif::workflow::WordEdges::new(text);
        let mut out = Vec::new();
        for &(s, label, confidence) in &self.0 {
            for (start, end) in kashif::workflow::whole_word_occurrences(text, &words, s) {
                out.push(Proposal {
                    start,
                    end,
                    label: label.into(),
                    text: String::new(),
                    confidence,
                    source: Source::Model,
                });
            }
        }
        out
    }
}

const A: &str = "قالت باكو إن الوضع هادئ وزار بلينكين المدينة.";
const B: &str = "وصل الوفد إلى باكو أمس.";
const C: &str = "غادر الوزير باكو اليوم.";

fn session(dir: &std::path::Path) -> Session {
    let mut s = open_docs(dir, &[("a", A), ("b", B), ("c", C)]);
    s.set_proposer(Arc::new(Model(vec![
        ("باكو", "PER", 0.89),
        ("بلينكين", "PER", 0.9),
    ])));
    for _ in 0..3 {
        s.apply(Command::NextDocument).unwrap();
    }
    s.wait_for_proposals();
    ok(&mut s, Command::Open("a".into()));
    s
}

/// (label, source, confidence) of the pending proposals on باكو in doc `i`.
fn on_baku(s: &Session, i: usize) -> Vec<(String, Source, f32)> {
    s.annotations(i)
        .unwrap()
        .proposals
        .iter()
        .filter(|p| p.text == "باكو")
        .map(|p| (p.label.clone(), p.source, p.confidence))
        .collect()
}

fn focus_proposal(s: &mut Session, text: &str) {
    let p = s
        .current_annotations()
        .unwrap()
        .proposals
        .iter()
        .find(|p| p.text == text)
        .unwrap_or_else(|| panic!("no proposal on {text}"))
        .clone();
    ok(s, Command::Focus(Focus::proposal(&p)));
}

#[test]
fn a_label_key_on_a_proposal_of_another_label_saves_a_correction() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let km = keymap();
    // 2 (LOC) on the model's PER? on باكو: a correction, the proposal kept.
    focus_proposal(&mut s, "باكو");
    press(&mut s, &km, M::NONE, Key::Char('2')).unwrap();
    let ann = s.current_annotations().unwrap();
    let e = ann.entities.iter().find(|e| e.text == "باكو").unwrap();
    assert_eq!(e.label, "LOC");
    assert_eq!(e.origin, Origin::Corrected(Source::Model));
    let p = e.proposed.as_ref().expect("the proposal is kept beside it");
    assert_eq!((p.label.as_str(), p.start, p.end), ("PER", e.start, e.end));
    assert!(!p.bulk);
    assert_eq!(e.decision(), Decision::CorrectedLabel);
    // Enter on بلينكين: accepted as proposed, one by one.
    focus_proposal(&mut s, "بلينكين");
    press(&mut s, &km, M::NONE, Key::Enter).unwrap();
    let ann = s.current_annotations().unwrap();
    let e = ann.entities.iter().find(|e| e.text == "بلينكين").unwrap();
    assert_eq!(e.origin, Origin::Accepted(Source::Model));
    assert_eq!(e.decision(), Decision::Accepted);
    // Resizing it afterwards keeps the proposal beside it: boundaries corrected.
    let (start, end) = (e.start, e.end);
    ok(
        &mut s,
        Command::Resize {
            start,
            end: end - 1,
        },
    );
    let ann = s.current_annotations().unwrap();
    let e = ann.entities.iter().find(|e| e.start == start).unwrap();
    assert_eq!(e.decision(), Decision::CorrectedBoundaries);
    assert_eq!(e.proposed.as_ref().unwrap().end, end);
    // Undo gives back the accepted entity, origin and all.
    ok(&mut s, Command::Undo);
    let ann = s.current_annotations().unwrap();
    let e = ann.entities.iter().find(|e| e.text == "بلينكين").unwrap();
    assert_eq!(e.decision(), Decision::Accepted);
    assert_disk_matches(&s, dir.path().join("ann").as_path());
}

#[test]
fn a_bulk_accept_spreads_no_stronger_than_the_proposal_and_stops_when_contradicted() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    ok(&mut s, Command::AcceptAllAbove(0.8));
    let ann = s.current_annotations().unwrap();
    let e = ann.entities.iter().find(|e| e.text == "باكو").unwrap();
    assert_eq!(e.decision(), Decision::AcceptedInBulk);
    assert_eq!(e.proposed.as_ref().unwrap().confidence, 0.89);
    // Elsewhere باكو is proposed as PER, but no stronger than 0.89.
    for i in [1, 2] {
        let on = on_baku(&s, i);
        assert!(!on.is_empty(), "doc {i}: {on:?}");
        for (label, _, c) in &on {
            assert_eq!(label, "PER");
            assert!(*c <= 0.89 + 1e-6, "doc {i}: a bulk guess grew to {c}");
        }
    }
    // The annotator rejects PER on باكو in b: memory stops spreading it.
    ok(&mut s, Command::Open("b".into()));
    focus_proposal(&mut s, "باكو");
    ok(&mut s, Command::RejectFocused);
    let on = on_baku(&s, 2);
    assert!(
        on.iter().all(|(_, src, _)| *src != Source::Memory),
        "a contradicted name still spreads: {on:?}"
    );
    assert_disk_matches(&s, dir.path().join("ann").as_path());
}

#[test]
fn a_name_accepted_one_by_one_spreads_as_memory_until_deleted_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let km = keymap();
    focus_proposal(&mut s, "باكو");
    press(&mut s, &km, M::NONE, Key::Char('2')).unwrap();
    // The annotator's own decision spreads at memory's confidence.
    for i in [1, 2] {
        let on = on_baku(&s, i);
        assert!(
            on.iter()
                .any(|(l, src, c)| l == "LOC" && *src == Source::Memory && *c >= 0.95),
            "doc {i}: {on:?}"
        );
    }
    // Accepted in b, then deleted there: c gets no memory proposal any more.
    ok(&mut s, Command::Open("b".into()));
    focus_proposal(&mut s, "باكو");
    ok(&mut s, Command::AcceptFocused { label: None });
    let e = s
        .current_annotations()
        .unwrap()
        .entities
        .iter()
        .find(|e| e.text == "باكو")
        .unwrap()
        .clone();
    ok(&mut s, Command::Focus(Focus::entity(&e)));
    ok(&mut s, Command::DeleteFocused);
    let on = on_baku(&s, 2);
    assert!(
        on.iter().all(|(_, src, _)| *src != Source::Memory),
        "a deleted name still spreads: {on:?}"
    );
}

#[test]
fn notes_on_a_document_and_an_entity_are_saved_undone_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    focus_proposal(&mut s, "باكو");
    ok(&mut s, Command::AcceptFocused { label: None });
    let e = s
        .current_annotations()
        .unwrap()
        .entities
        .iter()
        .find(|e| e.text == "باكو")
        .unwrap()
        .clone();
    let at = Some((e.start, e.end));
    ok(
        &mut s,
        Command::SetNote {
            at: None,
            text: "ask the lead: is this an opinion piece?".into(),
        },
    );
    ok(
        &mut s,
        Command::SetNote {
            at,
            text: "city or government?".into(),
        },
    );
    // A note on a place with no entity is refused.
    assert!(
        s.apply(Command::SetNote {
            at: Some((0, 2)),
            text: "x".into()
        })
        .is_err()
    );
    let ann = s.current_annotations().unwrap();
    assert_eq!(
        ann.note(None),
        Some("ask the lead: is this an opinion piece?")
    );
    assert_eq!(ann.note(at), Some("city or government?"));
    assert_disk_matches(&s, dir.path().join("ann").as_path());
    ok(&mut s, Command::Undo);
    assert_eq!(s.current_annotations().unwrap().note(at), None);
    ok(&mut s, Command::Redo);
    s.flush().unwrap();
    drop(s);
    let s = open(
        corpus_of(&dir.path().join("corpus"), &[("a", A), ("b", B), ("c", C)]),
        &dir.path().join("ann"),
    );
    let ann = s.annotations(0).unwrap();
    assert_eq!(ann.note(at), Some("city or government?"));
    assert_eq!(ann.notes.len(), 2);
}
