//! Writing an export to disk.

use std::path::{Path, PathBuf};

use super::{Exported, Output};

/// A file of an export that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Writes an export at `out` (the file, or the folder for folder formats)
/// and returns the paths written.
pub fn write_export(out: &Path, exported: &Exported) -> Result<Vec<PathBuf>, WriteError> {
    let write = |path: PathBuf, contents: &str| -> Result<PathBuf, WriteError> {
        let fail = |source| WriteError {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        std::fs::write(&path, contents).map_err(fail)?;
        Ok(path)
    };
    match &exported.output {
        Output::File(contents) => Ok(vec![write(out.to_path_buf(), contents)?]),
        Output::Folder(files) => {
            if let Some((path, why)) = folder_conflict(files.iter().map(|(rel, _)| rel.as_path())) {
                return Err(WriteError {
                    path: out.join(path),
                    source: std::io::Error::other(why),
                });
            }
            files
                .iter()
                .map(|(rel, contents)| write(out.join(rel), contents))
                .collect()
        }
    }
}

/// The first file of a folder export that cannot be written beside the
/// others, and why: a file where another needs a folder of that name
/// (documents `y` and `y.ann/z` in brat: `y.ann` is both), or two files one
/// name on macOS (equal but for case or composition:
/// [`crate::corpus::clash_key`]). Checked before anything is written, so
/// an export is whole or absent: it used to stop half-way with "File
/// exists", its summary unprinted.
fn folder_conflict<'a>(files: impl Iterator<Item = &'a Path> + Clone) -> Option<(PathBuf, String)> {
    let key = |p: &Path| crate::corpus::clash_key(&p.to_string_lossy());
    let mut folders: std::collections::HashMap<String, &Path> = Default::default();
    for f in files.clone() {
        for dir in f.ancestors().skip(1).filter(|d| !d.as_os_str().is_empty()) {
            folders.entry(key(dir)).or_insert(f);
        }
    }
    let mut seen: std::collections::HashMap<String, &Path> = Default::default();
    for f in files {
        if let Some(other) = folders.get(&key(f)) {
            return Some((
                f.to_path_buf(),
                format!(
                    "{} needs a folder of this name; rename one of the documents (nothing was written)",
                    other.display()
                ),
            ));
        }
        if let Some(other) = seen.insert(key(f), f) {
            return Some((
                f.to_path_buf(),
                format!(
                    "{} is the same file on macOS (equal but for case or Unicode composition); rename one of the documents (nothing was written)",
                    other.display()
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_export_that_cannot_be_whole_writes_nothing() {
        let files = |names: &[&str]| -> Vec<(PathBuf, String)> {
            names
                .iter()
                .map(|n| (PathBuf::from(n), String::new()))
                .collect()
        };
        let dir = tempfile::tempdir().unwrap();
        for (names, why) in [
            (
                &["y.txt", "y.ann", "y.ann/z.txt", "y.ann/z.ann"][..],
                "needs a folder",
            ),
            (&["x.TXT/in.txt", "x.txt"][..], "needs a folder"),
            (
                &["caf\u{e9}.txt", "cafe\u{301}.txt"][..],
                "same file on macOS",
            ),
        ] {
            let out = dir.path().join("out");
            let e = Exported {
                output: Output::Folder(files(names)),
                warnings: Vec::new(),
            };
            let err = write_export(&out, &e).expect_err("a conflict");
            assert!(err.to_string().contains(why), "{err}");
            assert!(!out.exists(), "something was written");
        }
        let out = dir.path().join("ok");
        let e = Exported {
            output: Output::Folder(files(&["a.txt", "a.ann", "sub/a.txt", "sub/a.ann"])),
            warnings: Vec::new(),
        };
        assert_eq!(write_export(&out, &e).unwrap().len(), 4);
    }
}
