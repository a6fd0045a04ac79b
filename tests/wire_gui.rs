//! The workbench end to end through egui_kittest: keys, clicks and drags on
//! the real app over a real editing session (temp corpus and annotations
//! folder); after each action the files on disk equal what is shown.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::annotation::{DocAnnotations, Origin, Status};
use kashif::workflow::FocusKind;
use ui_support::drag_chars;
use wire_support::*;
use workflow_support::FakeProposer;

const A: &str = "اقتربت أرمينيا وأذربيجان من إبرام اتفاق سلام في واشنطن يوم الخميس مع بلينكين";
const B: &str = "قال أنتوني بلينكين في واشنطن إن الاتفاق قريب";
const C: &str = "وصل الرئيس إلى باريس";

fn proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[
        ("أرمينيا", "LOC", 0.9),
        ("أذربيجان", "LOC", 0.8),
        ("واشنطن", "ORG", 0.6),
        ("الخميس", "DATE", 0.95),
    ]))
}

struct Setup {
    _tmp: tempfile::TempDir,
    corpus: std::path::PathBuf,
    ann: std::path::PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    write_corpus(&corpus, &[("a", A), ("b", B), ("c", C)]);
    Setup {
        _tmp: tmp,
        corpus,
        ann,
    }
}

fn open(s: &Setup) -> egui_kittest::Harness<'static, kashif::ui::KashifApp> {
    workbench(&s.corpus, &s.ann, proposer(), (1200.0, 700.0))
}

const NONE: Modifiers = Modifiers::NONE;

/// The app's model over `s` with no folder open yet, as `kashif gui` starts.
fn model(s: &Setup) -> kashif::ui::AppModel {
    kashif::ui::AppModel::new(
        kashif::schema::Schema::builtin(),
        Box::new(TestBackend {
            annotations: s.ann.clone(),
            proposer: proposer(),
            learner: None,
        }),
    )
}

/// A window on `model` (no folder picker).
fn window(model: kashif::ui::AppModel) -> egui_kittest::Harness<'static, kashif::ui::KashifApp> {
    ui_support::harness(
        kashif::ui::KashifApp::new(model, Box::new(ui_support::NoPicker)),
        1000.0,
        600.0,
    )
}

/// The current document's annotations as the session holds them (and, after
/// `assert_disk_equals_shown`, as the file holds them).
fn current<'a>(h: &'a egui_kittest::Harness<'_, kashif::ui::KashifApp>) -> &'a DocAnnotations {
    session(h)
        .current_annotations()
        .expect("a document is open")
}

#[test]
fn accept_reject_and_relabel_proposals_by_keys() {
    let s = setup();
    let mut h = open(&s);
    assert_eq!(current(&h).proposals.len(), 4);
    assert_disk_equals_shown(&h, &s.ann);

    // Tab focuses the first proposal in reading order: أرمينيا.
    key(&mut h, NONE, Key::Tab);
    let f = session(&h).focus().unwrap().clone();
    assert_eq!((f.kind, f.start, f.end), (FocusKind::Proposal, 7, 14));
    // The view marks it as the focused node.
    assert!(
        h.get_by_label("proposed LOC: أرمينيا")
            .accesskit_node()
            .is_selected()
            == Some(true)
    );

    key(&mut h, NONE, Key::Enter);
    let ann = current(&h);
    assert_eq!(ann.entities.len(), 1);
    assert_eq!(ann.entities[0].text, "أرمينيا");
    assert!(matches!(ann.entities[0].origin, Origin::Accepted(_)));
    assert_eq!(ann.status, Status::InProgress);
    assert_disk_equals_shown(&h, &s.ann);

    // Focus moved on to أذربيجان; X rejects it and it is remembered.
    assert_eq!(
        session(&h).focus().unwrap().start,
        range_of(A, "أذربيجان").0
    );
    key(&mut h, NONE, Key::X);
    let ann = current(&h);
    assert_eq!(ann.rejected.len(), 1);
    assert!(ann.proposals.iter().all(|p| p.text != "أذربيجان"));
    assert_disk_equals_shown(&h, &s.ann);

    // Next is واشنطن (ORG?): the number key 2 accepts it as LOC.
    assert_eq!(session(&h).focus().unwrap().label, "ORG");
    key(&mut h, NONE, Key::Num2);
    let ann = current(&h);
    let w = ann.entities.iter().find(|e| e.text == "واشنطن").unwrap();
    assert_eq!(w.label, "LOC");
    assert_disk_equals_shown(&h, &s.ann);

    // Backspace rejects too (الخميس).
    key(&mut h, NONE, Key::Backspace);
    assert_eq!(current(&h).rejected.len(), 2);
    assert_disk_equals_shown(&h, &s.ann);

    // Click the accepted entity's box, then 1 relabels it PER.
    h.get_by_label("LOC: أرمينيا").click();
    settle(&mut h);
    assert_eq!(session(&h).focus().unwrap().kind, FocusKind::Entity);
    key(&mut h, NONE, Key::Num1);
    let ann = current(&h);
    assert!(
        ann.entities
            .iter()
            .any(|e| e.text == "أرمينيا" && e.label == "PER")
    );
    assert_disk_equals_shown(&h, &s.ann);
}

#[test]
fn create_by_drag_and_key_then_move_an_edge_and_delete() {
    let s = setup();
    let mut h = open(&s);
    let (a, b) = range_of(A, "إبرام اتفاق");
    drag_chars(&mut h, a + 1, b - 2, NONE);
    settle(&mut h);
    assert_eq!(session(&h).selection(), Some((a, b)));
    key(&mut h, NONE, Key::Num4);
    let ann = current(&h);
    let e = ann.entities.iter().find(|e| e.label == "MISC").unwrap();
    assert_eq!((e.start, e.end, e.text.as_str()), (a, b, "إبرام اتفاق"));
    assert_eq!(e.origin, Origin::Manual);
    assert_disk_equals_shown(&h, &s.ann);

    // Shift+Left in Arabic text extends the end by the next word.
    key(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    let ann = current(&h);
    assert!(ann.entities.iter().any(|e| e.text == "إبرام اتفاق سلام"));
    assert_disk_equals_shown(&h, &s.ann);
    key(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert!(current(&h).entities.iter().any(|e| e.text == "إبرام اتفاق"));

    // The palette works like the keys: relabel the focused entity as ORG.
    h.get_by_label("3 ORG").click();
    settle(&mut h);
    assert!(
        current(&h)
            .entities
            .iter()
            .any(|e| e.text == "إبرام اتفاق" && e.label == "ORG")
    );
    assert_disk_equals_shown(&h, &s.ann);

    key(&mut h, NONE, Key::Delete);
    assert!(current(&h).entities.is_empty());
    assert_disk_equals_shown(&h, &s.ann);
}

#[test]
fn undo_and_redo_by_keys() {
    let s = setup();
    let mut h = open(&s);
    key(&mut h, NONE, Key::Tab);
    key(&mut h, NONE, Key::Enter);
    key(&mut h, NONE, Key::Enter);
    assert_eq!(current(&h).entities.len(), 2);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(current(&h).entities.len(), 1);
    assert_disk_equals_shown(&h, &s.ann);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    let ann = current(&h);
    assert!(ann.entities.is_empty());
    assert_eq!(ann.status, Status::Todo);
    assert_disk_equals_shown(&h, &s.ann);
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(current(&h).entities.len(), 1);
    assert_disk_equals_shown(&h, &s.ann);
    key(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(current(&h).entities.len(), 2);
    assert_disk_equals_shown(&h, &s.ann);
}

#[test]
fn mark_done_and_move_on_then_navigate() {
    let s = setup();
    let mut h = open(&s);
    assert_eq!(session(&h).current_document().unwrap().id, "a");
    key(&mut h, NONE, Key::Tab);
    key(&mut h, NONE, Key::Enter);
    key(&mut h, Modifiers::COMMAND, Key::Enter);
    // Three proposals are pending: the gate asks; Enter rejects them.
    assert_ne!(session(&h).annotations(0).unwrap().status, Status::Done);
    h.get_by_label("Proposals still pending");
    key(&mut h, NONE, Key::Enter);
    assert_eq!(session(&h).annotations(0).unwrap().status, Status::Done);
    assert_eq!(session(&h).current_document().unwrap().id, "b");
    // The next document's proposals were computed in the background, and
    // واشنطن (ORG), just rejected in a, is not among them: remembered.
    assert!(current(&h).proposals.iter().all(|p| p.text != "واشنطن"));
    assert!(session(&h).annotations(0).unwrap().rejected.len() == 3);
    assert_disk_equals_shown(&h, &s.ann);
    // The list shows the progress.
    h.get_by_label_contains("1 / 3 done");
    key(&mut h, Modifiers::COMMAND, Key::PageUp);
    assert_eq!(session(&h).current_document().unwrap().id, "a");
    key(&mut h, Modifiers::COMMAND, Key::PageDown);
    key(&mut h, Modifiers::COMMAND, Key::PageDown);
    assert_eq!(session(&h).current_document().unwrap().id, "c");
    assert_disk_equals_shown(&h, &s.ann);
    // A click in the document list opens that document.
    h.get_by_label_contains("b  (").click();
    settle(&mut h);
    assert_eq!(session(&h).current_document().unwrap().id, "b");

    // Restart: the first document not done opens, decisions are in place.
    drop(h);
    let h = open(&s);
    assert_eq!(session(&h).current_document().unwrap().id, "b");
    assert_eq!(session(&h).annotations(0).unwrap().status, Status::Done);
    assert_eq!(session(&h).annotations(0).unwrap().entities.len(), 1);
}

#[test]
fn a_corrupt_ron_file_opens_read_only_and_stays_byte_identical() {
    let s = setup();
    let dir = s.ann.join(ANNOTATOR);
    std::fs::create_dir_all(&dir).unwrap();
    let bad = b"(version: 1, document: \"a\", entities: [ oops".to_vec();
    std::fs::write(dir.join("a.ron"), &bad).unwrap();
    let mut h = open(&s);
    assert_eq!(session(&h).current_document().unwrap().id, "a");
    let reason = session(&h)
        .read_only_reason()
        .expect("read-only")
        .to_string();
    assert!(reason.contains("a.ron:1:"), "{reason}");
    h.get_by_label_contains("Read-only:");
    // No proposals for it, and every edit is refused.
    assert!(current(&h).proposals.is_empty());
    let (a, b) = range_of(A, "أرمينيا");
    drag_chars(&mut h, a, b - 1, NONE);
    settle(&mut h);
    for (m, k) in [
        (NONE, Key::Num2),
        (NONE, Key::Tab),
        (NONE, Key::Enter),
        (NONE, Key::Delete),
        (Modifiers::COMMAND, Key::D),
    ] {
        key(&mut h, m, k);
    }
    assert!(
        h.state().model.message.contains("read-only"),
        "{}",
        h.state().model.message
    );
    assert!(current(&h).entities.is_empty());
    session(&h).flush().unwrap();
    drop(h);
    assert_eq!(std::fs::read(dir.join("a.ron")).unwrap(), bad);
}

#[test]
fn a_locked_store_opens_read_only_and_says_why() {
    let s = setup();
    let _holder = workflow_support::open(kashif::corpus::Corpus::load(&s.corpus).unwrap(), &s.ann);
    let mut model = model(&s);
    model.apply(kashif::ui::Command::SetAnnotator(ANNOTATOR.into()));
    model.apply(kashif::ui::Command::OpenFolder(s.corpus.clone()));
    assert!(model.session.is_none());
    let e = model.session_error.clone().unwrap();
    assert!(e.contains("another Kashif process"), "{e}");
    let mut h = window(model);
    h.get_by_label_contains("Read-only: ");
    h.run();
}

#[test]
fn the_shortcut_overlay_lists_the_key_table() {
    let s = setup();
    let mut h = open(&s);
    key(&mut h, NONE, Key::F1);
    assert!(h.state().work.show_shortcuts);
    let rows = h.state().work.keymap.overlay();
    for row in &rows {
        h.get_by_label(&row.help);
    }
    assert!(rows.iter().any(|r| r.keys.contains("Ctrl+Enter")));
    key(&mut h, NONE, Key::F1);
    assert!(!h.state().work.show_shortcuts);
    // F2: guidelines.
    key(&mut h, NONE, Key::F2);
    assert!(h.state().work.show_guidelines);
    h.get_by_label_contains("Where an entity starts and ends");
}

#[test]
fn bulk_accept_annotate_all_and_search_from_the_panels() {
    let s = setup();
    let mut h = open(&s);
    h.get_by_label("accept all LOC (2)").click();
    settle(&mut h);
    assert_eq!(current(&h).entities.len(), 2);
    assert_disk_equals_shown(&h, &s.ann);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(current(&h).entities.is_empty());
    h.state_mut().work.min_confidence = 0.85;
    settle(&mut h);
    h.get_by_label("accept all ≥ (2)").click();
    settle(&mut h);
    assert_eq!(current(&h).entities.len(), 2);
    assert_disk_equals_shown(&h, &s.ann);

    // Annotate every واشنطن in the corpus: the preview counts first.
    let (a, b) = range_of(A, "واشنطن");
    drag_chars(&mut h, a + 1, b - 1, NONE);
    settle(&mut h);
    h.state_mut().work.annotate_label = "LOC".into();
    h.state_mut().work.annotate_scope = kashif::workflow::Scope::Corpus;
    settle(&mut h);
    h.get_by_label("2 found, 2 new, in 2 document(s)");
    h.get_by_label("annotate 2 (one undo step)").click();
    settle(&mut h);
    assert!(
        session(&h)
            .annotations(1)
            .unwrap()
            .entities
            .iter()
            .any(|e| e.text == "واشنطن")
    );
    assert_disk_equals_shown(&h, &s.ann);

    // Search the corpus, click the hit in b.
    h.state_mut().work.search_query = "أنتوني".into();
    h.state_mut().work.search_scope = kashif::workflow::Scope::Corpus;
    settle(&mut h);
    h.get_by_label("Find").click();
    settle(&mut h);
    assert_eq!(session(&h).search_hits().len(), 1);
    h.get_by_label_contains("b: ").click();
    settle(&mut h);
    assert_eq!(session(&h).current_document().unwrap().id, "b");
    assert_eq!(session(&h).selection(), Some(range_of(B, "أنتوني")));
}

#[test]
fn dragging_an_edge_of_the_focused_entity_resizes_it() {
    let s = setup();
    let mut h = open(&s);
    let (a, b) = range_of(A, "إبرام");
    drag_chars(&mut h, a + 1, b - 1, NONE);
    settle(&mut h);
    key(&mut h, NONE, Key::Num4);
    assert_eq!(session(&h).focus().unwrap().start, a);
    // Right to left: the end edge is the left side of the last char. Drag
    // it onto the next word.
    let last = h.state().view.char_rect(b - 1).unwrap();
    let grab = egui::pos2(last.left() + 1.0, last.center().y);
    let (c, _) = range_of(A, "اتفاق");
    let to = ui_support::at(&h, c + 2);
    ui_support::drag(&mut h, grab, to, NONE);
    settle(&mut h);
    let ann = current(&h);
    assert_eq!(ann.entities.len(), 1);
    assert_eq!(ann.entities[0].text, "إبرام اتفاق");
    assert_disk_equals_shown(&h, &s.ann);
    // The start edge (right side of the first char) shrinks nothing past
    // the end and moves back to include من.
    let first = h.state().view.char_rect(a).unwrap();
    let grab = egui::pos2(first.right() - 1.0, first.center().y);
    let to = ui_support::at(&h, range_of(A, "من").0);
    ui_support::drag(&mut h, grab, to, NONE);
    settle(&mut h);
    let ann = current(&h);
    assert_eq!(ann.entities[0].text, "من إبرام اتفاق");
    assert_disk_equals_shown(&h, &s.ann);
    // Undo takes the resize back.
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(current(&h).entities[0].text, "إبرام اتفاق");
}

#[test]
fn marking_done_teaches_the_proposer_and_the_status_bar_says_so() {
    let s = setup();
    let learning = Arc::new(kashif::workflow::LearningProposer::new(FakeProposerRef(
        proposer(),
    )));
    let mut h = workbench_learning(
        &s.corpus,
        &s.ann,
        learning.clone(),
        Some(learning.clone()),
        (1200.0, 700.0),
    );
    let (a, b) = range_of(A, "بلينكين");
    drag_chars(&mut h, a + 1, b - 1, NONE);
    settle(&mut h);
    key(&mut h, NONE, Key::Num1);
    key(&mut h, Modifiers::COMMAND, Key::Enter);
    // The gate asks about a's pending proposals; Enter rejects them.
    key(&mut h, NONE, Key::Enter);
    assert_eq!(session(&h).current_document().unwrap().id, "b");
    h.state_mut()
        .model
        .session
        .as_mut()
        .unwrap()
        .wait_for_learning();
    settle(&mut h);
    h.get_by_label_contains("New proposals ready: 1 gold names remembered");
    let p = current(&h)
        .proposals
        .iter()
        .find(|p| p.text == "بلينكين")
        .expect("the remembered name is proposed in the next document");
    assert_eq!(p.label, "PER");
    assert_disk_equals_shown(&h, &s.ann);
}

/// Shares one fake proposer behind the learning wrapper.
struct FakeProposerRef(Arc<FakeProposer>);

impl kashif::workflow::Proposer for FakeProposerRef {
    fn propose(&self, doc_id: &str, text: &str) -> Vec<kashif::annotation::Proposal> {
        self.0.propose(doc_id, text)
    }
}

#[test]
fn shift_tab_wraps_to_the_last_proposal_and_scrolls_it_into_view() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    let mut long = String::new();
    for _ in 0..80 {
        long.push_str("اقتربت أرمينيا من إبرام اتفاق سلام\n\n");
    }
    long.push_str("وفي النهاية يوم الخميس");
    write_corpus(&corpus, &[("long", &long)]);
    let mut h = workbench(&corpus, &ann, proposer(), (1200.0, 700.0));
    let (a, _) = range_of(&long, "الخميس");
    assert!(
        h.state().view.char_rect(a).unwrap().top() > 700.0,
        "starts below the view"
    );
    // From the first proposal (Tab with nothing focused starts on screen),
    // Shift+Tab wraps to the document's last one, far below.
    key(&mut h, NONE, Key::Tab);
    assert!(session(&h).focus().unwrap().start < a);
    key(&mut h, Modifiers::SHIFT, Key::Tab);
    assert_eq!(session(&h).focus().unwrap().start, a);
    let r = h.state().view.char_rect(a).unwrap();
    assert!(
        r.top() >= 0.0 && r.bottom() <= 700.0,
        "focused box not in view: {r:?}"
    );
    assert!(
        h.get_by_label("proposed DATE: الخميس")
            .accesskit_node()
            .is_selected()
            == Some(true)
    );
}

#[test]
fn naming_the_annotator_opens_their_session() {
    let s = setup();
    let mut model = model(&s);
    model.apply(kashif::ui::Command::OpenFolder(s.corpus.clone()));
    assert!(model.session.is_none(), "no annotator yet: read-only");
    let mut h = window(model);
    h.get_by_role(egui::accesskit::Role::TextInput).click();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(ANNOTATOR);
    h.run();
    h.get_by_label("Start").click();
    settle(&mut h);
    assert_eq!(session(&h).annotator(), ANNOTATOR);
    key(&mut h, NONE, Key::Tab);
    key(&mut h, NONE, Key::Enter);
    assert_disk_equals_shown(&h, &s.ann);
    assert!(s.ann.join(ANNOTATOR).join("a.ron").exists());
}
