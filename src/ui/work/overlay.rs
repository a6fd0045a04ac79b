//! The shortcut overlay, drawn from the same key table that dispatches the
//! keys, and the annotation guidelines window.

use egui::{Align2, RichText, Ui};

use super::WorkUi;
use crate::workflow::GUIDELINES;

impl WorkUi {
    pub(super) fn overlay_ui(&mut self, ui: &mut Ui) {
        if !self.show_shortcuts {
            return;
        }
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ui.ctx(), |ui| {
                egui::Grid::new("shortcuts")
                    .num_columns(2)
                    .striped(true)
                    .spacing([18.0, 4.0])
                    .show(ui, |ui| {
                        for row in self.keymap.overlay() {
                            // Arrow glyphs are not in every UI font.
                            let keys = row.keys.replace('←', "Left").replace('→', "Right");
                            ui.label(RichText::new(keys).monospace().strong());
                            ui.label(&row.help);
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                ui.label(
                    RichText::new(
                        "Mouse: drag to select (Alt: exact chars), double-click a word, \
                         click a box to focus it, drag an edge of the focused entity to resize it, \
                         click a label in the palette. \
                         Ctrl +/−/0 zoom. F1 or ? closes this.",
                    )
                    .small(),
                );
            });
        if !open {
            self.show_shortcuts = false;
        }
    }

    pub(super) fn guidelines_ui(&mut self, ui: &mut Ui) {
        if !self.show_guidelines {
            return;
        }
        let mut open = true;
        egui::Window::new("Annotation guidelines")
            .open(&mut open)
            .default_size([520.0, 560.0])
            .show(ui.ctx(), |ui| {
                egui::ScrollArea::vertical().show(ui, guidelines_text_ui);
            });
        if !open {
            self.show_guidelines = false;
        }
    }
}

/// The guidelines (markdown) as headings, bullets and paragraphs. Their
/// text is English with Arabic examples, so each line reads left to right
/// with every Arabic run kept whole (egui shapes a run right to left but
/// has no bidi: wrapping inside a run, or reordering the whole line, would
/// scramble it).
pub fn guidelines_text_ui(ui: &mut Ui) {
    for line in GUIDELINES.lines() {
        // Arrow glyphs are not in every UI font.
        let line = line.replace('→', "->").replace("**", "").replace('`', "");
        let t = line.trim_end();
        if let Some(h) = t.strip_prefix("# ") {
            ui.heading(h);
        } else if let Some(h) = t.strip_prefix("## ").or(t.strip_prefix("### ")) {
            ui.add_space(4.0);
            ui.label(RichText::new(h).strong().size(16.0));
        } else if t.starts_with('|') {
            if t.contains("---") {
                continue;
            }
            let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
            mixed_line_ui(ui, &cells.join("  ·  "));
        } else if t.is_empty() {
            ui.add_space(4.0);
        } else {
            mixed_line_ui(ui, t);
        }
    }
}

/// One left-to-right line holding right-to-left runs: the runs in visual
/// order, Latin text wrapping between words, each Arabic run one unbroken
/// label.
pub fn mixed_line_ui(ui: &mut Ui, text: &str) {
    use unicode_bidi::{BidiInfo, Level};
    let info = BidiInfo::new(text, Some(Level::ltr()));
    let Some(para) = info.paragraphs.first() else {
        return;
    };
    let (levels, runs) = info.visual_runs(para, para.range.clone());
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for run in runs {
            let part = &text[run.clone()];
            if levels[run.start].is_rtl() {
                if part.starts_with(' ') {
                    ui.label(" ");
                }
                ui.add(egui::Label::new(part.trim()).wrap_mode(egui::TextWrapMode::Extend));
                if part.ends_with(' ') {
                    ui.label(" ");
                }
            } else {
                for word in part.split_inclusive(' ') {
                    ui.label(word);
                }
            }
        }
    });
}
