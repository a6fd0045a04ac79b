//! Rasterised glyphs in one egui texture, with a hard memory bound.
//!
//! cosmic-text's `SwashCache::get_image` keeps every glyph forever (each zoom
//! step and sub-pixel position adds more); this atlas owns the rasterising and
//! packs glyphs on shelves in a fixed-size texture. When a frame needs a glyph
//! that does not fit, everything is evicted and only that frame's glyphs are
//! packed again, so memory never exceeds one texture.

use std::collections::HashMap;

use cosmic_text::{CacheKey, FontSystem, SwashCache, SwashContent};
use egui::{Color32, ColorImage, Mesh, Rect, TextureHandle, TextureOptions, pos2, vec2};

/// Where a rasterised glyph lies in the atlas and how to place it.
#[derive(Debug, Clone, Copy)]
pub struct AtlasGlyph {
    /// Normalised texture coordinates.
    pub uv: Rect,
    /// Offset of the image's top-left from the glyph origin, physical pixels.
    pub left: i32,
    pub top: i32,
    pub width: u32,
    pub height: u32,
    /// A colour image (emoji) rather than a coverage mask to be tinted.
    pub color: bool,
}

/// Shelf packing state.
#[derive(Debug, Default, Clone, Copy)]
struct Shelves {
    x: usize,
    y: usize,
    h: usize,
}

/// The glyph atlas; `size` × `size` RGBA texels at most.
pub struct GlyphAtlas {
    size: usize,
    texture: Option<TextureHandle>,
    /// `None`: a glyph with no pixels (a space).
    glyphs: HashMap<CacheKey, Option<AtlasGlyph>>,
    shelves: Shelves,
    evictions: u64,
    rasterised: u64,
}

impl GlyphAtlas {
    pub fn new(size: usize) -> GlyphAtlas {
        GlyphAtlas {
            size,
            texture: None,
            glyphs: HashMap::new(),
            shelves: Shelves::default(),
            evictions: 0,
            rasterised: 0,
        }
    }

    pub fn texture_id(&self) -> Option<egui::TextureId> {
        self.texture.as_ref().map(|t| t.id())
    }

    /// Side of the texture in texels.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Texture bytes plus an estimate of the index: the bound the atlas keeps.
    pub fn memory_bytes(&self) -> usize {
        self.size * self.size * 4
            + self.glyphs.capacity()
                * (std::mem::size_of::<CacheKey>() + std::mem::size_of::<Option<AtlasGlyph>>())
    }

    /// How often everything was evicted.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// How many glyph images were rasterised in all.
    pub fn rasterised(&self) -> u64 {
        self.rasterised
    }

    pub fn len(&self) -> usize {
        self.glyphs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.glyphs.is_empty()
    }

    pub fn get(&self, key: &CacheKey) -> Option<AtlasGlyph> {
        self.glyphs.get(key).copied().flatten()
    }

    /// One textured quad per glyph of `placed` (physical pixels, as
    /// cosmic-text places them) in points (`ppp` pixels per point), tinted
    /// `color` (colour glyphs such as emoji keep their own). Glyphs not in
    /// the atlas (see [`GlyphAtlas::prepare`]) are left out; `None` before
    /// the texture exists.
    pub fn mesh(
        &self,
        placed: &[cosmic_text::PhysicalGlyph],
        ppp: f32,
        color: Color32,
    ) -> Option<Mesh> {
        let mut mesh = Mesh::with_texture(self.texture_id()?);
        for phys in placed {
            let Some(a) = self.get(&phys.cache_key) else {
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
        Some(mesh)
    }

    /// Makes sure every glyph of `keys` is in the atlas; evicts everything
    /// once if they do not fit beside what is there. Glyphs that still do not
    /// fit (a frame needing more than the whole atlas) are left out.
    pub fn prepare(
        &mut self,
        ctx: &egui::Context,
        font_system: &mut FontSystem,
        swash: &mut SwashCache,
        keys: &[CacheKey],
    ) {
        if !self.add_all(ctx, font_system, swash, keys) {
            self.evictions += 1;
            self.glyphs.clear();
            self.shelves = Shelves::default();
            self.add_all(ctx, font_system, swash, keys);
        }
    }

    /// Adds the missing glyphs; false at the first one that does not fit.
    fn add_all(
        &mut self,
        ctx: &egui::Context,
        font_system: &mut FontSystem,
        swash: &mut SwashCache,
        keys: &[CacheKey],
    ) -> bool {
        let size = self.size;
        let texture = self.texture.get_or_insert_with(|| {
            ctx.load_texture(
                "kashif-glyph-atlas",
                ColorImage::filled([size, size], Color32::TRANSPARENT),
                TextureOptions::NEAREST,
            )
        });
        for &key in keys {
            if self.glyphs.contains_key(&key) {
                continue;
            }
            let image = swash.get_image_uncached(font_system, key);
            self.rasterised += 1;
            let Some(image) = image else {
                self.glyphs.insert(key, None);
                continue;
            };
            let (w, h) = (
                image.placement.width as usize,
                image.placement.height as usize,
            );
            if w == 0 || h == 0 {
                self.glyphs.insert(key, None);
                continue;
            }
            let Some(pos) = place(&mut self.shelves, size, w + 2, h + 2) else {
                return false;
            };
            let mut pixels = vec![Color32::TRANSPARENT; (w + 2) * (h + 2)];
            let color = image.content == SwashContent::Color;
            for y in 0..h {
                for x in 0..w {
                    let i = y * w + x;
                    let c = match image.content {
                        SwashContent::Mask => {
                            let a = image.data.get(i).copied().unwrap_or(0);
                            Color32::from_rgba_premultiplied(a, a, a, a)
                        }
                        SwashContent::Color => {
                            let p = image.data.get(i * 4..i * 4 + 4).unwrap_or(&[0; 4]);
                            Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3])
                        }
                        SwashContent::SubpixelMask => {
                            let p = image.data.get(i * 4..i * 4 + 4).unwrap_or(&[0; 4]);
                            let a = ((p[0] as u16 + p[1] as u16 + p[2] as u16) / 3) as u8;
                            Color32::from_rgba_premultiplied(a, a, a, a)
                        }
                    };
                    pixels[(y + 1) * (w + 2) + x + 1] = c;
                }
            }
            texture.set_partial(
                [pos.0, pos.1],
                ColorImage::new([w + 2, h + 2], pixels),
                TextureOptions::NEAREST,
            );
            let s = size as f32;
            let uv = Rect::from_min_max(
                pos2((pos.0 + 1) as f32 / s, (pos.1 + 1) as f32 / s),
                pos2((pos.0 + 1 + w) as f32 / s, (pos.1 + 1 + h) as f32 / s),
            );
            self.glyphs.insert(
                key,
                Some(AtlasGlyph {
                    uv,
                    left: image.placement.left,
                    top: image.placement.top,
                    width: w as u32,
                    height: h as u32,
                    color,
                }),
            );
        }
        true
    }
}

/// Places a `w` × `h` box on the shelves of a `size` square.
fn place(shelves: &mut Shelves, size: usize, w: usize, h: usize) -> Option<(usize, usize)> {
    if w > size || h > size {
        return None;
    }
    if shelves.x + w > size {
        shelves.y += shelves.h;
        shelves.x = 0;
        shelves.h = 0;
    }
    if shelves.y + h > size {
        return None;
    }
    let p = (shelves.x, shelves.y);
    shelves.x += w;
    shelves.h = shelves.h.max(h);
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shelves_pack_without_overlap_and_refuse_when_full() {
        let mut s = Shelves::default();
        let mut boxes = Vec::new();
        while let Some(p) = place(&mut s, 64, 10, 12) {
            boxes.push(p);
        }
        assert_eq!(boxes.len(), 6 * 5);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart =
                    a.0 + 10 <= b.0 || b.0 + 10 <= a.0 || a.1 + 12 <= b.1 || b.1 + 12 <= a.1;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
        assert!(place(&mut Shelves::default(), 64, 65, 1).is_none());
    }
}
