//! The one writer of an annotator's folder.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::atomic::{clean_temp_files, write_atomic};
use super::load::{Loaded, parse, read};
use super::{AnnotationFile, StoreError, check_annotator, file_path};
use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::schema::Schema;

/// Exclusive write access to `<annotations>/<annotator>/`, held through an
/// advisory lock on its `.lock` file until dropped, so two processes never
/// race on the same files.
#[derive(Debug)]
pub struct Store {
    annotations_dir: PathBuf,
    annotator: String,
    _lock: File,
    cleaned: Vec<PathBuf>,
}

impl Store {
    /// Takes the folder's lock (refused if another process holds it) and
    /// removes temporary files a crash left behind.
    pub fn open(annotations_dir: &Path, annotator: &str) -> Result<Store, StoreError> {
        check_annotator(annotator)?;
        let dir = annotations_dir.join(annotator);
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let lock_path = dir.join(".lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked { path: dir });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::io(&lock_path, e)),
        }
        let cleaned = clean_temp_files(&dir);
        Ok(Store {
            annotations_dir: annotations_dir.to_path_buf(),
            annotator: annotator.to_string(),
            _lock: lock,
            cleaned,
        })
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    pub fn annotations_dir(&self) -> &Path {
        &self.annotations_dir
    }

    /// Temporary files from an interrupted save that opening removed.
    pub fn cleaned(&self) -> &[PathBuf] {
        &self.cleaned
    }

    pub fn path(&self, doc_id: &str) -> PathBuf {
        file_path(&self.annotations_dir, &self.annotator, doc_id)
    }

    /// Reads this annotator's file for `doc` (see [`read`]).
    pub fn load(&self, doc: &Document, schema: &Schema) -> Result<Option<Loaded>, StoreError> {
        read(&self.annotations_dir, &self.annotator, doc, schema)
    }

    /// Saves atomically. Refuses if the file on disk does not load: a broken
    /// file is the user's data and is never overwritten.
    pub fn save(&self, doc: &Document, ann: &DocAnnotations) -> Result<(), StoreError> {
        let path = self.path(&doc.id);
        if path.exists()
            && let Err(e) = parse(&path)
        {
            return Err(StoreError::WouldOverwriteBroken {
                path,
                reason: e.to_string(),
            });
        }
        let file = AnnotationFile::new(&doc.id, doc.text_hash(), &self.annotator, ann);
        let text = file.to_ron().map_err(|e| StoreError::io(&path, e))?;
        write_atomic(&path, text.as_bytes()).map_err(|e| StoreError::io(&path, e))
    }
}
