//! The status bar: saving, proposals, learning, the last message, where the
//! annotator is.

use egui::{Color32, RichText, Ui};

use crate::ui::model::AppModel;
use crate::workflow::{LearnStatus, SaveStatus};

const GREEN: Color32 = Color32::from_rgb(60, 170, 90);
const AMBER: Color32 = Color32::from_rgb(230, 160, 40);
const RED: Color32 = Color32::from_rgb(220, 80, 60);

/// What the status bar says about saving, and its colour.
pub fn save_text(status: &SaveStatus) -> (String, Color32) {
    match status {
        SaveStatus::Saved => ("saved".to_string(), GREEN),
        SaveStatus::Saving { documents } => (format!("saving {documents}…"), AMBER),
        SaveStatus::Failed { doc_id, message } => (
            format!("save FAILED for {doc_id} (kept in memory, retrying): {message}"),
            RED,
        ),
    }
}

pub fn status_ui(ui: &mut Ui, model: &AppModel) {
    let Some(s) = &model.session else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        let (text, color) = save_text(&s.save_status());
        ui.label(RichText::new(text).color(color).strong());
        ui.separator();
        if s.proposing() {
            ui.spinner();
            ui.label("proposing…");
            ui.separator();
        }
        match s.learn_status() {
            LearnStatus::Idle => {}
            LearnStatus::Training => {
                ui.label("retraining…");
                ui.separator();
            }
            LearnStatus::Ready(m) => {
                // Which model proposes: the shipped one or the retrained one.
                ui.label(m);
                ui.separator();
            }
            LearnStatus::Failed(m) => {
                ui.colored_label(RED, format!("retraining failed: {m}"));
                ui.separator();
            }
        }
        if let Some(d) = s.current_document() {
            ui.label(&d.id);
            ui.separator();
        }
        if let Some((a, b)) = s.selection() {
            ui.label(format!("selection {a}–{b}"));
            ui.separator();
        }
        if let Some(f) = s.focus() {
            ui.label(format!("focus {} {}–{}", f.label, f.start, f.end));
            ui.separator();
        }
        ui.label(format!("annotator: {}", s.annotator()));
        ui.separator();
        ui.label("F1: keys");
        if let Some(m) = s.message() {
            ui.separator();
            ui.label(RichText::new(m).color(AMBER));
        }
        if !model.message.is_empty() {
            ui.separator();
            ui.label(&model.message);
        }
    });
}
