//! The gate into "done" in the window (issue 25, point 1), through
//! egui_kittest on a real session: Ctrl+D / Ctrl+Enter with proposals
//! pending mark nothing done; a question asks, answered from the keyboard:
//! Enter (or R) rejects the ones left and marks done in one undo step, Esc
//! (or B) goes back to the first of them.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use kashif::annotation::Status;
use kashif::workflow::FocusKind;
use wire_support::*;
use workflow_support::FakeProposer;

const A: &str = "اقتربت أرمينيا وأذربيجان من إبرام اتفاق سلام في واشنطن يوم الخميس";
const B: &str = "وصل الرئيس إلى باريس";

fn proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[
        ("أرمينيا", "LOC", 0.9),
        ("أذربيجان", "LOC", 0.9),
        ("واشنطن", "ORG", 0.6),
        ("الخميس", "DATE", 0.7),
    ]))
}

fn open() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    egui_kittest::Harness<'static, kashif::ui::KashifApp>,
) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    write_corpus(&corpus, &[("a", A), ("b", B)]);
    let h = workbench(&corpus, &ann, proposer(), (1200.0, 700.0));
    (tmp, ann, h)
}

const NONE: Modifiers = Modifiers::NONE;
const QUESTION: &str = "Proposals still pending";

#[test]
fn done_with_proposals_pending_asks_and_enter_rejects_them_in_one_undo_step() {
    let (_tmp, ann, mut h) = open();
    // Accept all ≥ 0.8: واشنطن and الخميس stay pending.
    h.state_mut().work.min_confidence = 0.8;
    h.get_by_label_contains("accept all ≥").click();
    settle(&mut h);
    assert_eq!(session(&h).annotations(0).unwrap().entities.len(), 2);
    assert_eq!(session(&h).annotations(0).unwrap().proposals.len(), 2);

    key(&mut h, Modifiers::COMMAND, Key::D);
    // Nothing marked done; the window asks.
    assert_eq!(
        session(&h).annotations(0).unwrap().status,
        Status::InProgress
    );
    h.get_by_label(QUESTION);
    h.get_by_label_contains("2 proposal(s) are still pending in a.");
    // Enter answers the question (it does not accept a proposal).
    key(&mut h, NONE, Key::Enter);
    let a = session(&h).annotations(0).unwrap();
    assert_eq!(a.status, Status::Done);
    assert!(a.proposals.is_empty());
    assert_eq!(a.entities.len(), 2, "nothing accepted by the Enter");
    assert_eq!(a.rejected.len(), 2);
    assert!(h.query_by_label(QUESTION).is_none(), "the question closed");
    assert_eq!(
        session(&h).current_document().unwrap().id,
        "a",
        "Ctrl+D stays"
    );
    assert_disk_equals_shown(&h, &ann);

    // One Ctrl+Z: both proposals pending again, not done.
    key(&mut h, Modifiers::COMMAND, Key::Z);
    let a = session(&h).annotations(0).unwrap();
    assert_eq!(a.status, Status::InProgress);
    assert_eq!(a.proposals.len(), 2);
    assert!(a.rejected.is_empty());
    assert_disk_equals_shown(&h, &ann);
}

#[test]
fn escape_goes_back_to_the_first_pending_proposal() {
    let (_tmp, ann, mut h) = open();
    key(&mut h, Modifiers::COMMAND, Key::Enter);
    h.get_by_label(QUESTION);
    h.get_by_label_contains("4 proposal(s) are still pending in a.");
    key(&mut h, NONE, Key::Escape);
    assert!(h.query_by_label(QUESTION).is_none());
    assert_eq!(session(&h).current_document().unwrap().id, "a");
    let a = session(&h).annotations(0).unwrap();
    assert_eq!(a.status, Status::Todo);
    assert_eq!(a.proposals.len(), 4);
    let f = session(&h).focus().unwrap().clone();
    assert_eq!((f.kind, f.label.as_str()), (FocusKind::Proposal, "LOC"));
    assert_eq!(f.start, range_of(A, "أرمينيا").0);

    // Decided one by one (Enter accepts, X rejects), Ctrl+Enter passes.
    for k in [Key::Enter, Key::Enter, Key::X, Key::X] {
        key(&mut h, NONE, k);
    }
    key(&mut h, Modifiers::COMMAND, Key::Enter);
    assert!(h.query_by_label(QUESTION).is_none());
    assert_eq!(session(&h).annotations(0).unwrap().status, Status::Done);
    assert_eq!(session(&h).current_document().unwrap().id, "b");
    assert_disk_equals_shown(&h, &ann);
}

#[test]
fn the_question_is_answered_by_its_buttons_too() {
    let (_tmp, ann, mut h) = open();
    key(&mut h, Modifiers::COMMAND, Key::Enter);
    h.get_by_label("Reject the 4 and mark done (Enter, R)")
        .click();
    settle(&mut h);
    assert_eq!(session(&h).annotations(0).unwrap().status, Status::Done);
    assert_eq!(session(&h).annotations(0).unwrap().rejected.len(), 4);
    assert_eq!(
        session(&h).current_document().unwrap().id,
        "b",
        "Ctrl+Enter moves on"
    );
    assert_disk_equals_shown(&h, &ann);
}
