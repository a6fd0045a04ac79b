//! The side panels: documents (filter, progress, status, counts) on the
//! left; the label palette, proposal actions, annotate-all, search and the
//! entity list on the right.

use egui::{Color32, RichText, Ui};

use super::WorkUi;
use crate::annotation::Status;
use crate::ui::article_view::label_color;
use crate::ui::model::{AppModel, Command};
use crate::ui::text::direction::egui_display_order;
use crate::workflow::{self, Focus};

pub(super) fn status_color(ui: &Ui, s: Status) -> Color32 {
    match s {
        Status::Todo => ui.visuals().weak_text_color(),
        Status::InProgress => Color32::from_rgb(230, 160, 40),
        Status::Done => Color32::from_rgb(60, 170, 90),
    }
}

fn work(c: workflow::Command) -> Command {
    Command::Work(c)
}

impl WorkUi {
    pub(super) fn documents_ui(&mut self, ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
        let Some(s) = &model.session else {
            return;
        };
        ui.heading("Documents");
        let p = s.progress();
        ui.add(egui::ProgressBar::new(p.fraction()).text(format!(
            "{} / {} done · {} in progress",
            p.done, p.total, p.in_progress
        )));
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Filter:");
            ui.add(
                egui::TextEdit::singleline(&mut self.doc_filter)
                    .hint_text("id, todo, done, read-only")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id);
        });
        ui.separator();
        // Both ways: what cannot wrap scrolls sideways instead of
        // widening the panel over the article.
        egui::ScrollArea::both()
            .id_salt("work-doc-list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for row in s.doc_list(&self.doc_filter) {
                    ui.horizontal(|ui| {
                        // Status first: it stays on the row however long the id.
                        match &row.read_only {
                            Some(why) => {
                                ui.colored_label(Color32::from_rgb(220, 80, 60), "read-only")
                                    .on_hover_text(why);
                            }
                            None => {
                                let t = RichText::new(format!("{:<11}", row.status.as_str()))
                                    .color(status_color(ui, row.status))
                                    .small()
                                    .monospace();
                                ui.label(t);
                            }
                        }
                        let text = format!("{}  ({}+{}?)", row.id, row.entities, row.proposals);
                        if ui.selectable_label(row.current, text).clicked() {
                            out.push(work(workflow::Command::Open(row.id.clone())));
                        }
                    });
                }
                for e in &model.errors {
                    ui.colored_label(Color32::from_rgb(220, 80, 60), e);
                }
            });
    }

    pub(super) fn tools_ui(&mut self, ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
        let Some(s) = &model.session else {
            return;
        };
        // Both ways: what cannot wrap scrolls sideways instead of
        // widening the panel over the article.
        egui::ScrollArea::both()
            .id_salt("work-tools")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.heading("Labels");
                ui.label(
                    RichText::new(
                        "Click or press the key: labels the selection, accepts the focused \
                         proposal as it, or relabels the focused entity.",
                    )
                    .small(),
                );
                ui.horizontal_wrapped(|ui| {
                    for l in &s.schema().labels {
                        let c = label_color(s.schema(), &l.name);
                        let b = egui::Button::new(
                            RichText::new(format!("{} {}", l.key, l.name))
                                .color(Color32::WHITE)
                                .strong(),
                        )
                        .fill(c.gamma_multiply(0.85));
                        if ui.add(b).on_hover_text(&l.display).clicked() {
                            out.push(work(workflow::Command::ApplyLabel(l.name.clone())));
                        }
                    }
                });
                ui.separator();
                self.proposals_ui(ui, model, out);
                ui.separator();
                self.annotate_all_ui(ui, model, out);
                ui.separator();
                self.search_ui(ui, model, out);
                ui.separator();
                entities_ui(ui, model, out);
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    ui.toggle_value(&mut self.show_guidelines, "Guidelines (F2)");
                    ui.toggle_value(&mut self.show_shortcuts, "Keys (F1)");
                });
            });
    }
}

/// The open document's entities, then its pending proposals, in reading
/// order; clicking one focuses it.
fn entities_ui(ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
    let Some(s) = &model.session else {
        return;
    };
    let Some(ann) = s.current_annotations() else {
        return;
    };
    ui.heading(format!("Entities ({})", ann.entities.len()));
    if let Some(st) = s.current().and_then(|i| s.state(i)) {
        for p in &st.problems {
            ui.colored_label(Color32::from_rgb(220, 80, 60), p);
        }
    }
    let focus = s.focus();
    // Only the rows in view are laid out: a long article has thousands.
    let row = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .id_salt("work-entities")
        .max_height(260.0)
        .auto_shrink([false, true])
        .show_rows(ui, row, ann.entities.len(), |ui, rows| {
            for e in &ann.entities[rows] {
                let f = Focus::entity(e);
                let c = label_color(s.schema(), &e.label);
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&e.label).color(c).strong());
                    let r = ui.selectable_label(focus == Some(&f), egui_display_order(&e.text));
                    if r.clicked() {
                        out.push(work(workflow::Command::Focus(f)));
                    }
                });
            }
        });
    if !ann.detached.is_empty() {
        ui.label(format!(
            "{} detached (text changed; not placed):",
            ann.detached.len()
        ));
        for d in &ann.detached {
            ui.label(format!("{} {}", d.label, egui_display_order(&d.text)));
        }
    }
}
