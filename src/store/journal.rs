//! The edit journal: one append-only file per annotator folder
//! (`<annotations>/<annotator>/.kashif-journal`) that makes every edit
//! durable within milliseconds, before the RON files are rewritten.
//!
//! Each record is the whole state of one document after an edit, framed as
//! `length (u32 LE) · CRC-32 of the payload (u32 LE) · payload`, the payload
//! being the document's [`AnnotationFile`] as compact RON. Appends are
//! followed by `fdatasync`. Reading stops at the first record that is short
//! or whose checksum fails — a write torn by a kill — and that tail is cut
//! off before anything new is appended. The newest record of a document
//! wins. Once every document in the journal has been written to its RON file
//! (atomically, see `Store::save`), the journal is emptied, so it holds at
//! most the edits of one autosave interval.
//!
//! A journal that stops being readable *before* its end is not a torn write
//! but damage (a record whose checksum fails with more bytes after it, a
//! length no record has, a record that checks but does not read as
//! annotations, a file overwritten by something else): the records before it
//! are replayed, nothing after it is, and the writer first keeps the whole
//! file aside as `.kashif-journal.damaged-<UTC time>` (never deleted) and
//! says so, naming the file and the byte ([`Damage`]); readers refuse to
//! read past it rather than show the annotations without those edits.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{AnnotationFile, StoreError};

/// The journal's file name inside an annotator's folder (a dot file, so it
/// is never taken for a document's annotations).
pub const JOURNAL_NAME: &str = ".kashif-journal";
const HEADER: usize = 8;
/// A record longer than this is taken as garbage (a document's annotations
/// run to a few MB at most).
const MAX_RECORD: u32 = 256 << 20;

/// What reading the journal found.
#[derive(Debug, Default)]
pub struct Replay {
    /// The newest state of each document, in the order last written.
    pub files: Vec<AnnotationFile>,
    /// Complete records read.
    pub records: usize,
    /// Bytes dropped after the last complete record (a torn write), if any.
    pub torn_bytes: u64,
    /// Damage before the end of the journal (not a torn write), if any:
    /// the records after it are not replayed.
    pub damage: Option<Damage>,
}

/// A journal unreadable from some byte on, for a reason a write cut short
/// by a crash cannot explain. Kept so the user is told where and why, and
/// where the whole file was kept: edits after that byte may be lost to the
/// RON files, and only a person can judge the bytes kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The journal.
    pub journal: PathBuf,
    /// The byte where the unreadable part starts.
    pub offset: u64,
    /// The journal's length.
    pub len: u64,
    /// Complete records before `offset` (replayed).
    pub records: usize,
    /// What is wrong at `offset`.
    pub why: String,
    /// Where the whole damaged journal was copied before the live one was
    /// cut back (set by the writer that kept it aside).
    pub kept: Option<PathBuf>,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: the edit journal is damaged at byte {} of {} ({}), which no crash explains: the {} complete record(s) before it were replayed, the {} byte(s) from there on were not",
            self.journal.display(),
            self.offset,
            self.len,
            self.why,
            self.records,
            self.len - self.offset
        )?;
        match &self.kept {
            Some(k) => write!(
                f,
                "; the whole journal is kept as {} (nothing deleted): edits after that byte may be missing from the annotations, check the documents you edited last",
                k.display()
            ),
            None => write!(f, "; nothing was changed"),
        }
    }
}

/// The name a damaged journal is kept under: `.kashif-journal.damaged-`
/// and the UTC time, so it says what it is and when it was found.
const DAMAGED_PREFIX: &str = ".kashif-journal.damaged-";

/// Copies the whole damaged journal at `path` (its `bytes`) beside it
/// under a name that says so, never over another file, durably (before
/// the live journal is cut back). Returns the copy's path.
pub(crate) fn keep_aside(path: &Path, bytes: &[u8]) -> Result<PathBuf, StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = utc_stamp(secs);
    let mut n = 1;
    let kept = loop {
        let name = if n == 1 {
            format!("{DAMAGED_PREFIX}{stamp}")
        } else {
            format!("{DAMAGED_PREFIX}{stamp}-{n}")
        };
        let p = dir.join(name);
        if !p.exists() {
            break p;
        }
        n += 1;
    };
    super::atomic::write_atomic(&kept, bytes).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        reason: format!(
            "the edit journal is damaged and could not be kept aside as {} ({e}); nothing was changed: copy the journal somewhere safe, free space or fix permissions, and open again",
            kept.display()
        ),
    })?;
    Ok(kept)
}

/// `YYYYMMDDTHHMMSSZ` for Unix seconds `secs` (UTC).
fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The open journal of the folder whose writer lock the caller holds.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    len: u64,
}

impl Journal {
    /// Opens (or creates) the journal in `dir`, reads every complete record
    /// and cuts off a torn tail. Only the holder of the folder's lock may
    /// call this. Errors name the file.
    pub fn open(dir: &Path) -> Result<(Journal, Replay), StoreError> {
        let path = dir.join(JOURNAL_NAME);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| StoreError::io(&path, e))?;
        let (mut replay, valid) = parse(&path, &bytes);
        // Damage is kept aside whole before the live journal is cut back.
        if let Some(d) = &mut replay.damage {
            d.kept = Some(keep_aside(&path, &bytes)?);
        }
        if valid < bytes.len() as u64 {
            file.set_len(valid)
                .and_then(|()| file.sync_data())
                .map_err(|e| StoreError::io(&path, e))?;
        }
        file.seek(SeekFrom::Start(valid))
            .map_err(|e| StoreError::io(&path, e))?;
        Ok((
            Journal {
                path,
                file,
                len: valid,
            },
            replay,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes in the journal now.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one record per file and makes them durable (`fdatasync`)
    /// before returning. On an error the journal is cut back to where it
    /// was, so no half record stays in front of later ones.
    pub fn append(&mut self, files: &[AnnotationFile]) -> Result<(), StoreError> {
        let buf = encode(&self.path, files)?;
        let r = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data());
        match r {
            Ok(()) => {
                self.len += buf.len() as u64;
                Ok(())
            }
            Err(e) => {
                let _ = self.file.set_len(self.len);
                let _ = self.file.seek(SeekFrom::Start(self.len));
                Err(StoreError::io(&self.path, e))
            }
        }
    }

    /// Empties the journal: every record in it is in the RON files now.
    ///
    /// An empty file is put in its place (written, flushed, renamed over
    /// it, the folder flushed), not the file cut in place: a reader beside
    /// the workbench (`kashif export`, `validate`) that has the journal open
    /// reads all of it, or opens the empty one. Cut in place under a reader,
    /// the reader got the journal's first part, whose older records it read
    /// over newer RON files: `workflow_soak` saw a document's state of
    /// hundreds of edits before on disk, now and then (2026-12-07).
    pub fn clear(&mut self) -> Result<(), StoreError> {
        if self.len == 0 {
            return Ok(());
        }
        if !cfg!(unix) {
            // A file open elsewhere cannot be renamed over on Windows.
            self.file
                .set_len(0)
                .and_then(|()| self.file.seek(SeekFrom::Start(0)).map(|_| ()))
                .and_then(|()| self.file.sync_data())
                .map_err(|e| StoreError::io(&self.path, e))?;
            self.len = 0;
            return Ok(());
        }
        let tmp = super::atomic::temp_path(&self.path);
        let io = |e: std::io::Error| StoreError::io(&self.path, e);
        let fresh = (|| {
            let f = OpenOptions::new()
                .create(true)
                .truncate(true)
                .read(true)
                .write(true)
                .open(&tmp)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            Ok(f)
        })();
        let file = match fresh {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(io(e));
            }
        };
        if let Some(dir) = self.path.parent()
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        self.file = file;
        self.len = 0;
        Ok(())
    }
}

/// The records of `files`, framed as the journal holds them; errors name
/// the journal at `path`.
pub(crate) fn encode(path: &Path, files: &[AnnotationFile]) -> Result<Vec<u8>, StoreError> {
    let mut buf = Vec::new();
    for f in files {
        let payload = ron::to_string(f).map_err(|e| StoreError::io(path, e))?;
        let payload = payload.as_bytes();
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|&n| n <= MAX_RECORD)
            .ok_or_else(|| StoreError::io(path, "record too large"))?;
        buf.extend_from_slice(&len.to_le_bytes());
        buf.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        buf.extend_from_slice(payload);
    }
    Ok(buf)
}

/// The complete records of the journal at `path` (its `bytes`) and the
/// length of that valid prefix. What follows the prefix is a torn write
/// (counted in [`Replay::torn_bytes`]) when a crash explains it: a header
/// or record running past the end, a last record whose checksum fails, or
/// zeros (a file grown before its data reached the disk); anything else is
/// [`Replay::damage`].
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> (Replay, u64) {
    let mut replay = Replay::default();
    let mut at = 0usize;
    let mut damage: Option<String> = None;
    while bytes.len() - at >= HEADER {
        let len = u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let crc = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
        let start = at + HEADER;
        if len > MAX_RECORD {
            damage = Some(format!(
                "a record length of {len} bytes, more than any record has"
            ));
            break;
        }
        let Some(end) = start
            .checked_add(len as usize)
            .filter(|&e| e <= bytes.len())
        else {
            break;
        };
        let payload = &bytes[start..end];
        if crc32fast::hash(payload) != crc {
            if end < bytes.len() {
                damage = Some(format!(
                    "the checksum of the {len}-byte record there fails, and {} byte(s) follow it",
                    bytes.len() - end
                ));
            }
            break;
        }
        let file = match std::str::from_utf8(payload) {
            Err(e) => Err(format!("not UTF-8 ({e})")),
            Ok(s) => ron::from_str::<AnnotationFile>(s).map_err(|e| e.to_string()),
        };
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                damage = Some(format!(
                    "a record whose checksum is right but which does not read as annotations: {e}"
                ));
                break;
            }
        };
        replay.files.retain(|f| f.document != file.document);
        replay.files.push(file);
        replay.records += 1;
        at = end;
    }
    let zeros = bytes[at..].iter().all(|&b| b == 0);
    match damage {
        Some(why) if !zeros => {
            replay.damage = Some(Damage {
                journal: path.to_path_buf(),
                offset: at as u64,
                len: bytes.len() as u64,
                records: replay.records,
                why,
                kept: None,
            });
        }
        _ => replay.torn_bytes = (bytes.len() - at) as u64,
    }
    (replay, at as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{DocAnnotations, Status};

    fn file(doc: &str, status: Status) -> AnnotationFile {
        let ann = DocAnnotations {
            status,
            ..Default::default()
        };
        AnnotationFile::new(doc, "h".into(), "a", &ann)
    }

    #[test]
    fn records_come_back_newest_per_document() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut j, r) = Journal::open(dir.path()).unwrap();
            assert_eq!(r.records, 0);
            j.append(&[file("x", Status::InProgress)]).unwrap();
            j.append(&[file("y", Status::InProgress), file("x", Status::Done)])
                .unwrap();
        }
        let (j, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.records, 3);
        assert_eq!(r.torn_bytes, 0);
        let got: Vec<(&str, Status)> = r
            .files
            .iter()
            .map(|f| (f.document.as_str(), f.status))
            .collect();
        assert_eq!(got, vec![("y", Status::InProgress), ("x", Status::Done)]);
        assert!(!j.is_empty());
    }

    /// A reader that opened the journal before it was emptied reads all of
    /// it (its newest records too), and the journal goes on from empty.
    #[cfg(unix)]
    #[test]
    fn emptying_leaves_an_open_reader_the_whole_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        let (mut j, _) = Journal::open(dir.path()).unwrap();
        j.append(&[file("x", Status::InProgress)]).unwrap();
        j.append(&[file("x", Status::Done)]).unwrap();
        let whole = std::fs::read(&path).unwrap();
        let mut reader = File::open(&path).unwrap();
        j.clear().unwrap();
        let mut seen = Vec::new();
        reader.read_to_end(&mut seen).unwrap();
        assert_eq!(seen, whole, "the reader lost the journal's end");
        let (r, _) = parse(&path, &seen);
        assert_eq!(r.files.last().map(|f| f.status), Some(Status::Done));
        // emptied for the next reader; appends go to the new file
        assert_eq!(std::fs::read(&path).unwrap().len(), 0);
        j.append(&[file("y", Status::InProgress)]).unwrap();
        let (r, _) = parse(&path, &std::fs::read(&path).unwrap());
        assert_eq!(r.records, 1);
        assert!(
            std::fs::read_dir(dir.path()).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".kashif-tmp")),
            "a temporary file was left"
        );
    }

    #[test]
    fn a_torn_last_record_is_ignored_and_cut_off_at_every_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        {
            let (mut j, _) = Journal::open(dir.path()).unwrap();
            j.append(&[file("x", Status::InProgress)]).unwrap();
        }
        let one = std::fs::read(&path).unwrap();
        {
            let (mut j, _) = Journal::open(dir.path()).unwrap();
            j.append(&[file("x", Status::Done)]).unwrap();
        }
        let two = std::fs::read(&path).unwrap();
        // Every cut inside the second record leaves the first one.
        for cut in one.len()..two.len() {
            std::fs::write(&path, &two[..cut]).unwrap();
            let (mut j, r) = Journal::open(dir.path()).unwrap();
            assert_eq!(r.records, 1, "cut at {cut}");
            assert_eq!(r.files[0].status, Status::InProgress);
            assert_eq!(r.torn_bytes, (cut - one.len()) as u64);
            assert_eq!(std::fs::read(&path).unwrap(), one, "tail cut off");
            // and appending after the cut reads back
            j.append(&[file("z", Status::Done)]).unwrap();
            drop(j);
            let (_, r) = Journal::open(dir.path()).unwrap();
            assert_eq!(r.records, 2);
            std::fs::write(&path, &one).unwrap();
        }
        // A flipped byte in the payload fails the checksum.
        let mut bad = two.clone();
        let last = bad.len() - 3;
        bad[last] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.records, 1);
    }

    /// The damaged copies kept beside the journal in `dir`.
    fn kept(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(DAMAGED_PREFIX))
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn damage_before_the_end_is_kept_aside_never_replayed_nor_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        {
            let (mut j, _) = Journal::open(dir.path()).unwrap();
            j.append(&[file("x", Status::InProgress)]).unwrap();
            j.append(&[file("y", Status::Done)]).unwrap();
            j.append(&[file("z", Status::Done)]).unwrap();
        }
        let good = std::fs::read(&path).unwrap();
        let first = HEADER + u32::from_le_bytes([good[0], good[1], good[2], good[3]]) as usize;
        // A byte flipped inside the second record, with a third after it:
        // not a torn write. x is replayed; y and z are not, and are kept.
        let mut bad = good.clone();
        bad[first + HEADER + 5] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        let (mut j, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.records, 1);
        assert_eq!(r.files[0].document, "x");
        assert_eq!(r.torn_bytes, 0);
        let d = r.damage.clone().expect("damage reported");
        assert_eq!(d.offset, first as u64);
        assert_eq!(d.len, bad.len() as u64);
        assert!(d.why.contains("checksum"), "{}", d.why);
        let aside = kept(dir.path());
        assert_eq!(aside.len(), 1);
        assert_eq!(d.kept.as_deref(), Some(aside[0].as_path()));
        // The whole damaged file, byte for byte.
        assert_eq!(std::fs::read(&aside[0]).unwrap(), bad);
        let m = d.to_string();
        assert!(
            m.contains(&format!(
                "{}: the edit journal is damaged at byte {first}",
                path.display()
            )) && m.contains(&aside[0].display().to_string())
                && m.contains("nothing deleted"),
            "{m}"
        );
        // The live journal goes on from the good prefix.
        j.append(&[file("w", Status::Done)]).unwrap();
        drop(j);
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert!(r.damage.is_none());
        assert_eq!(r.records, 2);
        // A second damaged journal never overwrites the first copy.
        std::fs::write(&path, &bad).unwrap();
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert!(r.damage.is_some());
        assert_eq!(kept(dir.path()).len(), 2);
    }

    #[test]
    fn garbage_is_damage_and_zeros_are_a_torn_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        // Text where a journal was: no record at all.
        let garbage = b"this is not a journal\nat all\n".to_vec();
        std::fs::write(&path, &garbage).unwrap();
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.records, 0);
        let d = r.damage.expect("garbage is damage");
        assert_eq!(d.offset, 0);
        assert!(d.why.contains("record length"), "{}", d.why);
        assert_eq!(std::fs::read(d.kept.unwrap()).unwrap(), garbage);
        // A record whose checksum is right but which is not annotations.
        let payload = b"(not: \"an annotation file\")";
        let mut rec = (payload.len() as u32).to_le_bytes().to_vec();
        rec.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        rec.extend_from_slice(payload);
        std::fs::write(&path, &rec).unwrap();
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert!(
            r.damage
                .is_some_and(|d| d.why.contains("does not read as annotations")),
        );
        // Zeros after the last record: the file grew before its data
        // reached the disk, a crash explains it: torn, nothing kept.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        {
            let (mut j, _) = Journal::open(dir.path()).unwrap();
            j.append(&[file("x", Status::Done)]).unwrap();
        }
        let mut b = std::fs::read(&path).unwrap();
        b.extend_from_slice(&[0; 300]);
        std::fs::write(&path, &b).unwrap();
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert!(r.damage.is_none());
        assert_eq!((r.records, r.torn_bytes), (1, 300));
        assert!(kept(dir.path()).is_empty());
    }

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_767_225_600 + 3_661), "20260101T010101Z");
    }

    #[test]
    fn clearing_empties_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = Journal::open(dir.path()).unwrap();
        j.append(&[file("x", Status::Done)]).unwrap();
        j.clear().unwrap();
        assert!(j.is_empty());
        j.append(&[file("y", Status::Done)]).unwrap();
        drop(j);
        let (_, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.records, 1);
        assert_eq!(r.files[0].document, "y");
    }
}
