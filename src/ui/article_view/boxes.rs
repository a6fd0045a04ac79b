//! Entity and proposal boxes: where their pieces lie, how they are drawn
//! (behind the glyphs), their label tags and hover tooltips.

use egui::{
    Color32, CornerRadius, FontId, Pos2, Rect, Response, Shape, Stroke, StrokeKind, pos2, vec2,
};

use super::{ArticleInput, ArticleView, EntityRef};
use crate::annotation::{DocAnnotations, Origin, Source};
use crate::schema::Schema;

/// A piece of an entity's box on one line.
#[derive(Debug, Clone, Copy)]
pub(super) struct BoxPiece {
    entity: EntityRef,
    line: usize,
    /// Rect relative to the article origin.
    rect: Rect,
    depth: usize,
    /// This piece carries the label tag (the one holding the first char).
    first: bool,
}

impl ArticleView {
    /// Every box piece of the entities and proposals on lines `visible`.
    pub(super) fn entity_pieces(
        &self,
        visible: std::ops::Range<usize>,
        ann: &DocAnnotations,
    ) -> Vec<BoxPiece> {
        let Some(l) = self.layout.as_ref() else {
            return Vec::new();
        };
        let (Some(first), Some(last)) = (
            l.lines().get(visible.start),
            visible.end.checked_sub(1).and_then(|i| l.lines().get(i)),
        ) else {
            return Vec::new();
        };
        let (c0, c1) = (first.chars.0, last.chars.1.max(first.chars.0 + 1));
        let mut spans: Vec<(EntityRef, usize, usize)> = Vec::new();
        for (i, s) in ann.entities.iter().enumerate() {
            if s.start < c1 && s.end > c0 && s.start < s.end {
                spans.push((EntityRef::Entity(i), s.start, s.end));
            }
        }
        for (i, p) in ann.proposals.iter().enumerate() {
            if p.start < c1 && p.end > c0 && p.start < p.end {
                spans.push((EntityRef::Proposal(i), p.start, p.end));
            }
        }
        let mut out = Vec::new();
        for (k, &(e, s, end)) in spans.iter().enumerate() {
            // Depth: how many other boxes enclose this one (ties by order).
            let depth = spans
                .iter()
                .enumerate()
                .filter(|&(j, &(_, os, oe))| {
                    j != k && os <= s && end <= oe && ((os, oe) != (s, end) || j < k)
                })
                .count();
            for li in l.lines_of(s, end) {
                if li < visible.start || li >= visible.end {
                    continue;
                }
                let line = &l.lines()[li];
                let first_here = s >= line.chars.0 && s < line.chars.1;
                let start_piece = if first_here {
                    l.pieces(li, s, s + 1).first().copied()
                } else {
                    None
                };
                for (x0, x1) in l.pieces(li, s, end) {
                    let inset = depth as f32 * 3.0;
                    let pad = (line.height * 0.14).round();
                    let rect = Rect::from_min_max(
                        pos2(x0 - 2.0 + inset, line.top + pad + inset),
                        pos2(x1 + 2.0 - inset, line.top + line.height - pad - inset),
                    );
                    let first = start_piece.is_some_and(|(a, b)| a >= x0 - 0.5 && b <= x1 + 0.5);
                    out.push(BoxPiece {
                        entity: e,
                        line: li,
                        rect,
                        depth,
                        first,
                    });
                }
            }
        }
        out
    }

    /// The innermost box under a screen point.
    pub(super) fn entity_at(
        &self,
        pos: Pos2,
        boxes: &[BoxPiece],
        ann: &DocAnnotations,
    ) -> Option<EntityRef> {
        let p = (pos - self.origin).to_pos2();
        boxes
            .iter()
            .filter(|b| b.rect.contains(p))
            .min_by_key(|b| {
                let (s, e) = span_of(ann, b.entity).unwrap_or((0, usize::MAX));
                (e - s, matches!(b.entity, EntityRef::Proposal(_)))
            })
            .map(|b| b.entity)
    }

    pub(super) fn paint_boxes(
        &self,
        painter: &egui::Painter,
        boxes: &[BoxPiece],
        input: &ArticleInput<'_>,
        dark: bool,
    ) {
        for b in boxes {
            let color = label_color(input.schema, label_of(input.annotations, b.entity));
            let rect = b.rect.translate(self.origin.to_vec2());
            let focused = input.focused == Some(b.entity);
            match b.entity {
                EntityRef::Entity(_) => {
                    let fill = color.gamma_multiply(if dark { 0.35 } else { 0.22 });
                    let width = if focused { 3.0 } else { 1.5 };
                    painter.rect(
                        rect,
                        CornerRadius::same(4),
                        fill,
                        Stroke::new(width, color),
                        StrokeKind::Inside,
                    );
                }
                EntityRef::Proposal(_) => {
                    painter.rect_filled(rect, CornerRadius::same(4), color.gamma_multiply(0.08));
                    let width = if focused { 2.5 } else { 1.2 };
                    let pts = [
                        rect.left_top(),
                        rect.right_top(),
                        rect.right_bottom(),
                        rect.left_bottom(),
                        rect.left_top(),
                    ];
                    for s in Shape::dashed_line(&pts, Stroke::new(width, color), 5.0, 3.0) {
                        painter.add(s);
                    }
                }
            }
            if focused {
                // A ring outside the box that no label colour is confused
                // with: where the keys act is visible at a glance.
                let ring = if dark {
                    Color32::from_rgb(255, 214, 64)
                } else {
                    Color32::from_rgb(20, 40, 160)
                };
                painter.rect_stroke(
                    rect.expand(2.5),
                    CornerRadius::same(6),
                    Stroke::new(2.0, ring),
                    StrokeKind::Outside,
                );
            }
        }
    }

    /// Draws each box's label tag where it covers no letter: in the line gap
    /// above the box (raised above the tallest mark under it: the hamza of
    /// `أرمينيا`), at its start side or slid toward its end side to a gap in
    /// the line above, else just outside its end side, else outside its
    /// start side, each tried again smaller; a tag that fits
    /// nowhere is left out (the box colour, tooltip and entity list still
    /// say the label). Tags avoid each other too. Rects are kept for
    /// [`ArticleView::ink_and_tags`].
    pub(super) fn paint_tags(
        &mut self,
        painter: &egui::Painter,
        boxes: &[BoxPiece],
        input: &ArticleInput<'_>,
    ) {
        self.tags.clear();
        let full = (self.font_size() * 0.42).max(8.0);
        let clear = |r: Rect, near: &[Rect]| !near.iter().any(|g| g.intersects(r));
        for b in boxes.iter().filter(|b| b.first) {
            let label = label_of(input.annotations, b.entity);
            let color = label_color(input.schema, label);
            let text = match b.entity {
                EntityRef::Entity(_) => label.to_string(),
                EntityRef::Proposal(_) => format!("{label}?"),
            };
            let rtl = self
                .layout
                .as_ref()
                .and_then(|l| l.lines().get(b.line))
                .is_some_and(|line| line.rtl);
            let rect = b.rect.translate(self.origin.to_vec2());
            let mut placed = None;
            'sizes: for size in [full, (full * 0.8).max(7.0)] {
                let galley = painter.layout_no_wrap(
                    text.clone(),
                    FontId::proportional(size),
                    Color32::WHITE,
                );
                let w = galley.size().x + 6.0;
                let h = galley.size().y;
                // Only ink near the box can meet its tag.
                let near: Vec<Rect> = self
                    .ink
                    .iter()
                    .chain(&self.tags)
                    .filter(|g| g.max.y > rect.top() - 3.0 * h - 4.0 && g.min.y < rect.bottom())
                    .copied()
                    .collect();
                // Above, from the start side sliding toward the end side
                // (a gap in the line above), its bottom at the box top
                // raised over any ink under it, stacked by depth.
                let span = (rect.width() - w).max(0.0) + w * 0.5;
                let steps = (span / 2.0).ceil() as usize;
                for k in 0..=steps {
                    let d = k as f32 * 2.0;
                    let x = if rtl {
                        rect.right() - w - d
                    } else {
                        rect.left() + d
                    };
                    let ink_top = near
                        .iter()
                        .filter(|g| g.max.x > x && g.min.x < x + w)
                        .filter(|g| g.max.y > rect.top() - h && g.min.y < rect.bottom())
                        .map(|g| g.min.y)
                        .fold(rect.top(), f32::min);
                    let bottom = ink_top - 1.0 - b.depth as f32 * (h + 1.0);
                    let above = Rect::from_min_size(pos2(x, bottom - h), vec2(w, h));
                    if clear(above, &near) {
                        placed = Some((above, galley));
                        break 'sizes;
                    }
                }
                // Beside: vertically centred on the box, outside it.
                let y = rect.center().y - h / 2.0;
                let (end_x, start_x) = if rtl {
                    (rect.left() - w - 2.0, rect.right() + 2.0)
                } else {
                    (rect.right() + 2.0, rect.left() - w - 2.0)
                };
                for x in [end_x, start_x] {
                    let tag = Rect::from_min_size(pos2(x, y), vec2(w, h));
                    if clear(tag, &near) {
                        placed = Some((tag, galley));
                        break 'sizes;
                    }
                }
            }
            let Some((tag, galley)) = placed else {
                continue;
            };
            let fill = match b.entity {
                EntityRef::Entity(_) => color,
                EntityRef::Proposal(_) => color.gamma_multiply(0.6),
            };
            painter.rect_filled(tag, CornerRadius::same(3), fill);
            painter.galley(tag.min + vec2(3.0, 0.0), galley, Color32::WHITE);
            self.tags.push(tag);
        }
    }

    pub(super) fn tooltip(
        &self,
        response: &Response,
        boxes: &[BoxPiece],
        input: &ArticleInput<'_>,
    ) {
        let Some(pos) = response.hover_pos() else {
            return;
        };
        let Some(e) = self.entity_at(pos, boxes, input.annotations) else {
            return;
        };
        let ann = input.annotations;
        let (label, text, origin, confidence) = match e {
            EntityRef::Entity(i) => {
                let Some(s) = ann.entities.get(i) else { return };
                (
                    s.label.as_str(),
                    s.text.as_str(),
                    origin_text(s.origin),
                    None,
                )
            }
            EntityRef::Proposal(i) => {
                let Some(p) = ann.proposals.get(i) else {
                    return;
                };
                (
                    p.label.as_str(),
                    p.text.as_str(),
                    format!("proposal ({})", source_text(p.source)),
                    Some(p.confidence),
                )
            }
        };
        let display = input
            .schema
            .get(label)
            .map_or(label, |l| l.display.as_str())
            .to_string();
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.strong(format!("{label} · {display}"));
            ui.label(text);
            ui.label(format!("origin: {origin}"));
            match confidence {
                Some(c) => ui.label(format!("confidence: {:.0}%", c * 100.0)),
                None => ui.label("confidence: —"),
            };
        });
    }
}

pub(super) fn span_of(ann: &DocAnnotations, e: EntityRef) -> Option<(usize, usize)> {
    match e {
        EntityRef::Entity(i) => ann.entities.get(i).map(|s| (s.start, s.end)),
        EntityRef::Proposal(i) => ann.proposals.get(i).map(|p| (p.start, p.end)),
    }
}

pub(super) fn label_of(ann: &DocAnnotations, e: EntityRef) -> &str {
    match e {
        EntityRef::Entity(i) => ann.entities.get(i).map_or("", |s| s.label.as_str()),
        EntityRef::Proposal(i) => ann.proposals.get(i).map_or("", |p| p.label.as_str()),
    }
}

/// The schema colour of a label; grey for a label the schema lacks.
pub fn label_color(schema: &Schema, label: &str) -> Color32 {
    schema.get(label).map_or(Color32::GRAY, |l| {
        Color32::from_rgb(l.color.0, l.color.1, l.color.2)
    })
}

fn source_text(s: Source) -> &'static str {
    match s {
        Source::Rule => "rule",
        Source::Gazetteer => "gazetteer",
        Source::Model => "model",
        Source::Memory => "memory",
    }
}

fn origin_text(o: Origin) -> String {
    match o {
        Origin::Manual => "manual".to_string(),
        Origin::Accepted(s) => format!("accepted proposal ({})", source_text(s)),
        Origin::Imported => "imported".to_string(),
        Origin::Corrected(s) => format!("corrected proposal ({})", source_text(s)),
    }
}
