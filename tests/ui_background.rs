//! Bulk commands in the background in the window (issue 26, item 4),
//! through egui_kittest on a real session: while one runs, the status bar
//! shows a progress bar with a Cancel button; Esc or the button cancels it
//! and nothing is applied; keys are answered meanwhile; once done it is
//! applied as one undo step.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::ui::KashifApp;
use wire_support::*;
use workflow_support::FakeProposer;

const A: &str = "اقتربت أرمينيا وأذربيجان من إبرام اتفاق سلام في واشنطن يوم الخميس";
const B: &str = "وصل الرئيس إلى باريس بعد زيارة أرمينيا";

fn open() -> (tempfile::TempDir, Harness<'static, KashifApp>) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    write_corpus(&corpus, &[("a", A), ("b", B)]);
    let proposer = Arc::new(FakeProposer::new(&[
        ("أرمينيا", "LOC", 0.9),
        ("أذربيجان", "LOC", 0.9),
        ("واشنطن", "ORG", 0.6),
    ]));
    let mut h = workbench(&corpus, &ann, proposer, (1200.0, 700.0));
    settle(&mut h);
    // The two documents stand for a large corpus; the job stops after its
    // first document until let go, so the frames below see it running.
    let s = h.state_mut().model.session.as_mut().unwrap();
    s.set_background_from(0);
    s.hold_jobs(true);
    (tmp, h)
}

fn frames(h: &mut Harness<'_, KashifApp>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

/// The status bar's progress bar's text ("finding the names elsewhere 1
/// / 2"; the documents panel has a bar of its own, spinners have none).
fn bar(h: &Harness<'_, KashifApp>) -> Option<String> {
    h.query_all_by_role(Role::ProgressIndicator)
        .filter_map(|n| n.accesskit_node().label())
        .find(|l| l.contains("finding") || l.contains("reading"))
}

fn running(h: &Harness<'_, KashifApp>) -> bool {
    session(h).job_running()
}

fn entities(h: &Harness<'_, KashifApp>) -> usize {
    session(h).annotations(0).unwrap().entities.len()
}

/// Starts "accept all ≥ 0.8" (a bulk command) and checks the bar shows.
fn start(h: &mut Harness<'_, KashifApp>) {
    h.state_mut().work.min_confidence = 0.8;
    h.get_by_label_contains("accept all ≥").click();
    frames(h, 1);
    assert!(running(h));
    // the job does its first document, then waits; the bar follows it
    let t = Instant::now();
    loop {
        h.step();
        let label = bar(h).expect("a progress bar in the status bar");
        if label.contains(" 1 / ") {
            assert!(label.starts_with("finding the names elsewhere"), "{label}");
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "{label}");
        std::thread::sleep(Duration::from_millis(2));
    }
    h.get_by_label("Cancel");
    assert!(
        h.state().model.message.contains("Esc cancels"),
        "{}",
        h.state().model.message
    );
}

#[test]
fn a_bulk_command_shows_a_progress_bar_and_esc_cancels_it() {
    let (_tmp, mut h) = open();
    assert!(bar(&h).is_none());
    start(&mut h);
    // keys are answered while it runs: the next document opens
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    frames(&mut h, 2);
    assert_eq!(session(&h).current(), Some(1));
    assert!(running(&h));
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    frames(&mut h, 2);
    // Esc cancels: no bar, nothing applied, the status bar says so
    h.key_press(Key::Escape);
    frames(&mut h, 2);
    assert!(!running(&h));
    assert!(bar(&h).is_none());
    assert!(h.query_by_label("Cancel").is_none());
    assert_eq!(entities(&h), 0);
    assert!(!session(&h).can_undo());
    let said = h.state().model.message.clone();
    assert!(said.starts_with("Cancelled accept all above"), "{said}");
    assert!(said.contains("nothing was changed"), "{said}");
}

#[test]
fn the_cancel_button_cancels_and_a_finished_job_is_one_undo_step() {
    let (_tmp, mut h) = open();
    start(&mut h);
    h.get_by_label("Cancel").click();
    frames(&mut h, 2);
    assert!(!running(&h));
    assert_eq!(entities(&h), 0);
    assert!(h.state().model.message.starts_with("Cancelled"));

    // Again, let go this time: applied when done, said in the status bar.
    start(&mut h);
    h.state_mut().model.session.as_mut().unwrap().release_jobs();
    let t = Instant::now();
    while running(&h) {
        assert!(t.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(2));
        h.step();
    }
    frames(&mut h, 2);
    assert!(bar(&h).is_none());
    assert_eq!(entities(&h), 2);
    let said = h.state().model.message.clone();
    assert!(said.starts_with("Accepted 2 proposals"), "{said}");
    // one Ctrl+Z takes the whole bulk accept back
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h, 2);
    assert_eq!(entities(&h), 0);
    assert!(!session(&h).can_undo());
}

/// The window keeps no second copy of the corpus: its document list holds
/// the session's own texts (issue 26, item 2: memory).
#[test]
fn the_window_shares_the_sessions_texts() {
    let (_tmp, h) = open();
    let model = &h.state().model;
    let s = model.session.as_ref().unwrap();
    assert_eq!(model.docs.len(), s.documents().len());
    for (entry, doc) in model.docs.iter().zip(s.documents()) {
        assert!(Arc::ptr_eq(&entry.document, doc), "{}", doc.id);
    }
}
