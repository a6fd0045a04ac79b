//! The app model's editing session: opening it for a folder, applying
//! workflow commands to it, and mirroring what it holds into the model's
//! plain fields (documents, current, selection, focus) that the rest of the
//! window reads.

use crate::text::count;
use std::path::Path;

use super::AppModel;
use crate::ui::article_view::EntityRef;
use crate::ui::backend::DocEntry;
use crate::workflow::{self, Focus, FocusKind, Outcome};

/// Which documents' annotations to copy from the session into the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mirror {
    /// Only where the annotator is (selection, focus, current document).
    Place,
    /// Also the current document's annotations.
    Current,
    /// Every document's annotations (corpus-wide edits, new proposals).
    All,
}

impl AppModel {
    /// Opens the annotator's editing session on `dir`; `false` when there is
    /// no annotator yet or the session cannot open (the reason is kept in
    /// `session_error` and the folder then opens read-only).
    pub(super) fn open_session(&mut self, dir: &Path) -> bool {
        // The old session's writer lock must be released before a new one
        // is taken; dropping it writes what is queued.
        if let Some(old) = self.session.take() {
            if let Err(errors) = old.flush() {
                self.message = format!(
                    "could not save {} document(s) before reopening",
                    errors.len()
                );
            }
            drop(old);
        }
        self.session_error = None;
        let Some(annotator) = self.annotator.clone() else {
            return false;
        };
        match self.backend_mut().open_session(dir, &annotator) {
            Ok(session) => {
                self.folder = Some(dir.to_path_buf());
                self.errors = session
                    .journal_damage()
                    .map(|d| d.to_string())
                    .into_iter()
                    .chain(session.corpus_errors().iter().map(|e| e.to_string()))
                    .collect();
                self.docs = session
                    .documents()
                    .iter()
                    .enumerate()
                    .map(|(i, d)| DocEntry {
                        document: d.clone(),
                        annotations: session.shared_annotations(i).cloned().unwrap_or_default(),
                        problems: session
                            .state(i)
                            .map(|s| s.problems.clone())
                            .unwrap_or_default(),
                    })
                    .collect();
                self.mirrored = (0..self.docs.len())
                    .map(|i| session.doc_revision(i))
                    .collect();
                self.message = format!(
                    "opened {} ({} documents) as {annotator}",
                    dir.display(),
                    self.docs.len()
                );
                self.session = Some(session);
                self.mirror(Mirror::Place);
                true
            }
            Err(e) => {
                self.session_error = Some(e);
                false
            }
        }
    }

    /// With a session, the window's own navigation commands become workflow
    /// commands, so there is one place where the document, selection and
    /// focus change.
    pub(super) fn as_work(&self, cmd: &super::Command) -> Option<workflow::Command> {
        use super::Command as C;
        let s = self.session.as_ref()?;
        match cmd {
            C::OpenDocument(i) => Some(workflow::Command::Open(s.documents().get(*i)?.id.clone())),
            C::Select { start, end } => Some(workflow::Command::Select {
                start: *start,
                end: *end,
            }),
            C::Focus(None) => Some(workflow::Command::ClearSelection),
            C::Focus(Some(e)) => Some(workflow::Command::Focus(focus_of(
                *e,
                s.current_annotations()?,
            )?)),
            _ => None,
        }
    }

    /// Applies one workflow command to the session; refusals and "nothing
    /// to do" go to the status bar.
    pub(super) fn apply_work(&mut self, cmd: workflow::Command) {
        let Some(session) = self.session.as_mut() else {
            self.message = match &self.session_error {
                Some(e) => format!("read-only: {e}"),
                None => "read-only: no annotator".to_string(),
            };
            return;
        };
        let said = Said::of(&cmd);
        // Any command answers (or leaves) an open question of the gate.
        self.done_gate = None;
        let next = match &cmd {
            workflow::Command::MarkDoneAndNext => Some(true),
            workflow::Command::SetStatus(crate::annotation::Status::Done) => Some(false),
            workflow::Command::RejectPendingAndMarkDone { next, .. } => Some(*next),
            _ => None,
        };
        let mirror = match session.apply(cmd) {
            Ok(Outcome::Edited { documents, changes }) => {
                // Undo, redo and bulk actions say what they did.
                self.message = match said {
                    Said::Undo => format!("Undone: {}", session.redo_name().unwrap_or("edit")),
                    Said::Redo => format!("Redone: {}", session.undo_name().unwrap_or("edit")),
                    Said::Accepted => {
                        format!("Accepted {}", count(changes, "proposal", "proposals"))
                    }
                    Said::RejectedAndDone => format!(
                        "Rejected {} and marked the document done",
                        count(changes, "proposal", "proposals")
                    ),
                    Said::Annotated => format!(
                        "Annotated {} in {}",
                        count(changes, "occurrence", "occurrences"),
                        count(documents, "document", "documents")
                    ),
                    Said::Nothing => String::new(),
                };
                if documents > 1 {
                    Mirror::All
                } else {
                    Mirror::Current
                }
            }
            Ok(Outcome::Moved) => {
                self.message.clear();
                Mirror::Place
            }
            Ok(Outcome::Found(n)) => {
                // While the rest streams in, the status bar counts.
                let searching = self.session.as_ref().is_some_and(|s| s.searching());
                self.message = if searching {
                    String::new()
                } else {
                    format!("{n} found")
                };
                Mirror::Place
            }
            Ok(Outcome::Nothing(why)) => {
                self.message = why;
                Mirror::Place
            }
            Ok(Outcome::Started(what)) => {
                // The status bar shows its progress; poll_session says how
                // it ended.
                self.message = format!("{what}… (Esc cancels)");
                Mirror::Place
            }
            Err(workflow::WorkflowError::PendingProposals { doc_id, pending })
                if next.is_some() =>
            {
                // The gate: nothing is marked done; the window asks.
                self.message = format!(
                    "{pending} proposal(s) still pending in {doc_id}: reject them, or go back to them?"
                );
                self.done_gate = Some(super::DoneGate {
                    doc_id,
                    pending,
                    next: next.unwrap_or(false),
                });
                Mirror::Place
            }
            Err(e) => {
                self.message = e.to_string();
                Mirror::Place
            }
        };
        self.mirror(mirror);
    }

    /// The window's close button was pressed: `true` when it may close.
    /// Every edit is written first; when that fails (disk full, a file
    /// that cannot be replaced) the window stays open once and
    /// [`AppModel::close_warning`] says which documents and whether their
    /// edits are safe in the journal (it is kept until they reach their
    /// files; the next start recovers them). Pressing close again quits.
    pub fn close_requested(&mut self) -> bool {
        if self.close_warning.is_some() {
            return true;
        }
        let Some(s) = &self.session else {
            return true;
        };
        let errors = match s.flush() {
            Ok(()) => return true,
            Err(errors) => errors,
        };
        let journal = s.journal_path();
        let journaled = !matches!(
            s.save_status(),
            workflow::SaveStatus::Failed { ref doc_id, .. } if doc_id == "journal"
        );
        let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        self.close_warning = Some(if journaled {
            format!(
                "Could not save {} document(s): {}. Their edits are safe in the journal {} and come back at the next start. Free some space and close again, or close again to quit now.",
                errors.len(),
                list.join("; "),
                journal.display()
            )
        } else {
            format!(
                "Could not save {} document(s): {}. The journal {} could not be written either: closing now LOSES these edits. Free some space and wait for \"saved\", or close again to quit anyway.",
                errors.len(),
                list.join("; "),
                journal.display()
            )
        });
        false
    }

    /// Writes every edit so far (before reading the annotators' files).
    pub(super) fn flush_session(&mut self) {
        if let Some(s) = &self.session
            && let Err(errors) = s.flush()
        {
            self.message = format!(
                "could not save {}",
                count(errors.len(), "document", "documents")
            );
        }
    }

    /// Takes in the session's background results (proposals, retraining);
    /// returns whether anything visible changed. Call once per frame.
    pub fn poll_session(&mut self) -> bool {
        let searching = self.session.as_ref().is_some_and(|s| s.searching());
        let changed = self.session.as_mut().is_some_and(|s| s.poll());
        if changed {
            self.mirror(Mirror::All);
        }
        // A bulk command that ran in the background just ended.
        if let Some(end) = self.session.as_mut().and_then(|s| s.take_job_end()) {
            self.message = end.message().to_string();
        }
        // A corpus search that streamed its hits in just finished.
        if searching && let Some(s) = self.session.as_ref().filter(|s| !s.searching()) {
            self.message = format!("{} found", s.search_hits().len());
        }
        changed
    }

    /// Copies the session's place (and annotations, as asked) into the
    /// model's fields.
    pub(super) fn mirror(&mut self, what: Mirror) {
        let Some(s) = &self.session else {
            return;
        };
        self.current = s.current();
        self.selection = s.selection();
        self.focused = s
            .focus()
            .zip(s.current_annotations())
            .and_then(|(f, ann)| entity_ref(f, ann));
        let which: Vec<usize> = match what {
            Mirror::Place => Vec::new(),
            Mirror::Current => s.current().into_iter().collect(),
            Mirror::All => (0..self.docs.len()).collect(),
        };
        self.mirrored.resize(self.docs.len(), 0);
        // Only documents changed since their last copy are copied again:
        // new proposals for one document do not copy 20,000.
        for i in which {
            let rev = s.doc_revision(i);
            if self.mirrored[i] == rev {
                continue;
            }
            if let (Some(entry), Some(ann)) = (self.docs.get_mut(i), s.shared_annotations(i)) {
                entry.annotations = ann.clone();
                self.mirrored[i] = rev;
            }
        }
    }
}

/// Which commands report what they did in the status bar.
enum Said {
    Undo,
    Redo,
    Accepted,
    RejectedAndDone,
    Annotated,
    Nothing,
}

impl Said {
    fn of(cmd: &workflow::Command) -> Said {
        use workflow::Command as W;
        match cmd {
            W::Undo => Said::Undo,
            W::Redo => Said::Redo,
            W::AcceptAllOfLabel(_) | W::AcceptAllAbove(_) => Said::Accepted,
            W::AnnotateAll { .. } => Said::Annotated,
            W::RejectPendingAndMarkDone { .. } => Said::RejectedAndDone,
            _ => Said::Nothing,
        }
    }
}

/// The view's name for a focused item: its index in its list.
pub fn entity_ref(f: &Focus, ann: &crate::annotation::DocAnnotations) -> Option<EntityRef> {
    let i = f.index_in(ann)?;
    Some(match f.kind {
        FocusKind::Entity => EntityRef::Entity(i),
        FocusKind::Proposal => EntityRef::Proposal(i),
    })
}

/// The session's name for a box the view reports.
pub fn focus_of(e: EntityRef, ann: &crate::annotation::DocAnnotations) -> Option<Focus> {
    match e {
        EntityRef::Entity(i) => Focus::at(ann, FocusKind::Entity, i),
        EntityRef::Proposal(i) => Focus::at(ann, FocusKind::Proposal, i),
    }
}
