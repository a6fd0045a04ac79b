//! Arabic in the side panels by the article's rules: a short text (a search
//! snippet) is laid out by the same cosmic-text path as the article
//! ([`ArticleLayout`]: bidi and line breaking together, right-to-left
//! paragraphs right-aligned) and painted from a glyph atlas, so a snippet
//! that wraps reads in the right order instead of being scrambled the way
//! egui's own wrapping of a visually reordered string scrambles it.

use std::collections::HashMap;

use cosmic_text::{CacheKey, FontSystem, SwashCache};
use egui::{Rect, Response, Sense, Shape, Ui, pos2, vec2};

use super::atlas::GlyphAtlas;
use super::fonts::font_system;
use super::layout::ArticleLayout;

/// Side of the panels' glyph atlas, in texels (4 MiB of RGBA).
const ATLAS_SIZE: usize = 1024;
/// Layouts kept between frames (a result list of this many rows).
const CACHE: usize = 256;

/// The panels' text machinery: one font system, glyph atlas and layout
/// cache, shared by every block drawn.
pub struct TextBlocks {
    font_system: FontSystem,
    swash: SwashCache,
    atlas: GlyphAtlas,
    layouts: HashMap<String, ArticleLayout>,
    keys: Vec<CacheKey>,
}

impl Default for TextBlocks {
    fn default() -> Self {
        TextBlocks::new()
    }
}

impl TextBlocks {
    pub fn new() -> TextBlocks {
        TextBlocks {
            font_system: font_system(),
            swash: SwashCache::new(),
            atlas: GlyphAtlas::new(ATLAS_SIZE),
            layouts: HashMap::new(),
            keys: Vec::new(),
        }
    }

    /// Draws `text` wrapped to the available width at `size` points, with
    /// chars `highlight` (start, end) on a `mark` background; `selected`
    /// fills the whole block like a selected list row. Clickable; `label`
    /// is what accessibility (and tests) read.
    #[allow(clippy::too_many_arguments)]
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        text: &str,
        label: &str,
        size: f32,
        highlight: Option<(usize, usize)>,
        selected: bool,
    ) -> Response {
        if self.layouts.len() >= CACHE && !self.layouts.contains_key(text) {
            self.layouts.clear();
        }
        let width = ui.available_width().max(size * 4.0);
        let font_system = &mut self.font_system;
        let layout = self
            .layouts
            .entry(text.to_string())
            .or_insert_with(|| ArticleLayout::new(font_system, text));
        layout.layout(&mut self.font_system, width, size);
        // Lines 1.4 × the font size here (the article's 2 × is for reading).
        let (rect, response) =
            ui.allocate_exact_size(vec2(width, layout.height() * 0.7), Sense::click());
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Button, true, label));
        if !ui.is_rect_visible(rect) {
            return response;
        }
        let visuals = ui.style().interact_selectable(&response, selected);
        let painter = ui.painter_at(rect);
        if selected || response.hovered() {
            painter.rect_filled(rect, 2.0, visuals.weak_bg_fill);
        }
        let squeeze = |y: f32| rect.top() + y * 0.7;
        if let Some((s, e)) = highlight.filter(|(s, e)| s < e) {
            let mark = ui.visuals().selection.bg_fill;
            for li in layout.lines_of(s, e) {
                let line = &layout.lines()[li];
                for (x0, x1) in layout.pieces(li, s, e) {
                    let r = Rect::from_min_max(
                        pos2(rect.left() + x0, squeeze(line.top)),
                        pos2(rect.left() + x1, squeeze(line.top + line.height)),
                    );
                    painter.rect_filled(r, 2.0, mark);
                }
            }
        }
        let ppp = ui.ctx().pixels_per_point();
        let ox = rect.left() * ppp;
        self.keys.clear();
        let mut placed = Vec::new();
        for line in layout.lines() {
            // The glyphs keep their place in the squeezed line's middle.
            let baseline = squeeze(line.top) + (line.baseline - line.top) - line.height * 0.15;
            let oy = (baseline * ppp).round();
            for g in layout.glyphs(line) {
                let phys = g.physical((ox, oy), ppp);
                self.keys.push(phys.cache_key);
                placed.push(phys);
            }
        }
        self.atlas
            .prepare(ui.ctx(), &mut self.font_system, &mut self.swash, &self.keys);
        let Some(mesh) = self.atlas.mesh(&placed, ppp, visuals.text_color()) else {
            return response;
        };
        painter.add(Shape::mesh(mesh));
        response
    }
}
