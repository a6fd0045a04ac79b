//! Pointing: press-drag-release selection, double-click, clicks on
//! entities, and Ctrl+C, all reported as [`ViewEvent`]s in char offsets.

use egui::{Event, Key, Response, Ui};

use super::boxes::BoxPiece;
use super::{ArticleInput, ArticleView, Drag, ViewEvent};
use crate::text::slice_chars;
use crate::ui::text::words::word_at;

impl ArticleView {
    pub(super) fn pointer(
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
                && let Some((ws, we)) = word_at(&self.chars, hit.0)
            {
                let (s, e) = if exact {
                    (ws, we)
                } else {
                    self.snap((ws, ws + 1), (we - 1, we), false, input.lexicon)
                };
                events.push(ViewEvent::Selected { start: s, end: e });
                self.own_selection = Some((s, e));
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
            let (start, end) = self.snap(drag.anchor, head, exact, input.lexicon);
            if input.selection != Some((start, end)) {
                events.push(ViewEvent::Selected { start, end });
            }
            self.own_selection = Some((start, end));
        }
        if response.drag_stopped() {
            self.drag = None;
        }
    }

    pub(super) fn copy(&self, ui: &Ui, input: &ArticleInput<'_>, events: &mut Vec<ViewEvent>) {
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
}
