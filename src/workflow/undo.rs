//! The session's undo stack: one step per command, each step a list of
//! primitive changes that may span documents (a corpus-wide "annotate all"
//! is one step). Built on [`Edit`]'s exact inverses.

use crate::annotation::Edit;

/// One applied edit of one document, kept as the edit that reverts it
/// (reverting yields the edit that re-applies it).
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub doc: usize,
    pub inverse: Edit,
}

/// What one command changed, in the order it was applied.
#[derive(Debug, Clone, Default)]
pub(crate) struct Step {
    pub changes: Vec<Change>,
    /// Entities or proposals the command decided on, as reported to the user.
    pub items: usize,
}

impl Step {
    /// The documents this step touched, in first-touched order.
    pub fn documents(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for c in &self.changes {
            if !out.contains(&c.doc) {
                out.push(c.doc);
            }
        }
        out
    }
}

/// Undo and redo stacks; a new step clears redo. Bounded so a day-long
/// session does not grow without end.
#[derive(Debug, Default)]
pub(crate) struct UndoStack {
    pub undo: Vec<Step>,
    pub redo: Vec<Step>,
}

/// Steps kept for undo.
pub const UNDO_LIMIT: usize = 10_000;

impl UndoStack {
    pub fn push(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
    }
}
