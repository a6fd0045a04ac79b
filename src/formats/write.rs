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
        Output::Folder(files) => files
            .iter()
            .map(|(rel, contents)| write(out.join(rel), contents))
            .collect(),
    }
}
