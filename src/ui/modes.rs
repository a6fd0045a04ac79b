//! Which mode owns the window: the File menu's Export entry, the Mode menu,
//! the open dialogs (each mode's own, from its folder), and the panels of
//! review and adjudication modes (drawn by `review::ui` and
//! `adjudicate::ui`). `KashifApp` calls these few functions.

use egui::Ui;

use super::adjudicate::dialog::{AdjudicateDialog, adjudicate_dialog_ui};
use super::adjudicate::stacked::StackedView;
use super::adjudicate::ui as adjudicate_ui;
use super::article_view::ArticleView;
use super::dialogs::export::ExportDialog;
use super::dialogs::save_picker::{NoSavePicker, SavePicker};
use super::model::gold::{GoldCommand, Mode};
use super::model::{AppModel, Command};
use super::review::dialog::{ReviewDialog, review_dialog_ui};
use super::review::ui as review_ui;
use super::text::text_block::TextBlocks;

/// Dialog state and the save dialog.
pub struct GoldUi {
    pub picker: Box<dyn SavePicker>,
    pub export: Option<ExportDialog>,
    pub review: Option<ReviewDialog>,
    pub adjudicate: Option<AdjudicateDialog>,
    /// The adjudication's stacked view: lines and heights kept between
    /// frames.
    pub stacked: StackedView,
}

impl Default for GoldUi {
    fn default() -> Self {
        GoldUi {
            picker: Box::new(NoSavePicker),
            export: None,
            review: None,
            adjudicate: None,
            stacked: StackedView::default(),
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
    pub fn windows_ui(
        &mut self,
        ui: &mut Ui,
        model: &AppModel,
        blocks: &mut TextBlocks,
        commands: &mut Vec<Command>,
    ) {
        let ctx = ui.ctx().clone();
        if let Some(d) = &mut self.export
            && !d.ui(&ctx, model, self.picker.as_mut(), blocks, commands)
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
        blocks: &mut TextBlocks,
        commands: &mut Vec<Command>,
    ) {
        match model.gold.mode {
            Mode::Annotate => {}
            Mode::Review => {
                egui::Panel::right("review")
                    .default_size(430.0)
                    .show(ui, |ui| review_ui::side_ui(ui, model, blocks, commands));
                egui::CentralPanel::default().show(ui, |ui| {
                    review_ui::article_ui(ui, model, view, blocks, commands)
                });
            }
            Mode::Adjudicate => {
                if let Some(adj) = &model.gold.adjudication {
                    adjudicate_ui::keys(ui, commands, adj);
                }
                egui::Panel::right("adjudicate")
                    .default_size(430.0)
                    .show(ui, |ui| adjudicate_ui::side_ui(ui, model, blocks, commands));
                egui::CentralPanel::default().show(ui, |ui| {
                    adjudicate_ui::article_ui(ui, model, view, &mut self.stacked, blocks, commands)
                });
            }
        }
    }
}
