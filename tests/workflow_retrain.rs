//! Retraining in the background (issue 26, item 4), through the session's
//! commands: while it runs, the session reports its progress; the
//! `CancelRetraining` command cancels it (and a request waiting behind it)
//! with the model in use unchanged; marking another document done later
//! starts a fresh retraining, which puts its model in use when it ends.
//!
//! The learner is `HeldLearner`: each run reports 30 % and holds until it
//! is cancelled or let go, so the running retraining can be seen.

mod workflow_support;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use kashif::workflow::{Command, LearnStatus, Outcome};
use workflow_support::{HeldLearner, ok, open_docs, wait_for_learn_progress};

#[test]
fn a_retraining_shows_its_progress_and_cancelling_it_keeps_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        ("a", "زار الرئيس باريس"),
        ("b", "وصل الوزير إلى القاهرة"),
        ("c", "قال المتحدث في واشنطن"),
        ("d", "اجتمع المجلس في بغداد"),
    ];
    let mut s = open_docs(dir.path(), &docs);
    let learner = Arc::new(HeldLearner::default());
    s.set_learner(learner.clone());
    // Nothing done yet: nothing retrains, nothing to cancel.
    assert_eq!(s.learn_progress(), None);
    assert_eq!(
        ok(&mut s, Command::CancelRetraining),
        Outcome::Nothing("nothing is retraining".into())
    );

    // Done: a retraining starts; its progress shows.
    ok(&mut s, Command::MarkDoneAndNext);
    wait_for_learn_progress(&mut s, 0.3);
    assert_eq!(s.learn_status(), LearnStatus::Training);

    // Cancelled: at once no progress, the status says the model is kept.
    assert_eq!(
        ok(&mut s, Command::CancelRetraining),
        Outcome::Nothing("retraining cancelled: the model in use is unchanged".into())
    );
    assert_eq!(s.learn_progress(), None);
    assert_eq!(s.learn_status(), LearnStatus::Cancelled);
    s.wait_for_learning();
    assert_eq!(s.learn_status(), LearnStatus::Cancelled);
    assert_eq!(learner.finished.load(Ordering::SeqCst), 0);
    assert!(
        !s.message().is_some_and(|m| m.contains("New proposals")),
        "{:?}",
        s.message()
    );

    // Another done document: a fresh retraining; one more done while it
    // runs waits behind it; cancelling cancels both (the second never runs).
    ok(&mut s, Command::MarkDoneAndNext);
    wait_for_learn_progress(&mut s, 0.3);
    assert_eq!(learner.started.load(Ordering::SeqCst), 2);
    ok(&mut s, Command::MarkDoneAndNext);
    assert!(s.learn_progress().is_some());
    ok(&mut s, Command::CancelRetraining);
    s.wait_for_learning();
    assert_eq!(learner.started.load(Ordering::SeqCst), 2);
    assert_eq!(s.learn_status(), LearnStatus::Cancelled);
    assert_eq!(s.learn_progress(), None);

    // Let go, the next one finishes and its model is in use.
    learner.release();
    ok(&mut s, Command::MarkDoneAndNext);
    s.wait_for_learning();
    assert_eq!(learner.started.load(Ordering::SeqCst), 3);
    assert_eq!(s.learn_status(), LearnStatus::Ready("held model 1".into()));
    assert_eq!(s.message(), Some("New proposals ready: held model 1"));
    assert_eq!(s.learn_progress(), None);
    assert_eq!(
        ok(&mut s, Command::CancelRetraining),
        Outcome::Nothing("nothing is retraining".into())
    );
}
