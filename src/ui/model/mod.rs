//! The app model: everything the window shows, changed only by applying
//! [`Command`]s in one place. File access goes through a [`Backend`] that
//! the binary provides, so the UI itself never touches files.

use std::path::PathBuf;

pub mod gold;
pub mod session;

use crate::annotation::Status;
use crate::schema::Schema;
use crate::ui::article_view::EntityRef;
use crate::ui::backend::{Backend, DocEntry, Loaded, NoBackend};
use crate::workflow::{self, Session};
use gold::{GoldCommand, GoldState};

/// Everything the UI asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    OpenFolder(PathBuf),
    OpenDocument(usize),
    /// Select `start..end` chars of the current document (empty clears).
    Select {
        start: usize,
        end: usize,
    },
    Focus(Option<EntityRef>),
    SetAnnotator(String),
    /// An annotation-workflow command for the editing session.
    Work(workflow::Command),
    /// Export, review and adjudication.
    Gold(GoldCommand),
}

/// The state of the workbench window.
pub struct AppModel {
    pub schema: Schema,
    pub folder: Option<PathBuf>,
    pub docs: Vec<DocEntry>,
    pub current: Option<usize>,
    pub selection: Option<(usize, usize)>,
    pub focused: Option<EntityRef>,
    pub annotator: Option<String>,
    /// Shown in the status bar.
    pub message: String,
    /// Load errors of the open folder.
    pub errors: Vec<String>,
    /// The editing session (autosave, undo, proposals); `None` when the
    /// folder is only shown (no annotator yet, or their store is locked).
    pub session: Option<Session>,
    /// Why the folder is shown read-only although an annotator is known
    /// (e.g. another process holds the writer lock).
    pub session_error: Option<String>,
    /// Export, review and adjudication state.
    pub gold: GoldState,
    /// Why closing the window was stopped: edits could not be written (disk
    /// full, ...). Shown in the window; closing again quits anyway.
    pub close_warning: Option<String>,
    /// The gate into "done" is asking: marking the current document done was
    /// refused because proposals are pending (see `workflow::gate`).
    pub done_gate: Option<DoneGate>,
    /// Per document: the session's revision its annotations in `docs`
    /// were copied at (0: not a session's copy).
    mirrored: Vec<u64>,
    backend: Box<dyn Backend>,
}

/// The question the window asks when the annotator marks a document done
/// with proposals pending: reject them (one undo step) or go back to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneGate {
    pub doc_id: String,
    /// Proposals pending when the question was asked.
    pub pending: usize,
    /// Whether the next document not done opens afterwards (Ctrl+Enter).
    pub next: bool,
}

impl DoneGate {
    /// The command that answers "reject them and mark done".
    pub fn reject_command(&self) -> workflow::Command {
        workflow::Command::RejectPendingAndMarkDone {
            pending: self.pending,
            next: self.next,
        }
    }
}

impl AppModel {
    pub fn new(schema: Schema, backend: Box<dyn Backend>) -> AppModel {
        AppModel {
            schema,
            folder: None,
            docs: Vec::new(),
            current: None,
            selection: None,
            focused: None,
            annotator: None,
            message: String::new(),
            errors: Vec::new(),
            session: None,
            session_error: None,
            gold: GoldState::default(),
            close_warning: None,
            done_gate: None,
            mirrored: Vec::new(),
            backend,
        }
    }

    /// A model holding `docs` already, with no backend (tests, previews).
    pub fn with_documents(schema: Schema, docs: Vec<DocEntry>) -> AppModel {
        let mut m = AppModel::new(schema, Box::new(NoBackend));
        m.set_loaded(Loaded {
            documents: docs,
            errors: Vec::new(),
        });
        m
    }

    pub(super) fn backend_mut(&mut self) -> &mut dyn Backend {
        self.backend.as_mut()
    }

    pub fn current_doc(&self) -> Option<&DocEntry> {
        self.current.and_then(|i| self.docs.get(i))
    }

    /// The backend with the open documents, for commands applied elsewhere.
    pub(super) fn backend_and_docs(&mut self) -> (&mut dyn Backend, &[DocEntry]) {
        (self.backend.as_mut(), &self.docs)
    }

    pub fn apply(&mut self, cmd: Command) {
        if let Some(w) = self.as_work(&cmd) {
            return self.apply_work(w);
        }
        if matches!(cmd, Command::Gold(_)) {
            // Export, review and adjudication read the saved files.
            self.flush_session();
        }
        match cmd {
            Command::Work(c) => self.apply_work(c),
            Command::Gold(c) => self.apply_gold(c),
            Command::OpenFolder(dir) => {
                if self.open_session(&dir) {
                    return;
                }
                match self.backend.open_folder(&dir, self.annotator.as_deref()) {
                    Ok(loaded) => {
                        self.folder = Some(dir.clone());
                        self.set_loaded(loaded);
                        self.message =
                            format!("opened {} ({} documents)", dir.display(), self.docs.len());
                    }
                    Err(e) => self.message = format!("cannot open {}: {e}", dir.display()),
                }
            }
            Command::OpenDocument(i) => {
                if i < self.docs.len() {
                    self.current = Some(i);
                    self.selection = None;
                    self.focused = None;
                }
            }
            Command::Select { start, end } => {
                let len = self
                    .current_doc()
                    .map_or(0, |d| d.document.text.chars().count());
                self.selection = (start < end && end <= len).then_some((start, end));
                if self.selection.is_some() {
                    self.focused = None;
                }
            }
            Command::Focus(e) => {
                self.focused = e;
                if let Some(d) = self.current_doc()
                    && let Some(EntityRef::Entity(i)) = e
                    && let Some(s) = d.annotations.entities.get(i)
                {
                    self.selection = Some((s.start, s.end));
                }
            }
            Command::SetAnnotator(name) => {
                let name = name.trim().to_string();
                if let Err(e) = crate::store::check_annotator(&name) {
                    self.message = e.to_string();
                    return;
                }
                self.annotator = Some(name);
                if let Some(dir) = self.folder.clone() {
                    let keep = self.current_doc().map(|d| d.document.id.clone());
                    self.apply(Command::OpenFolder(dir));
                    if let Some(i) =
                        keep.and_then(|id| self.docs.iter().position(|d| d.document.id == id))
                    {
                        self.current = Some(i);
                    }
                }
            }
        }
    }

    /// Replaces the documents and opens the first one not done.
    fn set_loaded(&mut self, loaded: Loaded) {
        self.docs = loaded.documents;
        self.mirrored.clear();
        self.errors = loaded.errors;
        self.selection = None;
        self.focused = None;
        self.current = self
            .docs
            .iter()
            .position(|d| d.annotations.status != Status::Done)
            .or(if self.docs.is_empty() { None } else { Some(0) });
    }

    /// Documents done, out of all.
    pub fn progress(&self) -> (usize, usize) {
        let done = self
            .docs
            .iter()
            .filter(|d| d.annotations.status == Status::Done)
            .count();
        (done, self.docs.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::DocAnnotations;
    use crate::corpus::Document;
    use std::path::Path;

    fn entry(id: &str, text: &str, status: Status) -> DocEntry {
        DocEntry {
            document: std::sync::Arc::new(Document {
                id: id.into(),
                text: text.into(),
                path: PathBuf::from(id),
            }),
            annotations: std::sync::Arc::new(DocAnnotations {
                status,
                ..Default::default()
            }),
            problems: Vec::new(),
        }
    }

    #[test]
    fn opens_first_document_not_done() {
        let m = AppModel::with_documents(
            Schema::builtin(),
            vec![
                entry("a", "x", Status::Done),
                entry("b", "y", Status::InProgress),
                entry("c", "z", Status::Todo),
            ],
        );
        assert_eq!(m.current, Some(1));
        assert_eq!(m.progress(), (1, 3));
    }

    #[test]
    fn selection_outside_the_text_is_refused() {
        let mut m =
            AppModel::with_documents(Schema::builtin(), vec![entry("a", "قال", Status::Todo)]);
        m.apply(Command::Select { start: 0, end: 3 });
        assert_eq!(m.selection, Some((0, 3)));
        m.apply(Command::Select { start: 1, end: 9 });
        assert_eq!(m.selection, None);
    }

    struct Fake(Vec<String>);
    impl Backend for Fake {
        fn open_folder(&mut self, dir: &Path, annotator: Option<&str>) -> Result<Loaded, String> {
            self.0
                .push(format!("{}:{}", dir.display(), annotator.unwrap_or("-")));
            Ok(Loaded {
                documents: vec![entry("d", "نص", Status::Todo)],
                errors: vec![],
            })
        }
    }

    #[test]
    fn setting_the_annotator_reloads_the_folder() {
        let mut m = AppModel::new(Schema::builtin(), Box::new(Fake(Vec::new())));
        m.apply(Command::OpenFolder(PathBuf::from("seeds")));
        assert_eq!(m.docs.len(), 1);
        m.apply(Command::SetAnnotator("../x".into()));
        assert_eq!(m.annotator, None);
        m.apply(Command::SetAnnotator(" amal ".into()));
        assert_eq!(m.annotator.as_deref(), Some("amal"));
        assert_eq!(m.current, Some(0));
    }
}
