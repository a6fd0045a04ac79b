//! The article view: cosmic-text layout painted through egui, entity boxes,
//! selection in logical char offsets, zoom, accessibility.
//!
//! The widget owns only view state (fonts, layout, glyph atlas, an ongoing
//! drag); what is selected or focused lives in the app model, and the view
//! reports what the user did as [`ViewEvent`]s.

use cosmic_text::{CacheKey, FontSystem, SwashCache};
use egui::{
    Color32, CornerRadius, Event, FontId, Key, Mesh, Modifiers, Pos2, Rect, Response, Sense, Shape,
    Stroke, StrokeKind, Ui, accesskit, pos2, vec2,
};

use super::atlas::GlyphAtlas;
use super::fonts::font_system;
use super::layout::ArticleLayout;
use super::words::{snap_to_words, trim, word_at};
use crate::annotation::{DocAnnotations, Origin, Source};
use crate::schema::Schema;
use crate::text::slice_chars;

/// Article font size at zoom 1, in points.
pub const BASE_FONT_SIZE: f32 = 20.0;
const MIN_ZOOM: f32 = 0.5;
const MAX_ZOOM: f32 = 4.0;
/// Side of the square glyph atlas texture, in texels (16 MiB of RGBA).
pub const ATLAS_SIZE: usize = 2048;
/// Empty space around the text inside the view, in points.
const MARGIN: f32 = 16.0;

/// A box drawn in the article: a saved entity or a proposal, by index into
/// `DocAnnotations::entities` / `proposals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityRef {
    Entity(usize),
    Proposal(usize),
}

/// What the user did in the view this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewEvent {
    /// The selection is now `start..end` (chars; empty clears it).
    Selected { start: usize, end: usize },
    /// The user clicked an entity box.
    EntityClicked(EntityRef),
    /// The selection was copied to the clipboard.
    Copied(String),
}

/// What the view shows this frame.
pub struct ArticleInput<'a> {
    /// Identifies the document: a new id re-shapes the text.
    pub doc_id: &'a str,
    pub text: &'a str,
    pub annotations: &'a DocAnnotations,
    pub schema: &'a Schema,
    pub selection: Option<(usize, usize)>,
    pub focused: Option<EntityRef>,
}

/// A piece of an entity's box on one line.
#[derive(Debug, Clone, Copy)]
struct BoxPiece {
    entity: EntityRef,
    line: usize,
    /// Rect relative to the article origin.
    rect: Rect,
    depth: usize,
    /// This piece carries the label tag (the one holding the first char).
    first: bool,
}

#[derive(Debug, Clone, Copy)]
struct Drag {
    anchor: (usize, usize),
}

/// The article view's own state, kept by the app across frames.
pub struct ArticleView {
    font_system: FontSystem,
    swash: SwashCache,
    atlas: GlyphAtlas,
    layout: Option<ArticleLayout>,
    /// `(doc id, text length, text address)` the layout was built for.
    laid_for: Option<(String, usize, usize)>,
    chars: Vec<char>,
    zoom: f32,
    drag: Option<Drag>,
    /// Screen position of the article origin in the last frame.
    origin: Pos2,
    keys: Vec<CacheKey>,
    /// A new document was set: scroll back to its top.
    scroll_to_top: bool,
}

impl Default for ArticleView {
    fn default() -> Self {
        ArticleView::new()
    }
}

impl ArticleView {
    pub fn new() -> ArticleView {
        ArticleView::with_atlas_size(ATLAS_SIZE)
    }

    /// A view whose glyph atlas is `size` × `size` texels.
    pub fn with_atlas_size(size: usize) -> ArticleView {
        ArticleView {
            font_system: font_system(),
            swash: SwashCache::new(),
            atlas: GlyphAtlas::new(size),
            layout: None,
            laid_for: None,
            chars: Vec::new(),
            zoom: 1.0,
            drag: None,
            origin: Pos2::ZERO,
            keys: Vec::new(),
            scroll_to_top: false,
        }
    }

    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    pub fn set_zoom(&mut self, zoom: f32) {
        self.zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
    }

    pub fn font_size(&self) -> f32 {
        (BASE_FONT_SIZE * self.zoom).round()
    }

    pub fn layout(&self) -> Option<&ArticleLayout> {
        self.layout.as_ref()
    }

    pub fn atlas(&self) -> &GlyphAtlas {
        &self.atlas
    }

    /// Shapes `text` unless it is the document already shaped.
    pub fn set_document(&mut self, doc_id: &str, text: &str) {
        // The address catches a reloaded text of the same length.
        let key = (doc_id.to_string(), text.len(), text.as_ptr() as usize);
        if self.laid_for.as_ref() == Some(&key) {
            return;
        }
        self.layout = Some(ArticleLayout::new(&mut self.font_system, text));
        self.chars = text.chars().collect();
        self.laid_for = Some(key);
        self.drag = None;
        self.scroll_to_top = true;
    }

    /// Wraps the current document to `width` points at the current zoom.
    pub fn layout_to(&mut self, width: f32) {
        let font_size = self.font_size();
        if let Some(l) = &mut self.layout {
            l.layout(
                &mut self.font_system,
                (width - 2.0 * MARGIN).max(1.0),
                font_size,
            );
        }
    }

    /// Screen rect of char `c` in the last frame (its first piece).
    pub fn char_rect(&self, c: usize) -> Option<Rect> {
        let l = self.layout.as_ref()?;
        let li = l
            .lines_of(c, c + 1)
            .find(|&li| !l.pieces(li, c, c + 1).is_empty())?;
        let (x0, x1) = l.pieces(li, c, c + 1)[0];
        let line = &l.lines()[li];
        Some(Rect::from_min_max(
            self.origin + vec2(x0, line.top),
            self.origin + vec2(x1, line.top + line.height),
        ))
    }

    /// Screen rects (last frame) of every piece of chars `start..end`: one per
    /// line it covers, more where bidi reordering splits it. What an entity
    /// box is drawn around.
    pub fn range_rects(&self, start: usize, end: usize) -> Vec<Rect> {
        let Some(l) = self.layout.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for li in l.lines_of(start, end) {
            let line = &l.lines()[li];
            for (x0, x1) in l.pieces(li, start, end) {
                out.push(Rect::from_min_max(
                    self.origin + vec2(x0, line.top),
                    self.origin + vec2(x1, line.top + line.height),
                ));
            }
        }
        out
    }

    /// The char under a screen point, as `start..end` (empty on an empty line).
    pub fn hit(&self, pos: Pos2) -> Option<(usize, usize)> {
        let p = pos - self.origin;
        self.layout.as_ref()?.hit(p.x, p.y)
    }

    /// The selection from `a` to `b` (chars under the two points), snapped to
    /// words unless `exact`.
    pub fn selection_between(
        &self,
        a: (usize, usize),
        b: (usize, usize),
        exact: bool,
    ) -> (usize, usize) {
        let (s, e) = (a.0.min(b.0), a.1.max(b.1));
        if exact {
            trim(&self.chars, s, e, |c| c == '\n')
        } else {
            snap_to_words(&self.chars, s, e)
        }
    }

    /// Shows the article in a scroll area filling `ui`.
    pub fn ui(&mut self, ui: &mut Ui, input: &ArticleInput<'_>) -> (Response, Vec<ViewEvent>) {
        self.set_document(input.doc_id, input.text);
        let mut events = Vec::new();
        self.zoom_keys(ui);
        let mut area = egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .id_salt("article");
        if std::mem::take(&mut self.scroll_to_top) {
            area = area.vertical_scroll_offset(0.0);
        }
        let out = area.show_viewport(ui, |ui, viewport| {
            self.article_ui(ui, viewport, input, &mut events)
        });
        (out.inner, events)
    }

    fn zoom_keys(&mut self, ui: &mut Ui) {
        // egui would zoom the whole UI on these keys; the article zooms instead.
        ui.ctx().options_mut(|o| o.zoom_with_keyboard = false);
        let mut zoom = self.zoom;
        ui.input_mut(|i| {
            if i.consume_key(Modifiers::COMMAND, Key::Plus)
                || i.consume_key(Modifiers::COMMAND, Key::Equals)
            {
                zoom *= 1.1;
            }
            if i.consume_key(Modifiers::COMMAND, Key::Minus) {
                zoom /= 1.1;
            }
            if i.consume_key(Modifiers::COMMAND, Key::Num0) {
                zoom = 1.0;
            }
        });
        self.set_zoom(zoom);
    }

    fn article_ui(
        &mut self,
        ui: &mut Ui,
        viewport: Rect,
        input: &ArticleInput<'_>,
        events: &mut Vec<ViewEvent>,
    ) -> Response {
        let width = ui.available_width();
        self.layout_to(width);
        let height = self.layout.as_ref().map_or(0.0, |l| l.height()) + 2.0 * MARGIN;
        let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::click_and_drag());
        self.origin = rect.min + vec2(MARGIN, MARGIN);

        // Ctrl + wheel zooms the article (egui reports it as zoom, not scroll).
        if response.hovered() {
            let dz = ui.input(|i| i.zoom_delta());
            if dz != 1.0 {
                self.set_zoom(self.zoom * dz);
            }
        }

        let Some(layout) = self.layout.as_ref() else {
            return response;
        };
        let visible = layout.lines_between(viewport.min.y - MARGIN, viewport.max.y - MARGIN + 1.0);
        let visible_for_a11y = visible.clone();
        let boxes = self.entity_pieces(visible.clone(), input.annotations);

        self.pointer(ui, &response, input, &boxes, events);
        self.copy(ui, input, events);

        let painter = ui.painter_at(rect.intersect(ui.clip_rect()));
        let selection = events
            .iter()
            .rev()
            .find_map(|e| match e {
                ViewEvent::Selected { start, end } => Some((*start, *end)),
                _ => None,
            })
            .or(input.selection);
        self.paint_selection(
            &painter,
            visible.clone(),
            selection,
            ui.visuals().selection.bg_fill,
        );
        self.paint_boxes(&painter, &boxes, input, ui.visuals().dark_mode);
        self.paint_glyphs(ui, &painter, visible, ui.visuals().strong_text_color());
        self.paint_tags(&painter, &boxes, input);
        self.tooltip(&response, &boxes, input);
        self.accessibility(ui, &response, input, visible_for_a11y);
        response
    }

    /// Every box piece of the entities and proposals on lines `visible`.
    fn entity_pieces(
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

    fn pointer(
        &mut self,
        ui: &Ui,
        response: &Response,
        input: &ArticleInput<'_>,
        boxes: &[BoxPiece],
        events: &mut Vec<ViewEvent>,
    ) {
        let exact = ui.input(|i| i.modifiers.alt);
        if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos()
                && let Some(hit) = self.hit(pos)
                && let Some((s, e)) = word_at(&self.chars, hit.0)
            {
                events.push(ViewEvent::Selected { start: s, end: e });
            }
            self.drag = None;
            return;
        }
        if response.clicked() {
            self.drag = None;
            let Some(pos) = response.interact_pointer_pos() else {
                return;
            };
            match self.entity_at(pos, boxes, input.annotations) {
                Some(e) => events.push(ViewEvent::EntityClicked(e)),
                None => {
                    if input.selection.is_some_and(|(s, e)| s < e) {
                        events.push(ViewEvent::Selected { start: 0, end: 0 });
                    }
                }
            }
            return;
        }
        if response.drag_started() {
            let origin = ui
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos());
            self.drag = origin
                .and_then(|p| self.hit(p))
                .map(|anchor| Drag { anchor });
        }
        if (response.dragged() || response.drag_stopped())
            && let Some(drag) = self.drag
            && let Some(pos) = response.interact_pointer_pos()
            && let Some(head) = self.hit(pos)
        {
            let (start, end) = self.selection_between(drag.anchor, head, exact);
            if input.selection != Some((start, end)) {
                events.push(ViewEvent::Selected { start, end });
            }
        }
        if response.drag_stopped() {
            self.drag = None;
        }
    }

    /// The innermost box under a screen point.
    fn entity_at(&self, pos: Pos2, boxes: &[BoxPiece], ann: &DocAnnotations) -> Option<EntityRef> {
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

    fn copy(&self, ui: &Ui, input: &ArticleInput<'_>, events: &mut Vec<ViewEvent>) {
        let Some((s, e)) = input.selection.filter(|(s, e)| s < e) else {
            return;
        };
        let text_field_focused = ui.ctx().memory(|m| m.focused().is_some());
        if text_field_focused {
            return;
        }
        let wants = ui.input(|i| {
            i.events.iter().any(|ev| {
                matches!(ev, Event::Copy)
                    || matches!(ev, Event::Key { key: Key::C, pressed: true, modifiers, .. } if modifiers.command)
            })
        });
        if wants && let Some(text) = slice_chars(input.text, s, e) {
            ui.ctx().copy_text(text.to_string());
            events.push(ViewEvent::Copied(text.to_string()));
        }
    }

    fn paint_selection(
        &self,
        painter: &egui::Painter,
        visible: std::ops::Range<usize>,
        selection: Option<(usize, usize)>,
        color: Color32,
    ) {
        let (Some(l), Some((s, e))) = (self.layout.as_ref(), selection) else {
            return;
        };
        if s >= e {
            return;
        }
        for li in l.lines_of(s, e) {
            if !visible.contains(&li) {
                continue;
            }
            let line = &l.lines()[li];
            for (x0, x1) in l.pieces(li, s, e) {
                let r = Rect::from_min_max(pos2(x0, line.top), pos2(x1, line.top + line.height));
                painter.rect_filled(r.translate(self.origin.to_vec2()), 0.0, color);
            }
        }
    }

    fn paint_boxes(
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
        }
    }

    fn paint_glyphs(
        &mut self,
        ui: &Ui,
        painter: &egui::Painter,
        visible: std::ops::Range<usize>,
        color: Color32,
    ) {
        let Some(layout) = self.layout.as_ref() else {
            return;
        };
        let ppp = ui.ctx().pixels_per_point();
        let ox = self.origin.x * ppp;
        self.keys.clear();
        let mut placed = Vec::new();
        for li in visible {
            let line = &layout.lines()[li];
            let oy = ((self.origin.y + line.baseline) * ppp).round();
            for g in layout.glyphs(line) {
                let phys = g.physical((ox, oy), ppp);
                self.keys.push(phys.cache_key);
                placed.push(phys);
            }
        }
        self.atlas
            .prepare(ui.ctx(), &mut self.font_system, &mut self.swash, &self.keys);
        let Some(tex) = self.atlas.texture_id() else {
            return;
        };
        let mut mesh = Mesh::with_texture(tex);
        for phys in placed {
            let Some(a) = self.atlas.get(&phys.cache_key) else {
                continue;
            };
            let min = pos2(
                (phys.x + a.left) as f32 / ppp,
                (phys.y - a.top) as f32 / ppp,
            );
            let r = Rect::from_min_size(min, vec2(a.width as f32 / ppp, a.height as f32 / ppp));
            let tint = if a.color { Color32::WHITE } else { color };
            mesh.add_rect_with_uv(r, a.uv, tint);
        }
        painter.add(Shape::mesh(mesh));
    }

    fn paint_tags(&self, painter: &egui::Painter, boxes: &[BoxPiece], input: &ArticleInput<'_>) {
        let Some(l) = self.layout.as_ref() else {
            return;
        };
        let size = (self.font_size() * 0.42).max(8.0);
        for b in boxes.iter().filter(|b| b.first) {
            let label = label_of(input.annotations, b.entity);
            let color = label_color(input.schema, label);
            let text = match b.entity {
                EntityRef::Entity(_) => label.to_string(),
                EntityRef::Proposal(_) => format!("{label}?"),
            };
            let rtl = l.lines()[b.line].rtl;
            let rect = b.rect.translate(self.origin.to_vec2());
            let galley = painter.layout_no_wrap(text, FontId::proportional(size), Color32::WHITE);
            let w = galley.size().x + 6.0;
            let h = galley.size().y;
            let y = rect.top() - h * 0.7 - b.depth as f32 * (h + 1.0);
            let x = if rtl { rect.right() - w } else { rect.left() };
            let tag = Rect::from_min_size(pos2(x, y), vec2(w, h));
            let fill = match b.entity {
                EntityRef::Entity(_) => color,
                EntityRef::Proposal(_) => color.gamma_multiply(0.6),
            };
            painter.rect_filled(tag, CornerRadius::same(3), fill);
            painter.galley(tag.min + vec2(3.0, 0.0), galley, Color32::WHITE);
        }
    }

    fn tooltip(&self, response: &Response, boxes: &[BoxPiece], input: &ArticleInput<'_>) {
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

    /// The text as the widget's label, and one `Mark` node per box.
    /// The text as the widget's label, and one `Mark` node per entity or
    /// proposal on the lines in view and one screen above and below (as egui
    /// does for its widgets: a whole article's nodes every frame would cost
    /// more than the frame).
    fn accessibility(
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

fn span_of(ann: &DocAnnotations, e: EntityRef) -> Option<(usize, usize)> {
    match e {
        EntityRef::Entity(i) => ann.entities.get(i).map(|s| (s.start, s.end)),
        EntityRef::Proposal(i) => ann.proposals.get(i).map(|p| (p.start, p.end)),
    }
}

fn label_of(ann: &DocAnnotations, e: EntityRef) -> &str {
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
    }
}
