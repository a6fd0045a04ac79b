//! Undo and redo over applied edits.

use super::{DocAnnotations, Edit, EditError};
use crate::text::CharIndex;

/// The undo and redo stacks of one document.
///
/// Each entry keeps the edit and its inverse, so undo and redo are just
/// applying one or the other; a new edit clears the redo stack.
#[derive(Debug, Default, Clone)]
pub struct History {
    undo: Vec<(Edit, Edit)>,
    redo: Vec<(Edit, Edit)>,
}

impl History {
    /// Applies `edit` and records it for undo.
    pub fn apply(
        &mut self,
        doc: &mut DocAnnotations,
        text: &str,
        index: &CharIndex,
        edit: Edit,
    ) -> Result<(), EditError> {
        let inverse = edit.clone().apply(doc, text, index)?;
        self.undo.push((edit, inverse));
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit; `false` if there was none.
    pub fn undo(&mut self, doc: &mut DocAnnotations, text: &str, index: &CharIndex) -> bool {
        let Some((edit, inverse)) = self.undo.pop() else {
            return false;
        };
        match inverse.apply(doc, text, index) {
            Ok(redo) => {
                self.redo.push((redo, edit));
                true
            }
            // Only possible if the annotations were changed outside the
            // history; drop the stale entry rather than corrupt state.
            Err(_) => false,
        }
    }

    /// Redoes the last undone edit; `false` if there was none.
    pub fn redo(&mut self, doc: &mut DocAnnotations, text: &str, index: &CharIndex) -> bool {
        let Some((edit, _)) = self.redo.pop() else {
            return false;
        };
        match edit.clone().apply(doc, text, index) {
            Ok(inverse) => {
                self.undo.push((edit, inverse));
                true
            }
            Err(_) => false,
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
