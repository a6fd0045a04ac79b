//! File → Export…: which annotator, which format, which documents; the
//! target comes from a [`SavePicker`] and the writing from the backend.

use egui::{Color32, Context, RichText};

use super::gold::{ExportChoices, ExportRequest, GOLD, GoldCommand};
use super::model::{AppModel, Command};
use super::save_picker::SavePicker;
use crate::formats::Format;

/// The export window: the choices it keeps between openings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportDialog {
    pub choices: ExportChoices,
}

impl ExportDialog {
    /// The request for a picked target (choices the format has no use for
    /// are dropped where the request is carried out).
    pub fn request(&self, path: std::path::PathBuf) -> ExportRequest {
        ExportRequest {
            choices: self.choices.clone(),
            path,
        }
    }

    /// Draws the window; returns false when the user closed it.
    pub fn ui(
        &mut self,
        ctx: &Context,
        model: &AppModel,
        picker: &mut dyn SavePicker,
        commands: &mut Vec<Command>,
    ) -> bool {
        let known = &model.gold.annotators;
        if self.choices.annotator.is_empty() || !known.contains(&self.choices.annotator) {
            let pick = known
                .iter()
                .find(|a| a.as_str() == GOLD)
                .or_else(|| {
                    known
                        .iter()
                        .find(|a| Some(a.as_str()) == model.annotator.as_deref())
                })
                .or(known.first());
            if let Some(a) = pick {
                self.choices.annotator = a.clone();
            }
        }
        let mut open = true;
        let mut close = false;
        egui::Window::new("Export gold labels")
            .open(&mut open)
            .collapsible(false)
            .default_width(420.0)
            .show(ctx, |ui| {
                egui::Grid::new("export-grid")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        let name = ui.label("Annotator");
                        if known.is_empty() {
                            ui.label("no annotator has files yet");
                        } else {
                            egui::ComboBox::from_id_salt("export-annotator")
                                .selected_text(&self.choices.annotator)
                                .show_ui(ui, |ui| {
                                    for a in known {
                                        ui.selectable_value(
                                            &mut self.choices.annotator,
                                            a.clone(),
                                            a,
                                        );
                                    }
                                })
                                .response
                                .labelled_by(name.id);
                        }
                        ui.end_row();
                        ui.label("Format");
                        ui.horizontal_wrapped(|ui| {
                            for f in Format::ALL {
                                ui.radio_value(&mut self.choices.format, f, f.name());
                            }
                        });
                        ui.end_row();
                        ui.label("Documents");
                        ui.checkbox(
                            &mut self.choices.all,
                            "all annotated (not only those marked done)",
                        );
                        ui.end_row();
                        ui.label("CoNLL");
                        ui.add_enabled(
                            self.choices.format == Format::Conll,
                            egui::Checkbox::new(
                                &mut self.choices.split_clitics,
                                "split clitics (conjunctions, prepositions on their own lines)",
                            ),
                        );
                        ui.end_row();
                        ui.label("");
                        ui.add_enabled(
                            self.choices.format == Format::Conll,
                            egui::Checkbox::new(
                                &mut self.choices.conll_ids,
                                "# id = lines (so an import restores the ids)",
                            ),
                        );
                        ui.end_row();
                        ui.label("JSON");
                        let json = self.choices.format.is_json();
                        ui.add_enabled(
                            json,
                            egui::Checkbox::new(
                                &mut self.choices.utf16,
                                "offsets in UTF-16 units (JavaScript tools)",
                            ),
                        );
                        ui.end_row();
                    });
                ui.label(
                    RichText::new(if self.choices.format.is_folder() {
                        "brat writes a folder: one .txt and one .ann per document"
                    } else {
                        "offsets are chars, as Python slices strings, unless UTF-16 is ticked"
                    })
                    .small()
                    .weak(),
                );
                ui.horizontal(|ui| {
                    let can = !self.choices.annotator.is_empty();
                    if ui.add_enabled(can, egui::Button::new("Export…")).clicked()
                        && let Some(path) = picker.pick_target(self.choices.format)
                    {
                        commands.push(Command::Gold(GoldCommand::Export(self.request(path))));
                    }
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                });
                if let Some(out) = &model.gold.export {
                    ui.separator();
                    let color = if out.ok {
                        Color32::from_rgb(90, 180, 110)
                    } else {
                        Color32::from_rgb(230, 90, 70)
                    };
                    ui.colored_label(color, &out.summary);
                    if !out.warnings.is_empty() {
                        ui.label(format!(
                            "{} warning(s): spans this format cannot hold, or file problems",
                            out.warnings.len()
                        ));
                        egui::ScrollArea::vertical()
                            .max_height(220.0)
                            .id_salt("export-warnings")
                            .show(ui, |ui| {
                                for w in &out.warnings {
                                    ui.label(
                                        RichText::new(super::direction::egui_display_order(w))
                                            .small()
                                            .color(Color32::from_rgb(230, 170, 60)),
                                    );
                                }
                            });
                    }
                }
            });
        open && !close
    }
}
