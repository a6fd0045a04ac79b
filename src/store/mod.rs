//! The RON store: one file per document per annotator, saved atomically,
//! validated on load, re-anchored when the document changed.
//!
//! Layout: `<annotations>/<annotator>/<document id>.ron`, so a team can share
//! the folder in git without merge conflicts.

mod atomic;
mod file;
mod journal;
mod load;
mod lock;
mod positions;
mod reanchor;

pub use file::{AnnotationFile, FORMAT_VERSION};
pub use journal::{JOURNAL_NAME, Journal, Replay};
pub use load::{Loaded, Problem, Severity, read, read_file};
pub use lock::Store;

use std::path::{Path, PathBuf};

/// Why annotations could not be read or written. A file in error is never
/// overwritten, moved or deleted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}:{line}:{col}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{path}: format version {found} is newer than this Kashif reads ({supported})")]
    Version {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(
        "{path}: another Kashif process is writing these annotations (lock held); close it first"
    )]
    Locked { path: PathBuf },
    #[error("annotator name {name:?} is not usable as a folder name")]
    BadAnnotator { name: String },
    #[error("{path}: the file on disk does not load ({reason}); refusing to overwrite it")]
    WouldOverwriteBroken { path: PathBuf, reason: String },
}

impl StoreError {
    pub(crate) fn io(path: &Path, e: impl std::fmt::Display) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}

/// The file holding `annotator`'s annotations of document `doc_id`.
pub fn file_path(annotations_dir: &Path, annotator: &str, doc_id: &str) -> PathBuf {
    let mut p = annotations_dir.join(annotator);
    for part in doc_id.split('/') {
        p.push(part);
    }
    p.set_extension("ron");
    p
}

/// Checks that an annotator name is a plain folder name.
pub fn check_annotator(name: &str) -> Result<(), StoreError> {
    let ok = !name.trim().is_empty()
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadAnnotator {
            name: name.to_string(),
        })
    }
}

/// Annotators with a folder under `annotations_dir`, sorted.
pub fn annotators(annotations_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(annotations_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| check_annotator(n).is_ok())
        .collect();
    names.sort();
    names
}

/// Every `.ron` file under one annotator's folder, with the document id it
/// names, sorted by id. Temporary files left by a crash are skipped.
pub fn annotation_files(annotator_dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    collect(annotator_dir, annotator_dir, &mut out);
    out.sort();
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|x| x == "ron") {
            out.push((crate::corpus::doc_id(root, &path), path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_path_follows_the_document_id() {
        let p = file_path(Path::new("ann"), "amina", "sub/article");
        assert_eq!(p, Path::new("ann/amina/sub/article.ron"));
    }

    #[test]
    fn annotator_names_must_be_plain() {
        assert!(check_annotator("amina").is_ok());
        assert!(check_annotator("ليلى").is_ok());
        for bad in ["", " ", "../x", "a/b", ".hidden"] {
            assert!(check_annotator(bad).is_err(), "{bad:?}");
        }
    }
}
