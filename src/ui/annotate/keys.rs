//! Key presses to workflow chords, dispatched through the workflow's key
//! table (the same table the shortcut overlay shows).

use egui::{Context, Event};

use crate::workflow::{Action, Chord, Key, Keymap, Modifiers};

/// The workflow's name for an egui key, if the workbench binds it.
pub fn chord_of(key: egui::Key, m: egui::Modifiers) -> Option<Chord> {
    use egui::Key as E;
    let k = match key {
        E::Enter => Key::Enter,
        E::Tab => Key::Tab,
        E::Backspace => Key::Backspace,
        E::Delete => Key::Delete,
        E::Escape => Key::Escape,
        E::ArrowLeft => Key::Left,
        E::ArrowRight => Key::Right,
        E::ArrowUp => Key::Up,
        E::ArrowDown => Key::Down,
        E::PageUp => Key::PageUp,
        E::PageDown => Key::PageDown,
        E::F1 => Key::F1,
        E::F2 => Key::F2,
        E::F3 => Key::F3,
        E::F4 => Key::F4,
        other => {
            let name = other.symbol_or_name();
            let mut cs = name.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Key::Char(c.to_ascii_lowercase()),
                _ => return None,
            }
        }
    };
    let mods = Modifiers {
        ctrl: m.command || m.ctrl,
        shift: m.shift,
        alt: m.alt,
    };
    Some(Chord::new(mods, k))
}

/// Takes this frame's key presses that the table binds out of egui's input
/// (so Tab does not also move egui's widget focus, nor Enter press a
/// focused button) and returns their actions in order. While a text field
/// has the keyboard only the table's "anywhere" keys count.
pub fn take_actions(ctx: &Context, keymap: &Keymap) -> Vec<Action> {
    let typing = ctx.text_edit_focused();
    let mut actions = Vec::new();
    ctx.input_mut(|i| {
        i.events.retain(|ev| {
            let Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = ev
            else {
                return true;
            };
            let Some(action) = chord_of(*key, *modifiers).and_then(|c| keymap.action(c, typing))
            else {
                return true;
            };
            actions.push(action.clone());
            false
        });
    });
    if !actions.is_empty() && !typing {
        // Keep egui from moving its widget focus on the Tab we just used.
        ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
            m.move_focus(egui::FocusDirection::None);
        });
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;
    use crate::workflow::Command;

    #[test]
    fn egui_keys_reach_the_table() {
        let km = Keymap::new(&Schema::builtin());
        let none = egui::Modifiers::NONE;
        let run = |k, m| match chord_of(k, m).and_then(|c| km.action(c, false)) {
            Some(Action::Run(c)) => Some(c.clone()),
            _ => None,
        };
        assert_eq!(run(egui::Key::Tab, none), Some(Command::FocusNext));
        assert_eq!(
            run(egui::Key::Tab, egui::Modifiers::SHIFT),
            Some(Command::FocusPrevious)
        );
        assert_eq!(run(egui::Key::X, none), Some(Command::RejectFocused));
        assert_eq!(
            run(egui::Key::Num2, none),
            Some(Command::ApplyLabel("LOC".into()))
        );
        assert_eq!(
            run(egui::Key::Z, egui::Modifiers::COMMAND),
            Some(Command::Undo)
        );
        assert_eq!(
            run(
                egui::Key::Z,
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT
            ),
            Some(Command::Redo)
        );
        assert_eq!(
            run(egui::Key::PageDown, egui::Modifiers::COMMAND),
            Some(Command::NextDocument)
        );
        assert!(matches!(
            chord_of(egui::Key::Questionmark, egui::Modifiers::SHIFT)
                .and_then(|c| km.action(c, false)),
            Some(Action::Ui(_))
        ));
        // Typing in a field: a digit is text, not a label key.
        assert!(
            chord_of(egui::Key::Num1, none)
                .and_then(|c| km.action(c, true))
                .is_none()
        );
    }
}
