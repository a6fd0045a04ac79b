//! The article as review and adjudication show it: annotations derived from
//! files, read-only. Both modes use it, so it lives outside either.

use egui::Ui;

use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::schema::Schema;
use crate::ui::article_view::{ArticleInput, ArticleView, ViewEvent};
use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size};

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
        caret: None,
        lexicon: None,
    };
    let (_, events) = view.ui(ui, &input);
    for e in events {
        if let ViewEvent::Selected { start, end } = e {
            commands.push(Command::Select { start, end });
        }
    }
}

/// Why the current document has no article in this mode, in its place.
/// It names the document, whose id may be Arabic: laid out by
/// [`TextBlocks`], one line (cut with …, whole on hover), centred.
pub fn not_shown_ui(ui: &mut Ui, blocks: &mut TextBlocks, why: String) {
    let size = body_size(ui);
    let space = (ui.available_height() - TextBlocks::row_height(ui, size)) / 2.0;
    ui.vertical_centered(|ui| {
        ui.add_space(space.max(0.0));
        let w = ui.available_width();
        blocks.line_ui(ui, &why, &why, size, w, BlockStyle::plain().interface());
    });
}
