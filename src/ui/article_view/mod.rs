//! The article view: cosmic-text layout painted through egui, entity boxes,
//! selection in logical char offsets, zoom, accessibility.
//!
//! The widget owns only view state (fonts, layout, glyph atlas, an ongoing
//! drag); what is selected or focused lives in the app model, and the view
//! reports what the user did as [`ViewEvent`]s.

use cosmic_text::{CacheKey, FontSystem, SwashCache};
use egui::{Key, Modifiers, Pos2, Rect, Response, Sense, Ui, vec2};

mod a11y;
mod boxes;
mod edges;
mod paint;
mod pointer;

pub use boxes::label_color;

use crate::annotation::DocAnnotations;
use crate::arabic::{Lexicon, Vocabulary, guideline_span_by};
use crate::schema::Schema;
use crate::ui::text::atlas::GlyphAtlas;
use crate::ui::text::fonts::font_system;
use crate::ui::text::layout::ArticleLayout;
use crate::ui::text::words::{snap_to_words, trim};

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
    /// The focused entity's edge was dragged: it should get these
    /// boundaries (chars).
    Resized { start: usize, end: usize },
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
    /// The keyboard caret, drawn as a bar and kept in view.
    pub caret: Option<CaretMark>,
    /// What decides whether a selection's first letter is a proclitic
    /// (the corpus, gazetteers, model vocabulary, gold); `None`: the
    /// document's own words.
    pub lexicon: Option<&'a dyn Lexicon>,
}

/// Without a session's lexicon: the document's words, and the shipped
/// gazetteers for names known whole (`فرنسا` keeps its ف).
struct DocumentLexicon<'a>(&'a Vocabulary);

impl Lexicon for DocumentLexicon<'_> {
    fn is_name(&self, form: &str) -> bool {
        crate::propose::gazetteer::Gazetteer::builtin()
            .label_of(form)
            .is_some()
    }

    fn is_word(&self, form: &str) -> bool {
        self.0.contains(form)
    }
}

/// The keyboard caret as the view draws it: a bar at one edge of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaretMark {
    /// The word the caret stands on, document chars `start..end`.
    pub word: (usize, usize),
    /// The bar is at the word's logical end (its left side in a
    /// right-to-left line) rather than its start.
    pub at_end: bool,
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
    /// The document's Arabic words: a clitic is left out of a selection
    /// when what remains is one of them.
    vocabulary: Vocabulary,
    zoom: f32,
    drag: Option<Drag>,
    /// An edge of the focused entity being dragged.
    edge_drag: Option<edges::EdgeDrag>,
    /// Screen position of the article origin in the last frame.
    origin: Pos2,
    keys: Vec<CacheKey>,
    /// A new document was set: scroll back to its top.
    scroll_to_top: bool,
    /// The range (focused item or a selection made elsewhere) last brought
    /// into view, with the document it was in.
    shown: Option<(usize, usize)>,
    /// The selection this view reported last: a selection that differs came
    /// from elsewhere (a search hit, undo) and is brought into view.
    own_selection: Option<(usize, usize)>,
    /// Chars of the lines in the viewport in the last frame.
    visible_chars: Option<(usize, usize)>,
    /// The first char of the top line shown before the zoom changed: the
    /// next frame scrolls so that its line is at the top again (zooming
    /// keeps the line being read in place).
    zoom_anchor: Option<usize>,
    /// Screen rects (points) of every glyph's ink painted in the last frame.
    ink: Vec<Rect>,
    /// Screen rects (points) of the label tags painted in the last frame.
    tags: Vec<Rect>,
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
            vocabulary: Vocabulary::new(),
            zoom: 1.0,
            drag: None,
            edge_drag: None,
            origin: Pos2::ZERO,
            keys: Vec::new(),
            scroll_to_top: false,
            shown: None,
            own_selection: None,
            visible_chars: None,
            zoom_anchor: None,
            ink: Vec::new(),
            tags: Vec::new(),
        }
    }

    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    pub fn set_zoom(&mut self, zoom: f32) {
        self.zoom = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
    }

    /// Sets the zoom and, when it changes, remembers the top line shown so
    /// the next frame puts it back at the top.
    fn zoom_keeping_place(&mut self, zoom: f32) {
        let old = self.zoom;
        self.set_zoom(zoom);
        if self.zoom != old && self.zoom_anchor.is_none() {
            self.zoom_anchor = self.visible_chars.map(|(a, _)| a);
        }
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
        self.vocabulary = Vocabulary::of(text);
        self.laid_for = Some(key);
        self.drag = None;
        self.scroll_to_top = true;
        self.shown = None;
        self.own_selection = None;
        self.visible_chars = None;
    }

    /// Screen rects (points) of the glyphs' ink and of the label tags
    /// painted in the last frame: a tag never covers a letter (tests check
    /// that none of the first meets any of the second).
    pub fn ink_and_tags(&self) -> (&[Rect], &[Rect]) {
        (&self.ink, &self.tags)
    }

    /// Chars `start..end` of the lines shown in the last frame: where Tab
    /// starts when nothing is focused.
    pub fn visible_chars(&self) -> Option<(usize, usize)> {
        self.visible_chars
    }

    /// The rect to scroll to so that chars `start..end` are seen with a line
    /// of context above and below (screen coordinates, last frame).
    fn rect_with_context(&self, start: usize, end: usize) -> Option<Rect> {
        let rects = self.range_rects(start, end);
        let first = *rects.first()?;
        let r = rects.iter().fold(first, |a, b| a.union(*b));
        // A whole article-wide box would scroll sideways for nothing: the
        // view is as wide as the text.
        let line = self
            .layout
            .as_ref()
            .and_then(|l| l.lines().first())
            .map_or(BASE_FONT_SIZE * 2.0, |l| l.height);
        Some(r.expand2(vec2(4.0, line)))
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

    /// Screen rect (last frame) of the caret bar: 2 points wide, a line
    /// high, at the word's start or end edge as its line runs (the left
    /// side of an Arabic word's end).
    pub fn caret_rect(&self, c: CaretMark) -> Option<Rect> {
        let l = self.layout.as_ref()?;
        let (s, e) = c.word;
        if s >= e {
            return None;
        }
        let ch = if c.at_end { e - 1 } else { s };
        let li = l
            .lines_of(ch, ch + 1)
            .find(|&li| !l.pieces(li, ch, ch + 1).is_empty())?;
        let line = &l.lines()[li];
        let (x0, x1) = l.pieces(li, ch, ch + 1)[0];
        let x = if c.at_end == line.rtl { x0 } else { x1 };
        Some(Rect::from_min_max(
            self.origin + vec2(x - 1.0, line.top),
            self.origin + vec2(x + 1.0, line.top + line.height),
        ))
    }

    /// The char under a screen point, as `start..end` (empty on an empty line).
    pub fn hit(&self, pos: Pos2) -> Option<(usize, usize)> {
        let p = pos - self.origin;
        self.layout.as_ref()?.hit(p.x, p.y)
    }

    /// The selection from `a` to `b` (chars under the two points): unless
    /// `exact`, snapped to words and trimmed by the guidelines (punctuation,
    /// quotes, brackets, attached clitics; [`guideline_span_by`]). What a
    /// drag shows is exactly this, so what is shown is what gets saved.
    pub fn selection_between(
        &self,
        a: (usize, usize),
        b: (usize, usize),
        exact: bool,
    ) -> (usize, usize) {
        self.snap(a, b, exact, None)
    }

    /// [`ArticleView::selection_between`] with the clitic decided by
    /// `lexicon` (the session's: corpus, gazetteers, model, gold); `None`
    /// uses the document's own words.
    pub(super) fn snap(
        &self,
        a: (usize, usize),
        b: (usize, usize),
        exact: bool,
        lexicon: Option<&dyn Lexicon>,
    ) -> (usize, usize) {
        let (s, e) = (a.0.min(b.0), a.1.max(b.1));
        if exact {
            return trim(&self.chars, s, e, |c| c == '\n');
        }
        let (s, e) = snap_to_words(&self.chars, s, e);
        match lexicon {
            Some(l) => guideline_span_by(&self.chars, s, e, l),
            None => guideline_span_by(&self.chars, s, e, &DocumentLexicon(&self.vocabulary)),
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
        self.zoom_keeping_place(zoom);
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
        // After a zoom: the line that was at the top goes back to the top.
        // At once, not animated: the text under the eye must not drift.
        if let Some(c) = self.zoom_anchor.take()
            && height > viewport.height()
            && let Some(r) = self.char_rect(c)
        {
            let line = Rect::from_min_max(
                egui::pos2(rect.left(), r.top() - 1.0),
                egui::pos2(rect.right(), r.bottom()),
            );
            ui.scroll_to_rect_animation(
                line,
                Some(egui::Align::TOP),
                egui::style::ScrollAnimation::none(),
            );
        }

        // Whatever gets focus, or a selection made elsewhere (a search hit,
        // undo), is brought into view with a line of context; a no-op when
        // it is in view already. Tracked by place, not by index, so that
        // the next proposal after Enter (often at the same index) counts.
        let focused = input
            .focused
            .and_then(|f| boxes::span_of(input.annotations, f));
        let outside_selection = input
            .selection
            .filter(|&(s, e)| s < e && input.selection != self.own_selection);
        let caret = input.caret.map(|c| c.word);
        let target = focused.or(caret).or(outside_selection);
        if target.is_some() && target != self.shown {
            self.shown = target;
            if let Some((s, e)) = target
                && let Some(r) = self.rect_with_context(s, e)
            {
                ui.scroll_to_rect(r, None);
            }
        } else if target.is_none() {
            self.shown = None;
        }
        if input.selection != self.own_selection {
            self.own_selection = input.selection;
        }

        // Ctrl + wheel zooms the article (egui reports it as zoom, not scroll).
        if response.hovered() {
            let dz = ui.input(|i| i.zoom_delta());
            if dz != 1.0 {
                self.zoom_keeping_place(self.zoom * dz);
            }
        }

        let Some(layout) = self.layout.as_ref() else {
            return response;
        };
        let visible = layout.lines_between(viewport.min.y - MARGIN, viewport.max.y - MARGIN + 1.0);
        // Fully visible lines only (a line cut at the top is not "on screen").
        let lines = layout.lines();
        let first_full = visible
            .clone()
            .find(|&li| lines[li].top >= viewport.min.y - MARGIN - 1.0);
        let last_full = visible
            .clone()
            .rev()
            .find(|&li| lines[li].top + lines[li].height <= viewport.max.y - MARGIN + 1.0);
        self.visible_chars = match (first_full, last_full) {
            (Some(a), Some(b)) if a <= b => Some((lines[a].chars.0, lines[b].chars.1)),
            _ => visible
                .clone()
                .next()
                .map(|a| (lines[a].chars.0, lines[visible.end - 1].chars.1)),
        };
        let visible_for_a11y = visible.clone();
        let boxes = self.entity_pieces(visible.clone(), input.annotations);

        if !self.edge_pointer(ui, &response, input, events) {
            self.pointer(ui, &response, input, &boxes, events);
        }
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
        // While an edge is dragged, the range it would give is highlighted.
        let selection = self.edge_drag.map(|d| d.now).or(selection);
        self.paint_selection(
            &painter,
            visible.clone(),
            selection,
            ui.visuals().selection.bg_fill,
        );
        self.paint_boxes(&painter, &boxes, input, ui.visuals().dark_mode);
        self.paint_glyphs(ui, &painter, visible, ui.visuals().strong_text_color());
        if let Some(c) = input.caret
            && let Some(bar) = self.caret_rect(c)
        {
            painter.rect_filled(bar, 0.0, ui.visuals().strong_text_color());
        }
        self.paint_tags(&painter, &boxes, input);
        self.tooltip(&response, &boxes, input);
        self.accessibility(ui, &response, input, visible_for_a11y);
        response
    }
}
