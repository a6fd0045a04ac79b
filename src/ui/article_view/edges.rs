//! Dragging an edge of the focused entity to resize it: grab the outer side
//! of its first or last char, drag, release; the view reports the new
//! boundaries (snapped to words unless Alt is held) as
//! [`ViewEvent::Resized`]. In right-to-left lines the start edge is the
//! right side of the first char, so the same gesture works in both
//! directions.

use egui::{CursorIcon, Pos2, Response, Ui};

use super::{ArticleInput, ArticleView, EntityRef, ViewEvent};

/// How close to an edge (points) a press grabs it.
const GRAB: f32 = 6.0;

/// An edge being dragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EdgeDrag {
    /// The entity's boundaries when the drag began.
    pub from: (usize, usize),
    /// Whether the start edge moves (else the end edge).
    pub start_edge: bool,
    /// The boundaries the entity would get if released now.
    pub now: (usize, usize),
}

impl ArticleView {
    /// The edge of the focused entity under `pos`, if any.
    pub(super) fn edge_at(&self, pos: Pos2, input: &ArticleInput<'_>) -> Option<EdgeDrag> {
        let Some(EntityRef::Entity(i)) = input.focused else {
            return None;
        };
        let e = input.annotations.entities.get(i)?;
        if e.start >= e.end {
            return None;
        }
        let l = self.layout.as_ref()?;
        for (c, start_edge) in [(e.start, true), (e.end - 1, false)] {
            let r = self.char_rect(c)?;
            let rtl = l
                .lines_of(c, c + 1)
                .find(|&li| !l.pieces(li, c, c + 1).is_empty())
                .is_some_and(|li| l.lines()[li].rtl);
            // The start edge leads the text, the end edge trails it.
            let x = if start_edge == rtl {
                r.right()
            } else {
                r.left()
            };
            if (pos.x - x).abs() <= GRAB && pos.y >= r.top() - 2.0 && pos.y <= r.bottom() + 2.0 {
                return Some(EdgeDrag {
                    from: (e.start, e.end),
                    start_edge,
                    now: (e.start, e.end),
                });
            }
        }
        None
    }

    /// Starts, follows and ends an edge drag; returns whether the pointer
    /// is busy with an edge (so no selection drag starts).
    pub(super) fn edge_pointer(
        &mut self,
        ui: &Ui,
        response: &Response,
        input: &ArticleInput<'_>,
        events: &mut Vec<ViewEvent>,
    ) -> bool {
        if self.edge_drag.is_none()
            && let Some(hover) = response.hover_pos()
            && self.edge_at(hover, input).is_some()
        {
            ui.ctx().set_cursor_icon(CursorIcon::ResizeHorizontal);
        }
        if response.drag_started() {
            let origin = ui
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos());
            self.edge_drag = origin.and_then(|p| self.edge_at(p, input));
        }
        let Some(mut d) = self.edge_drag else {
            return false;
        };
        ui.ctx().set_cursor_icon(CursorIcon::ResizeHorizontal);
        let exact = ui.input(|i| i.modifiers.alt);
        if let Some(pos) = response.interact_pointer_pos()
            && let Some(hit) = self.hit(pos)
        {
            let (ws, we) = self.snap(hit, hit, exact, input.lexicon);
            let (s, e) = d.from;
            d.now = if d.start_edge {
                (ws.min(e - 1), e)
            } else {
                (s, we.max(s + 1))
            };
            self.edge_drag = Some(d);
        }
        if response.drag_stopped() {
            self.edge_drag = None;
            if d.now != d.from && d.now.0 < d.now.1 {
                events.push(ViewEvent::Resized {
                    start: d.now.0,
                    end: d.now.1,
                });
            }
        }
        true
    }
}
