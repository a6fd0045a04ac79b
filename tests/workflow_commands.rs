//! The workflow driven by commands and key presses, checking after each
//! step that the RON file on disk equals the state in memory.

mod workflow_support;

use std::sync::Arc;

use kashif::annotation::{Origin, Source, Status};
use kashif::workflow::{
    Command, Edge, FocusKind, Key, LearnStatus, Modifiers as M, Outcome, SaveStatus, Scope, Side,
    WorkflowError,
};
use workflow_support::*;

const FIRST: &str = "000_a5568e69e50189a5";

fn proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[
        ("واشنطن", "LOC", 0.4),
        ("أرمينيا", "LOC", 0.9),
        ("أذربيجان", "LOC", 0.8),
        ("أنتوني بلينكين", "PER", 0.95),
    ]))
}

fn current_text(s: &kashif::workflow::Session) -> String {
    s.current_document().unwrap().text.clone()
}

#[test]
fn accept_reject_and_relabel_proposals_by_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let km = keymap();
    assert_eq!(s.current_document().unwrap().id, FIRST);
    s.set_proposer(proposer());
    s.wait_for_proposals();
    let text = current_text(&s);
    let ann = s.current_annotations().unwrap();
    assert!(ann.proposals.len() >= 4, "{:?}", ann.proposals);
    assert_eq!(ann.status, Status::Todo);
    assert_disk_matches(&s, dir.path());

    // Tab focuses the first item in reading order: (واشنطن) opens the text.
    press(&mut s, &km, M::NONE, Key::Tab).unwrap();
    let f = s.focus().unwrap().clone();
    assert_eq!((f.kind, f.start), (FocusKind::Proposal, 1));

    // Enter accepts it; focus moves on to the next proposal (أرمينيا).
    press(&mut s, &km, M::NONE, Key::Enter).unwrap();
    let ann = s.current_annotations().unwrap();
    let e = &ann.entities[0];
    assert_eq!((e.text.as_str(), e.label.as_str()), ("واشنطن", "LOC"));
    assert_eq!(e.origin, Origin::Accepted(Source::Gazetteer));
    assert_eq!(ann.status, Status::InProgress);
    assert_eq!(s.focus().unwrap().start, range_of(&text, "أرمينيا", 0).0);
    assert_disk_matches(&s, dir.path());

    // X rejects أرمينيا; it is remembered.
    press(&mut s, &km, M::NONE, Key::Char('x')).unwrap();
    let ann = s.current_annotations().unwrap();
    assert_eq!(ann.rejected.len(), 1);
    assert_eq!(ann.rejected[0].text, "أرمينيا");
    assert_disk_matches(&s, dir.path());

    // Focus is on أذربيجان (after the و): 3 accepts it as ORG.
    let f = s.focus().unwrap().clone();
    assert_eq!(f.start, range_of(&text, "أذربيجان", 0).0);
    press(&mut s, &km, M::NONE, Key::Char('3')).unwrap();
    let ann = s.current_annotations().unwrap();
    let azer = ann.entities.iter().find(|e| e.text == "أذربيجان").unwrap();
    assert_eq!(azer.label, "ORG");
    assert_disk_matches(&s, dir.path());

    // Back to the entity with Shift+Tab until focused, then 2 relabels it LOC.
    while s.focus().unwrap().kind != FocusKind::Entity || s.focus().unwrap().label != "ORG" {
        press(&mut s, &km, M::SHIFT, Key::Tab).unwrap();
    }
    press(&mut s, &km, M::NONE, Key::Char('2')).unwrap();
    let ann = s.current_annotations().unwrap();
    assert!(
        ann.entities
            .iter()
            .any(|e| e.text == "أذربيجان" && e.label == "LOC")
    );
    assert!(!ann.entities.iter().any(|e| e.label == "ORG"));
    assert_eq!(s.focus().unwrap().label, "LOC");
    assert_disk_matches(&s, dir.path());

    // Backspace also rejects; Enter on an entity is refused, changing nothing.
    let before = s.current_annotations().unwrap().clone();
    assert_eq!(
        press(&mut s, &km, M::NONE, Key::Enter),
        Err(WorkflowError::NotAProposal)
    );
    assert_eq!(s.current_annotations().unwrap(), &before);
}

#[test]
fn rejected_proposals_never_come_back() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = open(seeds(), dir.path());
        s.set_proposer(proposer());
        s.wait_for_proposals();
        ok(&mut s, Command::FocusNext);
        ok(&mut s, Command::RejectFocused);
        // Proposing again (a new model) does not bring it back.
        s.set_proposer(proposer());
        s.wait_for_proposals();
        let ann = s.current_annotations().unwrap();
        assert!(!ann.proposals.iter().any(|p| p.start == 1));
        assert_disk_matches(&s, dir.path());
    }
    // Nor does a new session.
    let mut s = open(seeds(), dir.path());
    s.set_proposer(proposer());
    s.wait_for_proposals();
    let ann = s.current_annotations().unwrap();
    assert!(!ann.proposals.iter().any(|p| p.start == 1));
    assert_eq!(ann.rejected.len(), 1);
}

#[test]
fn create_from_selection_delete_undo_redo() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let km = keymap();
    let text = current_text(&s);
    let (a, b) = range_of(&text, "أنتوني بلينكين", 0);
    // A selection made right to left, with a space at the edge, is trimmed.
    ok(
        &mut s,
        Command::Select {
            start: b + 1,
            end: a,
        },
    );
    assert_eq!(s.selection(), Some((a, b)));
    press(&mut s, &km, M::NONE, Key::Char('1')).unwrap();
    let ann = s.current_annotations().unwrap();
    assert_eq!(ann.entities.len(), 1);
    let e = &ann.entities[0];
    assert_eq!((e.start, e.end, e.label.as_str()), (a, b, "PER"));
    assert_eq!(e.origin, Origin::Manual);
    assert_eq!(s.selection(), None);
    assert_eq!(s.focus().unwrap().kind, FocusKind::Entity);
    assert_disk_matches(&s, dir.path());

    press(&mut s, &km, M::NONE, Key::Delete).unwrap();
    assert!(s.current_annotations().unwrap().entities.is_empty());
    assert_disk_matches(&s, dir.path());

    press(&mut s, &km, M::CTRL, Key::Char('z')).unwrap();
    assert_eq!(s.current_annotations().unwrap().entities.len(), 1);
    assert_disk_matches(&s, dir.path());
    press(&mut s, &km, M::CTRL_SHIFT, Key::Char('z')).unwrap();
    assert!(s.current_annotations().unwrap().entities.is_empty());
    assert_disk_matches(&s, dir.path());
    press(&mut s, &km, M::CTRL, Key::Char('z')).unwrap();
    press(&mut s, &km, M::CTRL, Key::Char('z')).unwrap();
    // Undoing the creation also undoes the start of work on the document.
    let ann = s.current_annotations().unwrap();
    assert!(ann.entities.is_empty());
    assert_eq!(ann.status, Status::Todo);
    press(&mut s, &km, M::CTRL, Key::Char('y')).unwrap();
    assert_eq!(s.current_annotations().unwrap().entities.len(), 1);
    assert_disk_matches(&s, dir.path());
    assert!(matches!(
        s.apply(Command::Redo).unwrap(),
        Outcome::Edited { .. }
    ));
    assert!(matches!(
        s.apply(Command::Redo).unwrap(),
        Outcome::Nothing(_)
    ));
}

#[test]
fn bulk_accept_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    s.set_proposer(proposer());
    s.wait_for_proposals();
    let before = s.current_annotations().unwrap().clone();
    let high = before
        .proposals
        .iter()
        .filter(|p| p.confidence >= 0.8)
        .count();
    assert!(high >= 3);
    let out = ok(&mut s, Command::AcceptAllAbove(0.8));
    assert_eq!(
        out,
        Outcome::Edited {
            documents: 1,
            changes: high
        }
    );
    let ann = s.current_annotations().unwrap();
    assert_eq!(ann.entities.len(), high);
    assert!(ann.proposals.iter().all(|p| p.confidence < 0.8));
    assert_disk_matches(&s, dir.path());

    ok(&mut s, Command::Undo);
    assert_eq!(s.current_annotations().unwrap(), &before);
    assert_disk_matches(&s, dir.path());
    ok(&mut s, Command::Redo);
    assert_eq!(s.current_annotations().unwrap().entities.len(), high);

    let out = ok(&mut s, Command::AcceptAllOfLabel("LOC".into()));
    assert!(matches!(out, Outcome::Edited { .. }));
    assert!(
        !s.current_annotations()
            .unwrap()
            .proposals
            .iter()
            .any(|p| p.label == "LOC")
    );
    assert_disk_matches(&s, dir.path());
    assert_eq!(
        s.apply(Command::AcceptAllOfLabel("NOPE".into())),
        Err(WorkflowError::UnknownLabel("NOPE".into()))
    );
}

#[test]
fn annotate_all_over_the_corpus_previews_then_is_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let preview = s.preview_annotate_all("أذربيجان", "LOC", Scope::Corpus);
    assert!(preview.documents >= 4, "{preview:?}");
    assert_eq!(preview.new, preview.occurrences);
    // The preview changed nothing.
    for i in 0..s.documents().len() {
        assert!(s.annotations(i).unwrap().entities.is_empty());
    }
    s.flush().unwrap();
    assert_eq!(s.writes(), 0);
    let here = s.preview_annotate_all("أذربيجان", "LOC", Scope::Document);
    assert_eq!(here.documents, 1);

    let out = ok(
        &mut s,
        Command::AnnotateAll {
            text: "أذربيجان".into(),
            label: "LOC".into(),
            scope: Scope::Corpus,
        },
    );
    assert_eq!(
        out,
        Outcome::Edited {
            documents: preview.documents,
            changes: preview.new
        }
    );
    // وأذربيجان gives أذربيجان: the conjunction stays out.
    let ann = s.current_annotations().unwrap();
    let text = current_text(&s);
    let (a, _) = range_of(&text, "وأذربيجان", 0);
    assert!(ann.entities.iter().any(|e| e.start == a + 1));
    assert!(
        ann.entities
            .iter()
            .all(|e| e.text == "أذربيجان" && e.label == "LOC")
    );
    assert_disk_matches(&s, dir.path());
    // Running it again finds nothing new.
    let again = s.preview_annotate_all("أذربيجان", "LOC", Scope::Corpus);
    assert_eq!(again.new, 0);

    // One undo removes every one of them, in every document.
    s.apply(Command::NextDocument).unwrap();
    ok(&mut s, Command::Undo);
    for i in 0..s.documents().len() {
        let a = s.annotations(i).unwrap();
        assert!(a.entities.is_empty());
        assert_eq!(a.status, Status::Todo);
    }
    assert_disk_matches(&s, dir.path());
}

/// Ctrl+Enter, answering the gate's question (proposals pending) with
/// "reject them", as the window does on Enter.
fn done_and_next(s: &mut kashif::workflow::Session, km: &kashif::workflow::Keymap) {
    match press(s, km, M::CTRL, Key::Enter) {
        Ok(_) => {}
        Err(WorkflowError::PendingProposals { pending, .. }) => {
            ok(
                s,
                Command::RejectPendingAndMarkDone {
                    pending,
                    next: true,
                },
            );
        }
        Err(e) => panic!("Ctrl+Enter: {e}"),
    }
}

#[test]
fn mark_done_moves_on_and_teaches_the_learner() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let km = keymap();
    let learner = Arc::new(FakeLearner::default());
    s.set_learner(learner.clone());
    s.set_proposer(proposer());
    s.wait_for_proposals();
    ok(&mut s, Command::AcceptAllAbove(0.0));
    let first = s.current().unwrap();
    done_and_next(&mut s, &km);
    assert_eq!(s.annotations(first).unwrap().status, Status::Done);
    assert_eq!(s.current(), Some(first + 1));
    assert_disk_matches(&s, dir.path());
    assert_eq!(s.progress().done, 1);
    assert_eq!(s.doc_list("done").len(), 1);
    assert_eq!(s.doc_list("").len(), s.documents().len());
    assert!(
        s.doc_list("")
            .iter()
            .any(|r| r.current && r.index == first + 1)
    );

    // The memory learned at once; retraining ran in the background.
    let remembered = learner.remembered.lock().unwrap().clone();
    assert_eq!(remembered.len(), 1);
    assert!(remembered[0].1.contains(&"أرمينيا".to_string()));
    s.wait_for_learning();
    assert_eq!(s.learn_status(), LearnStatus::Ready("model 1".into()));
    assert!(s.message().unwrap().contains("New proposals ready"));

    // Done on the last not-done document wraps to the first not done.
    let n = s.documents().len();
    s.apply(Command::Open(s.documents()[n - 1].id.clone()))
        .unwrap();
    done_and_next(&mut s, &km);
    assert_eq!(s.current(), Some(first + 1));
    assert_eq!(s.progress().done, 2);
    assert_disk_matches(&s, dir.path());

    // Undo takes the status back, opening the document it belongs to.
    ok(&mut s, Command::Undo);
    assert_eq!(s.current(), Some(n - 1));
    assert_ne!(s.annotations(n - 1).unwrap().status, Status::Done);
    assert_disk_matches(&s, dir.path());
}

#[test]
fn next_and_previous_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let km = keymap();
    assert_eq!(s.current(), Some(0));
    press(&mut s, &km, M::CTRL, Key::PageDown).unwrap();
    assert_eq!(s.current(), Some(1));
    press(&mut s, &km, M::CTRL, Key::PageUp).unwrap();
    press(&mut s, &km, M::CTRL, Key::PageUp).unwrap();
    assert_eq!(s.current(), Some(0));
    assert!(matches!(
        s.apply(Command::PreviousDocument).unwrap(),
        Outcome::Nothing(_)
    ));
}

#[test]
fn word_moves_are_mirrored_in_rtl_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_of(
        &dir.path().join("c"),
        &[(
            "d",
            "برعاية الولايات المتحدة اليوم\nVisit of Antony Blinken today",
        )],
    );
    let mut s = open(corpus, &dir.path().join("a"));
    let km = keymap();
    let text = current_text(&s);
    let (a, b) = range_of(&text, "الولايات", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("LOC".into()));
    // RTL: Shift+Left moves the end one word toward the end of the text.
    press(&mut s, &km, M::SHIFT, Key::Left).unwrap();
    let e = &s.current_annotations().unwrap().entities[0];
    assert_eq!(e.text, "الولايات المتحدة");
    assert_disk_matches(&s, &dir.path().join("a"));
    press(&mut s, &km, M::SHIFT, Key::Right).unwrap();
    assert_eq!(s.current_annotations().unwrap().entities[0].text, "الولايات");
    // Alt+Shift+Right moves the start earlier (right in RTL): first to
    // after the proclitic ب of برعاية, then to the word's start.
    press(&mut s, &km, M::ALT_SHIFT, Key::Right).unwrap();
    assert_eq!(
        s.current_annotations().unwrap().entities[0].text,
        "رعاية الولايات"
    );
    press(&mut s, &km, M::ALT_SHIFT, Key::Right).unwrap();
    assert_eq!(
        s.current_annotations().unwrap().entities[0].text,
        "برعاية الولايات"
    );
    // Alt+Shift+Left moves it later again, stopping after the proclitic.
    press(&mut s, &km, M::ALT_SHIFT, Key::Left).unwrap();
    assert_eq!(
        s.current_annotations().unwrap().entities[0].text,
        "رعاية الولايات"
    );

    // LTR: Shift+Right moves the end toward the end of the text.
    let (a, b) = range_of(&text, "Antony", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("PER".into()));
    press(&mut s, &km, M::SHIFT, Key::Right).unwrap();
    let focused = s.focus().unwrap().clone();
    assert_eq!((focused.start, focused.end), (a, b + " Blinken".len()));
    assert_eq!(
        s.apply(Command::MoveEdge {
            edge: Edge::End,
            direction: kashif::workflow::Direction::Backward,
        })
        .map(|_| ()),
        Ok(())
    );
    assert_eq!(
        s.apply(Command::MoveEdgeVisual {
            edge: Edge::End,
            side: Side::Left
        }),
        Err(WorkflowError::CannotMove)
    );
    assert_disk_matches(&s, &dir.path().join("a"));
}

#[test]
fn search_in_document_and_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    // Written without hamza: still finds أذربيجان everywhere.
    let out = ok(
        &mut s,
        Command::Search {
            query: "اذربيجان".into(),
            scope: Scope::Corpus,
        },
    );
    let Outcome::Found(n) = out else {
        panic!("{out:?}")
    };
    let hits = s.search_hits().to_vec();
    assert_eq!(hits.len(), n);
    let docs: std::collections::BTreeSet<_> = hits.iter().map(|h| h.doc_id.clone()).collect();
    assert!(docs.len() >= 4);
    let local = s.search("اذربيجان", Scope::Document);
    assert!(local.len() < n && !local.is_empty());
    let last = hits.len() - 1;
    ok(&mut s, Command::OpenHit(last));
    assert_eq!(s.current_document().unwrap().id, hits[last].doc_id);
    assert_eq!(s.selection(), Some((hits[last].start, hits[last].end)));
    assert!(hits[last].matched.contains("ذربيجان"));
    assert_eq!(
        s.apply(Command::OpenHit(n)),
        Err(WorkflowError::NoSuchHit(n))
    );
}

#[test]
fn autosave_writes_without_flush_and_reports_status() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let text = current_text(&s);
    let (a, b) = range_of(&text, "أرمينيا", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("LOC".into()));
    // The file appears on its own (debounce 20 ms here, 250 ms by default).
    let path = s.store().path(FIRST);
    let mut waited = 0;
    while !path.exists() && waited < 500 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    assert!(path.exists(), "autosave never wrote {}", path.display());
    s.flush().unwrap();
    assert_eq!(s.save_status(), SaveStatus::Saved);
    assert_disk_matches(&s, dir.path());
}

#[test]
fn a_failed_save_loses_nothing_and_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let text = current_text(&s);
    let path = s.store().path(FIRST);
    // Something that is not a file sits where the file must go.
    std::fs::create_dir_all(&path).unwrap();
    let (a, b) = range_of(&text, "أرمينيا", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("LOC".into()));
    let errors = s.flush().unwrap_err();
    assert_eq!(errors[0].doc_id, FIRST);
    assert!(matches!(s.save_status(), SaveStatus::Failed { .. }));
    // Memory still has the entity; more edits keep working.
    assert_eq!(s.current_annotations().unwrap().entities.len(), 1);
    ok(&mut s, Command::RelabelFocused("ORG".into()));
    // Once the obstacle is gone the retry writes the latest state.
    std::fs::remove_dir(&path).unwrap();
    s.flush().unwrap();
    assert_eq!(s.save_status(), SaveStatus::Saved);
    assert_disk_matches(&s, dir.path());
    assert_eq!(s.current_annotations().unwrap().entities[0].label, "ORG");
}

#[test]
fn label_keys_depend_on_selection_and_focus() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    assert_eq!(
        s.apply(Command::ApplyLabel("PER".into())),
        Err(WorkflowError::NoSelection)
    );
    assert_eq!(
        s.apply(Command::CreateFromSelection("PER".into())),
        Err(WorkflowError::NoSelection)
    );
    assert_eq!(s.apply(Command::RejectFocused), Err(WorkflowError::NoFocus));
    assert!(matches!(
        s.apply(Command::FocusNext).unwrap(),
        Outcome::Nothing(_)
    ));
    let text = current_text(&s);
    let (a, b) = range_of(&text, "أرمينيا", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    assert_eq!(
        s.apply(Command::ApplyLabel("XYZ".into())),
        Err(WorkflowError::UnknownLabel("XYZ".into()))
    );
    ok(&mut s, Command::ApplyLabel("LOC".into()));
    // Same place and label again is a duplicate, refused.
    ok(&mut s, Command::Select { start: a, end: b });
    assert!(matches!(
        s.apply(Command::ApplyLabel("LOC".into())),
        Err(WorkflowError::Edit(_))
    ));
    assert_disk_matches(&s, dir.path());
}

#[test]
fn accepting_a_proposal_already_drawn_by_hand_just_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    s.set_proposer(proposer());
    s.wait_for_proposals();
    let text = current_text(&s);
    let (a, b) = range_of(&text, "أرمينيا", 0);
    // The annotator draws the same entity the proposal suggests: the
    // proposal at its place goes at once (no box beside the entity).
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("LOC".into()));
    assert!(
        !s.current_annotations()
            .unwrap()
            .proposals
            .iter()
            .any(|p| (p.start, p.end) == (a, b))
    );
    let n = s.current_annotations().unwrap().entities.len();
    // Accepting everything still works, and the entity is not doubled.
    ok(&mut s, Command::AcceptAllAbove(0.0));
    let ann = s.current_annotations().unwrap();
    assert!(ann.proposals.is_empty());
    assert_eq!(
        ann.entities
            .iter()
            .filter(|e| e.start == a && e.end == b)
            .count(),
        1
    );
    assert!(ann.entities.len() > n);
    assert_disk_matches(&s, dir.path());
    ok(&mut s, Command::Undo);
    ok(&mut s, Command::Undo);
    assert!(
        s.current_annotations()
            .unwrap()
            .proposals
            .iter()
            .any(|p| p.start == a)
    );
}

#[test]
fn dragging_an_edge_resizes_the_focused_entity() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    let text = current_text(&s);
    let (a, b) = range_of(&text, "وأذربيجان", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("LOC".into()));
    // Drag the start past the conjunction (edges may come in any order).
    let out = ok(
        &mut s,
        Command::Resize {
            start: b,
            end: a + 1,
        },
    );
    assert_eq!(
        out,
        Outcome::Edited {
            documents: 1,
            changes: 1
        }
    );
    let e = &s.current_annotations().unwrap().entities[0];
    assert_eq!(e.text, "أذربيجان");
    assert_eq!(
        (s.focus().unwrap().start, s.focus().unwrap().end),
        (a + 1, b)
    );
    assert!(matches!(
        s.apply(Command::Resize {
            start: a + 1,
            end: b
        })
        .unwrap(),
        Outcome::Nothing(_)
    ));
    assert!(matches!(
        s.apply(Command::Resize { start: a, end: a }),
        Err(WorkflowError::Edit(_))
    ));
    assert_disk_matches(&s, dir.path());
    ok(&mut s, Command::Undo);
    assert_eq!(
        s.current_annotations().unwrap().entities[0].text,
        "وأذربيجان"
    );
    assert_disk_matches(&s, dir.path());
}

#[test]
fn annotate_a_seed_end_to_end_with_the_keyboard_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let km = keymap();
    let (doc_id, saved) = {
        let mut s = open(seeds(), dir.path());
        s.set_proposer(Arc::new(kashif::workflow::RulesProposer));
        s.wait_for_proposals();
        let doc_id = s.current_document().unwrap().id.clone();
        let n = s.current_annotations().unwrap().proposals.len();
        assert!(n >= 5, "only {n} proposals");
        // Walk the proposals: accept, and reject every fourth.
        press(&mut s, &km, M::NONE, Key::Tab).unwrap();
        let mut k = 0;
        while !s.current_annotations().unwrap().proposals.is_empty() {
            if s.focus().is_none_or(|f| f.kind != FocusKind::Proposal) {
                press(&mut s, &km, M::NONE, Key::Tab).unwrap();
                continue;
            }
            let key = if k % 4 == 3 {
                Key::Backspace
            } else {
                Key::Enter
            };
            press(&mut s, &km, M::NONE, key).unwrap();
            k += 1;
            // Accepting a name proposes its other occurrences (memory), so
            // there may be more decisions than first proposals, but not
            // without end.
            assert!(k <= 4 * n, "proposals do not run out");
        }
        // One more by hand, then done.
        let text = current_text(&s);
        let (a, b) = range_of(&text, "بلينكين", 0);
        ok(&mut s, Command::Select { start: a, end: b });
        let _ = press(&mut s, &km, M::NONE, Key::Char('1'));
        press(&mut s, &km, M::CTRL, Key::Enter).unwrap();
        assert_ne!(s.current_document().unwrap().id, doc_id);
        s.flush().unwrap();
        let i = s.index_of(&doc_id).unwrap();
        (doc_id, s.annotations(i).unwrap().clone())
    };
    assert_eq!(saved.status, Status::Done);
    assert!(!saved.entities.is_empty() && !saved.rejected.is_empty());
    // A new session finds every decision; rejected ones stay away.
    let mut s = open(seeds(), dir.path());
    s.set_proposer(Arc::new(kashif::workflow::RulesProposer));
    ok(&mut s, Command::Open(doc_id.clone()));
    s.wait_for_proposals();
    let i = s.index_of(&doc_id).unwrap();
    assert_eq!(s.annotations(i).unwrap(), &saved);
    // One writer at a time: a second session is refused while this one lives.
    let second = kashif::workflow::Session::open(
        seeds(),
        kashif::schema::Schema::builtin(),
        dir.path(),
        ANNOTATOR,
    );
    assert!(matches!(
        second.map(|_| ()),
        Err(kashif::store::StoreError::Locked { .. })
    ));
    drop(s);
    // The first document not done is opened on start.
    let fresh = open(seeds(), dir.path());
    assert_ne!(fresh.current_document().unwrap().id, doc_id);
}
