//! What the view tells screen readers and tests: its text, and a node per
//! entity near the view.

use egui::{Response, Ui, accesskit};

use super::boxes::{label_of, span_of};
use super::{ArticleInput, ArticleView, EntityRef};

impl ArticleView {
    /// The text as the widget's label, and one `Mark` node per box.
    /// The text as the widget's label, and one `Mark` node per entity or
    /// proposal on the lines in view and one screen above and below (as egui
    /// does for its widgets: a whole article's nodes every frame would cost
    /// more than the frame).
    pub(super) fn accessibility(
        &self,
        ui: &Ui,
        response: &Response,
        input: &ArticleInput<'_>,
        visible: std::ops::Range<usize>,
    ) {
        response
            .widget_info(|| egui::WidgetInfo::labeled(accesskit::Role::Document, true, input.text));
        let Some(l) = self.layout.as_ref() else {
            return;
        };
        let n = visible.len().max(1);
        let lines = l.lines();
        let (Some(first), Some(last)) = (
            lines.get(visible.start.saturating_sub(n)),
            lines.get((visible.end + n).min(lines.len()).saturating_sub(1)),
        ) else {
            return;
        };
        let (c0, c1) = (first.chars.0, last.chars.1);
        if let Some(c) = input.caret
            && let Some(bar) = self.caret_rect(c)
        {
            // The caret, named by its word, so a screen reader says where
            // the keys act and tests can find it.
            let word = crate::text::slice_chars(input.text, c.word.0, c.word.1).unwrap_or_default();
            ui.ctx()
                .accesskit_node_builder(response.id.with("caret"), |node| {
                    node.set_role(accesskit::Role::Caret);
                    node.set_label(format!("caret: {word}"));
                    node.set_bounds(accesskit::Rect {
                        x0: bar.min.x as f64,
                        y0: bar.min.y as f64,
                        x1: bar.max.x as f64,
                        y1: bar.max.y as f64,
                    });
                });
        }
        let ann = input.annotations;
        let all = (0..ann.entities.len())
            .map(EntityRef::Entity)
            .chain((0..ann.proposals.len()).map(EntityRef::Proposal));
        for e in all {
            let Some((s, end)) = span_of(ann, e) else {
                continue;
            };
            if end <= c0 || s >= c1 {
                continue;
            }
            let id = response.id.with(("entity", e));
            let origin = self.origin;
            ui.ctx().accesskit_node_builder(id, |node| {
                let label = label_of(ann, e);
                node.set_role(accesskit::Role::Mark);
                node.set_label(match e {
                    EntityRef::Entity(i) => format!("{label}: {}", ann.entities[i].text),
                    EntityRef::Proposal(i) => {
                        format!("proposed {label}: {}", ann.proposals[i].text)
                    }
                });
                let li = l
                    .lines_of(s, end)
                    .find(|&li| !l.pieces(li, s, end).is_empty());
                if let Some(li) = li {
                    let line = &l.lines()[li];
                    let (x0, x1) = l.pieces(li, s, end)[0];
                    node.set_bounds(accesskit::Rect {
                        x0: (origin.x + x0) as f64,
                        y0: (origin.y + line.top) as f64,
                        x1: (origin.x + x1) as f64,
                        y1: (origin.y + line.top + line.height) as f64,
                    });
                }
                if input.focused == Some(e) {
                    node.set_selected(true);
                }
            });
        }
    }
}
