//! The status bar: saving, proposals, learning, the last message, where the
//! annotator is.

use egui::{Color32, Ui};

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

/// The status bar on one line: what does not fit is elided with "…"
/// (hover for the whole text). Saving comes first, so it is never cut.
pub fn status_ui(ui: &mut Ui, model: &AppModel, zoom: f32) {
    let Some(s) = &model.session else {
        return;
    };
    let font = egui::TextStyle::Body.resolve(ui.style());
    let plain = ui.visuals().text_color();
    let mut job = egui::text::LayoutJob::default();
    let mut parts: Vec<(String, Color32)> = Vec::new();
    let (text, color) = save_text(&s.save_status());
    parts.push((text, color));
    if s.proposing() {
        parts.push(("proposing…".into(), plain));
    }
    match s.learn_status() {
        LearnStatus::Idle => {}
        LearnStatus::Training => parts.push(("retraining…".into(), plain)),
        // Which model proposes: the shipped one or the retrained one.
        LearnStatus::Ready(m) => parts.push((m.to_string(), plain)),
        LearnStatus::Failed(m) => parts.push((format!("retraining failed: {m}"), RED)),
    }
    if let Some(m) = s.message() {
        parts.push((m.to_string(), AMBER));
    }
    if !model.message.is_empty() {
        parts.push((model.message.clone(), plain));
    }
    if let Some(d) = s.current_document() {
        parts.push((d.id.clone(), plain));
    }
    if let Some((a, b)) = s.selection() {
        parts.push((format!("selection {a}–{b}"), plain));
    }
    if let Some(f) = s.focus() {
        parts.push((format!("focus {} {}–{}", f.label, f.start, f.end), plain));
    }
    parts.push((format!("zoom {:.0}%", zoom * 100.0), plain));
    parts.push((format!("annotator: {}", s.annotator()), plain));
    parts.push(("F1: keys".into(), plain));
    let mut whole = String::new();
    for (i, (t, c)) in parts.iter().enumerate() {
        if i > 0 {
            job.append(" · ", 0.0, egui::TextFormat::simple(font.clone(), plain));
            whole.push_str(" · ");
        }
        let f = egui::TextFormat::simple(font.clone(), *c);
        job.append(&crate::ui::text::direction::egui_display_order(t), 0.0, f);
        whole.push_str(t);
    }
    ui.horizontal(|ui| {
        if s.proposing() {
            ui.spinner();
        }
        job.wrap = egui::text::TextWrapping::truncate_at_width(ui.available_width());
        ui.add(egui::Label::new(job).truncate())
            .on_hover_text(whole);
    });
}
