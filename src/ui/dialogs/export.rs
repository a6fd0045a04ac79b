//! File → Export…: which annotator, which format, which documents; the
//! target comes from a [`SavePicker`] (the native dialog) and the writing
//! from the backend. When the native dialog cannot open — rfd's portal
//! backend returns nothing at once when no desktop file-chooser service
//! runs — an in-app path field takes over, filled with
//! `exports/<format>-<date>`; every export ends with a line saying what was
//! written where, or the error (also in the status bar).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use egui::{Color32, Context, RichText};

use super::save_picker::SavePicker;
use crate::formats::Format;
use crate::ui::model::gold::{ExportChoices, ExportRequest, GOLD, GoldCommand};
use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks};

/// A native dialog that answers faster than this returned without showing
/// itself: nobody cancels a file chooser within a quarter of a second.
pub const DIALOG_FAILED_WITHIN: Duration = Duration::from_millis(250);

/// The export window: the choices it keeps between openings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportDialog {
    pub choices: ExportChoices,
    /// The in-app target path, shown once the native dialog failed.
    pub target: String,
    /// Whether `target` was typed by the user (else it follows the format).
    target_edited: bool,
    /// The native dialog could not open: the path field is used instead.
    pub native_failed: bool,
    /// The dialog was cancelled (shown as a line, nothing exported).
    cancelled: bool,
}

/// Today's date as `YYYY-MM-DD` (UTC), from the system clock.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`, public-domain algorithm, re-derived here).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The default in-app target for `format` on `date`: a folder for brat, a
/// file with the format's extension otherwise, under `exports/`.
pub fn default_target(format: Format, date: &str) -> String {
    if format.is_folder() {
        format!("exports/{}-{date}", format.name())
    } else {
        format!("exports/{}-{date}.{}", format.name(), format.extension())
    }
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

    /// Types `path` into the in-app target field (tests; the field itself
    /// does the same).
    pub fn set_target(&mut self, path: &str) {
        self.target = path.to_string();
        self.target_edited = true;
    }

    /// Draws the window; returns false when the user closed it.
    pub fn ui(
        &mut self,
        ctx: &Context,
        model: &AppModel,
        picker: &mut dyn SavePicker,
        blocks: &mut TextBlocks,
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
                    RichText::new(match self.choices.format {
                        Format::Brat => "brat writes a folder: one .txt and one .ann per document",
                        Format::Webanno => {
                            "webanno writes a folder: one .tsv per document (offsets in UTF-16 units, as INCEpTION counts)"
                        }
                        _ => "offsets are chars, as Python slices strings, unless UTF-16 is ticked",
                    })
                    .small()
                    .weak(),
                );
                if !self.target_edited {
                    self.target = default_target(self.choices.format, &today());
                }
                let can = !self.choices.annotator.is_empty();
                if self.native_failed {
                    ui.colored_label(
                        Color32::from_rgb(230, 170, 60),
                        "The file chooser could not open here (no desktop file-chooser \
                         service?): export to this path instead.",
                    );
                    ui.horizontal(|ui| {
                        let l = ui.label("Path:");
                        let r = ui
                            .add(egui::TextEdit::singleline(&mut self.target).desired_width(300.0))
                            .labelled_by(l.id);
                        if r.changed() {
                            self.target_edited = true;
                        }
                    });
                }
                ui.horizontal(|ui| {
                    if self.native_failed {
                        let ok = can && !self.target.trim().is_empty();
                        if ui.add_enabled(ok, egui::Button::new("Export")).clicked() {
                            // Absolute, so the status line says exactly where.
                            let typed = std::path::PathBuf::from(self.target.trim());
                            let path = std::path::absolute(&typed).unwrap_or(typed);
                            commands.push(Command::Gold(GoldCommand::Export(self.request(path))));
                        }
                    } else if ui.add_enabled(can, egui::Button::new("Export…")).clicked() {
                        let asked = Instant::now();
                        self.cancelled = false;
                        match picker.pick_target(self.choices.format) {
                            Some(path) => {
                                commands
                                    .push(Command::Gold(GoldCommand::Export(self.request(path))));
                            }
                            None if asked.elapsed() < DIALOG_FAILED_WITHIN => {
                                self.native_failed = true;
                            }
                            None => self.cancelled = true,
                        }
                    }
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                });
                if self.cancelled {
                    ui.label(RichText::new("Export cancelled: nothing written.").weak());
                }
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
                                // Warnings quote the document's words: laid
                                // out with bidi, wrapped.
                                let size = egui::TextStyle::Small.resolve(ui.style()).size * 1.15;
                                let style = BlockStyle::colored(Color32::from_rgb(230, 170, 60))
                                    .interface();
                                for w in &out.warnings {
                                    blocks.wrapped_ui(ui, w, w, size, style);
                                }
                            });
                    }
                }
            });
        open && !close
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_default_targets() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(
            default_target(Format::Conll, "2026-11-29"),
            "exports/conll-2026-11-29.conll"
        );
        assert_eq!(
            default_target(Format::Brat, "2026-11-29"),
            "exports/brat-2026-11-29"
        );
        assert_eq!(today().len(), 10);
    }
}
