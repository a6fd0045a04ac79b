//! Links for the lead shared by review and adjudication: a place that
//! opens its document with the place selected, and the annotators' notes
//! ("ask the lead") listed with such links. Outside the modes, which never
//! import one another.

use egui::Ui;

use crate::eval::NoteRow;
use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size};

/// Opens document `doc_id` and selects chars `at` in it.
pub fn jump(
    model: &AppModel,
    doc_id: &str,
    at: Option<(usize, usize)>,
    commands: &mut Vec<Command>,
) {
    let Some(i) = model.docs.iter().position(|d| d.document.id == doc_id) else {
        return;
    };
    commands.push(Command::OpenDocument(i));
    if let Some((start, end)) = at {
        commands.push(Command::Select { start, end });
    }
}

/// The annotators' notes, each with a button that opens its document (and
/// selects the entity's place); shared by review and adjudication.
pub fn notes_ui(
    ui: &mut Ui,
    model: &AppModel,
    notes: &[NoteRow],
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let size = body_size(ui);
    ui.separator();
    ui.strong(format!("notes for the lead ({})", notes.len()));
    for (n, note) in notes.iter().enumerate() {
        let line = note.line();
        ui.horizontal(|ui| {
            if ui
                .push_id(("lead-note", n), |ui| ui.small_button("open"))
                .inner
                .clicked()
            {
                jump(model, &note.doc_id, note.at, commands);
            }
            let w = ui.available_width();
            blocks.line_ui(ui, &line, &line, size, w, BlockStyle::plain().words());
        });
    }
}
