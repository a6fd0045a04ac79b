//! The status bar: saving, proposals (and which tier they come from),
//! learning, the last message, where the annotator is.

use egui::{Color32, Ui};

use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size, label_width};
use crate::workflow::{
    self, JobProgress, LearnProgress, LearnStatus, RetrainError, SaveStatus, TierStatus,
};

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
/// (hover for the whole text). Saving comes first, so it is never cut. The
/// document id is laid out by [`TextBlocks`] (bidi; an Arabic id with Latin
/// and digits in it keeps its order), the rest is egui's own text.
/// A bulk command running in the background shows a progress bar
/// (documents done of the phase's total, and what it is doing) with a
/// Cancel button (Esc does the same) at the start of the line; so does a
/// retraining (how far it is over all its stages; its Cancel keeps the
/// model in use).
pub fn status_ui(
    ui: &mut Ui,
    model: &AppModel,
    blocks: &mut TextBlocks,
    zoom: f32,
    out: &mut Vec<Command>,
) {
    let Some(s) = &model.session else {
        return;
    };
    let running = s.job_progress();
    let retraining = s.learn_progress();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let plain = ui.visuals().text_color();
    let mut before: Vec<(String, Color32)> = Vec::new();
    let (text, color) = save_text(&s.save_status());
    before.push((text, color));
    // Which tier the open document's proposals come from (issue 12); while
    // the accurate tier works on it, that says it (the spinner turns).
    let tier = s.tier_status();
    if s.proposing() && !matches!(tier, TierStatus::Working | TierStatus::Loading) {
        before.push(("proposing…".into(), plain));
    }
    if let Some(t) = tier.text() {
        let color = match tier {
            TierStatus::FastOnly(_) => AMBER,
            _ => plain,
        };
        before.push((t, color));
    }
    if s.searching() {
        let n = s.search_hits().len();
        before.push((format!("searching the corpus… {n} found so far"), plain));
    }
    match s.learn_status() {
        LearnStatus::Idle => {}
        // The progress bar says it.
        LearnStatus::Training => {}
        // Which model proposes: the shipped one or the retrained one.
        LearnStatus::Ready(m) => before.push((m.to_string(), plain)),
        LearnStatus::Failed(m) => before.push((format!("retraining failed: {m}"), RED)),
        LearnStatus::Cancelled => before.push((RetrainError::Cancelled.to_string(), plain)),
    }
    if let Some(m) = s.message() {
        before.push((m.to_string(), AMBER));
    }
    if let Some(p) = &running {
        before.push((p.text(), plain));
    }
    if !model.message.is_empty() {
        before.push((model.message.clone(), plain));
    }
    let id = s.current_document().map(|d| d.id.clone());
    let mut after: Vec<(String, Color32)> = Vec::new();
    if let Some((a, b)) = s.selection() {
        after.push((format!("selection {a}–{b}"), plain));
    }
    if let Some(f) = s.focus() {
        after.push((format!("focus {} {}–{}", f.label, f.start, f.end), plain));
    }
    after.push((format!("zoom {:.0}%", zoom * 100.0), plain));
    after.push((format!("annotator: {}", s.annotator()), plain));
    after.push(("F1: keys".into(), plain));
    let whole = before
        .iter()
        .map(|(t, _)| t.as_str())
        .chain(id.as_deref())
        .chain(after.iter().map(|(t, _)| t.as_str()))
        .collect::<Vec<_>>()
        .join(" · ");
    // Messages are one line egui never wraps (cut with …), so a message
    // quoting an Arabic name in visual order reads right here; the id,
    // which can be long and mixed, goes through `TextBlocks`.
    let job = |parts: &[(String, Color32)], lead: bool, tail: bool| {
        let mut job = egui::text::LayoutJob::default();
        let sep = egui::TextFormat::simple(font.clone(), plain);
        if lead {
            job.append("· ", 0.0, sep.clone());
        }
        for (i, (t, c)) in parts.iter().enumerate() {
            if i > 0 {
                job.append(" · ", 0.0, sep.clone());
            }
            let f = egui::TextFormat::simple(font.clone(), *c);
            job.append(&crate::ui::text::direction::egui_display_order(t), 0.0, f);
        }
        if tail {
            job.append(" ·", 0.0, sep);
        }
        job
    };
    let size = body_size(ui);
    let response = ui
        .horizontal(|ui| {
            if let Some(p) = &running {
                job_ui(ui, p, out);
            }
            if let Some(p) = &retraining {
                retrain_ui(ui, p, out);
            }
            if s.proposing() || s.searching() {
                ui.spinner();
            }
            let room = ui.available_width() * if id.is_some() { 0.6 } else { 1.0 };
            // The last part (the newest message) is cut at a word boundary,
            // not inside an Arabic name, when the line is too long.
            let lead = id.is_some();
            if let Some(last) = before.len().checked_sub(1)
                && label_width(ui, job(&before, false, lead)) > room
            {
                let mut parts = before.clone();
                let cut = crate::text::elide_words(&before[last].0, |t| {
                    parts[last].0 = t.to_string();
                    label_width(ui, job(&parts, false, lead)) <= room
                });
                before[last].0 = cut;
            }
            let first = job(&before, false, id.is_some());
            let w = label_width(ui, first.clone()).min(room);
            ui.scope(|ui| {
                ui.set_max_width(w);
                ui.add(egui::Label::new(first).truncate());
            });
            if let Some(id) = &id {
                let room = ui.available_width() * 0.6;
                blocks.line_ui(ui, id, id, size, room, BlockStyle::plain());
            }
            let mut rest = job(&after, id.is_some(), false);
            rest.wrap = egui::text::TextWrapping::truncate_at_width(ui.available_width());
            ui.add(egui::Label::new(rest).truncate());
        })
        .response;
    response.on_hover_ui(|ui| {
        let style = BlockStyle::plain().interface();
        blocks.wrapped_ui(ui, &whole, &whole, size, style);
    });
}

/// The running bulk command's progress bar and its Cancel button.
fn job_ui(ui: &mut Ui, p: &JobProgress, out: &mut Vec<Command>) {
    let bar = egui::ProgressBar::new(p.fraction())
        .desired_width(160.0)
        .text(format!("{} {} / {}", p.phase.as_str(), p.done, p.total));
    ui.add(bar).on_hover_text(p.text());
    if ui
        .button("Cancel")
        .on_hover_text("Cancel it (Esc): nothing of it is applied")
        .clicked()
    {
        out.push(Command::Work(workflow::Command::CancelJob));
    }
}

/// The running retraining's progress bar and its Cancel button.
fn retrain_ui(ui: &mut Ui, p: &LearnProgress, out: &mut Vec<Command>) {
    let percent = (p.fraction * 100.0).floor();
    let bar = egui::ProgressBar::new(p.fraction)
        .desired_width(120.0)
        .text(format!("retraining {percent:.0}%"));
    ui.add(bar).on_hover_text(
        "Retraining the model on the base data and every done document, in the background",
    );
    if ui
        .button("Cancel")
        .on_hover_text("Cancel the retraining: the model in use stays unchanged")
        .clicked()
    {
        out.push(Command::Work(workflow::Command::CancelRetraining));
    }
}
