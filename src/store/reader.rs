//! The one read path: an annotator's RON files with the edit journal
//! replayed over them, read-only.
//!
//! The workbench makes each edit durable in the journal first and folds it
//! into the RON files a moment later (see [`super::Journal`]); a crash, or a
//! workbench still running, leaves edits in the journal only. Every reader
//! of an annotator's annotations (export, eval, agree, stats, validate,
//! train, propose's memory, the workbench's review and its own start) goes
//! through [`Reader`], so each sees every edit the annotator made.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::load::{Loaded, Problem, Severity, check, read_ron};
use super::{AnnotationFile, JOURNAL_NAME, Replay, StoreError, check_annotator, journal};
use crate::corpus::Document;
use crate::schema::Schema;

/// One annotator's annotations as they stand: RON files, and over them the
/// newest journal record of each document (the journal is never older than
/// a RON file, see [`super::Journal`]).
///
/// Opening reads the journal once and never writes anything, so it is safe
/// while a workbench holds the folder's lock and appends to the journal:
/// the journal is read before any RON file, and a record read is at least
/// as new as the RON file it replaces.
#[derive(Debug)]
pub struct Reader {
    annotations_dir: PathBuf,
    annotator: String,
    journal_path: PathBuf,
    records: HashMap<String, AnnotationFile>,
    torn_bytes: u64,
}

impl Reader {
    /// Reads `annotator`'s journal (`<annotations>/<annotator>/.kashif-journal`;
    /// none is an empty one). A journal that exists but cannot be read, or
    /// is damaged before its end (not a torn write), is an error naming it,
    /// the byte and how to recover, rather than a silent read of the RON
    /// files without its edits.
    pub fn open(annotations_dir: &Path, annotator: &str) -> Result<Reader, StoreError> {
        check_annotator(annotator)?;
        let journal_path = annotations_dir.join(annotator).join(JOURNAL_NAME);
        let bytes = match std::fs::read(&journal_path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(StoreError::Io {
                    path: journal_path,
                    reason: format!(
                        "cannot read the edit journal ({e}), so edits not yet in the RON files would be missed; make it readable, or open the workbench as {annotator:?} to fold it into the RON files"
                    ),
                });
            }
        };
        let (replay, _) = journal::parse(&journal_path, &bytes);
        // Reading past damage would show the annotations without edits
        // the journal may hold; a reader cannot keep the file aside (the
        // workbench may be writing it), so it says what to do.
        if let Some(d) = &replay.damage {
            return Err(StoreError::Io {
                path: journal_path.clone(),
                reason: format!(
                    "the edit journal is damaged at byte {} of {} ({}), which no crash explains, so edits not yet in the RON files may be missing; nothing was read or changed. Open the workbench as {annotator:?} (or run kashif import or propose as {annotator:?}): it replays the {} record(s) before that byte, keeps the whole journal aside as {}<UTC time> and says so",
                    d.offset,
                    d.len,
                    d.why,
                    d.records,
                    journal_path
                        .with_file_name(".kashif-journal.damaged-")
                        .display()
                ),
            });
        }
        Ok(Reader::with_replay(annotations_dir, annotator, replay))
    }

    /// A reader over a journal already read (by the writer that holds the
    /// folder's lock and opened it with [`super::Journal::open`]).
    pub fn with_replay(annotations_dir: &Path, annotator: &str, replay: Replay) -> Reader {
        Reader {
            annotations_dir: annotations_dir.to_path_buf(),
            annotator: annotator.to_string(),
            journal_path: annotations_dir.join(annotator).join(JOURNAL_NAME),
            torn_bytes: replay.torn_bytes,
            records: replay
                .files
                .into_iter()
                .map(|f| (f.document.clone(), f))
                .collect(),
        }
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    /// The journal this reader replayed.
    pub fn journal_path(&self) -> &Path {
        &self.journal_path
    }

    /// Bytes after the journal's last complete record (a write cut short by
    /// a crash; that edit was never shown as saved). Ignored.
    pub fn torn_bytes(&self) -> u64 {
        self.torn_bytes
    }

    /// Ids of the documents with edits in the journal, sorted.
    pub fn journaled(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.records.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// Whether the journal holds an edit of `doc_id`.
    pub fn has_journaled(&self, doc_id: &str) -> bool {
        self.records.contains_key(doc_id)
    }

    /// `annotator`'s annotations of `doc`: its RON file, replaced by the
    /// journal's newest record of the document when there is one (checked
    /// the same way; re-anchored if the text changed since), with a warning
    /// naming the journal when the two differ. `None` when neither has the
    /// document. A RON file that does not load is an error even when the
    /// journal has a newer record: the workbench keeps such a document
    /// read-only and never writes the record over it.
    pub fn read(&self, doc: &Document, schema: &Schema) -> Result<Option<Loaded>, StoreError> {
        let (mut loaded, unsaved) = self.read_replayed(doc, schema)?;
        if unsaved && let Some(l) = &mut loaded {
            l.problems.push(Problem {
                path: self.journal_path.clone(),
                line_col: None,
                severity: Severity::Warning,
                message: format!(
                    "edits of {:?} not yet in its RON file (the workbench was killed, or is still running); read from the journal. They are written to the file when the folder is next opened for writing (the workbench, import, propose)",
                    doc.id
                ),
            });
        }
        Ok(loaded)
    }

    /// As [`Reader::read`], without the warning, and whether the journal
    /// holds edits the RON file lacks: for the writer holding the lock,
    /// which folds them into the file.
    pub fn read_replayed(
        &self,
        doc: &Document,
        schema: &Schema,
    ) -> Result<(Option<Loaded>, bool), StoreError> {
        let ron = read_ron(&self.annotations_dir, &self.annotator, doc, schema)?;
        let Some(record) = self.records.get(&doc.id) else {
            return Ok((ron, false));
        };
        let loaded = check(
            &self.journal_path,
            None,
            record.clone(),
            &self.annotator,
            doc,
            schema,
        );
        let unsaved = ron.as_ref().map(|l| &l.annotations) != Some(&loaded.annotations);
        Ok((Some(loaded), unsaved))
    }
}

/// Reads `annotator`'s annotations of one document through a [`Reader`]
/// (journal included). Reading many documents, open one `Reader` and call
/// [`Reader::read`] for each: this reads the journal at every call.
pub fn read(
    annotations_dir: &Path,
    annotator: &str,
    doc: &Document,
    schema: &Schema,
) -> Result<Option<Loaded>, StoreError> {
    Reader::open(annotations_dir, annotator)?.read(doc, schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{DocAnnotations, Span, Status};
    use crate::store::{Journal, Store};

    fn doc() -> Document {
        Document {
            id: "d".into(),
            text: "زار الرئيس أرمينيا".into(),
            path: "d.txt".into(),
        }
    }

    #[test]
    fn journaled_edits_are_read_over_the_ron_file_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Schema::builtin();
        let d = doc();
        let store = Store::open(dir.path(), "a").unwrap();
        store.save(&d, &DocAnnotations::default()).unwrap();
        let ron_before = std::fs::read(store.path("d")).unwrap();
        let (mut journal, _) = Journal::open(&dir.path().join("a")).unwrap();
        let mut ann = DocAnnotations {
            status: Status::Done,
            ..Default::default()
        };
        ann.entities
            .push(Span::manual_with_text(11, 18, "LOC", "أرمينيا"));
        journal
            .append(&[AnnotationFile::new("d", d.text_hash(), "a", &ann)])
            .unwrap();
        let journal_before = std::fs::read(journal.path()).unwrap();
        // The writer still holds the lock: reading takes none and writes nothing.
        let r = Reader::open(dir.path(), "a").unwrap();
        assert_eq!(r.journaled(), ["d"]);
        let loaded = r.read(&d, &schema).unwrap().unwrap();
        assert_eq!(loaded.annotations.entities.len(), 1);
        assert_eq!(loaded.annotations.status, Status::Done);
        assert!(
            loaded
                .problems
                .iter()
                .any(|p| p.to_string().contains(".kashif-journal"))
        );
        let via_read = read(dir.path(), "a", &d, &schema).unwrap().unwrap();
        assert_eq!(via_read.annotations, loaded.annotations);
        assert_eq!(std::fs::read(store.path("d")).unwrap(), ron_before);
        assert_eq!(std::fs::read(journal.path()).unwrap(), journal_before);
    }

    #[test]
    fn a_writer_opening_the_folder_writes_the_journal_to_the_files_first() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Schema::builtin();
        let d = doc();
        let mut ann = DocAnnotations::default();
        ann.entities
            .push(Span::manual_with_text(11, 18, "LOC", "أرمينيا"));
        {
            // A workbench killed with an edit in the journal only.
            let _store = Store::open(dir.path(), "a").unwrap();
            let (mut journal, _) = Journal::open(&dir.path().join("a")).unwrap();
            journal
                .append(&[
                    AnnotationFile::new("d", d.text_hash(), "a", &ann),
                    AnnotationFile::new("gone", "h".into(), "a", &ann),
                ])
                .unwrap();
        }
        // A broken file of another document keeps its record in the journal.
        let broken = crate::store::file_path(dir.path(), "a", "gone");
        std::fs::write(&broken, "(oops").unwrap();
        let store = Store::open(dir.path(), "a").unwrap();
        assert_eq!(store.folded().written, ["d"]);
        assert_eq!(store.folded().kept.len(), 1);
        assert_eq!(store.folded().kept[0].0, "gone");
        assert_eq!(std::fs::read_to_string(&broken).unwrap(), "(oops");
        let on_disk = store.load(&d, &schema).unwrap().unwrap();
        assert_eq!(on_disk.annotations.entities.len(), 1);
        let r = Reader::open(dir.path(), "a").unwrap();
        assert_eq!(r.journaled(), ["gone"]);
        assert!(!r.read_replayed(&d, &schema).unwrap().1);
    }

    #[test]
    fn an_unreadable_journal_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the journal should be: it exists but cannot be read.
        std::fs::create_dir_all(dir.path().join("a").join(JOURNAL_NAME)).unwrap();
        let e = Reader::open(dir.path(), "a").unwrap_err().to_string();
        assert!(
            e.contains(".kashif-journal") && e.contains("workbench"),
            "{e}"
        );
        assert!(read(dir.path(), "a", &doc(), &Schema::builtin()).is_err());
    }
}
