//! The one gate into "done" (issue 25, point 1): a document becomes done
//! only when no proposal is pending in it. Ctrl+D / Ctrl+Enter with
//! proposals pending are refused and change nothing; the answers are
//! "reject them" (one undo step, rejections remembered) or "go back to
//! them"; a done document takes no machine proposals afterwards.

mod workflow_support;

use std::sync::Arc;

use kashif::annotation::Status;
use kashif::workflow::{Command, Focus, Key, Modifiers as M, Outcome, WorkflowError};
use workflow_support::*;

const A: &str = "زار بلينكين أرمينيا ثم عاد إلى واشنطن";
const B: &str = "وصل باشينيان إلى موسكو";

fn proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[
        ("بلينكين", "PER", 0.9),
        ("أرمينيا", "LOC", 0.9),
        ("واشنطن", "LOC", 0.6),
        ("موسكو", "LOC", 0.9),
    ]))
}

fn pending_error(doc: &str, pending: usize) -> WorkflowError {
    WorkflowError::PendingProposals {
        doc_id: doc.into(),
        pending,
    }
}

#[test]
fn done_with_proposals_pending_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_docs(dir.path(), &[("a", A), ("b", B)]);
    let km = keymap();
    s.set_proposer(proposer());
    s.wait_for_proposals();
    // "accept all ≥ 0.8", then done: واشنطن (0.6) is still pending.
    ok(&mut s, Command::AcceptAllAbove(0.8));
    let before = s.annotations(0).unwrap().clone();
    assert_eq!(before.proposals.len(), 1);
    let undo = s.undo_name().map(str::to_string);
    for (mods, key) in [(M::CTRL, Key::Enter), (M::CTRL, Key::Char('d'))] {
        assert_eq!(
            press(&mut s, &km, mods, key),
            Err(pending_error("a", 1)),
            "{key:?}"
        );
        assert_eq!(s.annotations(0).unwrap(), &before);
        assert_eq!(s.current(), Some(0), "did not move on");
        assert_eq!(s.undo_name().map(str::to_string), undo, "no undo step");
    }
    assert_eq!(
        s.apply(Command::SetStatus(Status::Done)),
        Err(pending_error("a", 1))
    );
    assert_eq!(s.progress().done, 0);
    assert_disk_matches(&s, &dir.path().join("ann"));
}

#[test]
fn rejecting_the_rest_and_marking_done_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_docs(dir.path(), &[("a", A), ("b", B)]);
    let learner = Arc::new(FakeLearner::default());
    s.set_learner(learner.clone());
    s.set_proposer(proposer());
    s.wait_for_proposals();
    let before = s.annotations(0).unwrap().clone();
    assert_eq!(before.proposals.len(), 3);
    assert_eq!(before.status, Status::Todo);

    // The count the question showed must still hold: nothing unseen goes.
    assert_eq!(
        s.apply(Command::RejectPendingAndMarkDone {
            pending: 2,
            next: true
        }),
        Err(pending_error("a", 3))
    );
    assert_eq!(s.annotations(0).unwrap(), &before);

    let out = ok(
        &mut s,
        Command::RejectPendingAndMarkDone {
            pending: 3,
            next: true,
        },
    );
    assert_eq!(
        out,
        Outcome::Edited {
            documents: 1,
            changes: 3
        }
    );
    let a = s.annotations(0).unwrap();
    assert_eq!(a.status, Status::Done);
    assert!(a.proposals.is_empty());
    assert_eq!(a.rejected.len(), 3, "rejections remembered as usual");
    assert_eq!(s.current(), Some(1), "Ctrl+Enter's answer moves on");
    assert_eq!(learner.remembered.lock().unwrap().len(), 1, "taught");
    assert_disk_matches(&s, &dir.path().join("ann"));

    // One undo: the proposals, the status and no rejection.
    ok(&mut s, Command::Undo);
    assert_eq!(s.current(), Some(0));
    assert_eq!(s.annotations(0).unwrap(), &before);
    assert_disk_matches(&s, &dir.path().join("ann"));
    ok(&mut s, Command::Redo);
    assert_eq!(s.annotations(0).unwrap().status, Status::Done);
    assert!(s.annotations(0).unwrap().proposals.is_empty());
}

#[test]
fn going_back_focuses_the_first_pending_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_docs(dir.path(), &[("a", A), ("b", B)]);
    s.set_proposer(proposer());
    s.wait_for_proposals();
    ok(&mut s, Command::AcceptAllAbove(0.8));
    assert!(s.apply(Command::MarkDoneAndNext).is_err());
    ok(&mut s, Command::FocusFirstPending);
    let p = s.annotations(0).unwrap().proposals[0].clone();
    assert_eq!(p.text, "واشنطن");
    assert_eq!(s.focus(), Some(&Focus::proposal(&p)));
    // Decided one by one, the gate opens.
    ok(&mut s, Command::RejectFocused);
    ok(&mut s, Command::MarkDoneAndNext);
    assert_eq!(s.annotations(0).unwrap().status, Status::Done);
    s.wait_for_proposals();
    assert_eq!(
        s.apply(Command::FocusFirstPending),
        Ok(Outcome::Moved),
        "b has its own proposal"
    );
}

#[test]
fn a_done_document_takes_no_machine_proposals() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_docs(dir.path(), &[("a", A), ("b", B)]);
    // Marked done before any proposer ran: nothing pending.
    ok(&mut s, Command::SetStatus(Status::Done));
    s.set_proposer(proposer());
    ok(&mut s, Command::Open("a".into()));
    s.wait_for_proposals();
    assert!(
        s.annotations(0).unwrap().proposals.is_empty(),
        "a done document got proposals: {:?}",
        s.annotations(0).unwrap().proposals
    );
    // Back in progress, it is proposed for again.
    ok(&mut s, Command::SetStatus(Status::InProgress));
    s.wait_for_proposals();
    assert_eq!(s.annotations(0).unwrap().proposals.len(), 3);
    assert_disk_matches(&s, &dir.path().join("ann"));
}
