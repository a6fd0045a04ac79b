//! Atomic file replacement: a reader (or a crash) sees the old file or the new
//! one, never half of one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Temporary files start with this, so loaders skip them and the next writer
/// cleans them up.
pub const TEMP_PREFIX: &str = ".kashif-tmp.";

/// The temporary file used while replacing `path`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{TEMP_PREFIX}{}.{name}", std::process::id()))
}

/// Writes `contents` to a temporary file in the same folder, flushes it to
/// disk, renames it over `path`, and syncs the folder so the rename survives
/// a power cut.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Not every platform can open a folder for syncing; the rename is done.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes temporary files a crashed writer left under `dir` (recursively).
/// Only the one writer holding the folder's lock may call this.
pub fn clean_temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return removed;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            removed.extend(clean_temp_files(&path));
        } else if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            && fs::remove_file(&path).is_ok()
        {
            removed.push(path);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn cleaning_removes_only_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let keep = dir.path().join("sub/a.ron");
        fs::write(&keep, "x").unwrap();
        let tmp = temp_path(&keep);
        fs::write(&tmp, "half").unwrap();
        assert_eq!(clean_temp_files(dir.path()), vec![tmp]);
        assert!(keep.exists());
    }
}
