//! Closing the window with edits that cannot be written (disk full, a file
//! that cannot be replaced) says so in the window, keeps it open once and
//! keeps the journal, so nothing is lost without a word (issue 25).

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui_kittest::kittest::Queryable;
use kashif::store;
use kashif::ui::Command;
use kashif::workflow::Command as W;
use wire_support::{ANNOTATOR, settle, workbench, write_corpus};
use workflow_support::{FakeProposer, range_of};

const A: &str = "زار بلينكين أرمينيا يوم الخميس.\n";

#[test]
fn closing_with_edits_that_cannot_be_written_says_so_and_keeps_the_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write_corpus(&corpus, &[("a", A)]);
    let ann = tmp.path().join("ann");
    let mut h = workbench(
        &corpus,
        &ann,
        Arc::new(FakeProposer::new(&[])),
        (1200.0, 700.0),
    );
    // The document's file cannot be written: a folder stands in its place
    // (as a full disk would refuse the write).
    let path = store::file_path(&ann, ANNOTATOR, "a");
    std::fs::create_dir_all(&path).unwrap();
    let (a, b) = range_of(A, "أرمينيا", 0);
    h.state_mut()
        .model
        .apply(Command::Work(W::Select { start: a, end: b }));
    h.state_mut()
        .model
        .apply(Command::Work(W::CreateFromSelection("LOC".into())));
    settle(&mut h);

    // The close button: the window stays and says why, naming the journal.
    h.state_mut()
        .model
        .session
        .as_ref()
        .unwrap()
        .wait_durable()
        .unwrap();
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.run();
    let warning = h
        .state()
        .model
        .close_warning
        .clone()
        .expect("close stopped");
    assert!(warning.contains("Could not save 1 document"), "{warning}");
    assert!(warning.contains(".kashif-journal"), "{warning}");
    h.get_by_label_contains("Could not save 1 document");
    let journal = ann.join(ANNOTATOR).join(store::JOURNAL_NAME);
    assert!(std::fs::metadata(&journal).unwrap().len() > 0);
    // Closing again quits; the journal still holds the edit, and the next
    // start (once the file can be written) recovers it.
    assert!(h.state_mut().model.close_requested());
    drop(h);
    assert!(std::fs::metadata(&journal).unwrap().len() > 0);
    std::fs::remove_dir(&path).unwrap();
    let doc = kashif::corpus::Corpus::load(&corpus).unwrap();
    let s = workflow_support::open(doc, &ann);
    assert!(
        s.message().unwrap_or_default().contains("journal"),
        "{:?}",
        s.message()
    );
    assert_eq!(s.annotations(0).unwrap().entities.len(), 1);
}
