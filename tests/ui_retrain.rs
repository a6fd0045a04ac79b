//! Retraining in the background in the window (issue 26, item 4), through
//! egui_kittest on a real session: while the model retrains, the status
//! bar shows a progress bar with the percentage and a Cancel button; the
//! button cancels it, the status bar then says the model in use is
//! unchanged, and marking another document done starts a fresh one.
//!
//! The learner is `HeldLearner`: each run reports 30 % and holds until it
//! is cancelled or let go, so the frames below see it running.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::ui::KashifApp;
use kashif::workflow::LearnStatus;
use wire_support::*;
use workflow_support::{FakeProposer, HeldLearner};

fn open() -> (
    tempfile::TempDir,
    Harness<'static, KashifApp>,
    Arc<HeldLearner>,
) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    write_corpus(
        &corpus,
        &[
            ("a", "زار الرئيس باريس"),
            ("b", "وصل الوزير إلى القاهرة"),
            ("c", "قال المتحدث في واشنطن"),
        ],
    );
    // No proposals: Ctrl+Enter marks a document done at once.
    let proposer = Arc::new(FakeProposer::new(&[]));
    let learner = Arc::new(HeldLearner::default());
    let h = workbench_learning(
        &corpus,
        &ann,
        proposer,
        Some(learner.clone()),
        (1200.0, 700.0),
    );
    (tmp, h, learner)
}

/// The status bar's retraining bar's text ("retraining 30%").
fn bar(h: &Harness<'_, KashifApp>) -> Option<String> {
    h.query_all_by_role(Role::ProgressIndicator)
        .filter_map(|n| n.accesskit_node().label())
        .find(|l| l.starts_with("retraining"))
}

/// Marks the open document done (Ctrl+Enter) and runs frames until the
/// retraining's bar shows (30 %, where the learner holds).
fn done_and_see_the_bar(h: &mut Harness<'_, KashifApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    let t = Instant::now();
    loop {
        h.step();
        if let Some(label) = bar(h)
            && label.contains("30%")
        {
            assert_eq!(label, "retraining 30%");
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "{:?}", bar(h));
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn frames(h: &mut Harness<'_, KashifApp>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

#[test]
fn a_retraining_shows_a_progress_bar_and_its_cancel_button_cancels_it() {
    let (_tmp, mut h, learner) = open();
    assert!(bar(&h).is_none());
    assert!(h.query_by_label("Cancel").is_none());

    done_and_see_the_bar(&mut h);
    assert_eq!(session(&h).learn_status(), LearnStatus::Training);
    h.get_by_label("Cancel").click();
    frames(&mut h, 2);
    // The bar and the button are gone; the status bar says what happened.
    assert!(bar(&h).is_none());
    assert!(h.query_by_label("Cancel").is_none());
    assert_eq!(session(&h).learn_status(), LearnStatus::Cancelled);
    assert!(
        h.query_by_label_contains("retraining cancelled: the model in use is unchanged")
            .is_some()
    );
    h.state_mut()
        .model
        .session
        .as_mut()
        .unwrap()
        .wait_for_learning();
    assert_eq!(learner.finished.load(Ordering::SeqCst), 0);

    // Marking another document done starts a fresh retraining; let go,
    // it ends and the status bar says its model is in use.
    done_and_see_the_bar(&mut h);
    assert_eq!(learner.started.load(Ordering::SeqCst), 2);
    learner.release();
    let t = Instant::now();
    while bar(&h).is_some() {
        assert!(t.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(2));
        h.step();
    }
    frames(&mut h, 2);
    assert_eq!(
        session(&h).learn_status(),
        LearnStatus::Ready("held model 1".into())
    );
    assert!(h.query_by_label("Cancel").is_none());
    assert!(h.query_by_label_contains("held model 1").is_some());
}
