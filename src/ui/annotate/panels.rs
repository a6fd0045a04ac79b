//! The side panels: documents (filter, progress, status, counts) on the
//! left; the label palette, proposal actions, annotate-all, search and the
//! entity list on the right.

use egui::{Color32, RichText, Ui};

use super::WorkUi;
use crate::annotation::Status;
use crate::ui::article_view::label_color;
use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size, label_width};
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
        // The filtered rows and the progress are worked out once per filter
        // and list generation, not per frame: O(corpus) only after an edit.
        self.doc_list.refresh(s, &self.doc_filter);
        let p = self.doc_list.progress;
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
        // Above the list, which takes the rest of the panel; only the
        // lines in view are drawn (a folder may hold many bad files).
        if !model.errors.is_empty() {
            let h = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
            egui::ScrollArea::vertical()
                .id_salt("work-load-errors")
                .max_height(h * 4.0)
                .auto_shrink([false, true])
                .show_rows(ui, h, model.errors.len(), |ui, shown| {
                    for e in &model.errors[shown] {
                        let t = RichText::new(e).color(Color32::from_rgb(220, 80, 60));
                        ui.add(egui::Label::new(t).truncate());
                    }
                });
        }
        ui.separator();
        let blocks = &mut self.blocks;
        let size = body_size(ui);
        let rows = &self.doc_list.rows;
        let row_h = TextBlocks::row_height(ui, size) + ui.spacing().item_spacing.y;
        // Only the rows on screen are built and laid out (a corpus may hold
        // 20,000 documents); each keeps to the panel's width: a long id is
        // cut with … (whole on hover) rather than widening the panel.
        egui::ScrollArea::vertical()
            .id_salt("work-doc-list")
            .auto_shrink([false, false])
            .show_rows(ui, row_h, rows.len(), |ui, shown| {
                for row in rows[shown].iter().filter_map(|&i| s.doc_row(i)) {
                    doc_row_ui(ui, blocks, size, &row, out);
                }
            });
    }

    pub(super) fn tools_ui(&mut self, ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
        let Some(s) = &model.session else {
            return;
        };
        // Up and down only: rows keep to the panel's width (names cut with
        // …, snippets wrapped), so nothing hides past its right edge.
        egui::ScrollArea::vertical()
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
                entities_ui(ui, model, &mut self.blocks, out);
                ui.separator();
                super::notes::notes_ui(ui, model, out);
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    ui.toggle_value(&mut self.show_guidelines, "Guidelines (F2)");
                    ui.toggle_value(&mut self.show_shortcuts, "Keys (F1)");
                });
            });
    }
}

/// One row of the document list: status, the id (bidi, cut to fit), its
/// counts; a click opens the document.
fn doc_row_ui(
    ui: &mut Ui,
    blocks: &mut TextBlocks,
    size: f32,
    row: &workflow::DocRow,
    out: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        // Status first: it stays on the row however long the id.
        match &row.read_only {
            Some(why) => {
                ui.colored_label(Color32::from_rgb(220, 80, 60), "read-only")
                    .on_hover_text(why);
            }
            // A narrow panel keeps room for the id: the status as a
            // coloured dot, named on hover.
            None if ui.available_width() < 200.0 => {
                let d = ui.spacing().interact_size.y;
                let (rect, r) =
                    ui.allocate_exact_size(egui::vec2(d * 0.5, d), egui::Sense::hover());
                let c = status_color(ui, row.status);
                ui.painter().circle_filled(rect.center(), d * 0.2, c);
                r.on_hover_text(row.status.as_str());
            }
            None => {
                let t = RichText::new(format!("{:<11}", row.status.as_str()))
                    .color(status_color(ui, row.status))
                    .small()
                    .monospace();
                ui.label(t);
            }
        }
        // The id laid out with bidi, its counts kept in view.
        let counts = format!("({}+{}?)", row.entities, row.proposals);
        let room =
            ui.available_width() - label_width(ui, counts.as_str()) - ui.spacing().item_spacing.x;
        let label = format!("{}  {counts}", row.id);
        let id = blocks.line_ui(
            ui,
            &row.id,
            &label,
            size,
            room,
            BlockStyle::row(row.current),
        );
        let c = ui.add(egui::Label::new(counts).sense(egui::Sense::click()));
        if id.clicked() || c.clicked() {
            out.push(work(workflow::Command::Open(row.id.clone())));
        }
    });
}

/// The document list's rows passing the filter and the corpus progress,
/// kept between frames: worked out again only when the filter text or the
/// session's [`workflow::Session::list_generation`] changes.
#[derive(Debug, Default)]
pub(super) struct DocListCache {
    filter: String,
    generation: Option<u64>,
    /// Corpus positions of the rows shown, in order.
    pub rows: Vec<usize>,
    pub progress: workflow::Progress,
}

impl DocListCache {
    /// Brings the rows and progress up to date with `s` and `filter`;
    /// returns whether they had to be worked out again.
    pub fn refresh(&mut self, s: &workflow::Session, filter: &str) -> bool {
        let generation = s.list_generation();
        if self.generation == Some(generation) && self.filter == filter {
            return false;
        }
        self.rows = s.doc_indices(filter);
        self.progress = s.progress();
        self.filter = filter.to_string();
        self.generation = Some(generation);
        true
    }
}

/// The open document's entities, then its pending proposals, in reading
/// order; clicking one focuses it.
fn entities_ui(ui: &mut Ui, model: &AppModel, blocks: &mut TextBlocks, out: &mut Vec<Command>) {
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
    let size = body_size(ui);
    let row = TextBlocks::row_height(ui, size) + ui.spacing().item_spacing.y;
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
                    let w = ui.available_width();
                    let style = BlockStyle::row(focus == Some(&f)).words();
                    if blocks
                        .line_ui(ui, &e.text, &e.text, size, w, style)
                        .clicked()
                    {
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
            ui.horizontal(|ui| {
                ui.label(&d.label);
                let w = ui.available_width();
                blocks.line_ui(ui, &d.text, &d.text, size, w, BlockStyle::plain().words());
            });
        }
    }
}
