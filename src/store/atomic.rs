//! Atomic file replacement: a reader (or a crash) sees the old file or the new
//! one, never half of one.

use std::collections::HashSet;
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

/// How [`write_group`] puts each file in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Replace whatever is at the path (annotation files).
    Replace,
    /// Create the file; a file already at the path (even one that appeared
    /// meanwhile) is left alone and the write fails with `AlreadyExists`
    /// (new corpus texts).
    CreateNew,
}

/// How many temporary files [`write_group`] holds open at once: well under
/// the 1,024 descriptors a desktop session usually allows a process, and
/// under what a process keeps open besides (fonts, the lock, logs).
pub const GROUP_OPEN_FILES: usize = 32;

/// From how many files [`write_group`] flushes the file system once (Linux
/// `syncfs`) instead of each file: below it, a few flushes cost less than
/// writing out whatever else the file system holds.
pub const SYNC_FILESYSTEM_FROM: usize = 64;

/// Creates the temporary file for `path` and writes `contents` to it; its
/// folder is made the first time, then remembered in `folders` (a group's files
/// share a few folders: one `mkdir` each, not one a file). On an error
/// nothing is left behind.
fn write_temp<'a>(
    path: &'a Path,
    contents: &[u8],
    folders: &mut HashSet<&'a Path>,
) -> std::io::Result<(PathBuf, File)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = temp_path(path);
    let made = (|| {
        if !folders.contains(&dir) {
            fs::create_dir_all(dir)?;
            folders.insert(dir);
        }
        let mut f = File::create(&tmp)?;
        f.write_all(contents)?;
        Ok(f)
    })();
    if made.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    made.map(|f| (tmp, f))
}

/// Flushes the whole file system holding `dir` to disk (Linux `syncfs`,
/// which reports write-back errors since Linux 5.8); false where it could
/// not, so the caller flushes file by file.
fn sync_filesystem(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let Ok(d) = File::open(dir) else {
            return false;
        };
        // SAFETY: `d` is an open descriptor for the call's whole length.
        unsafe { libc::syncfs(d.as_raw_fd()) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        false
    }
}

/// Writes many files with one group commit: every temporary file written,
/// then every one flushed to disk, then each renamed (or linked, for
/// [`Place::CreateNew`]) over its path, then each folder flushed once. A
/// reader or a crash sees each file whole, old or new, never half of one;
/// no temporary file stays behind. Much faster than [`write_atomic`] per
/// file for thousands of files (one pass of flushes, one per folder). From
/// [`SYNC_FILESYSTEM_FROM`] files on Linux the flush is one `syncfs` per
/// folder; otherwise at most [`GROUP_OPEN_FILES`] files are open at a time,
/// each batch written and flushed before the next. Nothing is renamed
/// before all are flushed.
///
/// Returns one result per file, in order.
///
/// # Errors
/// Per file: the error writing, flushing or placing it (the file is then
/// left as it was). A file failing does not stop the others.
pub fn write_group(files: &[(&Path, &[u8], Place)]) -> Vec<std::io::Result<()>> {
    let mut results: Vec<std::io::Result<()>> = Vec::with_capacity(files.len());
    let mut written: Vec<Option<PathBuf>> = Vec::with_capacity(files.len());
    let mut folders: HashSet<&Path> = HashSet::new();
    if files.len() >= SYNC_FILESYSTEM_FROM && cfg!(target_os = "linux") {
        // 1. write every temporary file and close it; 2. flush them all
        // with one `syncfs` per folder: 20,000 documents' 40,000 files
        // took 11.7-18.8 s with a flush each (half of it in fsync), where
        // one flush of the file system writes them out in one sweep.
        for &(path, contents, _) in files {
            match write_temp(path, contents, &mut folders) {
                Ok((tmp, f)) => {
                    drop(f);
                    written.push(Some(tmp));
                    results.push(Ok(()));
                }
                Err(e) => {
                    written.push(None);
                    results.push(Err(e));
                }
            }
        }
        let mut synced: Vec<(&Path, bool)> = Vec::new();
        for ((&(path, _, _), slot), r) in
            files.iter().zip(written.iter_mut()).zip(results.iter_mut())
        {
            let Some(tmp) = slot else {
                continue;
            };
            let dir = path.parent().unwrap_or(Path::new("."));
            let whole = match synced.iter().find(|(d, _)| *d == dir) {
                Some(&(_, ok)) => ok,
                None => {
                    let ok = sync_filesystem(dir);
                    synced.push((dir, ok));
                    ok
                }
            };
            // Where the file system could not be flushed whole, each file
            // is flushed on its own.
            if !whole && let Err(e) = File::open(&*tmp).and_then(|f| f.sync_all()) {
                let _ = fs::remove_file(&*tmp);
                *r = Err(e);
                *slot = None;
            }
        }
    } else {
        // 1. write every temporary file and 2. flush them all, a batch of
        // at most `GROUP_OPEN_FILES` open at a time: holding every file
        // open until its flush ran out of descriptors (20,000 documents
        // imported under a limit of 20,000 lost 6; a desktop's usual 1,024
        // would lose most).
        for batch in files.chunks(GROUP_OPEN_FILES) {
            let mut open: Vec<Option<(PathBuf, File)>> = Vec::with_capacity(batch.len());
            let first = results.len();
            for &(path, contents, _) in batch {
                match write_temp(path, contents, &mut folders) {
                    Ok(made) => {
                        open.push(Some(made));
                        results.push(Ok(()));
                    }
                    Err(e) => {
                        open.push(None);
                        results.push(Err(e));
                    }
                }
            }
            for (slot, r) in open.into_iter().zip(results[first..].iter_mut()) {
                let Some((tmp, f)) = slot else {
                    written.push(None);
                    continue;
                };
                match f.sync_all() {
                    Ok(()) => written.push(Some(tmp)),
                    Err(e) => {
                        let _ = fs::remove_file(&tmp);
                        *r = Err(e);
                        written.push(None);
                    }
                }
            }
        }
    }
    // 3. put each in place
    let mut dirs: Vec<&Path> = Vec::new();
    for ((&(path, _, place), slot), r) in files.iter().zip(written).zip(results.iter_mut()) {
        let Some(tmp) = slot else {
            continue;
        };
        let placed = match place {
            Place::Replace => fs::rename(&tmp, path),
            // A link fails where a file exists: never replaces one.
            Place::CreateNew => fs::hard_link(&tmp, path).and_then(|_| fs::remove_file(&tmp)),
        };
        if let Err(e) = placed {
            let _ = fs::remove_file(&tmp);
            *r = Err(e);
            continue;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    // 4. flush each folder once (not every platform can open one)
    for dir in dirs {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    results
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
    fn a_group_commit_places_every_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        let (a, b, c) = (
            dir.path().join("a.ron"),
            sub.join("b.txt"),
            dir.path().join("c.txt"),
        );
        fs::write(&a, "old").unwrap();
        fs::write(&c, "user's").unwrap();
        let r = write_group(&[
            (&a, b"new a", Place::Replace),
            (&b, b"new b", Place::CreateNew),
            (&c, b"never", Place::CreateNew),
        ]);
        assert!(r[0].is_ok() && r[1].is_ok());
        let e = r[2].as_ref().unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&a).unwrap(), b"new a");
        assert_eq!(fs::read(&b).unwrap(), b"new b");
        assert_eq!(fs::read(&c).unwrap(), b"user's");
        // no temporary file anywhere
        assert!(clean_temp_files(dir.path()).is_empty());
        let names = |d: &Path| {
            let mut v: Vec<String> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(dir.path()), ["a.ron", "c.txt", "sub"]);
        assert_eq!(names(&sub), ["b.txt"]);
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

    /// Both ways of flushing: batches of open files (fewer files than
    /// `SYNC_FILESYSTEM_FROM`, more than one batch) and one flush of the
    /// file system (more): every file placed whole, none left behind.
    #[test]
    fn a_group_commit_of_many_files_places_each() {
        for n in [GROUP_OPEN_FILES + 5, SYNC_FILESYSTEM_FROM + 5] {
            let dir = tempfile::tempdir().unwrap();
            let paths: Vec<PathBuf> = (0..n)
                .map(|i| {
                    dir.path()
                        .join(format!("d{}", i % 3))
                        .join(format!("{i}.txt"))
                })
                .collect();
            let bodies: Vec<String> = (0..n).map(|i| format!("file {i}")).collect();
            let files: Vec<(&Path, &[u8], Place)> = paths
                .iter()
                .zip(&bodies)
                .map(|(p, b)| (p.as_path(), b.as_bytes(), Place::CreateNew))
                .collect();
            let r = write_group(&files);
            assert!(r.iter().all(|r| r.is_ok()), "{n}: {r:?}");
            for (p, b) in paths.iter().zip(&bodies) {
                assert_eq!(fs::read_to_string(p).unwrap(), *b);
            }
            assert!(clean_temp_files(dir.path()).is_empty());
        }
    }
}
