//! Notes for the lead ("ask the lead"): one on the open document and one
//! on the focused entity, edited in the tools panel and saved through the
//! workflow's `SetNote` command (one undo step each).

use egui::{Id, RichText, Ui};

use crate::ui::model::{AppModel, Command};
use crate::workflow;

/// One note editor: the draft lives in egui's memory under the document and
/// place it belongs to, starting from the saved note; "save note" sends it
/// (a blank note removes it).
fn note_editor_ui(
    ui: &mut Ui,
    doc_id: &str,
    at: Option<(usize, usize)>,
    saved: &str,
    out: &mut Vec<Command>,
) {
    let id = Id::unique(("kashif-note", doc_id, at));
    let mut draft: String = ui
        .data_mut(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| saved.to_string());
    ui.add(
        egui::TextEdit::multiline(&mut draft)
            .id(id.with("edit"))
            .desired_rows(2)
            .desired_width(f32::INFINITY)
            .hint_text("ask the lead…"),
    );
    let changed = draft != saved;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(changed, egui::Button::new("save note"))
            .clicked()
        {
            out.push(Command::Work(workflow::Command::SetNote {
                at,
                text: draft.clone(),
            }));
        }
        if ui
            .add_enabled(changed, egui::Button::new("revert"))
            .clicked()
        {
            draft = saved.to_string();
        }
    });
    ui.data_mut(|d| d.insert_temp(id, draft));
}

/// The open document's note, then the focused entity's.
pub(super) fn notes_ui(ui: &mut Ui, model: &AppModel, out: &mut Vec<Command>) {
    let Some(s) = &model.session else {
        return;
    };
    let (Some(doc), Some(ann)) = (s.current_document(), s.current_annotations()) else {
        return;
    };
    ui.heading(format!("Notes ({})", ann.notes.len()));
    ui.label(RichText::new("On this document (for the lead):").small());
    note_editor_ui(ui, &doc.id, None, ann.note(None).unwrap_or_default(), out);
    if let Some(e) = s.focus().and_then(|f| f.find_entity(ann)) {
        let at = Some((e.start, e.end));
        ui.label(RichText::new(format!("On the focused {} entity:", e.label)).small());
        note_editor_ui(ui, &doc.id, at, ann.note(at).unwrap_or_default(), out);
    }
}
