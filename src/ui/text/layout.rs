//! The article laid out with cosmic-text: paragraphs shaped once, wrapped
//! to a width, flattened into visual lines with every glyph mapped back to
//! document char offsets.
//!
//! cosmic-text speaks byte offsets within one paragraph (`BufferLine`), with
//! an RLM prefixed where Kashif forces right-to-left; everything leaving this
//! module is a document char offset. Knows nothing of egui.

use cosmic_text::{
    Attrs, AttrsList, BufferLine, Ellipsize, Family, FontSystem, Hinting, LayoutGlyph, LineEnding,
    Shaping, Wrap,
};

use super::direction::{RLM, document_is_rtl, paragraph_direction};
use super::fonts::ARABIC_FAMILY;

/// Width for [`Fit::OneLine`]: wide enough that a panel string never wraps.
const ONE_LINE_WIDTH: f32 = 10_000.0;

/// U+200E LEFT-TO-RIGHT MARK (3 bytes in UTF-8, like the RLM).
const LRM: char = '\u{200E}';

/// Line height as a multiple of the font size: Arabic needs room for marks
/// above and below, and the entity label tags sit in the gap.
pub const LINE_HEIGHT: f32 = 2.0;
/// An empty paragraph (the blank line between paragraphs) is this much of a line.
pub const EMPTY_LINE: f32 = 0.6;

struct Paragraph {
    /// Document char offset of the paragraph's first char.
    char_start: usize,
    /// Bytes prefixed for cosmic-text (an RLM) before the document text.
    prefix: usize,
    /// Byte offset (in the cosmic-text line) of each char of the paragraph.
    char_bytes: Vec<u32>,
    rtl: bool,
    line: BufferLine,
}

impl Paragraph {
    /// Whether the laid-out lines give every char but whitespace a glyph.
    fn every_char_drawn(&self) -> bool {
        let Some(lines) = self.line.layout_opt() else {
            return true;
        };
        let mut ranges: Vec<(usize, usize)> = lines
            .iter()
            .flat_map(|l| l.glyphs.iter().map(|g| (g.start, g.end)))
            .collect();
        ranges.sort_unstable();
        let text = self.line.text();
        let mut r = 0;
        let mut reach = 0;
        for (b, c) in text.char_indices().filter(|&(b, _)| b >= self.prefix) {
            while r < ranges.len() && ranges[r].0 <= b {
                reach = reach.max(ranges[r].1);
                r += 1;
            }
            if b >= reach && !c.is_whitespace() {
                return false;
            }
        }
        true
    }

    /// Document char offset of a cosmic-text byte offset.
    fn char_of(&self, byte: usize) -> usize {
        if byte <= self.prefix {
            return self.char_start;
        }
        self.char_start + self.char_bytes.partition_point(|&b| (b as usize) < byte)
    }
}

/// One line on screen: a wrapped piece of a paragraph.
#[derive(Debug, Clone)]
pub struct VisualLine {
    pub para: usize,
    /// Index of the cosmic-text layout line within the paragraph.
    pub sub: usize,
    /// Top of the line, in points from the top of the article.
    pub top: f32,
    pub height: f32,
    pub baseline: f32,
    /// Document chars covered by the line's glyphs (`start == end` when empty).
    pub chars: (usize, usize),
    pub rtl: bool,
    /// Document char range of each glyph, in the order of the line's glyphs.
    pub glyph_chars: Vec<(usize, usize)>,
}

/// How [`ArticleLayout::layout_fit`] fits each paragraph to the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Fit {
    /// Wrapped at word boundaries (a word wider than the width at glyphs);
    /// right-to-left lines right-aligned. The article and wrapped panel text.
    #[default]
    Wrap,
    /// One line per paragraph at its natural width (the width is ignored;
    /// lines sit somewhere in a very wide box: use [`ArticleLayout::extent`]).
    /// Panel rows; a row too narrow is cut by the caller
    /// (`TextBlocks::line_ui`), not by cosmic-text's ellipsis, which in 0.19
    /// drops the digits opening a right-to-left line (`23` of
    /// `23 أبريل 2023`), as its `Wrap::None` does.
    OneLine,
}

/// A whole article, shaped and laid out.
pub struct ArticleLayout {
    paragraphs: Vec<Paragraph>,
    lines: Vec<VisualLine>,
    char_len: usize,
    width: f32,
    font_size: f32,
    fit: Fit,
    height: f32,
}

/// cosmic-text ends a bidi paragraph at any paragraph separator and then
/// insists the pieces share a direction; Kashif splits on `\n` only, so the
/// other separators become same-length spaces (offsets stay valid).
fn neutralise_separators(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\r' | '\u{1C}'..='\u{1E}' => ' ',
            '\u{85}' => '\u{A0}',
            '\u{2029}' => '\u{2028}',
            c => c,
        })
        .collect()
}

/// Texts shorter than this (bytes) are shaped on one thread.
const PARALLEL_BYTES: usize = 20_000;

/// Shapes every paragraph, the second half on another thread when it pays.
fn shape_all(
    font_system: &mut FontSystem,
    paragraphs: &mut [Paragraph],
    bytes: usize,
    parallel_bytes: usize,
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if bytes < parallel_bytes || threads < 2 || !holds_only_shipped_faces(font_system) {
        for p in paragraphs.iter_mut() {
            p.line.shape(font_system, 8);
        }
        return;
    }
    // Split where half the bytes are done.
    let mut acc = 0;
    let mid = paragraphs
        .iter()
        .position(|p| {
            acc += p.line.text().len() + 1;
            acc * 2 >= bytes
        })
        .map_or(paragraphs.len(), |i| i + 1);
    let (first, second) = paragraphs.split_at_mut(mid);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut fs = font_system_shipped();
            for p in second.iter_mut() {
                p.line.shape(&mut fs, 8);
            }
        });
        for p in first.iter_mut() {
            p.line.shape(font_system, 8);
        }
    });
}

/// Whether `font_system` has the shipped faces under the ids a fresh one
/// gives them: glyphs shaped by either can then be drawn by either.
fn holds_only_shipped_faces(font_system: &FontSystem) -> bool {
    let faces = |fs: &FontSystem| -> Vec<(cosmic_text::fontdb::ID, String)> {
        fs.db()
            .faces()
            .map(|f| (f.id, f.post_script_name.clone()))
            .collect()
    };
    faces(font_system) == faces(&font_system_shipped())
}

fn font_system_shipped() -> FontSystem {
    super::fonts::font_system()
}

impl ArticleLayout {
    /// Shapes `text` (every paragraph); call [`ArticleLayout::layout`] next.
    ///
    /// A long text is shaped on two threads when `font_system` holds exactly
    /// the shipped faces (so a second font system built the same way gives
    /// the same font ids).
    pub fn new(font_system: &mut FontSystem, text: &str) -> ArticleLayout {
        ArticleLayout::new_with(font_system, text, PARALLEL_BYTES, None)
    }

    /// [`ArticleLayout::new`] with the text's direction given instead of
    /// counted: `Some(true)` lays out every paragraph holding an Arabic
    /// letter right to left, even one opening with a Latin word (an entity
    /// name from an Arabic document: `Der Spiegel الألمانية`); `Some(false)`
    /// lays out every paragraph left to right (a line of the interface with
    /// an Arabic name inside). A paragraph without Arabic letters reads left
    /// to right either way.
    pub fn with_direction(
        font_system: &mut FontSystem,
        text: &str,
        rtl: Option<bool>,
    ) -> ArticleLayout {
        ArticleLayout::new_with(font_system, text, PARALLEL_BYTES, rtl)
    }

    /// [`ArticleLayout::new`], shaping on two threads from `parallel_bytes`
    /// on; `force` as in [`ArticleLayout::with_direction`].
    fn new_with(
        font_system: &mut FontSystem,
        text: &str,
        parallel_bytes: usize,
        force: Option<bool>,
    ) -> ArticleLayout {
        let doc_rtl = force.unwrap_or_else(|| document_is_rtl(text));
        let attrs = Attrs::new().family(Family::Name(ARABIC_FAMILY));
        let mut paragraphs = Vec::new();
        let mut char_start = 0;
        for para in text.split('\n') {
            let mut dir = paragraph_direction(para, doc_rtl);
            let mut s = String::with_capacity(para.len() + 3);
            if force == Some(false) {
                // Left to right whatever the first letter: an LRM decides.
                if dir.rtl {
                    s.push(LRM);
                }
                dir.rtl = false;
            } else if dir.needs_rlm {
                s.push(RLM);
            }
            let prefix = s.len();
            s.push_str(&neutralise_separators(para));
            let char_bytes: Vec<u32> = s[prefix..]
                .char_indices()
                .map(|(b, _)| (b + prefix) as u32)
                .collect();
            let line = BufferLine::new(
                s,
                LineEnding::None,
                AttrsList::new(&attrs),
                Shaping::Advanced,
            );
            let n = char_bytes.len();
            paragraphs.push(Paragraph {
                char_start,
                prefix,
                char_bytes,
                rtl: dir.rtl,
                line,
            });
            char_start += n + 1;
        }
        shape_all(font_system, &mut paragraphs, text.len(), parallel_bytes);
        ArticleLayout {
            paragraphs,
            lines: Vec::new(),
            char_len: char_start.saturating_sub(1),
            width: -1.0,
            font_size: -1.0,
            fit: Fit::Wrap,
            height: 0.0,
        }
    }

    /// Wraps to `width` points at `font_size` points; does nothing when
    /// neither changed.
    pub fn layout(&mut self, font_system: &mut FontSystem, width: f32, font_size: f32) {
        self.layout_fit(font_system, width, font_size, Fit::Wrap);
    }

    /// Lays out to `width` points at `font_size` points as `fit` says; does
    /// nothing when none of the three changed.
    pub fn layout_fit(
        &mut self,
        font_system: &mut FontSystem,
        width: f32,
        font_size: f32,
        fit: Fit,
    ) {
        let width = width.max(font_size * 4.0);
        if width == self.width && font_size == self.font_size && fit == self.fit {
            return;
        }
        self.width = width;
        self.font_size = font_size;
        self.fit = fit;
        let (width_opt, wrap, ellipsize) = match fit {
            Fit::Wrap => (Some(width), Wrap::WordOrGlyph, Ellipsize::None),
            Fit::OneLine => (Some(ONE_LINE_WIDTH), Wrap::WordOrGlyph, Ellipsize::None),
        };
        let line_height = (font_size * LINE_HEIGHT).round();
        self.lines.clear();
        let mut top = 0.0;
        for (pi, p) in self.paragraphs.iter_mut().enumerate() {
            p.line.reset_layout();
            p.line.layout(
                font_system,
                font_size,
                width_opt,
                wrap,
                ellipsize,
                None,
                8,
                Hinting::Disabled,
            );
            if wrap == Wrap::WordOrGlyph && !p.every_char_drawn() {
                // cosmic-text 0.19 can drop a whole wrapped line when one
                // word wider than the view mixes directions
                // (`Siyasət)((2020CNN(((2020قال…` at 120 pt lost 12 chars;
                // found by `hit_inverts_pieces`): such a paragraph is
                // broken between glyphs instead, which keeps every char.
                p.line.reset_layout();
                p.line.layout(
                    font_system,
                    font_size,
                    width_opt,
                    Wrap::Glyph,
                    ellipsize,
                    None,
                    8,
                    Hinting::Disabled,
                );
            }
            let laid = p.line.layout_opt().map_or(&[][..], |l| &l[..]);
            let empty = p.char_bytes.is_empty();
            for (sub, ll) in laid.iter().enumerate() {
                let height = if empty {
                    (line_height * EMPTY_LINE).round()
                } else {
                    line_height
                };
                let glyph_h = ll.max_ascent + ll.max_descent;
                let baseline = (top + (height - glyph_h) / 2.0 + ll.max_ascent).round();
                self.lines.push(VisualLine {
                    para: pi,
                    sub,
                    top,
                    height,
                    baseline,
                    chars: (0, 0),
                    rtl: p.rtl,
                    glyph_chars: Vec::with_capacity(ll.glyphs.len()),
                });
                top += height;
            }
        }
        // Second pass for the char maps (the layout borrow above is shared).
        for line in &mut self.lines {
            let p = &self.paragraphs[line.para];
            let glyphs = p
                .line
                .layout_opt()
                .and_then(|l| l.get(line.sub))
                .map_or(&[][..], |l| &l.glyphs[..]);
            let (mut lo, mut hi) = (usize::MAX, 0);
            for g in glyphs {
                let r = (p.char_of(g.start), p.char_of(g.end));
                if r.0 < r.1 {
                    lo = lo.min(r.0);
                    hi = hi.max(r.1);
                }
                line.glyph_chars.push(r);
            }
            line.chars = if lo <= hi && lo != usize::MAX {
                (lo, hi)
            } else {
                (p.char_start, p.char_start)
            };
        }
        self.height = top;
    }

    pub fn lines(&self) -> &[VisualLine] {
        &self.lines
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    pub fn width(&self) -> f32 {
        self.width
    }

    pub fn font_size(&self) -> f32 {
        self.font_size
    }

    /// Length of the laid-out text in chars.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    pub fn paragraph_count(&self) -> usize {
        self.paragraphs.len()
    }

    /// Whether paragraph `i` reads right to left.
    pub fn paragraph_rtl(&self, i: usize) -> Option<bool> {
        self.paragraphs.get(i).map(|p| p.rtl)
    }

    /// The glyphs of a visual line, from the paragraph's start side (right
    /// to left in an RTL paragraph).
    pub fn glyphs(&self, line: &VisualLine) -> &[LayoutGlyph] {
        self.paragraphs[line.para]
            .line
            .layout_opt()
            .and_then(|l| l.get(line.sub))
            .map_or(&[][..], |l| &l.glyphs[..])
    }

    /// Horizontal extent `(x0, x1)` of line `li`'s glyphs in points; `None`
    /// for an empty line.
    pub fn extent(&self, li: usize) -> Option<(f32, f32)> {
        let line = self.lines.get(li)?;
        let glyphs = self.glyphs(line);
        let x0 = glyphs.iter().map(|g| g.x).fold(f32::INFINITY, f32::min);
        let x1 = glyphs
            .iter()
            .map(|g| g.x + g.w)
            .fold(f32::NEG_INFINITY, f32::max);
        (x0 < x1).then_some((x0, x1))
    }

    /// Indices of the lines that intersect `y0..y1` (points from the top).
    pub fn lines_between(&self, y0: f32, y1: f32) -> std::ops::Range<usize> {
        let a = self.lines.partition_point(|l| l.top + l.height <= y0);
        let b = self.lines.partition_point(|l| l.top < y1);
        a..b.max(a)
    }

    /// The line at height `y`, clamped to the first and last line.
    pub fn line_at(&self, y: f32) -> Option<usize> {
        if self.lines.is_empty() {
            return None;
        }
        let i = self.lines.partition_point(|l| l.top + l.height <= y);
        Some(i.min(self.lines.len() - 1))
    }

    /// The char under the point (`start..start+1`), or an empty range where
    /// the nearest line has no glyphs. Points beside a line snap to its
    /// nearest glyph.
    pub fn hit(&self, x: f32, y: f32) -> Option<(usize, usize)> {
        let li = self.line_at(y)?;
        let line = &self.lines[li];
        let glyphs = self.glyphs(line);
        let mut best: Option<(f32, usize)> = None;
        for (gi, g) in glyphs.iter().enumerate() {
            let (s, e) = line.glyph_chars[gi];
            if s >= e {
                continue;
            }
            let d = if x < g.x {
                g.x - x
            } else if x >= g.x + g.w {
                x - (g.x + g.w) + f32::EPSILON
            } else {
                0.0
            };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, gi));
            }
            if d == 0.0 {
                break;
            }
        }
        let Some((_, gi)) = best else {
            return Some((line.chars.0, line.chars.0));
        };
        let g = &glyphs[gi];
        let (s, e) = line.glyph_chars[gi];
        let n = e - s;
        let frac = if g.w > 0.0 {
            ((x - g.x) / g.w).clamp(0.0, 0.9999)
        } else {
            0.0
        };
        let mut k = ((frac * n as f32) as usize).min(n - 1);
        if g.level.is_rtl() {
            k = n - 1 - k;
        }
        Some((s + k, s + k + 1))
    }

    /// Horizontal pieces `(x0, x1)` of line `li` covering chars `start..end`;
    /// several on a line where bidi reordering splits the range.
    pub fn pieces(&self, li: usize, start: usize, end: usize) -> Vec<(f32, f32)> {
        let mut out: Vec<(f32, f32)> = Vec::new();
        let Some(line) = self.lines.get(li) else {
            return out;
        };
        if start >= end || line.chars.1 <= start || line.chars.0 >= end {
            return out;
        }
        let glyphs = self.glyphs(line);
        for (gi, g) in glyphs.iter().enumerate() {
            let (s, e) = line.glyph_chars[gi];
            let (a, b) = (s.max(start), e.min(end));
            if a >= b {
                continue;
            }
            let n = (e - s) as f32;
            let (mut f0, mut f1) = ((a - s) as f32 / n, (b - s) as f32 / n);
            if g.level.is_rtl() {
                (f0, f1) = (1.0 - f1, 1.0 - f0);
            }
            out.push((g.x + g.w * f0, g.x + g.w * f1));
        }
        // cosmic-text stores glyphs from the paragraph's start side, so RTL
        // lines run right to left: sort, then merge touching pieces.
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f32, f32)> = Vec::with_capacity(out.len());
        for (x0, x1) in out {
            match merged.last_mut() {
                Some(last) if x0 <= last.1 + 0.5 => last.1 = last.1.max(x1),
                _ => merged.push((x0, x1)),
            }
        }
        merged
    }

    /// Indices of the lines holding any of `start..end`.
    pub fn lines_of(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let a = self
            .lines
            .partition_point(|l| l.chars.1 <= start && l.chars.0 < start);
        let b = self.lines.partition_point(|l| l.chars.0 < end);
        a..b.max(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::text::fonts::font_system;

    fn laid(text: &str, width: f32) -> ArticleLayout {
        let mut fs = font_system();
        let mut l = ArticleLayout::new(&mut fs, text);
        l.layout(&mut fs, width, 20.0);
        l
    }

    /// Char ranges of the glyphs of a line from right to left on screen.
    fn chars_right_to_left(l: &ArticleLayout, li: usize) -> Vec<(usize, usize)> {
        let line = &l.lines()[li];
        let mut v: Vec<_> = l
            .glyphs(line)
            .iter()
            .zip(&line.glyph_chars)
            .filter(|(_, r)| r.0 < r.1)
            .map(|(g, r)| (-g.x, *r))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v.into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn rtl_paragraph_is_right_aligned_and_reads_right_to_left() {
        let l = laid("قال الوزير", 600.0);
        assert_eq!(l.lines().len(), 1);
        let line = &l.lines()[0];
        assert!(line.rtl);
        let glyphs = l.glyphs(line);
        let right = glyphs.iter().map(|g| g.x + g.w).fold(0.0, f32::max);
        assert!(right > 590.0, "right edge {right}");
        // the first logical char is rightmost
        let order = chars_right_to_left(&l, 0);
        assert_eq!(order.first().map(|r| r.0), Some(0));
        assert!(order.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    /// Chars of `l`'s first line that some glyph covers.
    fn covered(l: &ArticleLayout) -> Vec<usize> {
        let mut c: Vec<usize> = l.lines()[0]
            .glyph_chars
            .iter()
            .flat_map(|&(s, e)| s..e)
            .collect();
        c.sort();
        c.dedup();
        c
    }

    #[test]
    fn one_line_keeps_the_digits_opening_a_right_to_left_line() {
        // cosmic-text 0.19 with `Wrap::None` (or its ellipsis) drops `23`.
        let mut fs = font_system();
        let text = "23 أبريل 2023";
        let mut l = ArticleLayout::with_direction(&mut fs, text, Some(true));
        l.layout_fit(&mut fs, 40.0, 14.0, Fit::OneLine);
        assert_eq!(l.lines().len(), 1);
        assert!(l.paragraph_rtl(0).unwrap());
        assert_eq!(covered(&l), (0..text.chars().count()).collect::<Vec<_>>());
        let (x0, x1) = l.extent(0).unwrap();
        assert!(x1 - x0 > 40.0, "natural width, not wrapped: {x0}..{x1}");
    }

    #[test]
    fn a_given_direction_overrides_the_letter_count() {
        let mut fs = font_system();
        // More Latin letters than Arabic: counted, left to right.
        let name = "Der Spiegel الألمانية";
        let l = ArticleLayout::new(&mut fs, name);
        assert!(!l.paragraph_rtl(0).unwrap());
        // An entity name from an Arabic document: right to left.
        let mut l = ArticleLayout::with_direction(&mut fs, name, Some(true));
        l.layout(&mut fs, 600.0, 14.0);
        assert!(l.paragraph_rtl(0).unwrap());
        assert_eq!(l.lines()[0].chars, (0, name.chars().count()));
        // A line of the interface quoting an Arabic id: left to right, the
        // LRM's bytes not counted in the offsets.
        let ui_line = "تقرير 12 · zoom 100%";
        let mut l = ArticleLayout::with_direction(&mut fs, ui_line, Some(false));
        l.layout(&mut fs, 600.0, 14.0);
        assert!(!l.paragraph_rtl(0).unwrap());
        assert_eq!(covered(&l)[0], 0);
        assert_eq!(l.lines()[0].chars.1, ui_line.chars().count());
        // "zoom" is right of the Arabic word, as a left-to-right line reads.
        let x_of = |c: usize| {
            let line = &l.lines()[0];
            let gi = line
                .glyph_chars
                .iter()
                .position(|r| r.0 <= c && c < r.1)
                .unwrap();
            l.glyphs(line)[gi].x
        };
        assert!(
            x_of(
                ui_line
                    .find("zoom")
                    .map(|b| ui_line[..b].chars().count())
                    .unwrap()
            ) > x_of(0)
        );
    }

    #[test]
    fn latin_first_paragraph_reads_rtl_with_offsets_unshifted() {
        let text = "CNN قالت";
        let l = laid(text, 600.0);
        assert!(l.paragraph_rtl(0).unwrap());
        let line = &l.lines()[0];
        assert_eq!(line.chars, (0, 8));
        // CNN sits at the right end of the line (it comes first)
        let glyphs = l.glyphs(line);
        let (gi, _) = line
            .glyph_chars
            .iter()
            .enumerate()
            .find(|(_, r)| r.0 == 0)
            .unwrap();
        let rightmost = glyphs.iter().map(|g| g.x).fold(0.0, f32::max);
        assert!(glyphs[gi].x + glyphs[gi].w > rightmost - 40.0);
    }

    #[test]
    fn hit_maps_back_to_the_char_under_the_point() {
        let text = "أرمينيا (Siyasət) دولة";
        let l = laid(text, 800.0);
        let line = &l.lines()[0];
        for (gi, g) in l.glyphs(line).iter().enumerate() {
            let r = line.glyph_chars[gi];
            if r.0 >= r.1 || g.w < 1.0 {
                continue;
            }
            let y = line.top + line.height / 2.0;
            let (s, e) = l.hit(g.x + g.w / 2.0, y).unwrap();
            assert!(s >= r.0 && e <= r.1, "glyph {r:?} hit {s}..{e}");
        }
    }

    #[test]
    fn pieces_cover_the_range_and_split_across_wraps() {
        let text = "في مركز مؤتمرات بالقرب من العاصمة الفيدرالية في مركز مؤتمرات بالقرب من العاصمة";
        let l = laid(text, 200.0);
        assert!(l.lines().len() > 2);
        let n = l.char_len();
        let mut lines_with_pieces = 0;
        for li in l.lines_of(0, n) {
            if !l.pieces(li, 0, n).is_empty() {
                lines_with_pieces += 1;
            }
        }
        assert_eq!(lines_with_pieces, l.lines().len());
        // a range on line 1 only gives no piece on line 0
        let (s1, _) = l.lines()[1].chars;
        assert!(l.pieces(0, s1 + 1, s1 + 3).is_empty());
        assert_eq!(l.pieces(1, s1 + 1, s1 + 3).len(), 1);
    }

    #[test]
    fn bidi_split_range_gives_two_pieces() {
        let text = "أرمينيا (Siyasət) دولة";
        let l = laid(text, 800.0);
        // the Arabic word, the space, "(" and "Siy": the Latin run sits left,
        // apart from its remaining letters
        assert_eq!(l.pieces(0, 0, 12).len(), 2);
        assert_eq!(l.pieces(0, 0, 7).len(), 1);
        assert_eq!(l.pieces(0, 9, 16).len(), 1);
    }

    #[test]
    fn empty_paragraphs_and_whitespace_lay_out() {
        let l = laid("\n\n  \n", 300.0);
        assert_eq!(l.paragraph_count(), 4);
        assert!(l.height() > 0.0);
        let _ = l.hit(10.0, 5.0);
        let l = laid("", 300.0);
        assert_eq!(l.char_len(), 0);
        assert_eq!(l.hit(0.0, 0.0), Some((0, 0)));
    }

    #[test]
    fn shaping_on_two_threads_gives_the_same_glyphs() {
        let seed = "(واشنطن) اقتربت أرمينيا وأذربيجان يوم 23 أبريل من اتفاق (Siyasət) سلام.\n\n";
        let text = seed.repeat(40);
        let mut fs = font_system();
        let mut one = ArticleLayout::new_with(&mut fs, &text, usize::MAX, None);
        one.layout(&mut fs, 500.0, 20.0);
        let mut two = ArticleLayout::new_with(&mut fs, &text, 0, None);
        two.layout(&mut fs, 500.0, 20.0);
        assert_eq!(one.lines().len(), two.lines().len());
        for (a, b) in one.lines().iter().zip(two.lines()) {
            assert_eq!(a.glyph_chars, b.glyph_chars);
            let ga: Vec<_> = one
                .glyphs(a)
                .iter()
                .map(|g| (g.font_id, g.glyph_id, g.x))
                .collect();
            let gb: Vec<_> = two
                .glyphs(b)
                .iter()
                .map(|g| (g.font_id, g.glyph_id, g.x))
                .collect();
            assert_eq!(ga, gb);
        }
    }

    #[test]
    fn offsets_continue_across_paragraphs() {
        let text = "سطر أول\nسطر ثان";
        let l = laid(text, 600.0);
        assert_eq!(l.lines()[0].chars, (0, 7));
        assert_eq!(l.lines()[1].chars, (8, 15));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::ui::text::fonts::font_system;
    use proptest::prelude::*;

    fn token() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "قال",
            "الوزير",
            "وأذربيجان",
            "لا",
            "في",
            "2020",
            "٩",
            "Siyasət",
            "CNN",
            "(",
            ")",
            "«",
            "»",
            "،",
            ".",
            "/",
            " ",
            " ",
            " ",
            "\n",
        ])
    }

    /// The case `hit_inverts_pieces` found: one word wider than the view
    /// mixing directions lost a whole wrapped line (12 chars) in
    /// cosmic-text's word-or-glyph wrapping.
    #[test]
    fn a_long_mixed_word_keeps_every_char_when_it_wraps() {
        let text = "Siyasət)((2020CNN(((2020قالقالالوزير";
        let mut fs = font_system();
        let mut l = ArticleLayout::new(&mut fs, text);
        l.layout(&mut fs, 120.0, 20.0);
        let mut covered = vec![false; text.chars().count()];
        for line in l.lines() {
            for &(s, e) in &line.glyph_chars {
                covered[s..e].iter_mut().for_each(|c| *c = true);
            }
        }
        let lost: String = text
            .chars()
            .zip(&covered)
            .filter(|(_, c)| !**c)
            .map(|(ch, _)| ch)
            .collect();
        assert_eq!(lost, "", "chars without a glyph");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Every char drawn with some width maps back to itself from the
        /// middle of its piece, and every char but whitespace has a glyph
        /// (cosmic-text drops the space where a line wraps).
        #[test]
        fn hit_inverts_pieces(tokens in prop::collection::vec(token(), 0..40), width in 120.0f32..700.0) {
            let text: String = tokens.concat();
            let mut fs = font_system();
            let mut l = ArticleLayout::new(&mut fs, &text);
            l.layout(&mut fs, width, 20.0);
            let chars: Vec<char> = text.chars().collect();
            let mut covered = vec![false; chars.len()];
            for line in l.lines() {
                for &(s, e) in &line.glyph_chars {
                    for c in covered.iter_mut().take(e).skip(s) {
                        *c = true;
                    }
                }
            }
            for (i, ch) in chars.iter().enumerate() {
                prop_assert!(covered[i] || ch.is_whitespace(), "char {} {:?} has no glyph in {:?}", i, ch, text);
                if *ch == '\n' {
                    continue;
                }
                for li in l.lines_of(i, i + 1) {
                    for (x0, x1) in l.pieces(li, i, i + 1) {
                        if x1 - x0 < 1.0 {
                            continue;
                        }
                        let line = &l.lines()[li];
                        let hit = l.hit((x0 + x1) / 2.0, line.top + line.height / 2.0);
                        prop_assert_eq!(hit, Some((i, i + 1)), "in {:?}", text);
                    }
                }
            }
        }
    }
}
