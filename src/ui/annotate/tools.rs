//! Bulk tools: accepting proposals by label or confidence, annotating every
//! occurrence of the selected text, and search.

use egui::{RichText, Ui};

use super::WorkUi;
use crate::text::slice_chars;
use crate::ui::article_view::label_color;
use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size, label_width};
use crate::workflow::{self, Focus, Scope, Session};

fn work(c: workflow::Command) -> Command {
    Command::Work(c)
}

/// The selected text of the open document (what annotate-all looks for).
pub(super) fn selected_text(s: &Session) -> Option<String> {
    let (a, b) = s.selection()?;
    let t = slice_chars(&s.current_document()?.text, a, b)?;
    (!t.trim().is_empty()).then(|| t.to_string())
}

fn scope_ui(ui: &mut Ui, scope: &mut Scope) {
    ui.radio_value(scope, Scope::Document, "this document");
    ui.radio_value(scope, Scope::Corpus, "whole corpus");
}

impl WorkUi {
    pub(super) fn proposals_ui(&mut self, ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
        let Some(s) = &model.session else {
            return;
        };
        let Some(ann) = s.current_annotations() else {
            return;
        };
        ui.heading(format!("Proposals ({})", ann.proposals.len()));
        ui.horizontal_wrapped(|ui| {
            for l in &s.schema().labels {
                let n = ann.proposals.iter().filter(|p| p.label == l.name).count();
                let b = ui.add_enabled(
                    n > 0,
                    egui::Button::new(format!("accept all {} ({n})", l.name)),
                );
                if b.clicked() {
                    out.push(work(workflow::Command::AcceptAllOfLabel(l.name.clone())));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            // The slider shrinks with the panel (its value box and label
            // take about 90 points).
            ui.spacing_mut().slider_width = (ui.available_width() - 90.0).clamp(40.0, 100.0);
            ui.add(egui::Slider::new(&mut self.min_confidence, 0.0..=1.0).text("min"));
            let n = ann
                .proposals
                .iter()
                .filter(|p| p.confidence >= self.min_confidence)
                .count();
            if ui
                .add_enabled(n > 0, egui::Button::new(format!("accept all ≥ ({n})")))
                .clicked()
            {
                out.push(work(workflow::Command::AcceptAllAbove(self.min_confidence)));
            }
        });
        let focus = s.focus();
        let size = body_size(ui);
        let row = TextBlocks::row_height(ui, size) + ui.spacing().item_spacing.y;
        let blocks = &mut self.blocks;
        egui::ScrollArea::vertical()
            .id_salt("work-proposals")
            .max_height(160.0)
            .auto_shrink([false, true])
            .show_rows(ui, row, ann.proposals.len(), |ui, rows| {
                for p in &ann.proposals[rows] {
                    let f = Focus::proposal(p);
                    let c = label_color(s.schema(), &p.label);
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("{}?", p.label)).color(c));
                        let conf = format!("{:.2}", p.confidence);
                        let room = ui.available_width()
                            - label_width(ui, conf.as_str())
                            - ui.spacing().item_spacing.x;
                        let label = format!("{} {conf}", p.text);
                        let style = BlockStyle::row(focus == Some(&f)).words();
                        let t = blocks.line_ui(ui, &p.text, &label, size, room, style);
                        let c = ui.add(egui::Label::new(conf).sense(egui::Sense::click()));
                        if t.clicked() || c.clicked() {
                            out.push(work(workflow::Command::Focus(f)));
                        }
                    });
                }
            });
    }

    pub(super) fn annotate_all_ui(
        &mut self,
        ui: &mut Ui,
        model: &AppModel,
        out: &mut Vec<Command>,
    ) {
        let Some(s) = &model.session else {
            return;
        };
        ui.heading("Annotate all occurrences");
        // The same rows with or without a selection, so nothing below (the
        // search results) moves when a click selects text.
        let text = selected_text(s);
        let size = egui::TextStyle::Small.resolve(ui.style()).size * 1.15;
        let h = TextBlocks::row_height(ui, size);
        let blocks = &mut self.blocks;
        ui.horizontal(|ui| {
            // One height with or without a selection.
            ui.set_min_height(h);
            match &text {
                Some(t) => {
                    ui.label(RichText::new("of").small());
                    let room = ui.available_width()
                        - label_width(ui, RichText::new("as").small())
                        - ui.spacing().item_spacing.x;
                    blocks.line_ui(ui, t, t, size, room, BlockStyle::plain().words());
                    ui.label(RichText::new("as").small());
                }
                None => {
                    ui.add(
                        egui::Label::new(RichText::new("Select a word or name first.").small())
                            .truncate(),
                    );
                }
            }
        });
        ui.add_enabled_ui(text.is_some(), |ui| {
            ui.horizontal_wrapped(|ui| {
                egui::ComboBox::new("annotate-label", "label")
                    .selected_text(self.annotate_label.clone())
                    .show_ui(ui, |ui| {
                        for l in &s.schema().labels {
                            ui.selectable_value(&mut self.annotate_label, l.name.clone(), &l.name);
                        }
                    });
                scope_ui(ui, &mut self.annotate_scope);
            });
        });
        let preview = match &text {
            Some(_) => self.preview.as_ref().and_then(|(_, p)| p.clone()),
            None => Some(Default::default()),
        };
        let Some(preview) = preview else {
            // Counted in the background on a large corpus.
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("counting…");
            });
            return;
        };
        let mut summary = format!(
            "{} found, {} new, in {} document(s)",
            preview.occurrences, preview.new, preview.documents
        );
        if preview.read_only > 0 {
            summary.push_str(&format!(
                "; {} in read-only documents left alone",
                preview.read_only
            ));
        }
        if !preview.left_out.is_empty() {
            summary.push_str(&format!(
                "; {} inside longer names left alone",
                preview.left_out.len()
            ));
        }
        ui.add(egui::Label::new(summary).truncate());
        for l in preview.left_out.iter().take(5) {
            let what = if l.proposed { "proposed" } else { "entity" };
            let row = format!("{}: inside {what} «{}»", l.doc_id, l.inside);
            blocks.line_ui(
                ui,
                &row,
                &row,
                size,
                ui.available_width(),
                BlockStyle::plain(),
            );
        }
        if preview.left_out.len() > 5 {
            ui.label(RichText::new(format!("… and {} more", preview.left_out.len() - 5)).small());
        }
        if ui
            .add_enabled(
                preview.new > 0,
                egui::Button::new(format!("annotate {} (one undo step)", preview.new)),
            )
            .clicked()
            && let Some(text) = text
        {
            out.push(work(workflow::Command::AnnotateAll {
                text,
                label: self.annotate_label.clone(),
                scope: self.annotate_scope,
            }));
        }
    }

    pub(super) fn search_ui(&mut self, ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
        let Some(s) = &model.session else {
            return;
        };
        ui.heading("Search (Ctrl+F)");
        let r = ui.add(
            egui::TextEdit::singleline(&mut self.search_query)
                .hint_text("text, any hamza or vowel marks")
                .desired_width(f32::INFINITY),
        );
        if std::mem::take(&mut self.focus_search) {
            r.request_focus();
        }
        let mut go = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal_wrapped(|ui| {
            scope_ui(ui, &mut self.search_scope);
            go |= ui.button("Find").clicked();
        });
        if go && !self.search_query.trim().is_empty() {
            out.push(work(workflow::Command::Search {
                query: self.search_query.trim().to_string(),
                scope: self.search_scope,
            }));
        }
        let hits = s.search_hits();
        if hits.is_empty() {
            return;
        }
        let size = egui::TextStyle::Body.resolve(ui.style()).size;
        let shown = s
            .current_document()
            .map(|d| d.id.clone())
            .zip(s.selection());
        let blocks = &mut self.blocks;
        // The results take up to two thirds of the window's height (the
        // tools panel scrolls around them), not a 180-point box.
        let tall = (ui.ctx().content_rect().height() * 0.66).max(180.0);
        ui.label(
            RichText::new(format!(
                "{} (Alt+Down / Alt+Up go through them)",
                crate::text::count(hits.len(), "result", "results")
            ))
            .small(),
        );
        let area = egui::ScrollArea::vertical()
            .id_salt("work-hits")
            .max_height(tall)
            .auto_shrink([false, true]);
        let small = egui::TextStyle::Small.resolve(ui.style()).size * 1.15;
        // A hit: its document's id and about two wrapped lines of snippet.
        let estimate = TextBlocks::row_height(ui, small) + 2.0 * TextBlocks::row_height(ui, size);
        // Only the hits in view are laid out: a corpus search may find
        // thousands.
        self.hit_rows.show(ui, area, hits.len(), estimate, |ui, i| {
            let h = &hits[i];
            // The snippet laid out like the article (bidi and line breaks
            // together), the hit highlighted.
            let snippet = format!("…{}{}{}…", h.before, h.matched, h.after).replace('\n', " ");
            let start = 1 + h.before.chars().count();
            let range = (start, start + h.matched.chars().count());
            let label = format!("{}: {snippet}", h.doc_id);
            let selected = shown
                .as_ref()
                .is_some_and(|(d, sel)| *d == h.doc_id && *sel == (h.start, h.end));
            let w = ui.available_width();
            let weak = BlockStyle::colored(ui.visuals().weak_text_color());
            blocks.line_ui(ui, &h.doc_id, &h.doc_id, small, w, weak);
            if blocks
                .ui(ui, &snippet, &label, size, Some(range), selected)
                .clicked()
            {
                out.push(work(workflow::Command::OpenHit(i)));
            }
        });
    }
}
