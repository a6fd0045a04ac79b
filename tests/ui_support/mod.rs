//! Shared helpers of the UI tests: an app on in-memory documents, and
//! pointer gestures.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use kashif::annotation::DocAnnotations;
use kashif::corpus::Document;
use kashif::schema::Schema;
use kashif::ui::dialogs::picker::FolderPicker;
use kashif::ui::{AppModel, DocEntry, KashifApp};

pub struct NoPicker;
impl FolderPicker for NoPicker {
    fn pick_folder(&mut self) -> Option<PathBuf> {
        None
    }
}

pub fn entry(id: &str, text: &str, annotations: DocAnnotations) -> DocEntry {
    DocEntry {
        document: std::sync::Arc::new(Document {
            id: id.to_string(),
            text: text.to_string(),
            path: PathBuf::from(format!("{id}.txt")),
        }),
        annotations: annotations.into(),
        problems: Vec::new(),
    }
}

/// An app with one document open and an annotator set.
pub fn app(text: &str, annotations: DocAnnotations) -> KashifApp {
    let mut model =
        AppModel::with_documents(Schema::builtin(), vec![entry("doc", text, annotations)]);
    model.annotator = Some("test".into());
    KashifApp::new(model, Box::new(NoPicker))
}

pub fn harness(app: KashifApp, width: f32, height: f32) -> Harness<'static, KashifApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(|ui, app: &mut KashifApp| app.ui(ui), app);
    h.run();
    h
}

/// Centre of char `c` on screen.
pub fn at(h: &Harness<'_, KashifApp>, c: usize) -> Pos2 {
    h.state()
        .view
        .char_rect(c)
        .unwrap_or_else(|| panic!("char {c} is not laid out"))
        .center()
}

/// Press at `from`, move to `to` in steps, release, with `mods` held.
pub fn drag(h: &mut Harness<'_, KashifApp>, from: Pos2, to: Pos2, mods: Modifiers) {
    h.event(Event::ModifiersChanged(mods));
    h.hover_at(from);
    h.run();
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: mods,
    });
    h.run();
    for t in [0.25, 0.5, 0.75, 1.0] {
        h.hover_at(from.lerp(to, t));
        h.run();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: mods,
    });
    h.run();
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

/// The seed fixture: document id → annotations.
pub fn seed_annotations() -> BTreeMap<String, DocAnnotations> {
    let text = std::fs::read_to_string("tests/fixtures/seed_annotations.ron").unwrap();
    ron::from_str(&text).unwrap()
}

pub fn seed(id: &str) -> String {
    std::fs::read_to_string(format!("seeds/{id}.txt")).unwrap()
}

/// Drags from the centre of char `a` to the centre of char `b`.
pub fn drag_chars(h: &mut Harness<'_, KashifApp>, a: usize, b: usize, mods: Modifiers) {
    let (pa, pb) = (at(h, a), at(h, b));
    drag(h, pa, pb, mods);
}
