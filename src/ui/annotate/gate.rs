//! The question of the gate into "done" (`workflow::gate`): marking a
//! document done with proposals pending was refused, and the window asks
//! whether to reject the ones left (one undo step) or go back to them.
//! Answerable from the keyboard: Enter or R rejects, Esc or B goes back.

use egui::{Align2, Event, Key, RichText, Ui};

use crate::ui::model::{AppModel, Command};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size};
use crate::workflow;

/// What the annotator answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Reject,
    GoBack,
}

/// The gate's keys, taken out of this frame's input so the key table does
/// not also act on them (Enter would accept a proposal, Esc clear focus).
/// Every other key press is swallowed while the question is open.
fn take_answer(ui: &Ui) -> Option<Answer> {
    let mut answer = None;
    ui.ctx().input_mut(|i| {
        i.events.retain(|ev| {
            let Event::Key {
                key,
                pressed,
                modifiers,
                ..
            } = ev
            else {
                return true;
            };
            if *pressed && answer.is_none() && !modifiers.command && !modifiers.alt {
                answer = match key {
                    Key::Enter | Key::R => Some(Answer::Reject),
                    Key::Escape | Key::B => Some(Answer::GoBack),
                    _ => None,
                };
            }
            false
        });
    });
    answer
}

/// Draws the question while the gate asks; returns whether it is open (then
/// the key table does not run this frame).
pub fn done_gate_ui(
    ui: &mut Ui,
    model: &AppModel,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) -> bool {
    let Some(gate) = model.done_gate.clone() else {
        return false;
    };
    let mut answer = take_answer(ui);
    egui::Window::new("Proposals still pending")
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ui.ctx(), |ui| {
            // The id may be Arabic: laid out with bidi.
            let line = format!(
                "{} proposal(s) are still pending in {}.",
                gate.pending, gate.doc_id
            );
            blocks.wrapped_ui(
                ui,
                &line,
                &line,
                body_size(ui),
                BlockStyle::plain().interface(),
            );
            ui.label("A document is marked done only when every proposal in it is decided.");
            let reject = format!("Reject the {} and mark done (Enter, R)", gate.pending);
            if ui.button(reject).clicked() {
                answer = Some(Answer::Reject);
            }
            if ui.button("Go back to them (Esc, B)").clicked() {
                answer = Some(Answer::GoBack);
            }
            ui.label(
                RichText::new("Rejecting is one undo step (Ctrl+Z); rejections are remembered.")
                    .small()
                    .weak(),
            );
        });
    match answer {
        Some(Answer::Reject) => commands.push(Command::Work(gate.reject_command())),
        Some(Answer::GoBack) => commands.push(Command::Work(workflow::Command::FocusFirstPending)),
        None => {}
    }
    true
}
