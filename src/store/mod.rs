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
mod reader;
mod reanchor;
pub mod timing;

pub use atomic::{Place, clean_stale_temp_files, is_temp_name, write_atomic, write_group};
pub use file::{AnnotationFile, FORMAT_VERSION};
pub use journal::{Damage, JOURNAL_NAME, Journal, Replay};
pub use load::{Loaded, Problem, Severity, read_file};
pub use lock::{Folded, LOCK_GRACE, Migration, Store, parse_document_field};
pub use reader::{Reader, read};
pub use timing::{
    Act, IDLE_CAP_SECS, Made, TIMING_NAME, TimingFile, TimingLog, TimingRecord, read_timing,
    timing_path,
};

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
    #[error(
        "{existing}: annotator {name:?} differs from this folder's name only in case or Unicode composition (one folder on macOS, and on Windows where case differs); use {folder:?}, or rename the folder"
    )]
    AnnotatorClash {
        name: String,
        folder: String,
        existing: PathBuf,
    },
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

/// The file holding `annotator`'s annotations of document `doc_id`:
/// `<annotations>/<annotator>/<doc_id>.ron`, the whole id kept (dots, spaces,
/// Arabic names; `/` makes subfolders), so two documents never share a file.
/// `.ron` is appended, never put in place of what follows a dot: the id
/// `akhbar.2023.v1` gets `akhbar.2023.v1.ron`.
pub fn file_path(annotations_dir: &Path, annotator: &str, doc_id: &str) -> PathBuf {
    let mut p = annotations_dir.join(annotator);
    let mut parts = doc_id.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_some() {
            p.push(part);
        } else {
            p.push(format!("{part}.ron"));
        }
    }
    p
}

/// Where versions before the fix of issue 14 wrote `doc_id`'s file: the
/// extension put in place of the last dot's suffix (`akhbar.2023.v1` →
/// `akhbar.2023.ron`), so dotted ids could share a file. `None` when that is
/// the same path as [`file_path`] (ids without a dot in their last part).
pub fn legacy_file_path(annotations_dir: &Path, annotator: &str, doc_id: &str) -> Option<PathBuf> {
    let mut p = annotations_dir.join(annotator);
    for part in doc_id.split('/') {
        p.push(part);
    }
    p.set_extension("ron");
    (p != file_path(annotations_dir, annotator, doc_id)).then_some(p)
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

/// The folder under `annotations_dir` whose name differs from `annotator`
/// only in case or Unicode composition ([`crate::corpus::clash_key`]),
/// when `annotator` has no folder of its own: writing there would make a
/// second folder that macOS merges with it.
pub fn clashing_annotator_folder(annotations_dir: &Path, annotator: &str) -> Option<String> {
    if annotations_dir.join(annotator).is_dir() {
        return None;
    }
    let key = crate::corpus::clash_key(annotator);
    std::fs::read_dir(annotations_dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .find(|n| n != annotator && crate::corpus::clash_key(n) == key)
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

/// What is wrong with the annotator folders under `annotations_dir`, one
/// line each naming the folders: names that are not UTF-8 (no annotator can
/// be named by them, so they are never read), and names equal but for case
/// (`Amina`, `amina`) or Unicode composition (`آمنة` written with U+0622 or
/// with ا + U+0653: [`crate::corpus::clash_key`]), which are one folder on
/// macOS checkouts (and on Windows where case differs) and so would mix two
/// annotators' files there.
pub fn annotator_folder_problems(annotations_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(annotations_dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut by_case: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for e in entries.filter_map(|e| e.ok()) {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        match e.file_name().into_string() {
            Ok(name) if check_annotator(&name).is_ok() => by_case
                .entry(crate::corpus::clash_key(&name))
                .or_default()
                .push(name),
            Ok(_) => {}
            Err(raw) => out.push(format!(
                "{}: annotator folder name {raw:?} is not UTF-8, so it is never read; rename it",
                e.path().display()
            )),
        }
    }
    for mut names in by_case.into_values().filter(|n| n.len() > 1) {
        names.sort();
        let paths: Vec<String> = names
            .iter()
            .map(|n| annotations_dir.join(n).display().to_string())
            .collect();
        out.push(format!(
            "{}: annotator folders whose names differ only in case or Unicode composition ({}); they are one folder on macOS (and on Windows where case differs): merge or rename them",
            paths.join(", "),
            names.join(", ")
        ));
    }
    out
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
    fn dotted_spaced_and_arabic_ids_keep_every_part() {
        let f = |id| file_path(Path::new("ann"), "a", id);
        assert_eq!(f("akhbar.2023.v1"), Path::new("ann/a/akhbar.2023.v1.ron"));
        assert_ne!(f("akhbar.2023.v1"), f("akhbar.2023.v2"));
        assert_ne!(f("akhbar.2023.v1"), f("akhbar.2023"));
        assert_eq!(
            f("esp.train-doc-100"),
            Path::new("ann/a/esp.train-doc-100.ron")
        );
        assert_eq!(f("أخبار 2023.١"), Path::new("ann/a/أخبار 2023.١.ron"));
        assert_eq!(f("sub.d/x.y"), Path::new("ann/a/sub.d/x.y.ron"));
        // The file path gives the id back (corpus::doc_id drops one extension).
        for id in ["akhbar.2023.v1", "sub.d/x.y", "أخبار 2023.١", "plain"] {
            let root = Path::new("ann/a");
            assert_eq!(crate::corpus::doc_id(root, &f(id)), id);
        }
        assert_eq!(
            legacy_file_path(Path::new("ann"), "a", "akhbar.2023.v1"),
            Some(Path::new("ann/a/akhbar.2023.ron").to_path_buf())
        );
        assert_eq!(legacy_file_path(Path::new("ann"), "a", "sub.d/plain"), None);
    }

    #[test]
    fn annotator_folders_equal_but_for_case_are_reported_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["Amina", "amina", "layla"] {
            std::fs::create_dir(dir.path().join(n)).unwrap();
        }
        let p = annotator_folder_problems(dir.path());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("Amina") && p[0].contains("amina") && !p[0].contains("layla"));
        std::fs::remove_dir(dir.path().join("Amina")).unwrap();
        assert!(annotator_folder_problems(dir.path()).is_empty());
        // opening a store for a name that differs only in case is refused
        std::fs::create_dir(dir.path().join("Amina")).unwrap();
        std::fs::remove_dir(dir.path().join("amina")).unwrap();
        assert_eq!(
            clashing_annotator_folder(dir.path(), "amina").as_deref(),
            Some("Amina")
        );
        assert_eq!(clashing_annotator_folder(dir.path(), "Amina"), None);
        assert!(matches!(
            Store::open(dir.path(), "amina"),
            Err(StoreError::AnnotatorClash { folder, .. }) if folder == "Amina"
        ));
        assert!(!dir.path().join("amina").exists());
        // one name composed and decomposed (one folder on macOS)
        for n in ["zo\u{e9}", "zoe\u{301}"] {
            std::fs::create_dir(dir.path().join(n)).unwrap();
        }
        let p = annotator_folder_problems(dir.path());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("zo\u{e9}") && p[0].contains("zoe\u{301}"),
            "{p:?}"
        );
        std::fs::remove_dir(dir.path().join("zoe\u{301}")).unwrap();
        assert!(matches!(
            Store::open(dir.path(), "zoe\u{301}"),
            Err(StoreError::AnnotatorClash { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn annotator_folders_not_utf8_are_reported() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"\xc3\xe1\xed\xe4\xc9");
        std::fs::create_dir(dir.path().join(name)).unwrap();
        let p = annotator_folder_problems(dir.path());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("not UTF-8"), "{p:?}");
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
