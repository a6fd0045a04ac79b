//! Committing edits as one undo step, and undoing/redoing steps, across
//! documents. Every change is handed to autosave.

use crate::annotation::{Edit, Status};

use super::command::{Outcome, WorkflowError};
use super::focus::Focus;
use super::session::Session;
use super::undo::{Change, Step, describe};

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
        step.name = describe(&step.changes, |d| {
            self.states[d].annotations.status.as_str().to_string()
        });
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
            name: step.name,
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
        let place = reverted.changes.iter().find_map(|c| {
            let (s, e) = edit_range(&c.inverse)?;
            Some((c.doc, s, e))
        });

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
        // Show what changed: focus the item now at the changed place, or
        // select the place when nothing is there any more.
        if let Some((d, s, e)) = place
            && self.current == Some(d)
        {
            let ann = &self.states[d].annotations;
            let item = ann
                .entities
                .iter()
                .find(|x| (x.start, x.end) == (s, e))
                .map(Focus::entity)
                .or_else(|| {
                    ann.proposals
                        .iter()
                        .find(|p| (p.start, p.end) == (s, e))
                        .map(Focus::proposal)
                });
            match item {
                Some(f) => {
                    self.focus = Some(f);
                    self.selection = None;
                }
                None => {
                    self.focus = None;
                    self.selection = Some((s, e));
                }
            }
        }
        Ok(Outcome::Edited {
            documents: docs.len(),
            changes,
        })
    }
}

/// The char range an edit is about (the first one of a batch).
fn edit_range(e: &Edit) -> Option<(usize, usize)> {
    match e {
        Edit::Add(s) | Edit::Remove(s) => Some((s.start, s.end)),
        // The span of an inverse relabel or resize is the entity as it is now.
        Edit::Relabel { span, .. } | Edit::Resize { span, .. } | Edit::SetOrigin { span, .. } => {
            Some((span.start, span.end))
        }
        Edit::Propose(p) | Edit::Unpropose(p) => Some((p.start, p.end)),
        Edit::Reject(r) | Edit::Unreject(r) => Some((r.start, r.end)),
        Edit::SetStatus(_) => None,
        Edit::Batch(v) => v.iter().find_map(edit_range),
    }
}
