//! Painting the text: the selection behind it, then the glyphs as textured
//! quads from the glyph atlas, in physical pixels.

use egui::{Color32, Rect, Shape, Ui, pos2};

use super::ArticleView;

impl ArticleView {
    pub(super) fn paint_selection(
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

    pub(super) fn paint_glyphs(
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
        // Where ink lies this frame (screen points): label tags keep off it.
        self.ink.clear();
        for phys in &placed {
            if let Some(a) = self.atlas.get(&phys.cache_key)
                && a.width > 0
                && a.height > 0
            {
                let min = pos2(
                    (phys.x + a.left) as f32 / ppp,
                    (phys.y - a.top) as f32 / ppp,
                );
                self.ink.push(Rect::from_min_size(
                    min,
                    egui::vec2(a.width as f32 / ppp, a.height as f32 / ppp),
                ));
            }
        }
        let Some(mesh) = self.atlas.mesh(&placed, ppp, color) else {
            return;
        };
        painter.add(Shape::mesh(mesh));
    }
}
