//! The lead's part of the review panel: names labelled inconsistently
//! across the corpus and annotators (each place a link that opens its
//! document with the place selected), the annotators' notes (links too),
//! and how each annotator's entities were decided.

use egui::{RichText, Ui};

use super::Review;
use crate::eval::{FindingKind, Place};
use crate::ui::lead_links::{jump, notes_ui};
use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size};

fn place_text(p: &Place) -> String {
    format!(
        "{}/{} {}..{} {}",
        p.annotator,
        p.doc_id,
        p.start,
        p.end,
        p.label.as_deref().unwrap_or("none")
    )
}

/// Decision rates, consistency findings and notes, under the review's
/// tables.
pub fn lead_ui(
    ui: &mut Ui,
    model: &AppModel,
    r: &Review,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let lead = &r.lead;
    let size = body_size(ui);
    ui.separator();
    ui.strong("how entities were decided (of proposals: accepted / in bulk / corrected)");
    for (annotator, rows) in &lead.decisions {
        ui.label(RichText::new(annotator).weak());
        egui::Grid::new(("lead-decisions", annotator))
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                for h in [
                    "proposed",
                    "source",
                    "accepted",
                    "in bulk",
                    "corrected",
                    "corrected %",
                ] {
                    ui.label(RichText::new(h).weak());
                }
                ui.end_row();
                for row in rows {
                    ui.label(&row.label);
                    ui.label(format!("{:?}", row.source).to_lowercase());
                    ui.label(row.accepted.to_string());
                    ui.label(row.bulk.to_string());
                    ui.label(row.corrected.to_string());
                    ui.label(format!("{:.1}", 100.0 * row.correction));
                    ui.end_row();
                }
            });
    }
    ui.separator();
    ui.strong(format!("consistency ({})", lead.findings.len()));
    for (n, f) in lead.findings.iter().enumerate() {
        let what = match f.kind {
            FindingKind::Labels => "labelled differently",
            FindingKind::Unannotated => "annotated in some places only",
        };
        let head = format!("«{}» {what}", f.text);
        let w = ui.available_width();
        blocks.line_ui(ui, &head, &head, size, w, BlockStyle::plain().words());
        ui.horizontal_wrapped(|ui| {
            for (k, p) in f.places.iter().enumerate() {
                let b = ui.push_id(("lead-place", n, k), |ui| ui.small_button(place_text(p)));
                if b.inner.clicked() {
                    jump(model, &p.doc_id, Some((p.start, p.end)), commands);
                }
            }
        });
    }
    notes_ui(ui, model, &lead.notes, blocks, commands);
}
