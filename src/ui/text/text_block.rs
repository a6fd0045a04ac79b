//! Arabic in the side panels by the article's rules: panel text (entity and
//! proposal names, document ids, search snippets, review and adjudication
//! lists, export warnings) is laid out by the same cosmic-text path as the
//! article ([`ArticleLayout`]: bidi and line breaking together, right-to-left
//! paragraphs right-aligned) and painted from a glyph atlas. egui's own
//! labels have no bidi, and its wrapping of a string put into visual order
//! beforehand scrambles the words of a wrapped line.
//!
//! Two shapes: [`TextBlocks::wrapped_ui`] wraps to the available width;
//! [`TextBlocks::line_ui`] keeps one line, cut at its logical end with `…`
//! when too wide (the whole text then shows on hover, laid out the same way).
//! The cut is Kashif's: the longest logical prefix that fits with `…`, laid
//! out in the whole text's direction (cosmic-text's own ellipsis drops the
//! digits opening a right-to-left line).

use std::collections::HashMap;

use cosmic_text::{CacheKey, FontSystem, SwashCache};
use egui::{Color32, Rect, Response, Sense, Shape, Ui, pos2, vec2};

use super::atlas::GlyphAtlas;
use super::fonts::font_system;
use super::layout::{ArticleLayout, Fit, LINE_HEIGHT};

/// Side of the panels' glyph atlas, in texels (4 MiB of RGBA).
const ATLAS_SIZE: usize = 1024;
/// Layouts kept between frames (a result list of this many rows).
const CACHE: usize = 512;
/// Panel lines are this much of the article's line height (2 × the font
/// size, room the article needs for entity tags).
const SQUEEZE: f32 = 0.7;

/// How a block looks and answers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BlockStyle {
    /// Chars `(start, end)` on the selection background (a search hit).
    pub highlight: Option<(usize, usize)>,
    /// Filled like a selected list row.
    pub selected: bool,
    /// Text colour; `None`: the theme's for the row's state.
    pub color: Option<Color32>,
    /// A list row that answers clicks (accessibility role Button); plain
    /// text otherwise (role Label).
    pub clickable: bool,
    /// The text's direction, as [`ArticleLayout::with_direction`] takes
    /// it: `Some(true)` for the document's own words (entity names,
    /// snippets), `Some(false)` for a line of the interface quoting them,
    /// `None` to count the letters (document ids).
    pub rtl: Option<bool>,
}

impl BlockStyle {
    /// A clickable list row, filled when `selected`.
    pub fn row(selected: bool) -> BlockStyle {
        BlockStyle {
            selected,
            clickable: true,
            ..BlockStyle::default()
        }
    }

    /// Plain text in `color`.
    pub fn colored(color: Color32) -> BlockStyle {
        BlockStyle {
            color: Some(color),
            ..BlockStyle::default()
        }
    }

    /// Plain text.
    pub fn plain() -> BlockStyle {
        BlockStyle::default()
    }

    /// The document's own words: right to left where they hold an Arabic
    /// letter.
    pub fn words(self) -> BlockStyle {
        BlockStyle {
            rtl: Some(true),
            ..self
        }
    }

    /// A line of the interface: left to right around what it quotes.
    pub fn interface(self) -> BlockStyle {
        BlockStyle {
            rtl: Some(false),
            ..self
        }
    }
}

/// The panels' text machinery: one font system, glyph atlas and layout
/// cache, shared by every block drawn.
pub struct TextBlocks {
    font_system: FontSystem,
    swash: SwashCache,
    atlas: GlyphAtlas,
    layouts: HashMap<(Fit, Option<bool>, String), ArticleLayout>,
    /// Cut texts: (text, right to left, width bits, size bits) → shown.
    elided: HashMap<(String, bool, u32, u32), String>,
    keys: Vec<CacheKey>,
}

impl Default for TextBlocks {
    fn default() -> Self {
        TextBlocks::new()
    }
}

/// Where a laid-out block goes on screen.
struct Place {
    rect: Rect,
    /// Added to the layout's x (points).
    dx: f32,
    /// One line centred in the row (else lines from the top).
    one_line: bool,
}

impl TextBlocks {
    pub fn new() -> TextBlocks {
        TextBlocks {
            font_system: font_system(),
            swash: SwashCache::new(),
            atlas: GlyphAtlas::new(ATLAS_SIZE),
            layouts: HashMap::new(),
            elided: HashMap::new(),
            keys: Vec::new(),
        }
    }

    /// Height of a [`TextBlocks::line_ui`] row at `size` points: egui's
    /// interactive row height, or more for a large font. Lists that lay out
    /// only their visible rows (`ScrollArea::show_rows`) count with it.
    pub fn row_height(ui: &Ui, size: f32) -> f32 {
        ui.spacing()
            .interact_size
            .y
            .max((size * LINE_HEIGHT * SQUEEZE).round())
    }

    /// The search results' block: `text` wrapped, chars `highlight` marked,
    /// clickable. See [`TextBlocks::wrapped_ui`].
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        text: &str,
        label: &str,
        size: f32,
        highlight: Option<(usize, usize)>,
        selected: bool,
    ) -> Response {
        let style = BlockStyle {
            highlight,
            ..BlockStyle::row(selected)
        };
        self.wrapped_ui(ui, text, label, size, style.words())
    }

    /// Draws `text` wrapped to the available width at `size` points; `label`
    /// is what accessibility (and tests) read.
    pub fn wrapped_ui(
        &mut self,
        ui: &mut Ui,
        text: &str,
        label: &str,
        size: f32,
        style: BlockStyle,
    ) -> Response {
        let width = ui.available_width().max(size * 4.0);
        let height = self.laid(text, Fit::Wrap, style.rtl, width, size).height() * SQUEEZE;
        let (rect, response) = ui.allocate_exact_size(vec2(width, height), sense(style));
        info(&response, style, label);
        self.paint(
            ui,
            &response,
            text,
            Fit::Wrap,
            Place {
                rect,
                dx: rect.left(),
                one_line: false,
            },
            style,
        );
        response
    }

    /// Draws `text` on one line at `size` points, at most `max_width` points
    /// wide: at its own width when it fits, else cut at its logical end with
    /// `…` and shown whole on hover. A newline counts as a space. `label` is
    /// what accessibility (and tests) read.
    pub fn line_ui(
        &mut self,
        ui: &mut Ui,
        text: &str,
        label: &str,
        size: f32,
        max_width: f32,
        style: BlockStyle,
    ) -> Response {
        let one: String;
        let text = if text.contains('\n') {
            one = text.replace('\n', " ");
            one.as_str()
        } else {
            text
        };
        let max_width = max_width.max(size);
        let natural = self.laid(text, Fit::OneLine, style.rtl, max_width, size);
        let full_rtl = natural.paragraph_rtl(0).unwrap_or(false);
        let fits = extent(natural).is_none_or(|(x0, x1)| x1 - x0 <= max_width);
        // Too wide: a logical prefix and `…`, laid out in the whole text's
        // direction (Kashif's own cut: see `Fit::OneLine`).
        let (shown, shown_style) = if fits {
            (text.to_string(), style)
        } else {
            let cut = self.elide(text, full_rtl, max_width, size);
            let forced = BlockStyle {
                rtl: Some(full_rtl),
                ..style
            };
            (cut, forced)
        };
        let (x0, x1) = extent(self.laid(&shown, Fit::OneLine, shown_style.rtl, max_width, size))
            .unwrap_or((0.0, 0.0));
        let h = TextBlocks::row_height(ui, size);
        let (rect, mut response) = ui.allocate_exact_size(vec2(x1 - x0, h), sense(style));
        info(&response, style, label);
        self.paint(
            ui,
            &response,
            &shown,
            Fit::OneLine,
            Place {
                rect,
                dx: rect.left() - x0,
                one_line: true,
            },
            shown_style,
        );
        if !fits {
            response = response.on_hover_ui(|ui| {
                let whole = BlockStyle {
                    rtl: style.rtl,
                    ..BlockStyle::default()
                };
                self.wrapped_ui(ui, text, label, size, whole);
            });
        }
        response
    }

    /// Width in points [`TextBlocks::line_ui`] gives `text` at `size`
    /// points within `max_width` (cut with `…` when wider): for a widget that
    /// sizes itself around such a line before allocating (the stacked
    /// view's boxes).
    pub fn line_width(&mut self, text: &str, size: f32, max_width: f32, style: BlockStyle) -> f32 {
        let text = text.replace('\n', " ");
        let max_width = max_width.max(size);
        let natural = self.laid(&text, Fit::OneLine, style.rtl, max_width, size);
        let full_rtl = natural.paragraph_rtl(0).unwrap_or(false);
        let width = extent(natural).map_or(0.0, |(x0, x1)| x1 - x0);
        if width <= max_width {
            return width;
        }
        let cut = self.elide(&text, full_rtl, max_width, size);
        extent(self.laid(&cut, Fit::OneLine, Some(full_rtl), max_width, size))
            .map_or(0.0, |(x0, x1)| x1 - x0)
    }

    /// The longest logical prefix of `text` that, with `…` after it, lays
    /// out within `max_width` points (at least one char), in direction
    /// `rtl`. Cached per text, direction, width and size.
    fn elide(&mut self, text: &str, rtl: bool, max_width: f32, size: f32) -> String {
        let key = (text.to_string(), rtl, max_width.to_bits(), size.to_bits());
        if let Some(cut) = self.elided.get(&key) {
            return cut.clone();
        }
        let chars: Vec<char> = text.chars().collect();
        let candidate = |k: usize| -> String {
            let mut s: String = chars[..k].iter().collect();
            s.truncate(s.trim_end().len());
            s.push('…');
            s
        };
        let fs = &mut self.font_system;
        let mut width_of = |s: &str| {
            let mut l = ArticleLayout::with_direction(fs, s, Some(rtl));
            l.layout_fit(fs, max_width, size, Fit::OneLine);
            l.extent(0).map_or(0.0, |(x0, x1)| x1 - x0)
        };
        // Widths grow with the prefix (near enough: shaping can shrink a
        // joined letter), so a binary search finds the cut.
        let (mut lo, mut hi) = (1, chars.len().saturating_sub(1).max(1));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if width_of(&candidate(mid)) <= max_width {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let cut = candidate(lo);
        if self.elided.len() >= CACHE {
            self.elided.clear();
        }
        self.elided.insert(key, cut.clone());
        cut
    }

    /// The cached layout of `text` laid out as `fit` says.
    fn laid(
        &mut self,
        text: &str,
        fit: Fit,
        rtl: Option<bool>,
        width: f32,
        size: f32,
    ) -> &ArticleLayout {
        let key = (fit, rtl, text.to_string());
        if self.layouts.len() >= CACHE && !self.layouts.contains_key(&key) {
            self.layouts.clear();
        }
        let font_system = &mut self.font_system;
        let layout = self
            .layouts
            .entry(key)
            .or_insert_with(|| ArticleLayout::with_direction(font_system, text, rtl));
        layout.layout_fit(font_system, width, size, fit);
        layout
    }

    fn paint(
        &mut self,
        ui: &Ui,
        response: &Response,
        text: &str,
        fit: Fit,
        place: Place,
        style: BlockStyle,
    ) {
        let rect = place.rect;
        if !ui.is_rect_visible(rect) {
            return;
        }
        let Some(layout) = self.layouts.get(&(fit, style.rtl, text.to_string())) else {
            return;
        };
        let visuals = ui.style().interact_selectable(response, style.selected);
        // Glyphs may reach past a one-line row (tall marks): clip to the
        // panel, not the row.
        let painter = ui.painter();
        if style.selected || (style.clickable && response.hovered()) {
            painter.rect_filled(rect, 2.0, visuals.weak_bg_fill);
        }
        // Layout y → screen y: lines squeezed from the top, or the one line
        // centred in the row.
        let top_of = |y: f32| {
            if place.one_line {
                let first = layout.lines().first().map_or(0.0, |l| l.height);
                rect.center().y - first * SQUEEZE / 2.0 + y * SQUEEZE
            } else {
                rect.top() + y * SQUEEZE
            }
        };
        if let Some((s, e)) = style.highlight.filter(|(s, e)| s < e) {
            let mark = ui.visuals().selection.bg_fill;
            for li in layout.lines_of(s, e) {
                let line = &layout.lines()[li];
                for (x0, x1) in layout.pieces(li, s, e) {
                    let r = Rect::from_min_max(
                        pos2(place.dx + x0, top_of(line.top)),
                        pos2(place.dx + x1, top_of(line.top + line.height)),
                    );
                    painter.rect_filled(r, 2.0, mark);
                }
            }
        }
        let ppp = ui.ctx().pixels_per_point();
        let ox = place.dx * ppp;
        self.keys.clear();
        let mut placed = Vec::new();
        for line in layout.lines() {
            // The glyphs keep their place in the squeezed line's middle.
            let baseline = top_of(line.top) + (line.baseline - line.top) - line.height * 0.15;
            let oy = (baseline * ppp).round();
            for g in layout.glyphs(line) {
                let phys = g.physical((ox, oy), ppp);
                self.keys.push(phys.cache_key);
                placed.push(phys);
            }
        }
        self.atlas
            .prepare(ui.ctx(), &mut self.font_system, &mut self.swash, &self.keys);
        let color = style.color.unwrap_or(visuals.text_color());
        if let Some(mesh) = self.atlas.mesh(&placed, ppp, color) {
            painter.add(Shape::mesh(mesh));
        }
    }
}

/// The panels' text size: egui's body text, in points.
pub fn body_size(ui: &Ui) -> f32 {
    egui::TextStyle::Body.resolve(ui.style()).size
}

/// Width in points `text` takes as one egui label line: room to keep for a
/// label beside a [`TextBlocks::line_ui`] in the same row.
pub fn label_width(ui: &Ui, text: impl Into<egui::WidgetText>) -> f32 {
    text.into()
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        )
        .size()
        .x
}

fn sense(style: BlockStyle) -> Sense {
    if style.clickable {
        Sense::click()
    } else {
        Sense::hover()
    }
}

fn info(response: &Response, style: BlockStyle, label: &str) {
    let role = if style.clickable {
        egui::accesskit::Role::Button
    } else {
        egui::accesskit::Role::Label
    };
    response.widget_info(|| {
        let mut i = egui::WidgetInfo::labeled(role, true, label);
        if style.clickable {
            i.selected = Some(style.selected);
        }
        i
    });
}

/// Horizontal extent of the first line.
fn extent(layout: &ArticleLayout) -> Option<(f32, f32)> {
    layout.extent(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    const LONG: &str = "منظمة الأمم المتحدة للتربية والعلم والثقافة UNESCO";

    #[test]
    fn a_cut_keeps_the_longest_prefix_that_fits() {
        let mut b = TextBlocks::new();
        let cut = b.elide(LONG, true, 90.0, 14.0);
        let kept = cut.strip_suffix('…').expect("ends with …");
        assert!(LONG.starts_with(kept), "{cut}");
        let width = |b: &mut TextBlocks, s: &str| {
            let (x0, x1) = b
                .laid(s, Fit::OneLine, Some(true), 90.0, 14.0)
                .extent(0)
                .unwrap();
            x1 - x0
        };
        assert!(width(&mut b, &cut) <= 90.0);
        // One more char would not fit.
        let n = kept.chars().count();
        let more: String = LONG.chars().take(n + 1).collect::<String>() + "…";
        assert!(width(&mut b, &more) > 90.0, "{more}");
    }

    #[test]
    fn a_row_too_narrow_is_cut_and_whole_on_hover() {
        let mut h = Harness::new_ui_state(
            |ui, b: &mut TextBlocks| {
                b.line_ui(ui, LONG, LONG, 14.0, 120.0, BlockStyle::row(false).words());
                b.line_ui(
                    ui,
                    "23 أبريل",
                    "short",
                    14.0,
                    120.0,
                    BlockStyle::row(false).words(),
                );
            },
            TextBlocks::new(),
        );
        h.run();
        let long = h.get_by_label(LONG).rect();
        assert!(long.width() <= 120.5, "{long:?}");
        assert!(long.width() > 60.0, "{long:?}");
        let short = h.get_by_label("short").rect();
        assert!(short.width() < 120.0, "at its own width: {short:?}");
        // Hovering the cut row shows the whole text, laid out the same way.
        assert_eq!(h.query_all_by_label(LONG).count(), 1);
        h.hover_at(long.center());
        h.run();
        h.run();
        assert_eq!(h.query_all_by_label(LONG).count(), 2);
    }
}
