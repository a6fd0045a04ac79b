//! The shortcut overlay, drawn from the same key table that dispatches the
//! keys, and the annotation guidelines window.

use egui::{Align2, RichText, Ui};

use super::WorkUi;
use crate::ui::direction::egui_display_order;
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
                         click a box to focus it, click a label in the palette. \
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
                egui::ScrollArea::vertical().show(ui, |ui| guidelines_text_ui(ui));
            });
        if !open {
            self.show_guidelines = false;
        }
    }
}

/// The guidelines (markdown) as headings, bullets and paragraphs; Arabic in
/// each line put into display order for egui.
pub fn guidelines_text_ui(ui: &mut Ui) {
    for line in GUIDELINES.lines() {
        // Arrow glyphs are not in every UI font.
        let line = line.replace('→', "->");
        let t = line.trim_end();
        if let Some(h) = t.strip_prefix("# ") {
            ui.heading(egui_display_order(h));
        } else if let Some(h) = t.strip_prefix("## ").or(t.strip_prefix("### ")) {
            ui.add_space(4.0);
            ui.label(RichText::new(egui_display_order(h)).strong().size(16.0));
        } else if t.starts_with('|') {
            if t.contains("---") {
                continue;
            }
            let cells: Vec<String> = t
                .trim_matches('|')
                .split('|')
                .map(|c| egui_display_order(&c.trim().replace("**", "").replace('`', "")))
                .collect();
            ui.label(cells.join("  ·  "));
        } else if t.is_empty() {
            ui.add_space(4.0);
        } else {
            let shown = t.replace("**", "").replace('`', "");
            ui.label(egui_display_order(&shown));
        }
    }
}
