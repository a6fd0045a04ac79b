//! The time each decision took, on record: one plain-text file per
//! annotator folder (`<annotations>/<annotator>/.kashif-timing.tsv`), one
//! tab-separated line per decision, appended and never rewritten, so a lead
//! can read it with `cut`, a spreadsheet or pandas, and a team can keep it
//! beside the RON files.
//!
//! A line holds: the wall-clock time of the decision (Unix milliseconds,
//! UTC), the document id, what was decided ([`Act`]), the label, the char
//! span (`start`, `end`, end exclusive; both 0 for decisions on the
//! document), and the seconds it took: since the previous decision in the
//! same document session (or since the document was opened), an idle gap
//! capped at [`IDLE_CAP_SECS`] so a coffee break does not count, shared
//! evenly among the records of one command (a bulk accept of ten proposals
//! in four seconds gives each 0.4 s). Lines starting with `#` are comments
//! (the header). A line that does not parse (a write torn by a kill, a hand
//! edit) is reported with its `file:line` and skipped, never fatal.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// The timing file's name inside an annotator's folder (a dot file, so it is
/// never taken for a document's annotations).
pub const TIMING_NAME: &str = ".kashif-timing.tsv";

/// Idle gaps longer than this many seconds count as this many: the time an
/// annotator may plausibly spend reading before one decision.
pub const IDLE_CAP_SECS: f64 = 120.0;

/// The first line of a new timing file: the format and the column names.
pub const HEADER: &str =
    "# kashif timing 1\tunix_ms\tdocument\tdecision\tlabel\tstart\tend\tseconds";

/// What one record says was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Act {
    /// A proposal accepted as proposed, one by one.
    Accept,
    /// A proposal accepted as proposed by a bulk action.
    AcceptBulk,
    /// A proposal accepted under another label.
    CorrectLabel,
    /// A proposal whose boundaries were fixed (it became an entity).
    CorrectBounds,
    /// A proposal whose label and boundaries were changed.
    CorrectBoth,
    /// An entity drawn by hand (mouse or keyboard caret).
    Draw,
    /// Entities made by "annotate all occurrences".
    DrawBulk,
    /// An entity already confirmed given another label.
    Relabel,
    /// An entity already confirmed given other boundaries.
    Resize,
    /// A proposal rejected.
    Reject,
    /// An entity deleted.
    Delete,
    /// The document marked done.
    Done,
    /// A step undone or redone.
    Undo,
    Redo,
}

/// How a confirmed entity came to be, for the shares the review shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Made {
    /// Accepted as the machine proposed it (one by one or in bulk).
    AsProposed,
    /// A proposal corrected (label, boundaries or both) then confirmed.
    Corrected,
    /// Drawn by the annotator.
    Drawn,
}

const ACTS: [(Act, &str); 14] = [
    (Act::Accept, "accept"),
    (Act::AcceptBulk, "accept-bulk"),
    (Act::CorrectLabel, "correct-label"),
    (Act::CorrectBounds, "correct-bounds"),
    (Act::CorrectBoth, "correct-both"),
    (Act::Draw, "draw"),
    (Act::DrawBulk, "draw-bulk"),
    (Act::Relabel, "relabel"),
    (Act::Resize, "resize"),
    (Act::Reject, "reject"),
    (Act::Delete, "delete"),
    (Act::Done, "done"),
    (Act::Undo, "undo"),
    (Act::Redo, "redo"),
];

impl Act {
    /// The word written in the file.
    pub fn name(self) -> &'static str {
        ACTS.iter()
            .find(|(a, _)| *a == self)
            .map_or("?", |(_, n)| n)
    }

    /// The act a word of the file names.
    pub fn parse(s: &str) -> Option<Act> {
        ACTS.iter().find(|(_, n)| *n == s).map(|(a, _)| *a)
    }

    /// Whether this act confirms a new entity, and how it was made; `None`
    /// for acts that only cost time (reject, delete, relabel, done, ...).
    pub fn made(self) -> Option<Made> {
        match self {
            Act::Accept | Act::AcceptBulk => Some(Made::AsProposed),
            Act::CorrectLabel | Act::CorrectBounds | Act::CorrectBoth => Some(Made::Corrected),
            Act::Draw | Act::DrawBulk => Some(Made::Drawn),
            _ => None,
        }
    }
}

/// One decision and the time it took.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingRecord {
    /// When it was decided: milliseconds since 1970-01-01 UTC.
    pub unix_ms: u64,
    pub document: String,
    pub act: Act,
    /// The entity's label (empty for acts on the document).
    pub label: String,
    /// Chars `start..end` of the entity or proposal (0..0 on the document).
    pub start: usize,
    pub end: usize,
    /// Seconds it took (capped idle, shared within one command).
    pub seconds: f64,
}

/// Tabs, newlines and backslashes in a field written as `\t`, `\n`, `\\`,
/// so one record stays one line of seven tab-separated fields.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

impl TimingRecord {
    /// The record as one line of the file, without the newline.
    pub fn to_line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{:.3}",
            self.unix_ms,
            escape(&self.document),
            self.act.name(),
            escape(&self.label),
            self.start,
            self.end,
            self.seconds
        )
    }

    /// Reads one line of the file. Errors say what is wrong with it (the
    /// caller adds the file and line).
    pub fn parse(line: &str) -> Result<TimingRecord, String> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 7 {
            return Err(format!("{} field(s), expected 7", f.len()));
        }
        let num = |i: usize, what: &str| -> Result<u64, String> {
            f[i].parse::<u64>()
                .map_err(|_| format!("{what} {:?} is not a whole number", f[i]))
        };
        let unix_ms = num(0, "time")?;
        let act = Act::parse(f[2]).ok_or_else(|| format!("unknown decision {:?}", f[2]))?;
        let start = num(4, "start")? as usize;
        let end = num(5, "end")? as usize;
        if end < start {
            return Err(format!("end {end} before start {start}"));
        }
        let seconds: f64 = f[6]
            .parse()
            .map_err(|_| format!("seconds {:?} is not a number", f[6]))?;
        if !seconds.is_finite() || seconds < 0.0 {
            return Err(format!("seconds {:?} is not a time", f[6]));
        }
        Ok(TimingRecord {
            unix_ms,
            document: unescape(f[1]),
            act,
            label: unescape(f[3]),
            start,
            end,
            seconds,
        })
    }
}

/// What reading a timing file found.
#[derive(Debug, Clone, Default)]
pub struct TimingFile {
    pub records: Vec<TimingRecord>,
    /// Lines skipped, as `file:line: why`.
    pub problems: Vec<String>,
}

/// The timing file of `annotator` under `annotations_dir`.
pub fn timing_path(annotations_dir: &Path, annotator: &str) -> PathBuf {
    annotations_dir.join(annotator).join(TIMING_NAME)
}

/// Reads a timing file. A missing file has no records; a line that does not
/// parse (a torn last line, a hand edit, bytes that are not UTF-8) is listed
/// in [`TimingFile::problems`] and skipped. Errors: the file exists but
/// cannot be read (named).
pub fn read_timing(path: &Path) -> Result<TimingFile, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(TimingFile::default()),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    Ok(parse_timing(path, &bytes))
}

/// Parses the bytes of a timing file read from `path` (named in problems).
pub fn parse_timing(path: &Path, bytes: &[u8]) -> TimingFile {
    let mut out = TimingFile::default();
    for (n, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let Ok(line) = std::str::from_utf8(raw) else {
            out.problems
                .push(format!("{}:{}: not UTF-8, skipped", path.display(), n + 1));
            continue;
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match TimingRecord::parse(line) {
            Ok(r) => out.records.push(r),
            Err(why) => out
                .problems
                .push(format!("{}:{}: {why}; skipped", path.display(), n + 1)),
        }
    }
    out
}

/// The timing file of one annotator folder, appended to by the writer of
/// the folder. Nothing is created until the first record: a session that
/// decides nothing leaves the folder as it was.
#[derive(Debug)]
pub struct TimingLog {
    path: PathBuf,
    file: Option<File>,
}

impl TimingLog {
    /// The timing file in the annotator folder `dir`; opened (or created,
    /// with [`HEADER`]) at the first [`TimingLog::append`].
    pub fn new(dir: &Path) -> TimingLog {
        TimingLog {
            path: dir.join(TIMING_NAME),
            file: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the file for appending. A last line cut short by a kill is
    /// ended with a newline first, so it stays one bad line (reported by
    /// readers) instead of spoiling the next record.
    fn open(&self) -> Result<File, StoreError> {
        let path = &self.path;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(|e| StoreError::io(path, e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| StoreError::io(path, e))?;
        let start = if bytes.is_empty() {
            format!("{HEADER}\n")
        } else if bytes.last() != Some(&b'\n') {
            "\n".to_string()
        } else {
            String::new()
        };
        if !start.is_empty() {
            file.write_all(start.as_bytes())
                .and_then(|()| file.sync_data())
                .map_err(|e| StoreError::io(path, e))?;
        }
        Ok(file)
    }

    /// Appends the records, one line each, and makes them durable
    /// (`fdatasync`) before returning; the first call opens the file.
    /// Errors name the file (the next call tries again); a failed write may
    /// leave a torn last line, which readers skip and report.
    pub fn append(&mut self, records: &[TimingRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut buf = String::new();
        for r in records {
            buf.push_str(&r.to_line());
            buf.push('\n');
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(self.open()?),
        };
        let r = file
            .write_all(buf.as_bytes())
            .and_then(|()| file.sync_data());
        if r.is_err() {
            // Opened again (its tail ended) at the next append.
            self.file = None;
        }
        r.map_err(|e| StoreError::io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(act: Act) -> TimingRecord {
        TimingRecord {
            unix_ms: 1_765_000_000_000,
            document: "sub/a\tb".into(),
            act,
            label: "LOC".into(),
            start: 3,
            end: 9,
            seconds: 2.5,
        }
    }

    #[test]
    fn a_record_round_trips_through_its_line() {
        for (act, _) in ACTS {
            let r = rec(act);
            let line = r.to_line();
            assert_eq!(line.split('\t').count(), 7, "{line}");
            assert_eq!(TimingRecord::parse(&line).unwrap(), r);
        }
    }

    #[test]
    fn bad_and_torn_lines_are_reported_with_their_line_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = TimingLog::new(dir.path());
        assert!(!log.path().exists(), "nothing is written before a record");
        log.append(&[rec(Act::Accept)]).unwrap();
        drop(log);
        let path = dir.path().join(TIMING_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"1\tx\tfly\tLOC\t1\t2\t3\n");
        bytes.extend_from_slice(b"1765000000000\td\tdraw\tPER\t4\t");
        std::fs::write(&path, &bytes).unwrap();
        // Reopening ends the torn line, so the next record stays whole.
        let mut log = TimingLog::new(dir.path());
        log.append(&[rec(Act::Reject)]).unwrap();
        let read = read_timing(&path).unwrap();
        assert_eq!(read.records.len(), 2);
        assert_eq!(read.records[1].act, Act::Reject);
        assert_eq!(read.problems.len(), 2, "{:?}", read.problems);
        assert!(read.problems[0].contains(":3: unknown decision"));
        assert!(read.problems[1].contains(":4: 6 field(s)"));
        assert!(
            read_timing(&dir.path().join("none"))
                .unwrap()
                .records
                .is_empty()
        );
    }
}
