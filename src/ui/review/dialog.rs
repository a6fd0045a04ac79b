//! The dialog that starts a review: which two sources to compare.

use egui::Ui;

use super::ReviewSource;
use crate::ui::model::gold::{GOLD, GoldCommand};
use crate::ui::model::{AppModel, Command};

/// Choosing the two sources of a review.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewDialog {
    pub gold: Option<ReviewSource>,
    pub pred: Option<ReviewSource>,
    pub all: bool,
}

fn source_combo(
    ui: &mut Ui,
    label: egui::Id,
    id: &str,
    value: &mut Option<ReviewSource>,
    all: &[ReviewSource],
) {
    let shown = value.as_ref().map_or("choose…".to_string(), |s| s.name());
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(240.0)
        .show_ui(ui, |ui| {
            for s in all {
                ui.selectable_value(value, Some(s.clone()), s.name());
            }
        })
        .response
        .labelled_by(label);
}

/// The review dialog; `false` once it is closed.
pub fn review_dialog_ui(
    ctx: &egui::Context,
    d: &mut ReviewDialog,
    model: &AppModel,
    commands: &mut Vec<Command>,
) -> bool {
    let sources = ReviewSource::available(&model.gold.annotators);
    // The truth is what a person decided: machine sources are only compared.
    let golds: Vec<ReviewSource> = sources
        .iter()
        .filter(|s| matches!(s, ReviewSource::Annotator(_)))
        .cloned()
        .collect();
    let known = |s: &Option<ReviewSource>| s.as_ref().is_some_and(|s| sources.contains(s));
    if !golds.contains(d.gold.as_ref().unwrap_or(&ReviewSource::Extraction)) {
        d.gold = golds
            .iter()
            .find(|s| **s == ReviewSource::Annotator(GOLD.into()))
            .or(golds.first())
            .cloned();
    }
    // Defaults wait for the annotators to be listed (another annotator
    // first, then the machine sources).
    if !known(&d.pred) && !golds.is_empty() {
        d.pred = sources
            .iter()
            .find(|s| Some(*s) != d.gold.as_ref())
            .cloned();
    }
    let mut open = true;
    let mut close = false;
    egui::Window::new("Review: compare two sources")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            if golds.is_empty() {
                ui.label("no annotator has files in the annotation folder yet");
            }
            egui::Grid::new("review-grid")
                .num_columns(2)
                .show(ui, |ui| {
                    let l = ui.label("gold (the truth)");
                    source_combo(ui, l.id, "review-gold", &mut d.gold, &golds);
                    ui.end_row();
                    let l = ui.label("compared");
                    source_combo(ui, l.id, "review-pred", &mut d.pred, &sources);
                    ui.end_row();
                });
            ui.checkbox(
                &mut d.all,
                "all annotated documents (not only those marked done)",
            );
            ui.horizontal(|ui| {
                if let (Some(g), Some(p)) = (&d.gold, &d.pred)
                    && ui.button("Compare").clicked()
                {
                    commands.push(Command::Gold(GoldCommand::StartReview {
                        gold: g.clone(),
                        pred: p.clone(),
                        all: d.all,
                    }));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    open && !close
}
