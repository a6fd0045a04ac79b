//! Committing edits as one undo step, and undoing/redoing steps, across
//! documents. Every change is handed to autosave.

use crate::annotation::{Edit, Status};

use super::command::{Outcome, WorkflowError};
use super::session::Session;
use super::undo::{Change, Step};

impl Session {
    /// Applies `edits` (document, edit) in order as one undo step: all or
    /// nothing. Refuses read-only documents before touching anything.
    /// `items` is the count reported to the user.
    pub(super) fn commit(
        &mut self,
        edits: Vec<(usize, Edit)>,
        items: usize,
    ) -> Result<Outcome, WorkflowError> {
        if let Some(&(i, _)) = edits
            .iter()
            .find(|(i, _)| self.states[*i].read_only.is_some())
        {
            return Err(self.read_only_error(i));
        }
        let mut step = Step {
            items,
            ..Step::default()
        };
        for (doc, edit) in edits {
            match self.edit_doc(doc, edit) {
                Ok(inverse) => step.changes.push(Change { doc, inverse }),
                Err(e) => {
                    for c in step.changes.into_iter().rev() {
                        // Inverses of edits just applied always apply.
                        let _ = self.edit_doc(c.doc, c.inverse);
                    }
                    return Err(e.into());
                }
            }
        }
        let docs = step.documents();
        for &d in &docs {
            self.save(d);
        }
        self.undo.push(step);
        Ok(Outcome::Edited {
            documents: docs.len(),
            changes: items,
        })
    }

    pub(super) fn read_only_error(&self, i: usize) -> WorkflowError {
        WorkflowError::ReadOnly {
            doc_id: self.docs[i].id.clone(),
            reason: self.states[i].read_only.clone().unwrap_or_default(),
        }
    }

    /// `edits` for document `i`, plus moving it from todo to in progress:
    /// the first decision on a document starts it (and undo un-starts it).
    pub(super) fn starting(&self, i: usize, edits: Vec<Edit>) -> Vec<(usize, Edit)> {
        let mut out: Vec<(usize, Edit)> = edits.into_iter().map(|e| (i, e)).collect();
        if self.states[i].annotations.status == Status::Todo {
            out.push((i, Edit::SetStatus(Status::InProgress)));
        }
        out
    }

    /// Applies the inverses of `step` newest first, returning the step that
    /// re-applies it. On failure everything is put back and the step is lost
    /// (only possible if the annotations changed outside the stack).
    fn revert(&mut self, mut step: Step) -> Result<Step, WorkflowError> {
        let mut done: Vec<Change> = Vec::with_capacity(step.changes.len());
        for c in std::mem::take(&mut step.changes).into_iter().rev() {
            match self.edit_doc(c.doc, c.inverse) {
                Ok(again) => done.push(Change {
                    doc: c.doc,
                    inverse: again,
                }),
                Err(e) => {
                    for d in done.into_iter().rev() {
                        let _ = self.edit_doc(d.doc, d.inverse);
                    }
                    return Err(e.into());
                }
            }
        }
        Ok(Step {
            changes: done,
            items: step.items,
        })
    }

    pub(super) fn undo_step(&mut self, redo: bool) -> Result<Outcome, WorkflowError> {
        let popped = if redo {
            self.undo.redo.pop()
        } else {
            self.undo.undo.pop()
        };
        let Some(step) = popped else {
            let what = if redo { "redo" } else { "undo" };
            return Ok(Outcome::Nothing(format!("nothing to {what}")));
        };
        let reverted = self.revert(step)?;
        let docs = reverted.documents();
        let changes = reverted.items;
        for &d in &docs {
            self.save(d);
        }
        if redo {
            self.undo.undo.push(reverted);
        } else {
            self.undo.redo.push(reverted);
        }
        // Show where the change happened.
        if let Some(&first) = docs.first()
            && !self.current.is_some_and(|c| docs.contains(&c))
        {
            self.open_index(first);
        }
        if let (Some(c), Some(f)) = (self.current, &self.focus)
            && !f.exists(&self.states[c].annotations)
        {
            self.focus = None;
        }
        Ok(Outcome::Edited {
            documents: docs.len(),
            changes,
        })
    }
}
