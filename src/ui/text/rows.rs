//! Lists whose rows differ in height (search results wrap to one, two or
//! three lines) drawn like `ScrollArea::show_rows`: only the rows in view
//! are laid out. Heights not measured yet count as an estimate; each row
//! drawn records its real height for the next frame.

use std::ops::Range;

use egui::{Rect, Ui, UiBuilder};

/// Measured heights of a list's rows (points), kept between frames.
#[derive(Debug, Clone, Default)]
pub struct RowHeights {
    heights: Vec<Option<f32>>,
    width: f32,
}

impl RowHeights {
    /// Forgets every measurement (the list changed).
    pub fn clear(&mut self) {
        self.heights.clear();
    }

    /// Rows `0..n` at panel `width` (points): measurements of another
    /// width or of a list of another length are forgotten.
    fn fit(&mut self, n: usize, width: f32) {
        if self.heights.len() != n || (self.width - width).abs() > 0.5 {
            self.heights = vec![None; n];
            self.width = width;
        }
    }

    /// The rows of `0..n` that overlap `from..to` (points from the list's
    /// top), each row `estimate` high until measured, with `gap` between
    /// rows; also the top of the first of them and the list's whole height.
    fn visible(&self, from: f32, to: f32, estimate: f32, gap: f32) -> (Range<usize>, f32, f32) {
        let h = |i: usize| self.heights[i].unwrap_or(estimate);
        let (mut y, mut first, mut top, mut last) = (0.0, None, 0.0, 0);
        for i in 0..self.heights.len() {
            let bottom = y + h(i);
            if first.is_none() && bottom >= from {
                first = Some(i);
                top = y;
            }
            if first.is_some() && y <= to {
                last = i + 1;
            }
            y = bottom + gap;
        }
        let total = (y - gap).max(0.0);
        let first = first.unwrap_or(self.heights.len());
        (first..last.max(first), top, total)
    }

    /// Top of row `i` (points from the list's top), rows not measured yet
    /// counted `estimate` high, `gap` between rows: where to scroll to
    /// bring row `i` into view.
    pub fn top_of(&self, i: usize, estimate: f32, gap: f32) -> f32 {
        (0..i)
            .map(|k| self.heights.get(k).copied().flatten().unwrap_or(estimate) + gap)
            .sum()
    }

    /// Draws the rows of `0..n` that are in view of `area`, `row_ui` drawing
    /// one; `estimate` is the height (points) assumed for a row not drawn yet.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        area: egui::ScrollArea,
        n: usize,
        estimate: f32,
        mut row_ui: impl FnMut(&mut Ui, usize),
    ) {
        area.show_viewport(ui, |ui, viewport| {
            let gap = ui.spacing().item_spacing.y;
            self.fit(n, ui.available_width());
            let (rows, top, total) = self.visible(viewport.min.y, viewport.max.y, estimate, gap);
            ui.set_height(total);
            let origin = ui.max_rect().top();
            let rect = Rect::from_x_y_ranges(
                ui.max_rect().x_range(),
                origin + top..=origin + total.max(top),
            );
            ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
                ui.skip_ahead_auto_ids(rows.start);
                for i in rows {
                    let r = ui.vertical(|ui| row_ui(ui, i)).response;
                    self.heights[i] = Some(r.rect.height());
                }
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_in_view_follow_measured_heights() {
        let mut r = RowHeights::default();
        r.fit(100, 200.0);
        // all estimated at 10 with gap 2: rows 5.. start at 60
        let (rows, top, total) = r.visible(61.0, 90.0, 10.0, 2.0);
        assert_eq!((rows.clone(), top), (5..8, 60.0));
        assert_eq!(total, 100.0 * 12.0 - 2.0);
        // row 0 measured at 40: everything moves down by 30
        r.heights[0] = Some(40.0);
        let (rows, top, _) = r.visible(61.0, 90.0, 10.0, 2.0);
        assert_eq!((rows, top), (2..6, 54.0));
        // past the end: nothing
        let (rows, _, _) = r.visible(5000.0, 6000.0, 10.0, 2.0);
        assert!(rows.is_empty());
        // another width forgets the measurements
        r.fit(100, 300.0);
        assert!(r.heights.iter().all(Option::is_none));
    }
}
