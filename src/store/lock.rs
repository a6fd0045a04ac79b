//! The one writer of an annotator's folder.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::atomic::{Place, clean_temp_files, write_atomic, write_group};
use super::load::{Loaded, parse, read_ron};
use super::{
    AnnotationFile, JOURNAL_NAME, StoreError, annotation_files, check_annotator, file_path,
    legacy_file_path,
};
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
    migrated: Vec<Migration>,
    folded: Folded,
}

/// What opening a store did with edits a killed workbench left in the
/// journal: each document's newest record was written to its RON file
/// (atomically) before anything else could write there, so a writer (the
/// workbench, import, propose, adjudication) always starts from every edit
/// the annotator made, and readers never see a journal record older than
/// a file written after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    /// Documents whose RON file was brought up to date from the journal.
    pub written: Vec<String>,
    /// Documents whose record stays in the journal, and why: their RON
    /// file does not load, or holds another document (never overwritten).
    pub kept: Vec<(String, String)>,
    /// Bytes of a record cut short by a crash, dropped (never shown as saved).
    pub torn_bytes: u64,
    /// Damage in the journal that no crash explains: the records before it
    /// were folded, the whole file kept aside first (see
    /// [`super::journal::Damage`]); to be told to the user.
    pub damage: Option<super::journal::Damage>,
}

/// What opening a store did about a file named by the rule before issue 14
/// (the document id cut at its last dot: `akhbar.2023.v1` in
/// `akhbar.2023.ron`), or about a file whose `document` field names another
/// document than its path. Nothing is ever deleted or overwritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Migration {
    /// Renamed from the old name to the right one.
    Moved {
        document: String,
        from: PathBuf,
        to: PathBuf,
    },
    /// Old name, but the right name is taken too; both left as they are.
    Conflict {
        document: String,
        from: PathBuf,
        to: PathBuf,
    },
    /// The file names a document its path does not belong to, and the old
    /// rule does not explain it; left as it is (validate reports it).
    Mismatch { document: String, path: PathBuf },
}

impl std::fmt::Display for Migration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Migration::Moved { document, from, to } => write!(
                f,
                "{}: annotations of {document:?} were under the old name (cut at a dot); moved to {}",
                from.display(),
                to.display()
            ),
            Migration::Conflict { document, from, to } => write!(
                f,
                "{}: annotations of {document:?} under the old name (cut at a dot), but {} exists too; both left as they are, merge them by hand",
                from.display(),
                to.display()
            ),
            Migration::Mismatch { document, path } => write!(
                f,
                "{}: names document {document:?}, which is not the document of this path; left as it is",
                path.display()
            ),
        }
    }
}

/// The `document` field of an annotation file, read without parsing the
/// whole file when the usual layout allows (opening a store scans them all).
pub fn parse_document_field(path: &Path) -> Option<String> {
    let src = std::fs::read_to_string(path).ok()?;
    for line in src.lines().take(8) {
        if let Some(rest) = line.trim_start().strip_prefix("document:") {
            let value = rest.trim().trim_end_matches(',');
            if let Ok(s) = ron::from_str::<String>(value) {
                return Some(s);
            }
        }
    }
    parse(path).ok().map(|(_, f)| f.document)
}

/// Moves files written under the old naming rule to their right name (see
/// [`Migration`]). Runs under the folder's lock.
fn migrate(annotations_dir: &Path, annotator: &str) -> Vec<Migration> {
    let mut out = Vec::new();
    for (id, path) in annotation_files(&annotations_dir.join(annotator)) {
        let Some(document) = parse_document_field(&path) else {
            continue; // a broken file: validate reports it, nothing moves it
        };
        if document == id {
            continue;
        }
        let to = file_path(annotations_dir, annotator, &document);
        if legacy_file_path(annotations_dir, annotator, &document).as_deref() != Some(&path) {
            out.push(Migration::Mismatch { document, path });
            continue;
        }
        if to.exists() {
            out.push(Migration::Conflict {
                document,
                from: path,
                to,
            });
            continue;
        }
        let moved = to
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::rename(&path, &to));
        match moved {
            Ok(()) => out.push(Migration::Moved {
                document,
                from: path,
                to,
            }),
            Err(_) => out.push(Migration::Conflict {
                document,
                from: path,
                to,
            }),
        }
    }
    out
}

/// Writes each document's newest journal record to its RON file and
/// leaves in the journal only the records that could not be written (see
/// [`Folded`]). Runs under the folder's lock. Errors name the file.
fn fold_journal(annotations_dir: &Path, annotator: &str) -> Result<Folded, StoreError> {
    let journal = annotations_dir.join(annotator).join(JOURNAL_NAME);
    let bytes = match std::fs::read(&journal) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Folded::default()),
        Err(e) => return Err(StoreError::io(&journal, e)),
    };
    if bytes.is_empty() {
        return Ok(Folded::default());
    }
    let (mut replay, _) = super::journal::parse(&journal, &bytes);
    // Kept aside whole before the journal is rewritten without it.
    if let Some(d) = &mut replay.damage {
        d.kept = Some(super::journal::keep_aside(&journal, &bytes)?);
    }
    let mut folded = Folded {
        torn_bytes: replay.torn_bytes,
        damage: replay.damage.clone(),
        ..Folded::default()
    };
    let mut remaining = Vec::new();
    for record in replay.files {
        let path = file_path(annotations_dir, annotator, &record.document);
        if path.exists() {
            match parse(&path) {
                Err(e) => {
                    folded.kept.push((record.document.clone(), e.to_string()));
                    remaining.push(record);
                    continue;
                }
                Ok((_, on_disk)) if on_disk.document != record.document => {
                    folded.kept.push((
                        record.document.clone(),
                        format!(
                            "{}: holds the annotations of document {:?}",
                            path.display(),
                            on_disk.document
                        ),
                    ));
                    remaining.push(record);
                    continue;
                }
                // Already written before the crash.
                Ok((_, on_disk)) if on_disk == record => continue,
                Ok(_) => {}
            }
        }
        let text = record.to_ron().map_err(|e| StoreError::io(&path, e))?;
        write_atomic(&path, text.as_bytes()).map_err(|e| StoreError::io(&path, e))?;
        folded.written.push(record.document);
    }
    let rest = super::journal::encode(&journal, &remaining)?;
    write_atomic(&journal, &rest).map_err(|e| StoreError::io(&journal, e))?;
    Ok(folded)
}

/// How long [`Store::open`] tries again a lock another process holds
/// before refusing: long enough for a killed process to be torn down.
pub const LOCK_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

impl Store {
    /// Takes the folder's lock (refused if another process holds it for
    /// longer than [`LOCK_GRACE`]),
    /// removes temporary files a crash left behind, moves files named by
    /// the old rule, and writes the edits a killed workbench left in the
    /// journal to their RON files ([`Store::folded`]).
    pub fn open(annotations_dir: &Path, annotator: &str) -> Result<Store, StoreError> {
        check_annotator(annotator)?;
        if let Some(folder) = super::clashing_annotator_folder(annotations_dir, annotator) {
            return Err(StoreError::AnnotatorClash {
                name: annotator.to_string(),
                existing: annotations_dir.join(&folder),
                folder,
            });
        }
        let dir = annotations_dir.join(annotator);
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let lock_path = dir.join(".lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        // A workbench killed a moment ago holds its lock until the system
        // has torn it down (0.1–2 s for one killed with SIGKILL, measured
        // 2026-12-06: a restart right after the crash came up read-only):
        // a lock held is tried again for a short while before refusing.
        let waited = std::time::Instant::now();
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if waited.elapsed() < LOCK_GRACE => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked { path: dir });
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StoreError::io(&lock_path, e));
                }
            }
        }
        let cleaned = clean_temp_files(&dir);
        let migrated = migrate(annotations_dir, annotator);
        let folded = fold_journal(annotations_dir, annotator)?;
        Ok(Store {
            annotations_dir: annotations_dir.to_path_buf(),
            annotator: annotator.to_string(),
            _lock: lock,
            cleaned,
            migrated,
            folded,
        })
    }

    /// What opening did with the journal a crash left (see [`Folded`]).
    pub fn folded(&self) -> &Folded {
        &self.folded
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

    /// Files under the old naming rule that opening moved, or could not.
    pub fn migrated(&self) -> &[Migration] {
        &self.migrated
    }

    pub fn path(&self, doc_id: &str) -> PathBuf {
        file_path(&self.annotations_dir, &self.annotator, doc_id)
    }

    /// Reads this annotator's RON file for `doc` alone, without the
    /// journal: for the writer, which replays the journal itself (readers
    /// use [`super::Reader`]).
    pub fn load(&self, doc: &Document, schema: &Schema) -> Result<Option<Loaded>, StoreError> {
        read_ron(&self.annotations_dir, &self.annotator, doc, schema)
    }

    /// Saves atomically. Refuses if the file on disk does not load: a broken
    /// file is the user's data and is never overwritten.
    pub fn save(&self, doc: &Document, ann: &DocAnnotations) -> Result<(), StoreError> {
        let (path, text) = self.prepare(doc, ann)?;
        write_atomic(&path, text.as_bytes()).map_err(|e| StoreError::io(&path, e))
    }

    /// Saves many documents' annotations with one group commit (see
    /// [`super::write_group`]): what an import of thousands of documents
    /// uses. Each file is refused as [`Store::save`] refuses it; one result
    /// per document, in order.
    ///
    /// # Errors
    /// Per document, as [`Store::save`].
    pub fn save_many(&self, docs: &[(&Document, &DocAnnotations)]) -> Vec<Result<(), StoreError>> {
        let prepared: Vec<Result<(PathBuf, String), StoreError>> =
            docs.iter().map(|(d, a)| self.prepare(d, a)).collect();
        let group: Vec<(&Path, &[u8], Place)> = prepared
            .iter()
            .flatten()
            .map(|(p, t)| (p.as_path(), t.as_bytes(), Place::Replace))
            .collect();
        let mut written = write_group(&group).into_iter();
        prepared
            .iter()
            .map(|r| match r {
                Err(e) => Err(e.clone()),
                Ok((path, _)) => match written.next() {
                    Some(Ok(())) => Ok(()),
                    Some(Err(e)) => Err(StoreError::io(path, e)),
                    None => Err(StoreError::io(path, std::io::Error::other("not written"))),
                },
            })
            .collect()
    }

    /// The path and RON text of `doc`'s file holding `ann`, refused if the
    /// file on disk does not load or holds another document.
    fn prepare(
        &self,
        doc: &Document,
        ann: &DocAnnotations,
    ) -> Result<(PathBuf, String), StoreError> {
        let path = self.path(&doc.id);
        if path.exists()
            && let Err(e) = parse(&path)
        {
            return Err(StoreError::WouldOverwriteBroken {
                path,
                reason: e.to_string(),
            });
        }
        // Another document's file left under this name by the old naming
        // rule (its right name was taken, so it was not moved).
        if path.exists()
            && let Some(other) = parse_document_field(&path)
            && other != doc.id
        {
            return Err(StoreError::WouldOverwriteBroken {
                path,
                reason: format!("it holds the annotations of document {other:?}"),
            });
        }
        let file = AnnotationFile::new(&doc.id, doc.text_hash(), &self.annotator, ann);
        let text = file.to_ron().map_err(|e| StoreError::io(&path, e))?;
        Ok((path, text))
    }
}
