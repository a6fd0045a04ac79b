//! What the window reads and writes through: the [`Backend`] the binary
//! wires to `corpus` and `store` (tests to memory), and the plain data it
//! hands over. Every mode uses these; they know nothing of the modes, so
//! review and adjudication can load through them without importing the app
//! model.

use std::path::Path;
use std::sync::Arc;

use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::formats::Exported;
use crate::store::TimingFile;
use crate::workflow::Session;

/// One loaded document with what the annotator decided about it.
#[derive(Debug, Clone)]
pub struct DocEntry {
    /// Shared with the editing session (one copy of each text, not two).
    pub document: Arc<Document>,
    /// Shared with the editing session too (copy-on-write there).
    pub annotations: Arc<DocAnnotations>,
    /// Problems met loading its annotations (`file:line:col: message`).
    pub problems: Vec<String>,
}

/// A loaded folder.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub documents: Vec<DocEntry>,
    /// Files that could not be loaded, one message each.
    pub errors: Vec<String>,
}

/// Where documents and annotations come from; the binary wires this to
/// `corpus` and `store`, tests to memory.
pub trait Backend {
    /// Loads every article under `dir` with `annotator`'s annotations
    /// (none when no annotator is known yet).
    fn open_folder(&mut self, dir: &Path, annotator: Option<&str>) -> Result<Loaded, String>;

    /// Opens `annotator`'s editing session on the folder `dir` (their
    /// store's writer lock, autosave, proposals). Without one the folder
    /// opens read-only.
    fn open_session(&mut self, dir: &Path, annotator: &str) -> Result<Session, String> {
        Err(format!(
            "{}: no annotation store to write {annotator}'s files",
            dir.display()
        ))
    }

    /// Annotators that have files (review, adjudication and export dialogs).
    fn annotators(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// `annotator`'s files for `docs`, one entry per document.
    fn read_annotator(
        &mut self,
        annotator: &str,
        _docs: &[&Document],
    ) -> Result<AnnotatorFiles, String> {
        Err(format!(
            "cannot read {annotator}'s files: no annotation folder"
        ))
    }

    /// `annotator`'s timing records (see `store::timing`): how long each
    /// decision took. Lines that do not parse come back as problems
    /// (`file:line: why`); none without a folder to read.
    fn read_timing(&mut self, _annotator: &str) -> Result<TimingFile, String> {
        Ok(TimingFile::default())
    }

    /// Writes an export at `path` (a file, or a folder for brat); returns
    /// how many files were written.
    fn write_export(&mut self, path: &Path, _exported: &Exported) -> Result<usize, String> {
        Err(format!("{}: nowhere to write", path.display()))
    }

    /// Saves whole documents as `annotator`'s (adjudicated gold); returns how
    /// many were saved.
    fn save_annotations(
        &mut self,
        annotator: &str,
        _docs: &[(&Document, DocAnnotations)],
    ) -> Result<usize, String> {
        Err(format!(
            "cannot save {annotator}'s files: no annotation folder"
        ))
    }
}

/// A backend with nothing behind it: opening a folder fails.
pub struct NoBackend;

impl Backend for NoBackend {
    fn open_folder(&mut self, dir: &Path, _: Option<&str>) -> Result<Loaded, String> {
        Err(format!("{}: no document source configured", dir.display()))
    }
}

/// One annotator's files over the open documents, as the backend read them.
#[derive(Debug, Clone, Default)]
pub struct AnnotatorFiles {
    /// One per open document, in the same order; `None`: no file.
    pub annotations: Vec<Option<DocAnnotations>>,
    /// Problems met reading them (`file:line:col: message`).
    pub problems: Vec<String>,
}
