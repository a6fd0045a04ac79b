//! The article as review and adjudication show it: annotations derived from
//! files, read-only. Both modes use it, so it lives outside either.

use egui::Ui;

use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::schema::Schema;
use crate::ui::article_view::{ArticleInput, ArticleView, ViewEvent};
use crate::ui::model::{AppModel, Command};

/// The article with annotations review or adjudication derived from the
/// files: read-only, so a selection is all it reports.
pub fn derived_article_ui(
    ui: &mut Ui,
    model: &AppModel,
    view: &mut ArticleView,
    document: &Document,
    annotations: &DocAnnotations,
    schema: &Schema,
    commands: &mut Vec<Command>,
) {
    let input = ArticleInput {
        doc_id: &document.id,
        text: &document.text,
        annotations,
        schema,
        selection: model.selection,
        focused: None,
    };
    let (_, events) = view.ui(ui, &input);
    for e in events {
        if let ViewEvent::Selected { start, end } = e {
            commands.push(Command::Select { start, end });
        }
    }
}

/// Why the current document has no article in this mode, in its place.
pub fn not_shown_ui(ui: &mut Ui, why: String) {
    ui.centered_and_justified(|ui| ui.label(why));
}
