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
        let (replay, valid) = parse(&bytes);
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
    pub fn clear(&mut self) -> Result<(), StoreError> {
        if self.len == 0 {
            return Ok(());
        }
        self.file
            .set_len(0)
            .and_then(|()| self.file.seek(SeekFrom::Start(0)).map(|_| ()))
            .and_then(|()| self.file.sync_data())
            .map_err(|e| StoreError::io(&self.path, e))?;
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

/// The complete records of `bytes` and the length of that valid prefix.
pub(crate) fn parse(bytes: &[u8]) -> (Replay, u64) {
    let mut replay = Replay::default();
    let mut at = 0usize;
    while bytes.len() - at >= HEADER {
        let len = u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let crc = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
        let start = at + HEADER;
        let Some(end) = start
            .checked_add(len as usize)
            .filter(|&e| e <= bytes.len())
        else {
            break;
        };
        let payload = &bytes[start..end];
        if len > MAX_RECORD || crc32fast::hash(payload) != crc {
            break;
        }
        let Some(file) = std::str::from_utf8(payload)
            .ok()
            .and_then(|s| ron::from_str::<AnnotationFile>(s).ok())
        else {
            break;
        };
        replay.files.retain(|f| f.document != file.document);
        replay.files.push(file);
        replay.records += 1;
        at = end;
    }
    replay.torn_bytes = (bytes.len() - at) as u64;
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
