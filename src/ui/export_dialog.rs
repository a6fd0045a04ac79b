//! File → Export…: which annotator, which format, which documents; the
//! target comes from a [`SavePicker`] and the writing from the backend.

use egui::{Color32, Context, RichText};

use super::gold::{ExportRequest, GOLD, GoldCommand};
use super::model::{AppModel, Command};
use super::save_picker::SavePicker;
use crate::formats::Format;

/// The export window's choices.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDialog {
    pub format: Format,
    /// Empty until the annotators are known.
    pub annotator: String,
    pub all: bool,
    pub split_clitics: bool,
    pub conll_ids: bool,
    pub utf16: bool,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            format: Format::Conll,
            annotator: String::new(),
            all: false,
            split_clitics: false,
            conll_ids: false,
            utf16: false,
        }
    }
}

impl ExportDialog {
    /// The request for a picked target (choices the format has no use for
    /// are dropped where the request is carried out).
    pub fn request(&self, path: std::path::PathBuf) -> ExportRequest {
        ExportRequest {
            format: self.format,
            annotator: self.annotator.clone(),
            all: self.all,
            split_clitics: self.split_clitics,
            conll_ids: self.conll_ids,
            utf16: self.utf16,
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
        if self.annotator.is_empty() || !known.contains(&self.annotator) {
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
                self.annotator = a.clone();
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
                                .selected_text(&self.annotator)
                                .show_ui(ui, |ui| {
                                    for a in known {
                                        ui.selectable_value(&mut self.annotator, a.clone(), a);
                                    }
                                })
                                .response
                                .labelled_by(name.id);
                        }
                        ui.end_row();
                        ui.label("Format");
                        ui.horizontal_wrapped(|ui| {
                            for f in Format::ALL {
                                ui.radio_value(&mut self.format, f, f.name());
                            }
                        });
                        ui.end_row();
                        ui.label("Documents");
                        ui.checkbox(&mut self.all, "all annotated (not only those marked done)");
                        ui.end_row();
                        ui.label("CoNLL");
                        ui.add_enabled(
                            self.format == Format::Conll,
                            egui::Checkbox::new(
                                &mut self.split_clitics,
                                "split clitics (conjunctions, prepositions on their own lines)",
                            ),
                        );
                        ui.end_row();
                        ui.label("");
                        ui.add_enabled(
                            self.format == Format::Conll,
                            egui::Checkbox::new(
                                &mut self.conll_ids,
                                "# id = lines (so an import restores the ids)",
                            ),
                        );
                        ui.end_row();
                        ui.label("JSON");
                        let json = self.format.is_json();
                        ui.add_enabled(
                            json,
                            egui::Checkbox::new(
                                &mut self.utf16,
                                "offsets in UTF-16 units (JavaScript tools)",
                            ),
                        );
                        ui.end_row();
                    });
                ui.label(
                    RichText::new(if self.format.is_folder() {
                        "brat writes a folder: one .txt and one .ann per document"
                    } else {
                        "offsets are chars, as Python slices strings, unless UTF-16 is ticked"
                    })
                    .small()
                    .weak(),
                );
                ui.horizontal(|ui| {
                    let can = !self.annotator.is_empty();
                    if ui.add_enabled(can, egui::Button::new("Export…")).clicked()
                        && let Some(path) = picker.pick_target(self.format)
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
