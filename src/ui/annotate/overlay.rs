//! The shortcut overlay, drawn from the same key table that dispatches the
//! keys, and the annotation guidelines window.

use egui::{Align2, RichText, Ui};

use super::WorkUi;
use crate::annotation::DocAnnotations;
use crate::schema::Schema;
use crate::ui::article_view::{ArticleInput, ArticleView, ViewEvent};
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
        let shown = self.guidelines.get_or_insert_with(GuidelinesView::new);
        egui::Window::new("Annotation guidelines")
            .open(&mut open)
            .default_size([560.0, 600.0])
            .show(ui.ctx(), |ui| shown.ui(ui));
        if !open {
            self.show_guidelines = false;
        }
    }
}

/// The guidelines laid out like an article (cosmic-text, full bidi), since
/// they are English sentences with Arabic examples that egui's own labels,
/// having no bidi, would scramble. Made when first opened.
pub struct GuidelinesView {
    view: ArticleView,
    text: String,
    schema: Schema,
    selection: Option<(usize, usize)>,
}

impl GuidelinesView {
    fn new() -> GuidelinesView {
        // A small atlas: the guidelines use few glyphs.
        let mut view = ArticleView::with_atlas_size(512);
        view.set_zoom(0.8);
        GuidelinesView {
            view,
            text: guidelines_plain(GUIDELINES),
            schema: Schema::builtin(),
            selection: None,
        }
    }

    fn ui(&mut self, ui: &mut Ui) {
        let annotations = DocAnnotations::default();
        let input = ArticleInput {
            doc_id: "guidelines",
            text: &self.text,
            annotations: &annotations,
            schema: &self.schema,
            selection: self.selection,
            focused: None,
            caret: None,
            lexicon: None,
        };
        let (_, events) = self.view.ui(ui, &input);
        for e in events {
            if let ViewEvent::Selected { start, end } = e {
                self.selection = Some((start, end));
            }
        }
    }
}

/// The guidelines' markdown as plain paragraphs, one per line: headings,
/// list items and table rows (cells joined by ` · `) each start one;
/// wrapped lines join the paragraph they continue; markup is dropped.
pub fn guidelines_plain(markdown: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut open = false;
    for line in markdown.lines() {
        let line = line.replace("**", "").replace('`', "").replace('→', "->");
        let t = line.trim();
        let item = t.starts_with("- ")
            || t.split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if t.is_empty() {
            // One empty paragraph between blocks, as a blank line.
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(String::new());
            }
            open = false;
        } else if let Some(h) = t.trim_start_matches('#').strip_prefix(' ')
            && t.starts_with('#')
        {
            paragraphs.push(h.to_string());
            open = false;
        } else if t.starts_with('|') {
            if !t.contains("---") {
                let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
                paragraphs.push(cells.join("  ·  "));
            }
            open = false;
        } else if item || !open {
            let indent = if line.starts_with("   ") && t.starts_with("- ") {
                "    "
            } else {
                ""
            };
            let t = t
                .strip_prefix("- ")
                .map_or(t.to_string(), |r| format!("• {r}"));
            paragraphs.push(format!("{indent}{t}"));
            open = true;
        } else if let Some(last) = paragraphs.last_mut() {
            last.push(' ');
            last.push_str(t);
        }
    }
    while paragraphs.last().is_some_and(|p| p.is_empty()) {
        paragraphs.pop();
    }
    paragraphs.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_paragraphs() {
        let md = "# Title\n\nMark every **name**\nand every `date`.\n\n| Key | Label |\n|---|---|\n| 1 | **PER** |\n\n1. **Clitics stay out.** Arabic\n   writes و joined.\n   - `وأذربيجان` → `أذربيجان`\n";
        assert_eq!(
            guidelines_plain(md),
            "Title\n\nMark every name and every date.\n\nKey  ·  Label\n1  ·  PER\n\n1. Clitics stay out. Arabic writes و joined.\n    • وأذربيجان -> أذربيجان"
        );
    }

    #[test]
    fn the_shipped_guidelines_keep_every_arabic_example() {
        let plain = guidelines_plain(GUIDELINES);
        for example in [
            "وأذربيجان",
            "الولايات المتحدة",
            "أنتوني بلينكين",
            "تشرين الثاني (نوفمبر)",
        ] {
            assert!(plain.contains(example), "{example}");
        }
        assert!(!plain.contains("**") && !plain.contains('`'));
    }
}
