//! The keyboard map as data: one table used both to dispatch key presses and
//! to draw the shortcut overlay, so the overlay cannot disagree with what
//! the keys do. Egui-free: the UI translates its key events into [`Chord`]s.

use std::fmt;

use crate::annotation::Status;
use crate::schema::Schema;

use super::command::Command;
use super::words::{Edge, Side};

/// A key, as far as the workbench cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A printable key, as typed (`'1'`, `'x'`, `'?'`). Letters match in
    /// either case and Shift is ignored for these keys, since the char
    /// already reflects it.
    Char(char),
    Enter,
    Tab,
    Backspace,
    Delete,
    Escape,
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    F1,
    F2,
    F3,
    F4,
}

/// Modifier keys; `ctrl` is Command on macOS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Modifiers {
    pub ctrl: bool,
    pub shift: bool,
    pub alt: bool,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers {
        ctrl: false,
        shift: false,
        alt: false,
    };
    pub const CTRL: Modifiers = Modifiers {
        ctrl: true,
        shift: false,
        alt: false,
    };
    pub const SHIFT: Modifiers = Modifiers {
        ctrl: false,
        shift: true,
        alt: false,
    };
    pub const CTRL_SHIFT: Modifiers = Modifiers {
        ctrl: true,
        shift: true,
        alt: false,
    };
    pub const ALT: Modifiers = Modifiers {
        ctrl: false,
        shift: false,
        alt: true,
    };
    pub const ALT_SHIFT: Modifiers = Modifiers {
        ctrl: false,
        shift: true,
        alt: true,
    };
}

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub key: Key,
    pub mods: Modifiers,
}

impl Chord {
    pub fn new(mods: Modifiers, key: Key) -> Chord {
        Chord { key, mods }
    }

    pub fn plain(key: Key) -> Chord {
        Chord::new(Modifiers::NONE, key)
    }

    /// Whether a pressed chord triggers this binding's chord. For printable
    /// keys Shift only counts together with Ctrl (Ctrl+Shift+Z is not
    /// Ctrl+Z, but `?` is `?` however it was typed).
    fn matches(&self, pressed: &Chord) -> bool {
        match (self.key, pressed.key) {
            (Key::Char(a), Key::Char(b)) => {
                a.to_lowercase().eq(b.to_lowercase())
                    && self.mods.ctrl == pressed.mods.ctrl
                    && self.mods.alt == pressed.mods.alt
                    && (!self.mods.ctrl || self.mods.shift == pressed.mods.shift)
            }
            (a, b) => a == b && self.mods == pressed.mods,
        }
    }
}

impl std::str::FromStr for Chord {
    type Err = String;

    /// Reads a chord as [`fmt::Display`] writes it (`Ctrl+Shift+Z`, `Enter`,
    /// `Alt+Shift+←`, `2`); `Esc`/`Escape` and `Left`/`Right` are accepted
    /// too. For scripted sessions.
    fn from_str(s: &str) -> Result<Chord, String> {
        let mut mods = Modifiers::NONE;
        let mut rest = s.trim();
        loop {
            if let Some(r) = rest.strip_prefix("Ctrl+") {
                mods.ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Alt+") {
                mods.alt = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Shift+") {
                mods.shift = true;
                rest = r;
            } else {
                break;
            }
        }
        let key = match rest {
            "Enter" => Key::Enter,
            "Tab" => Key::Tab,
            "Backspace" => Key::Backspace,
            "Delete" => Key::Delete,
            "Esc" | "Escape" => Key::Escape,
            "←" | "Left" => Key::Left,
            "→" | "Right" => Key::Right,
            "↑" | "Up" => Key::Up,
            "↓" | "Down" => Key::Down,
            "PageUp" => Key::PageUp,
            "PageDown" => Key::PageDown,
            "F1" => Key::F1,
            "F2" => Key::F2,
            "F3" => Key::F3,
            "F4" => Key::F4,
            _ => {
                let mut cs = rest.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Key::Char(c),
                    _ => return Err(format!("{s:?} is not a key")),
                }
            }
        };
        Ok(Chord { key, mods })
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.mods;
        if m.ctrl {
            f.write_str("Ctrl+")?;
        }
        if m.alt {
            f.write_str("Alt+")?;
        }
        if m.shift && (m.ctrl || !matches!(self.key, Key::Char(_))) {
            f.write_str("Shift+")?;
        }
        match self.key {
            Key::Char(c) => write!(f, "{}", c.to_uppercase()),
            Key::Enter => f.write_str("Enter"),
            Key::Tab => f.write_str("Tab"),
            Key::Backspace => f.write_str("Backspace"),
            Key::Delete => f.write_str("Delete"),
            Key::Escape => f.write_str("Esc"),
            Key::Left => f.write_str("←"),
            Key::Right => f.write_str("→"),
            // The UI fonts have ← → but no ↑ ↓.
            Key::Up => f.write_str("Up"),
            Key::Down => f.write_str("Down"),
            Key::PageUp => f.write_str("PageUp"),
            Key::PageDown => f.write_str("PageDown"),
            Key::F1 => f.write_str("F1"),
            Key::F2 => f.write_str("F2"),
            Key::F3 => f.write_str("F3"),
            Key::F4 => f.write_str("F4"),
        }
    }
}

/// Where a binding works. Keys without Ctrl would type into a text field
/// (search box, annotator name), so most bindings only work when no text
/// field has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Where {
    Anywhere,
    /// Only while no text field is being typed in.
    Article,
}

/// Things only the UI does (panels, its own widgets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UiAction {
    ToggleShortcuts,
    ToggleGuidelines,
    FocusSearch,
    /// Collapse or bring back the documents panel (left).
    ToggleDocuments,
    /// Collapse or bring back the tools panel (right).
    ToggleTools,
}

/// What a key does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Run(Command),
    Ui(UiAction),
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub chord: Chord,
    pub when: Where,
    pub action: Action,
    /// What the overlay says it does.
    pub help: String,
}

/// One line of the shortcut overlay: every chord with the same action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayRow {
    pub keys: String,
    pub help: String,
}

/// The key table for a label schema.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Keymap {
    /// The default keys, with one label key per schema label (`'1'`..).
    pub fn new(schema: &Schema) -> Keymap {
        use Key::*;
        use Modifiers as M;
        let mut b = Vec::new();
        let mut add = |mods, key, when, action, help: &str| {
            b.push(Binding {
                chord: Chord::new(mods, key),
                when,
                action,
                help: help.to_string(),
            })
        };
        let run = Action::Run;
        let any = Where::Anywhere;
        let art = Where::Article;
        add(
            M::NONE,
            F1,
            any,
            Action::Ui(UiAction::ToggleShortcuts),
            "Show or hide this list of keys",
        );
        add(
            M::NONE,
            Char('?'),
            art,
            Action::Ui(UiAction::ToggleShortcuts),
            "Show or hide this list of keys",
        );
        add(
            M::NONE,
            F2,
            any,
            Action::Ui(UiAction::ToggleGuidelines),
            "Show or hide the annotation guidelines",
        );
        add(
            M::CTRL,
            Char('f'),
            any,
            Action::Ui(UiAction::FocusSearch),
            "Search this document or the corpus",
        );
        add(
            M::NONE,
            F3,
            any,
            Action::Ui(UiAction::ToggleDocuments),
            "Hide or show the documents panel",
        );
        add(
            M::NONE,
            F4,
            any,
            Action::Ui(UiAction::ToggleTools),
            "Hide or show the tools panel",
        );
        add(
            M::ALT,
            Down,
            any,
            run(Command::StepHit(true)),
            "Open the next search result",
        );
        add(
            M::ALT,
            Up,
            any,
            run(Command::StepHit(false)),
            "Open the previous search result",
        );
        add(
            M::CTRL,
            PageDown,
            any,
            run(Command::NextDocument),
            "Next document",
        );
        add(
            M::CTRL,
            PageUp,
            any,
            run(Command::PreviousDocument),
            "Previous document",
        );
        add(
            M::CTRL,
            Enter,
            art,
            run(Command::MarkDoneAndNext),
            "Mark document done, open the next one not done",
        );
        add(
            M::NONE,
            Tab,
            art,
            run(Command::FocusNext),
            "Focus the next proposal or entity (reading order)",
        );
        add(
            M::SHIFT,
            Tab,
            art,
            run(Command::FocusPrevious),
            "Focus the previous proposal or entity",
        );
        add(
            M::NONE,
            Enter,
            art,
            run(Command::AcceptFocused { label: None }),
            "Accept the focused proposal",
        );
        add(
            M::NONE,
            Backspace,
            art,
            run(Command::RejectFocused),
            "Reject the focused proposal (it does not come back)",
        );
        add(
            M::NONE,
            Char('x'),
            art,
            run(Command::RejectFocused),
            "Reject the focused proposal (it does not come back)",
        );
        for l in &schema.labels {
            add(
                M::NONE,
                Char(l.key),
                art,
                run(Command::ApplyLabel(l.name.clone())),
                &format!(
                    "{} ({}): label the selection; or accept the focused proposal as {0}; or relabel the focused entity",
                    l.name, l.display
                ),
            );
        }
        add(
            M::NONE,
            Delete,
            art,
            run(Command::DeleteFocused),
            "Delete the focused entity",
        );
        add(
            M::NONE,
            Left,
            art,
            run(Command::MoveCaret { side: Side::Left }),
            "Move the caret one word left and select that word (in Arabic: the next word)",
        );
        add(
            M::NONE,
            Right,
            art,
            run(Command::MoveCaret { side: Side::Right }),
            "Move the caret one word right and select that word (in Arabic: the word before)",
        );
        let mv = |edge, side| run(Command::MoveEdgeVisual { edge, side });
        add(
            M::SHIFT,
            Left,
            art,
            mv(Edge::End, Side::Left),
            "Move the focused entity's or proposal's end edge one word left (in Arabic: one word further; a proposal becomes a corrected entity); with nothing focused, extend the selection one word left",
        );
        add(
            M::SHIFT,
            Right,
            art,
            mv(Edge::End, Side::Right),
            "Move the focused entity's or proposal's end edge one word right (in Arabic: one word back); with nothing focused, extend the selection one word right",
        );
        add(
            M::ALT_SHIFT,
            Left,
            art,
            mv(Edge::Start, Side::Left),
            "Move the focused entity's or proposal's start edge one word left (in Arabic: one word later)",
        );
        add(
            M::ALT_SHIFT,
            Right,
            art,
            mv(Edge::Start, Side::Right),
            "Move the focused entity's or proposal's start edge one word right (in Arabic: one word earlier)",
        );
        add(
            M::CTRL,
            Char('z'),
            art,
            run(Command::Undo),
            "Undo (bulk and corpus-wide edits are one step)",
        );
        add(M::CTRL_SHIFT, Char('z'), art, run(Command::Redo), "Redo");
        add(M::CTRL, Char('y'), art, run(Command::Redo), "Redo");
        add(
            M::CTRL,
            Char('d'),
            art,
            run(Command::SetStatus(Status::Done)),
            "Mark document done and stay",
        );
        add(
            M::NONE,
            Escape,
            art,
            run(Command::ClearSelection),
            "Clear selection, caret and focus",
        );
        Keymap { bindings: b }
    }

    /// What `pressed` does; `typing` is true while a text field has the
    /// keyboard. Ctrl+Shift+Z is told apart from Ctrl+Z by Shift.
    pub fn action(&self, pressed: Chord, typing: bool) -> Option<&Action> {
        self.bindings
            .iter()
            .filter(|b| !typing || b.when == Where::Anywhere)
            .find(|b| b.chord.matches(&pressed))
            .map(|b| &b.action)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The overlay: one row per distinct action, listing all its keys, in
    /// table order.
    pub fn overlay(&self) -> Vec<OverlayRow> {
        let mut rows: Vec<(Action, OverlayRow)> = Vec::new();
        for b in &self.bindings {
            let key = b.chord.to_string();
            match rows.iter_mut().find(|(a, _)| *a == b.action) {
                Some((_, row)) => {
                    row.keys.push_str(" / ");
                    row.keys.push_str(&key);
                }
                None => rows.push((
                    b.action.clone(),
                    OverlayRow {
                        keys: key,
                        help: b.help.clone(),
                    },
                )),
            }
        }
        rows.into_iter().map(|(_, r)| r).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn km() -> Keymap {
        Keymap::new(&Schema::builtin())
    }

    fn run(k: &Keymap, mods: Modifiers, key: Key) -> Option<Command> {
        match k.action(Chord::new(mods, key), false)? {
            Action::Run(c) => Some(c.clone()),
            Action::Ui(_) => None,
        }
    }

    #[test]
    fn the_issue_keys_do_what_it_says() {
        let k = km();
        use Key::*;
        use Modifiers as M;
        assert_eq!(run(&k, M::CTRL, PageDown), Some(Command::NextDocument));
        assert_eq!(run(&k, M::CTRL, PageUp), Some(Command::PreviousDocument));
        assert_eq!(run(&k, M::CTRL, Enter), Some(Command::MarkDoneAndNext));
        assert_eq!(run(&k, M::NONE, Tab), Some(Command::FocusNext));
        assert_eq!(run(&k, M::SHIFT, Tab), Some(Command::FocusPrevious));
        assert_eq!(
            run(&k, M::NONE, Enter),
            Some(Command::AcceptFocused { label: None })
        );
        assert_eq!(run(&k, M::NONE, Backspace), Some(Command::RejectFocused));
        assert_eq!(run(&k, M::NONE, Char('X')), Some(Command::RejectFocused));
        assert_eq!(
            run(&k, M::NONE, Char('2')),
            Some(Command::ApplyLabel("LOC".into()))
        );
        assert_eq!(run(&k, M::NONE, Delete), Some(Command::DeleteFocused));
        assert_eq!(
            run(&k, M::SHIFT, Left),
            Some(Command::MoveEdgeVisual {
                edge: Edge::End,
                side: Side::Left
            })
        );
        assert_eq!(
            run(&k, M::ALT_SHIFT, Right),
            Some(Command::MoveEdgeVisual {
                edge: Edge::Start,
                side: Side::Right
            })
        );
        assert_eq!(
            run(&k, M::NONE, Left),
            Some(Command::MoveCaret { side: Side::Left })
        );
        assert_eq!(
            run(&k, M::NONE, Right),
            Some(Command::MoveCaret { side: Side::Right })
        );
        assert_eq!(run(&k, M::CTRL, Char('z')), Some(Command::Undo));
        assert_eq!(run(&k, M::CTRL_SHIFT, Char('Z')), Some(Command::Redo));
        assert_eq!(run(&k, M::CTRL, Char('y')), Some(Command::Redo));
        assert_eq!(
            k.action(Chord::plain(F1), false),
            Some(&Action::Ui(UiAction::ToggleShortcuts))
        );
        assert_eq!(
            k.action(Chord::new(M::SHIFT, Char('?')), false),
            Some(&Action::Ui(UiAction::ToggleShortcuts))
        );
    }

    #[test]
    fn typing_in_a_field_keeps_plain_keys() {
        let k = km();
        assert_eq!(k.action(Chord::plain(Key::Char('1')), true), None);
        assert_eq!(k.action(Chord::plain(Key::Enter), true), None);
        assert_eq!(
            k.action(Chord::new(Modifiers::CTRL, Key::PageDown), true),
            Some(&Action::Run(Command::NextDocument))
        );
    }

    #[test]
    fn no_two_bindings_share_a_chord() {
        let k = km();
        for (i, a) in k.bindings().iter().enumerate() {
            for b in &k.bindings()[..i] {
                assert!(
                    !(a.chord.matches(&b.chord) && b.chord.matches(&a.chord)),
                    "{} bound twice",
                    a.chord
                );
            }
        }
    }

    #[test]
    fn overlay_lists_every_binding_and_dispatch_agrees() {
        let k = km();
        let rows = k.overlay();
        for b in k.bindings() {
            let key = b.chord.to_string();
            let row = rows
                .iter()
                .find(|r| r.keys.split(" / ").any(|x| x == key))
                .unwrap_or_else(|| panic!("{key} missing from the overlay"));
            assert_eq!(row.help, b.help);
            // The key shown does what the table says.
            assert_eq!(k.action(b.chord, false), Some(&b.action), "{key}");
        }
        let redo = rows.iter().find(|r| r.help == "Redo").unwrap();
        assert_eq!(redo.keys, "Ctrl+Shift+Z / Ctrl+Y");
    }

    #[test]
    fn chords_read_back_as_written() {
        let km = Keymap::new(&Schema::builtin());
        for b in km.bindings() {
            let back: Chord = b.chord.to_string().parse().unwrap();
            assert!(b.chord.matches(&back), "{}", b.chord);
        }
        assert_eq!("Esc".parse::<Chord>(), Ok(Chord::plain(Key::Escape)));
        assert!("Ctrl+Nope".parse::<Chord>().is_err());
    }
}
