//! Reading one annotation file: parse, check against the document and the
//! schema, re-anchor what moved, and report every problem with its place.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::positions::{self, Pos};
use super::reanchor::nearest;
use super::{AnnotationFile, FORMAT_VERSION, StoreError, file_path, legacy_file_path};
use crate::annotation::{DocAnnotations, Span};
use crate::corpus::Document;
use crate::schema::Schema;
use crate::text::CharIndex;

/// Errors make `kashif validate` fail; warnings are worth reading but the
/// annotations are whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Something wrong or noteworthy in a file that still loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line and column, where the problem has a place.
    pub line_col: Option<(usize, usize)>,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((l, c)) = self.line_col {
            write!(f, ":{l}:{c}")?;
        }
        if self.severity == Severity::Warning {
            write!(f, ": warning")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A file that loaded, possibly with problems; its annotations are usable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub annotations: DocAnnotations,
    pub problems: Vec<Problem>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Reads `annotator`'s RON file for `doc` alone, without the journal;
/// `None` if there is none yet. Readers use [`super::Reader`] (or
/// [`super::read`]), which replays the journal over this.
pub(crate) fn read_ron(
    annotations_dir: &Path,
    annotator: &str,
    doc: &Document,
    schema: &Schema,
) -> Result<Option<Loaded>, StoreError> {
    let path = file_path(annotations_dir, annotator, &doc.id);
    if path.exists() {
        // This document's name may hold another document's file written
        // under the old rule (`akhbar.2023.ron` for `akhbar.2023.v1`): that
        // file is not this document's.
        if let Some(other) = super::parse_document_field(&path)
            && other != doc.id
            && legacy_file_path(annotations_dir, annotator, &other).as_deref() == Some(&path)
        {
            return Ok(None);
        }
        return read_file(&path, annotator, doc, schema).map(Some);
    }
    // A file written under the old rule (id cut at its last dot) is found
    // when it names this document; opening the store for writing moves it.
    if let Some(old) = legacy_file_path(annotations_dir, annotator, &doc.id)
        && old.exists()
        && let Ok((_, file)) = parse(&old)
        && file.document == doc.id
    {
        let mut loaded = read_file(&old, annotator, doc, schema)?;
        loaded.problems.push(Problem {
            path: old.clone(),
            line_col: None,
            severity: Severity::Warning,
            message: format!(
                "named by the old rule (document id cut at a dot); it belongs at {} and is moved there when {annotator:?}'s annotations are next opened for writing",
                path.display()
            ),
        });
        return Ok(Some(loaded));
    }
    Ok(None)
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Parses a file without checking it against a document: for tools that
/// must tell a broken file from a good one.
pub(crate) fn parse(path: &Path) -> Result<(String, AnnotationFile), StoreError> {
    let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, e))?;
    let src = String::from_utf8(bytes).map_err(|e| {
        let ok = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let ok = String::from_utf8_lossy(ok);
        let line = ok.matches('\n').count() + 1;
        let col = ok.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        StoreError::Parse {
            path: path.to_path_buf(),
            line,
            col,
            message: "not UTF-8".into(),
        }
    })?;
    let parse_error = |e: ron::error::SpannedError| StoreError::Parse {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    };
    // Check the version first: a newer format may not parse as this one.
    if let Ok(v) = ron::from_str::<VersionOnly>(&src)
        && v.version > FORMAT_VERSION
    {
        return Err(StoreError::Version {
            path: path.to_path_buf(),
            found: v.version,
            supported: FORMAT_VERSION,
        });
    }
    let file: AnnotationFile = ron::from_str(&src).map_err(parse_error)?;
    Ok((src, file))
}

/// Reads and checks one RON file against its document and the schema (the
/// file alone: edits still in the journal are not in it; see
/// [`super::Reader`]). Errors name the file, line and column.
pub fn read_file(
    path: &Path,
    annotator: &str,
    doc: &Document,
    schema: &Schema,
) -> Result<Loaded, StoreError> {
    let (src, file) = parse(path)?;
    Ok(check(path, Some(&src), file, annotator, doc, schema))
}

/// Checks one parsed file (from a RON file, whose source `src` gives the
/// places of problems, or from a journal record at `path`) against its
/// document and the schema: the one checker of every way annotations are read.
pub(crate) fn check(
    path: &Path,
    src: Option<&str>,
    file: AnnotationFile,
    annotator: &str,
    doc: &Document,
    schema: &Schema,
) -> Loaded {
    let src = src.unwrap_or("");
    let places = positions::list_elements(src);
    let at = |list: &str, i: usize| places.get(list).and_then(|v| v.get(i)).copied();
    let mut problems = Vec::new();
    let mut report = |pos: Option<Pos>, severity, message: String| {
        problems.push(Problem {
            path: path.to_path_buf(),
            line_col: pos.map(|p| (p.line, p.col)),
            severity,
            message,
        })
    };

    if file.document != doc.id {
        report(
            positions::field(src, "document"),
            Severity::Error,
            format!(
                "names document {:?}, but its path is that of document {:?} (files are named <annotator>/<document id>.ron); move it to the right name or fix the field",
                file.document, doc.id
            ),
        );
    }
    if file.annotator != annotator {
        report(
            positions::field(src, "annotator"),
            Severity::Warning,
            format!(
                "names annotator {:?} but is in {:?}'s folder",
                file.annotator, annotator
            ),
        );
    }
    let changed = file.text_hash != doc.text_hash();
    if changed {
        report(
            positions::field(src, "text_hash"),
            Severity::Warning,
            "the document text changed since this file was written; spans were re-anchored by their text".into(),
        );
    }

    let index = CharIndex::new(&doc.text);
    let text = doc.text.as_str();
    let mut ann = DocAnnotations {
        status: file.status,
        notes: file.notes,
        ..DocAnnotations::default()
    };
    // Rejections move with their text as entities do: one left at its old
    // offsets would cover other words once text is inserted before it, and
    // the name it turned down would be proposed again (found by a tester).
    for (i, mut r) in file.rejected.into_iter().enumerate() {
        if r.text.is_empty() || !changed {
            ann.rejected.push(r);
            continue;
        }
        match place(text, &index, &r.text, r.start, r.end) {
            Placement::Fits => {}
            Placement::Moved(start) => {
                r.end = start + r.text.chars().count();
                r.start = start;
            }
            Placement::Lost(why) => {
                // The name is not in the text any more: nothing is
                // proposed on it there, so the rejection has no place.
                report(
                    at("rejected", i),
                    Severity::Warning,
                    format!("rejection {} {:?}: {why}; dropped", r.label, r.text),
                );
                continue;
            }
        }
        if !ann.rejected.contains(&r) {
            ann.rejected.push(r);
        }
    }
    for (i, mut span) in file.entities.into_iter().enumerate() {
        let pos = at("entities", i);
        if !schema.contains(&span.label) {
            report(
                pos,
                Severity::Error,
                format!("label {:?} is not in the label schema", span.label),
            );
        }
        let moved = match place(text, &index, &span.text, span.start, span.end) {
            Placement::Fits => false,
            Placement::Moved(start) => {
                if !changed {
                    // The text did not change, so the file itself is wrong.
                    report(
                        pos,
                        Severity::Error,
                        format!(
                            "{} {}..{}: text {:?} is not there; re-anchored at {}",
                            span.label, span.start, span.end, span.text, start
                        ),
                    );
                }
                span.end = start + span.text.chars().count();
                span.start = start;
                true
            }
            Placement::Lost(why) => {
                report(
                    pos,
                    Severity::Error,
                    format!(
                        "{} {}..{} {:?}: {why}; kept as detached",
                        span.label, span.start, span.end, span.text
                    ),
                );
                ann.detached.push(span);
                continue;
            }
        };
        if moved && ann.entities.iter().any(|s: &Span| s.same_entity(&span)) {
            // Its text is found only where an entity already is: merging
            // the two would lose this one (and its origin) without a word.
            report(
                pos,
                Severity::Error,
                format!(
                    "{} {:?}: re-anchoring it lands on an entity already there ({}..{}); kept as detached",
                    span.label, span.text, span.start, span.end
                ),
            );
            ann.detached.push(span);
            continue;
        }
        if ann.entities.iter().any(|s: &Span| s.same_entity(&span)) {
            report(
                pos,
                Severity::Warning,
                format!(
                    "{} {}..{} is listed twice; kept once",
                    span.label, span.start, span.end
                ),
            );
            continue;
        }
        ann.entities.push(span);
    }
    for (i, span) in file.detached.into_iter().enumerate() {
        report(
            at("detached", i),
            Severity::Error,
            format!(
                "{} {:?} is detached (its place in the text was lost); place or delete it",
                span.label, span.text
            ),
        );
        ann.detached.push(span);
    }
    for (i, mut p) in file.proposals.into_iter().enumerate() {
        match place(text, &index, &p.text, p.start, p.end) {
            Placement::Fits => {}
            Placement::Moved(start) => {
                p.end = start + p.text.chars().count();
                p.start = start;
            }
            Placement::Lost(why) => {
                report(
                    at("proposals", i),
                    Severity::Warning,
                    format!("proposal {} {:?}: {why}; dropped", p.label, p.text),
                );
                continue;
            }
        }
        // A machine suggestion listed twice carries nothing new.
        if ann.find_proposal(&p).is_none() {
            ann.proposals.push(p);
        }
    }
    ann.normalize_order();
    Loaded {
        annotations: ann,
        problems,
    }
}

enum Placement {
    Fits,
    Moved(usize),
    Lost(String),
}

/// Whether `covered` is at `start..end`, else where it is nearest.
fn place(text: &str, index: &CharIndex, covered: &str, start: usize, end: usize) -> Placement {
    if start >= end {
        return Placement::Lost(format!("empty or reversed range {start}..{end}"));
    }
    if index.slice(text, start, end) == Some(covered) {
        return Placement::Fits;
    }
    match nearest(text, index, covered, start) {
        Some(s) => Placement::Moved(s),
        None if covered.is_empty() => Placement::Lost("no covered text recorded".into()),
        None => Placement::Lost("its text is not in the document".into()),
    }
}
