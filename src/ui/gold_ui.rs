//! The window's side of export, review and adjudication: menu entries, the
//! dialogs that start them, and the panels shown in review and adjudication
//! modes. `KashifApp` calls these few functions; the rest lives here.

use egui::Ui;

use super::article_view::{ArticleInput, ArticleView, ViewEvent};
use super::export_dialog::ExportDialog;
use super::gold::{GOLD, GoldCommand, Mode};
use super::model::{AppModel, Command};
use super::review::ReviewSource;
use super::save_picker::{NoSavePicker, SavePicker};
use super::{adjudicate_ui, review_ui};
use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::schema::Schema;

/// Choosing the two sources of a review.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewDialog {
    pub gold: Option<ReviewSource>,
    pub pred: Option<ReviewSource>,
    pub all: bool,
}

/// Choosing the two annotators to adjudicate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdjudicateDialog {
    pub a: String,
    pub b: String,
}

/// Dialog state and the save dialog.
pub struct GoldUi {
    pub picker: Box<dyn SavePicker>,
    pub export: Option<ExportDialog>,
    pub review: Option<ReviewDialog>,
    pub adjudicate: Option<AdjudicateDialog>,
}

impl Default for GoldUi {
    fn default() -> Self {
        GoldUi {
            picker: Box::new(NoSavePicker),
            export: None,
            review: None,
            adjudicate: None,
        }
    }
}

fn refresh(commands: &mut Vec<Command>) {
    commands.push(Command::Gold(GoldCommand::RefreshAnnotators));
}

impl GoldUi {
    /// The File menu's entry.
    pub fn file_menu_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        if ui.button("Export…").clicked() {
            self.export.get_or_insert_with(ExportDialog::default);
            refresh(commands);
            ui.close();
        }
    }

    /// The Mode menu: annotate, review, adjudicate.
    pub fn mode_menu_ui(&mut self, ui: &mut Ui, model: &AppModel, commands: &mut Vec<Command>) {
        ui.menu_button("Mode", |ui| {
            let mode = model.gold.mode;
            if ui.radio(mode == Mode::Annotate, "Annotate").clicked() {
                commands.push(Command::Gold(GoldCommand::SetMode(Mode::Annotate)));
                ui.close();
            }
            if ui.radio(mode == Mode::Review, "Review…").clicked() {
                self.review.get_or_insert_with(ReviewDialog::default);
                refresh(commands);
                ui.close();
            }
            if ui.radio(mode == Mode::Adjudicate, "Adjudicate…").clicked() {
                self.adjudicate
                    .get_or_insert_with(AdjudicateDialog::default);
                refresh(commands);
                ui.close();
            }
        });
    }

    /// Open dialogs.
    pub fn windows_ui(&mut self, ui: &mut Ui, model: &AppModel, commands: &mut Vec<Command>) {
        let ctx = ui.ctx().clone();
        if let Some(d) = &mut self.export
            && !d.ui(&ctx, model, self.picker.as_mut(), commands)
        {
            self.export = None;
        }
        if let Some(d) = &mut self.review
            && !review_dialog_ui(&ctx, d, model, commands)
        {
            self.review = None;
        }
        if let Some(d) = &mut self.adjudicate
            && !adjudicate_dialog_ui(&ctx, d, model, commands)
        {
            self.adjudicate = None;
        }
    }

    /// Whether review or adjudication owns the side and middle panels.
    pub fn owns_panels(model: &AppModel) -> bool {
        model.gold.mode != Mode::Annotate
    }

    /// The side panel and the article of review or adjudication mode.
    pub fn panels_ui(
        &mut self,
        ui: &mut Ui,
        model: &AppModel,
        view: &mut ArticleView,
        commands: &mut Vec<Command>,
    ) {
        match model.gold.mode {
            Mode::Annotate => {}
            Mode::Review => {
                egui::Panel::right("review")
                    .default_size(430.0)
                    .show(ui, |ui| review_ui::side_ui(ui, model, commands));
                egui::CentralPanel::default()
                    .show(ui, |ui| review_ui::article_ui(ui, model, view, commands));
            }
            Mode::Adjudicate => {
                if let Some(adj) = &model.gold.adjudication {
                    adjudicate_ui::keys(ui, commands, adj);
                }
                egui::Panel::right("adjudicate")
                    .default_size(430.0)
                    .show(ui, |ui| adjudicate_ui::side_ui(ui, model, commands));
                egui::CentralPanel::default().show(ui, |ui| {
                    adjudicate_ui::article_ui(ui, model, view, commands)
                });
            }
        }
    }
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

fn review_dialog_ui(
    ctx: &egui::Context,
    d: &mut ReviewDialog,
    model: &AppModel,
    commands: &mut Vec<Command>,
) -> bool {
    let sources = ReviewSource::available(&model.gold.annotators);
    let known = |s: &Option<ReviewSource>| s.as_ref().is_some_and(|s| sources.contains(s));
    if !known(&d.gold) {
        d.gold = sources
            .iter()
            .find(|s| **s == ReviewSource::Annotator(GOLD.into()))
            .or(sources.first())
            .cloned();
    }
    if !known(&d.pred) {
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
            if sources.is_empty() {
                ui.label("no annotator has files in the annotation folder yet");
            }
            egui::Grid::new("review-grid")
                .num_columns(2)
                .show(ui, |ui| {
                    let l = ui.label("gold (the truth)");
                    source_combo(ui, l.id, "review-gold", &mut d.gold, &sources);
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

fn annotator_combo(ui: &mut Ui, label: egui::Id, id: &str, value: &mut String, all: &[String]) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.as_str())
        .width(200.0)
        .show_ui(ui, |ui| {
            for a in all {
                ui.selectable_value(value, a.clone(), a);
            }
        })
        .response
        .labelled_by(label);
}

fn adjudicate_dialog_ui(
    ctx: &egui::Context,
    d: &mut AdjudicateDialog,
    model: &AppModel,
    commands: &mut Vec<Command>,
) -> bool {
    let names: Vec<String> = model
        .gold
        .annotators
        .iter()
        .filter(|a| a.as_str() != GOLD)
        .cloned()
        .collect();
    if !names.contains(&d.a) {
        d.a = names.first().cloned().unwrap_or_default();
    }
    if !names.contains(&d.b) || d.b == d.a {
        d.b = names
            .iter()
            .find(|n| **n != d.a)
            .cloned()
            .unwrap_or_default();
    }
    let mut open = true;
    let mut close = false;
    egui::Window::new("Adjudicate two annotators into gold")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("adjudicate-grid").num_columns(2).show(ui, |ui| {
                let l = ui.label("left (key 1)");
                annotator_combo(ui, l.id, "adj-a", &mut d.a, &names);
                ui.end_row();
                let l = ui.label("right (key 2)");
                annotator_combo(ui, l.id, "adj-b", &mut d.b, &names);
                ui.end_row();
            });
            ui.label(format!(
                "Agreements are merged at once; saving writes annotations/{GOLD}/ (documents whose conflicts are all decided, marked done)."
            ));
            ui.horizontal(|ui| {
                let can = !d.a.is_empty() && !d.b.is_empty() && d.a != d.b;
                if ui.add_enabled(can, egui::Button::new("Start")).clicked() {
                    commands.push(Command::Gold(GoldCommand::StartAdjudication {
                        a: d.a.clone(),
                        b: d.b.clone(),
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

/// The article with annotations review or adjudication derived from the
/// files: read-only, so a selection is all it reports.
pub(super) fn derived_article_ui(
    ui: &mut Ui,
    model: &AppModel,
    view: &mut ArticleView,
    document: &Document,
    annotations: &DocAnnotations,
    schema: &Schema,
    commands: &mut Vec<Command>,
) {
    let input = ArticleInput {
        doc_id: &document.id,
        text: &document.text,
        annotations,
        schema,
        selection: model.selection,
        focused: None,
    };
    let (_, events) = view.ui(ui, &input);
    for e in events {
        if let ViewEvent::Selected { start, end } = e {
            commands.push(Command::Select { start, end });
        }
    }
}

/// Why the current document has no article in this mode, in its place.
pub(super) fn not_shown_ui(ui: &mut Ui, why: String) {
    ui.centered_and_justified(|ui| ui.label(why));
}
