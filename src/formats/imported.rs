//! What an import yields, and turning a file's offsets into checked spans.
//!
//! Readers of the formats only collect raw records ([`RawDoc`], [`RawSpan`]:
//! offsets as the file counts them, the text the file says each span covers
//! when it says one). [`build`] then decides how the file counts (chars or
//! UTF-16 units, CRLF as one char or two: the [`Reading`] under which the
//! records fit the text best), places every span, and reports every record it
//! skips or changes as an [`Issue`]. One bad record never sinks a file, and no
//! span is ever stored shifted.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::annotation::{Origin, Proposal, Rejected, Source, Span};
use crate::text::CharIndex;

/// How a file counts its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffsetUnit {
    /// Unicode scalars, as Python slices strings (Kashif, brat, spaCy).
    #[default]
    Chars,
    /// UTF-16 code units, as JavaScript counts (Label Studio, doccano's editor).
    Utf16,
}

impl OffsetUnit {
    pub fn describe(self) -> &'static str {
        match self {
            OffsetUnit::Chars => "chars",
            OffsetUnit::Utf16 => "UTF-16 units",
        }
    }
}

/// Choices for reading a file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The unit the file counts offsets in; `None` detects it from the
    /// records (the unit under which they fit the text), which is what
    /// `--offsets` overrides.
    pub offsets: Option<OffsetUnit>,
    /// Labels that may appear (after renaming); `None` accepts any label.
    pub labels: Option<Vec<String>>,
    /// Labels of the file to write under another name (`PERS` → `PER` for
    /// ANERcorp), applied before the check against `labels`.
    pub renames: Vec<(String, String)>,
    /// Unknown labels are imported as they are (the caller adds them to the
    /// schema) instead of being skipped.
    pub admit_unknown: bool,
    /// CoNLL: the column that holds the tag (`--tag-column`); `None` lets the
    /// reader decide from the file, and refuse when it cannot (several
    /// columns, no known layout).
    pub tag_column: Option<TagColumn>,
    /// Hugging Face rows: the name of each integer tag, by index (`--labels
    /// O,B-PER,...`); `None` looks for a `dataset_info.json` next to the file.
    pub tag_names: Option<Vec<String>>,
    /// The encoding of the files (`--encoding windows-1256`, any WHATWG
    /// label); `None` reads UTF-8, and UTF-16 when the file starts with its
    /// BOM, and refuses anything else naming the likely encoding.
    pub encoding: Option<String>,
}

/// Which column of a CoNLL line holds the tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagColumn {
    /// The last column of each line (ANERcorp, CoNLL-2002/2003 layouts).
    Last,
    /// Column N, 1-based (the token is column 1).
    Nth(usize),
    /// Every column after the token, one nesting level each (Wojood nested).
    Every,
}

impl TagColumn {
    /// Reads `last`, `all` (or `every`) or a column number from 2 up.
    ///
    /// # Errors
    /// A message naming the accepted values.
    pub fn parse(s: &str) -> Result<TagColumn, String> {
        match s {
            "last" => Ok(TagColumn::Last),
            "all" | "every" => Ok(TagColumn::Every),
            _ => match s.parse::<usize>() {
                Ok(n) if n >= 2 => Ok(TagColumn::Nth(n)),
                _ => Err(format!(
                    "--tag-column {s:?}: expected a column number from 2 (the token is column 1), `last`, or `all` (every column after the token, one nesting level each)"
                )),
            },
        }
    }
}

/// Well-known spellings of the schema's labels in other corpora, used only
/// when the file's label is not in the schema and the alias target is:
/// ANERcorp's `PERS`, OntoNotes-style `PERSON`, and spelled-out names. `GPE`
/// and the like are not mapped: they are not the same category.
const ALIASES: &[(&str, &str)] = &[
    ("PERS", "PER"),
    ("PERSON", "PER"),
    ("LOCATION", "LOC"),
    ("ORGANIZATION", "ORG"),
    ("ORGANISATION", "ORG"),
    ("MISCELLANEOUS", "MISC"),
];

impl ImportOptions {
    pub fn with_labels(labels: impl IntoIterator<Item = String>) -> ImportOptions {
        ImportOptions {
            labels: Some(labels.into_iter().collect()),
            ..ImportOptions::default()
        }
    }

    /// The name a file's label is imported under: `--rename` first, then a
    /// well-known alias when the label is not in the schema.
    pub fn rename<'a>(&'a self, label: &'a str) -> &'a str {
        if let Some((_, to)) = self.renames.iter().find(|(from, _)| from == label) {
            return to;
        }
        if let Some(known) = &self.labels
            && !known.iter().any(|l| l == label)
            && let Some((_, to)) = ALIASES
                .iter()
                .find(|(from, to)| *from == label && known.iter().any(|l| l == to))
        {
            return to;
        }
        label
    }

    fn known(&self, label: &str) -> bool {
        self.admit_unknown
            || self
                .labels
                .as_ref()
                .is_none_or(|k| k.iter().any(|l| l == label))
    }
}

/// What happened to a record that did not come in exactly as the file has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IssueKind {
    /// Not imported.
    Skipped,
    /// Imported, changed (merged fragments, trimmed space, a tag read as O...).
    Changed,
    /// Imported as it is, but worth a look (an edge inside a word, a shape).
    Note,
}

impl IssueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::Skipped => "skipped",
            IssueKind::Changed => "changed",
            IssueKind::Note => "note",
        }
    }
}

/// One record skipped or changed, or a note, with its place: file, line
/// (1-based; 0 for the whole file) and a record id (`T4`, `task 2, region
/// x`) when the format has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub path: PathBuf,
    pub line: usize,
    pub place: String,
    pub kind: IssueKind,
    pub message: String,
    /// What the summary counts this under (`unknown label "GPE"`,
    /// `Prodigy reject answers`), when it is one of many alike.
    pub tally: Option<String>,
    /// How many records this issue stands for in that count (1, or the
    /// number of records a file-level note sums up).
    pub count: usize,
}

impl Issue {
    pub fn new(path: &Path, line: usize, place: &str, kind: IssueKind, message: String) -> Issue {
        Issue {
            path: path.to_path_buf(),
            line,
            place: place.to_string(),
            kind,
            message,
            tally: None,
            count: 1,
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.place.is_empty() {
            write!(f, ": {}", self.place)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One document read from a file: its id when the file names one, its text
/// as the corpus would decode it, its entities (origin `Imported`), and what
/// the file says beyond gold: pending proposals (Label Studio predictions)
/// and rejected spans (Prodigy `reject` answers).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDoc {
    pub id: Option<String>,
    pub text: String,
    /// Sorted by [`Span::key`], without exact duplicates.
    pub spans: Vec<Span>,
    pub proposals: Vec<Proposal>,
    pub rejected: Vec<Rejected>,
    /// Whose annotations these are when the file names several annotators
    /// (Label Studio's `completed_by`); `None`: the importing annotator.
    pub annotator: Option<String>,
    /// Whether the file gives this document's gold (a completed annotation,
    /// an accepted answer); `false` when it only has predictions or
    /// rejections, so the document is not marked done.
    pub gold: bool,
    /// Entity records the file had for this document, and how many of them
    /// were skipped: a document whose every record was skipped is not
    /// written (it would look annotated with nothing).
    pub records: usize,
    pub skipped: usize,
    /// The file and line the document starts at, for messages.
    pub path: PathBuf,
    pub line: usize,
}

/// Everything read from one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileImport {
    pub docs: Vec<ImportedDoc>,
    pub issues: Vec<Issue>,
    /// The shape recognised (`doccano JSONL, "label" key`), for the summary.
    pub shape: String,
    /// How offsets were read (`UTF-16 units, detected`), when the file has
    /// offsets.
    pub reading: Option<String>,
}

impl FileImport {
    pub fn skipped(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.kind == IssueKind::Skipped)
            .count()
    }
}

/// What a span record is to the annotator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SpanRole {
    Gold,
    /// A pending proposal with the tool's confidence.
    Proposal(f32),
    Rejected,
}

/// A span as the file has it: offsets in the file's reading.
#[derive(Debug, Clone)]
pub(crate) struct RawSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The text the file says the span covers (brat's T-line text, Label
    /// Studio's `value.text`, a Prodigy span's `text`).
    pub expected: Option<String>,
    /// brat fragments `a b;c d` (empty for one range).
    pub fragments: Vec<(usize, usize)>,
    pub line: usize,
    pub place: String,
    pub role: SpanRole,
}

impl RawSpan {
    pub fn new(start: usize, end: usize, label: &str, line: usize, place: String) -> RawSpan {
        RawSpan {
            start,
            end,
            label: label.to_string(),
            expected: None,
            fragments: Vec::new(),
            line,
            place,
            role: SpanRole::Gold,
        }
    }
}

/// A document as the file has it.
#[derive(Debug, Clone)]
pub(crate) struct RawDoc {
    pub id: Option<String>,
    pub text: String,
    pub spans: Vec<RawSpan>,
    pub annotator: Option<String>,
    pub gold: bool,
    pub line: usize,
    /// Entity records of this document already reported as skipped by the
    /// reader (malformed), counted with the others.
    pub skipped: usize,
}

impl RawDoc {
    pub fn new(id: Option<String>, text: String, line: usize) -> RawDoc {
        RawDoc {
            id,
            text,
            spans: Vec::new(),
            annotator: None,
            gold: true,
            line,
            skipped: 0,
        }
    }
}

/// How a file's offsets are counted: the unit, and whether a CRLF pair in
/// the text counts as one (brat, and any tool that read the text with
/// universal newlines) or two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub unit: OffsetUnit,
    pub crlf_as_one: bool,
}

impl Reading {
    pub const PLAIN: Reading = Reading {
        unit: OffsetUnit::Chars,
        crlf_as_one: false,
    };

    pub fn describe(self, has_crlf: bool) -> String {
        let mut s = self.unit.describe().to_string();
        if has_crlf {
            s.push_str(if self.crlf_as_one {
                ", CRLF counted as one (offsets into the text with LF line ends)"
            } else {
                ", CRLF counted as two (offsets into the raw text)"
            });
        }
        s
    }
}

/// The offset a reading gives each char boundary of a text, to turn file
/// offsets into char offsets of the raw text.
struct Table {
    /// `None` when the reading is plain char offsets.
    values: Option<Vec<usize>>,
    chars: usize,
}

impl Table {
    fn new(text: &str, reading: Reading) -> Table {
        let chars = crate::text::char_len(text);
        if reading == Reading::PLAIN {
            return Table {
                values: None,
                chars,
            };
        }
        let mut v = Vec::with_capacity(chars + 1);
        let mut at = 0;
        let mut it = text.chars().peekable();
        v.push(0);
        while let Some(c) = it.next() {
            let w = if reading.crlf_as_one && c == '\r' && it.peek() == Some(&'\n') {
                0
            } else if reading.unit == OffsetUnit::Utf16 {
                c.len_utf16()
            } else {
                1
            };
            at += w;
            v.push(at);
        }
        Table {
            values: Some(v),
            chars,
        }
    }

    /// The char offset of file offset `v`, if it is a char boundary.
    fn to_char(&self, v: usize) -> Option<usize> {
        match &self.values {
            None => (v <= self.chars).then_some(v),
            Some(t) => {
                let i = t.partition_point(|&x| x < v);
                (t.get(i) == Some(&v)).then_some(i)
            }
        }
    }

    fn end(&self) -> usize {
        self.values
            .as_ref()
            .and_then(|t| t.last().copied())
            .unwrap_or(self.chars)
    }
}

/// Whether `c` is part of a word (a letter, a mark or a digit).
fn wordy(c: char) -> bool {
    c.is_alphanumeric() || crate::arabic::is_arabic_mark(c) || c == '\u{0640}'
}

/// A span placed on a text: chars of the raw text.
struct Placed {
    start: usize,
    end: usize,
}

/// Places one raw span under a reading: `Err` says why it does not fit.
fn place(
    span: &RawSpan,
    chars: &[char],
    table: &Table,
) -> Result<(Placed, Option<String>), String> {
    let ranges: Vec<(usize, usize)> = if span.fragments.is_empty() {
        vec![(span.start, span.end)]
    } else {
        span.fragments.clone()
    };
    let mut placed = Vec::with_capacity(ranges.len());
    for &(a, b) in &ranges {
        if a >= b {
            return Err(format!("span {a}..{b} is empty or reversed"));
        }
        if b > table.end() {
            return Err(format!(
                "span {a}..{b} ends beyond the text ({} {})",
                table.end(),
                if table.values.is_some() {
                    "units"
                } else {
                    "chars"
                }
            ));
        }
        let (Some(s), Some(e)) = (table.to_char(a), table.to_char(b)) else {
            return Err(format!(
                "span {a}..{b} cuts a char in two (inside a surrogate pair or a CRLF)"
            ));
        };
        placed.push((s, e));
    }
    let slice = |(s, e): (usize, usize)| chars[s..e].iter().collect::<String>();
    if let Some(want) = &span.expected {
        // brat writes a fragmented entity's text as the fragments joined by
        // one space: compare fragment by fragment.
        let got: Vec<String> = placed.iter().map(|&r| slice(r)).collect();
        let got = got.join(" ");
        if &got != want {
            return Err(format!(
                "span {} covers \"{}\" in the text but the file says \"{want}\"",
                show_ranges(&ranges),
                got.replace('\n', "\\n")
            ));
        }
    }
    if placed.len() == 1 {
        return Ok((
            Placed {
                start: placed[0].0,
                end: placed[0].1,
            },
            None,
        ));
    }
    // Fragments: one span when only line breaks (or other whitespace) lie
    // between them; overlapping fragments give their union.
    let mut sorted = placed.clone();
    sorted.sort_unstable();
    let mut overlap = false;
    let (mut s, mut e) = sorted[0];
    for &(a, b) in &sorted[1..] {
        if a < e {
            overlap = true;
        } else if !chars[e..a].iter().all(|c| c.is_whitespace()) {
            return Err(format!(
                "discontinuous entity: fragments {} have \"{}\" between them; Kashif spans are contiguous, so it is not imported (annotate the parts as separate entities if you need them)",
                show_ranges(&ranges),
                chars[e..a].iter().collect::<String>()
            ));
        }
        s = s.min(a);
        e = e.max(b);
    }
    let how = if overlap {
        format!(
            "overlapping fragments {} read as their union {s}..{e}",
            show_ranges(&ranges)
        )
    } else {
        format!(
            "fragments {} joined over line breaks into one span {s}..{e}",
            show_ranges(&ranges)
        )
    };
    Ok((Placed { start: s, end: e }, Some(how)))
}

fn show_ranges(ranges: &[(usize, usize)]) -> String {
    if let [(a, b)] = ranges {
        return format!("{a}..{b}");
    }
    ranges
        .iter()
        .map(|(a, b)| format!("{a} {b}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// How well a reading fits a file's spans: spans that fit (text checked when
/// given), then span edges at word boundaries.
fn score(docs: &[RawDoc], reading: Reading) -> (usize, usize) {
    let (mut fit, mut edges) = (0, 0);
    for d in docs {
        let chars: Vec<char> = d.text.chars().collect();
        let table = Table::new(&d.text, reading);
        for s in &d.spans {
            if let Ok((p, _)) = place(s, &chars, &table) {
                fit += 1;
                let before = p.start.checked_sub(1).map(|i| chars[i]);
                let after = chars.get(p.end).copied();
                if !(before.is_some_and(wordy) && wordy(chars[p.start])) {
                    edges += 1;
                }
                if !(after.is_some_and(wordy) && wordy(chars[p.end - 1])) {
                    edges += 1;
                }
                if !chars[p.start].is_whitespace() && !chars[p.end - 1].is_whitespace() {
                    edges += 1;
                }
            }
        }
    }
    (fit, edges)
}

/// The reading of a file's offsets: the one under which most spans fit (and,
/// among those, most edges fall on word boundaries); the plain one on a tie.
/// `unit` fixes the unit (`--offsets`). Also returns a rival reading that
/// fits as well but places some span elsewhere, when there is one.
fn detect_both(docs: &[RawDoc], unit: Option<OffsetUnit>) -> (Reading, Option<Reading>) {
    let has_cr = docs.iter().any(|d| d.text.contains("\r\n"));
    let astral = docs
        .iter()
        .any(|d| d.text.chars().any(|c| c.len_utf16() == 2));
    let units: Vec<OffsetUnit> = match unit {
        Some(u) => vec![u],
        None if astral => vec![OffsetUnit::Chars, OffsetUnit::Utf16],
        None => vec![OffsetUnit::Chars],
    };
    let crlf: &[bool] = if has_cr { &[false, true] } else { &[false] };
    let mut scored: Vec<(Reading, (usize, usize))> = Vec::new();
    for &u in &units {
        for &one in crlf {
            let r = Reading {
                unit: u,
                crlf_as_one: one,
            };
            scored.push((r, score(docs, r)));
        }
    }
    let mut best: Option<(Reading, (usize, usize))> = None;
    for &(r, s) in &scored {
        if best.as_ref().is_none_or(|(_, b)| s > *b) {
            best = Some((r, s));
        }
    }
    let Some((reading, top)) = best else {
        return (
            Reading {
                unit: unit.unwrap_or_default(),
                crlf_as_one: false,
            },
            None,
        );
    };
    // Another reading under which as many spans fit and some span lands
    // elsewhere: the records cannot tell them apart (word boundaries only
    // break the tie), and the summary must say so.
    let rival = scored
        .iter()
        .filter(|(r, s)| *r != reading && s.0 == top.0)
        .map(|(r, _)| *r)
        .find(|&r| {
            docs.iter().any(|d| {
                let chars: Vec<char> = d.text.chars().collect();
                let (a, b) = (Table::new(&d.text, reading), Table::new(&d.text, r));
                d.spans
                    .iter()
                    .any(|s| match (place(s, &chars, &a), place(s, &chars, &b)) {
                        (Ok((x, _)), Ok((y, _))) => (x.start, x.end) != (y.start, y.end),
                        _ => false,
                    })
            })
        });
    (reading, rival)
}

/// [`detect`], with a note in `issues` when under another reading as many
/// records fit and spans land elsewhere (the file cannot tell them apart;
/// word boundaries only broke the tie).
pub(crate) fn detect_reported(
    docs: &[RawDoc],
    unit: Option<OffsetUnit>,
    path: &Path,
    issues: &mut Vec<Issue>,
) -> Reading {
    let (reading, rival) = detect_both(docs, unit);
    if let Some(r) = rival {
        let has_cr = docs.iter().any(|d| d.text.contains("\r\n"));
        issues.push(Issue::new(
            path,
            0,
            "",
            IssueKind::Note,
            format!(
                "ambiguous offsets: the records fit as well when read as {} as when read as {}, which places some spans elsewhere; read as {} (more span edges on word boundaries) — check the spans, or give --offsets",
                reading.describe(has_cr),
                r.describe(has_cr),
                reading.describe(has_cr)
            ),
        ));
    }
    reading
}

/// The reading of a file's offsets (see [`detect_both`]).
#[cfg(test)]
pub(crate) fn detect(docs: &[RawDoc], unit: Option<OffsetUnit>) -> Reading {
    detect_both(docs, unit).0
}

/// Turns raw documents into checked ones under `reading` (see [`detect`]),
/// reporting every record skipped or changed in `issues`.
pub(crate) fn build(
    path: &Path,
    docs: Vec<RawDoc>,
    reading: Reading,
    options: &ImportOptions,
    issues: &mut Vec<Issue>,
) -> Vec<ImportedDoc> {
    let mut out = Vec::with_capacity(docs.len());
    let mut aliased: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for d in docs {
        for s in &d.spans {
            let to = options.rename(&s.label);
            if to != s.label && !options.renames.iter().any(|(from, _)| *from == s.label) {
                *aliased
                    .entry((s.label.clone(), to.to_string()))
                    .or_default() += 1;
            }
        }
        out.push(build_one(path, d, reading, options, issues));
    }
    for ((from, to), n) in aliased {
        let mut i = Issue::new(
            path,
            0,
            "",
            IssueKind::Note,
            format!(
                "label \"{from}\" read as the schema's \"{to}\" ({n} record(s); a well-known spelling of it: --rename {from}=NAME to choose otherwise)"
            ),
        );
        i.tally = Some(format!("records with label \"{from}\" read as \"{to}\""));
        i.count = n;
        issues.push(i);
    }
    out
}

fn build_one(
    path: &Path,
    d: RawDoc,
    reading: Reading,
    options: &ImportOptions,
    issues: &mut Vec<Issue>,
) -> ImportedDoc {
    let chars: Vec<char> = d.text.chars().collect();
    let table = Table::new(&d.text, reading);
    let astral = chars.iter().any(|c| c.len_utf16() == 2);
    let mut spans = Vec::new();
    let mut proposals = Vec::new();
    let mut rejected = Vec::new();
    let (mut records, mut skipped) = (d.skipped, d.skipped);
    // Offsets without a text to check them by: when one of a record's spans
    // does not fit the text, the record is not in this reading, and its
    // other spans, which may still fall inside the text, would be shifted.
    let unverifiable = d.spans.iter().find_map(|raw| {
        let label = options.rename(&raw.label);
        let own_fault = raw.start >= raw.end;
        (raw.role == SpanRole::Gold && raw.expected.is_none() && !own_fault && options.known(label))
            .then(|| place(raw, &chars, &table).err().map(|why| (raw, why)))
            .flatten()
    });
    let suspect = unverifiable.map(|(raw, why)| {
        format!(
            "not imported: another span of this record does not fit the text under the offsets reading used ({}: {} {why}), so this one would be shifted",
            raw.place, raw.label
        )
    });
    for raw in &d.spans {
        let gold = raw.role == SpanRole::Gold;
        if gold {
            records += 1;
        }
        let mut skip = |issue: Issue| {
            if gold {
                skipped += 1;
            }
            issues.push(issue);
        };
        let label = options.rename(&raw.label).to_string();
        if !options.known(&label) {
            let mut i = Issue::new(
                path,
                raw.line,
                &raw.place,
                IssueKind::Skipped,
                format!(
                    "unknown label \"{label}\" (the schema has {}; --rename {label}=NAME or --add-labels)",
                    options.labels.as_deref().unwrap_or_default().join(", ")
                ),
            );
            i.tally = Some(format!("unknown label \"{label}\""));
            skip(i);
            continue;
        }
        if let Some(why) = &suspect
            && raw.expected.is_none()
            && place(raw, &chars, &table).is_ok()
        {
            let hint = if astral && reading.unit == OffsetUnit::Chars {
                "; the text has chars outside the BMP (emoji): try --offsets utf16"
            } else {
                ""
            };
            skip(Issue::new(
                path,
                raw.line,
                &raw.place,
                IssueKind::Skipped,
                format!("{} {}..{}: {why}{hint}", raw.label, raw.start, raw.end),
            ));
            continue;
        }
        let placed = place(raw, &chars, &table).or_else(|why| {
            // A record whose text is given may still fit under another
            // reading; without a text to check, it is not guessed at.
            if raw.expected.is_none() {
                return Err(why);
            }
            for unit in [OffsetUnit::Chars, OffsetUnit::Utf16] {
                for crlf_as_one in [false, true] {
                    let r = Reading { unit, crlf_as_one };
                    if r == reading {
                        continue;
                    }
                    if let Ok((p, how)) = place(raw, &chars, &Table::new(&d.text, r)) {
                        let note = format!(
                            "offsets fit only when read as {} (the rest of the file: {})",
                            r.describe(d.text.contains('\r')),
                            reading.describe(d.text.contains('\r'))
                        );
                        return Ok((
                            p,
                            Some(how.map_or(note.clone(), |h| format!("{h}; {note}"))),
                        ));
                    }
                }
            }
            Err(why)
        });
        let (p, how) = match placed {
            Ok(x) => x,
            Err(why) => {
                let hint = if astral && reading.unit == OffsetUnit::Chars {
                    "; the text has chars outside the BMP (emoji): was this exported by a JavaScript tool? try --offsets utf16"
                } else {
                    ""
                };
                skip(Issue::new(
                    path,
                    raw.line,
                    &raw.place,
                    IssueKind::Skipped,
                    format!("{} {why}{hint}", raw.label),
                ));
                continue;
            }
        };
        let (mut s, mut e) = (p.start, p.end);
        let mut changes: Vec<String> = how.into_iter().collect();
        while s < e && chars[s].is_whitespace() {
            s += 1;
        }
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        if s == e {
            skip(Issue::new(
                path,
                raw.line,
                &raw.place,
                IssueKind::Skipped,
                format!("{label} {}..{} covers only whitespace", p.start, p.end),
            ));
            continue;
        }
        if (s, e) != (p.start, p.end) {
            changes.push(format!(
                "whitespace at the edge trimmed: {}..{} \"{}\" stored as {s}..{e} \"{}\"",
                p.start,
                p.end,
                chars[p.start..p.end].iter().collect::<String>(),
                chars[s..e].iter().collect::<String>()
            ));
        }
        let text: String = chars[s..e].iter().collect();
        for c in &changes {
            issues.push(Issue::new(
                path,
                raw.line,
                &raw.place,
                IssueKind::Changed,
                format!("{label}: {c}"),
            ));
        }
        if let Some(word) = inside_word(&chars, s, e) {
            issues.push(Issue::new(
                path,
                raw.line,
                &raw.place,
                IssueKind::Note,
                format!("{label} {s}..{e} \"{text}\" ends inside the word {word}; kept as given"),
            ));
        }
        match raw.role {
            SpanRole::Gold => spans.push(Span {
                start: s,
                end: e,
                label,
                origin: Origin::Imported,
                text,
                proposed: None,
            }),
            SpanRole::Proposal(confidence) => proposals.push(Proposal {
                start: s,
                end: e,
                label,
                text,
                confidence: confidence.clamp(0.0, 1.0),
                source: Source::Model,
            }),
            SpanRole::Rejected => rejected.push(Rejected {
                start: s,
                end: e,
                label,
                text,
            }),
        }
    }
    let (text, map) = normalize(&d.text);
    let idx = CharIndex::new(&text);
    let fix = |s: usize, e: usize| -> (usize, usize, String) {
        let (a, b) = map.as_ref().map_or((s, e), |m| (m[s], m[e]));
        (a, b, idx.slice(&text, a, b).unwrap_or_default().to_string())
    };
    for sp in &mut spans {
        (sp.start, sp.end, sp.text) = fix(sp.start, sp.end);
    }
    for sp in &mut proposals {
        (sp.start, sp.end, sp.text) = fix(sp.start, sp.end);
    }
    for sp in &mut rejected {
        (sp.start, sp.end, sp.text) = fix(sp.start, sp.end);
    }
    spans.sort_by(|a, b| a.key().cmp(&b.key()));
    let before = spans.len();
    spans.dedup_by(|a, b| a.same_entity(b));
    if spans.len() < before {
        issues.push(Issue::new(
            path,
            d.line,
            &d.id.clone().unwrap_or_default(),
            IssueKind::Changed,
            format!(
                "{} duplicate span(s) (same range and label) stored once",
                before - spans.len()
            ),
        ));
    }
    proposals.sort_by(|a, b| a.key().cmp(&b.key()));
    proposals.dedup_by(|a, b| a.same_place(b));
    rejected.sort_by(|a, b| (a.start, b.end, &a.label).cmp(&(b.start, a.end, &b.label)));
    rejected.dedup();
    ImportedDoc {
        id: d.id,
        text,
        spans,
        proposals,
        rejected,
        annotator: d.annotator,
        gold: d.gold,
        records,
        skipped,
        path: path.to_path_buf(),
        line: d.line,
    }
}

/// The word a span ends inside (`الرياض (23..29)`), when its last char and
/// the next are both letters. Starts inside a word are not reported: the
/// guidelines leave attached clitics (و، ب، ال) out of names.
fn inside_word(chars: &[char], start: usize, end: usize) -> Option<String> {
    let last = *chars.get(end.checked_sub(1)?)?;
    let next = *chars.get(end)?;
    if !(wordy(last) && wordy(next)) || last.is_ascii_digit() != next.is_ascii_digit() {
        return None;
    }
    let mut a = end - 1;
    while a > start && wordy(chars[a - 1]) {
        a -= 1;
    }
    while a > 0 && wordy(chars[a - 1]) {
        a -= 1;
    }
    let mut b = end;
    while b < chars.len() && wordy(chars[b]) {
        b += 1;
    }
    Some(format!(
        "{} ({a}..{b})",
        chars[a..b].iter().collect::<String>()
    ))
}

/// Decodes text as [`crate::corpus::decode`] does (no BOM, `\n` newlines):
/// the text, and the new offset of every old char boundary when it changed.
fn normalize(text: &str) -> (String, Option<Vec<usize>>) {
    if !text.contains('\r') && !text.starts_with('\u{FEFF}') {
        return (text.to_string(), None);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(chars.len() + 1);
    let mut n = 0;
    for (i, &c) in chars.iter().enumerate() {
        map.push(n);
        if (i == 0 && c == '\u{FEFF}') || (c == '\r' && chars.get(i + 1) == Some(&'\n')) {
            continue;
        }
        out.push(if c == '\r' { '\n' } else { c });
        n += 1;
    }
    map.push(n);
    (out, Some(map))
}

/// Chars that only shape the layout: whitespace, and the invisible marks the
/// tokenizer drops (zero-width spaces and joiners, direction marks and
/// embeddings, BOM). Texts that differ only in these are the same text to
/// a token-based format such as CoNLL.
pub fn is_layout(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

impl ImportedDoc {
    /// The spans placed on `text`, a corpus document's text: as they are when
    /// the texts are equal, moved when the texts differ only in whitespace and
    /// invisible marks ([`is_layout`]; a CoNLL file rebuilds text with single
    /// spaces). `None` when the texts differ otherwise.
    pub fn spans_on(&self, text: &str) -> Option<Vec<Span>> {
        if self.text == text {
            return Some(self.spans.clone());
        }
        let map = self.map_onto(text)?;
        let idx = CharIndex::new(text);
        let mut out = Vec::with_capacity(self.spans.len());
        for s in &self.spans {
            let (start, end) = map(s.start, s.end)?;
            out.push(Span {
                start,
                end,
                text: idx.slice(text, start, end)?.to_string(),
                ..s.clone()
            });
        }
        // Spans that differed only by whitespace at their edges are one now.
        out.sort_by(|a, b| a.key().cmp(&b.key()));
        out.dedup_by(|a, b| a.same_entity(b));
        Some(out)
    }

    /// Proposals and rejections placed on `text` as [`Self::spans_on`] does.
    pub fn extras_on(&self, text: &str) -> Option<(Vec<Proposal>, Vec<Rejected>)> {
        if self.text == text {
            return Some((self.proposals.clone(), self.rejected.clone()));
        }
        let map = self.map_onto(text)?;
        let idx = CharIndex::new(text);
        let mut proposals = Vec::new();
        for p in &self.proposals {
            let (start, end) = map(p.start, p.end)?;
            proposals.push(Proposal {
                start,
                end,
                text: idx.slice(text, start, end)?.to_string(),
                ..p.clone()
            });
        }
        let mut rejected = Vec::new();
        for r in &self.rejected {
            let (start, end) = map(r.start, r.end)?;
            rejected.push(Rejected {
                start,
                end,
                text: idx.slice(text, start, end)?.to_string(),
                ..r.clone()
            });
        }
        Some((proposals, rejected))
    }

    /// A function moving a range of our text onto `text`, which must differ
    /// only in layout chars.
    #[allow(clippy::type_complexity)]
    fn map_onto(&self, text: &str) -> Option<Box<dyn Fn(usize, usize) -> Option<(usize, usize)>>> {
        let visible = |t: &str| -> Vec<(usize, char)> {
            t.chars()
                .enumerate()
                .filter(|(_, c)| !is_layout(*c))
                .collect()
        };
        let (ours, theirs) = (visible(&self.text), visible(text));
        if ours.len() != theirs.len() || ours.iter().zip(&theirs).any(|(a, b)| a.1 != b.1) {
            return None;
        }
        // Position of each of our chars among the visible ones.
        let mut rank = vec![usize::MAX; crate::text::char_len(&self.text) + 1];
        for (k, (i, _)) in ours.iter().enumerate() {
            rank[*i] = k;
        }
        let theirs: Vec<usize> = theirs.into_iter().map(|(i, _)| i).collect();
        Some(Box::new(move |s: usize, e: usize| {
            let first = (s..e).map(|i| rank[i]).find(|&r| r != usize::MAX)?;
            let last = (s..e).rev().map(|i| rank[i]).find(|&r| r != usize::MAX)?;
            Some((theirs[first], theirs[last] + 1))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str, triples: &[(usize, usize, &str)]) -> RawDoc {
        let mut d = RawDoc::new(None, text.to_string(), 1);
        for (i, (s, e, l)) in triples.iter().enumerate() {
            d.spans
                .push(RawSpan::new(*s, *e, l, 1, format!("span {}", i + 1)));
        }
        d
    }

    fn read(
        text: &str,
        opts: &ImportOptions,
        triples: &[(usize, usize, &str)],
    ) -> (ImportedDoc, Vec<Issue>) {
        let docs = vec![raw(text, triples)];
        let reading = detect(&docs, opts.offsets);
        let mut issues = Vec::new();
        let mut out = build(Path::new("f"), docs, reading, opts, &mut issues);
        (out.remove(0), issues)
    }

    #[test]
    fn utf16_offsets_are_detected_and_converted() {
        let text = "𝒜 بغداد";
        let (d, issues) = read(text, &ImportOptions::default(), &[(3, 8, "LOC")]);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            (d.spans[0].start, d.spans[0].end, d.spans[0].text.as_str()),
            (2, 7, "بغداد")
        );
        // Forced to chars, the same numbers run past the end: skipped, with the hint.
        let opts = ImportOptions {
            offsets: Some(OffsetUnit::Chars),
            ..Default::default()
        };
        let (d, issues) = read(text, &opts, &[(3, 8, "LOC")]);
        assert!(d.spans.is_empty());
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].message.contains("--offsets utf16"),
            "{}",
            issues[0]
        );
        let opts = ImportOptions {
            offsets: Some(OffsetUnit::Utf16),
            ..Default::default()
        };
        let (_, issues) = read(text, &opts, &[(1, 8, "LOC")]);
        assert!(issues[0].message.contains("surrogate"), "{}", issues[0]);
    }

    #[test]
    fn crlf_and_bom_are_normalised_with_the_spans() {
        let (d, _) = read(
            "\u{FEFF}أ\r\nبغداد",
            &ImportOptions::default(),
            &[(4, 9, "LOC")],
        );
        assert_eq!(d.text, "أ\nبغداد");
        assert_eq!(
            (d.spans[0].start, d.spans[0].end, d.spans[0].text.as_str()),
            (2, 7, "بغداد")
        );
    }

    #[test]
    fn renamed_and_aliased_labels_are_checked_under_their_new_name() {
        let mut opts = ImportOptions::with_labels(["PER".to_string(), "LOC".to_string()]);
        opts.renames.push(("X".into(), "LOC".into()));
        let (d, issues) = read("بلينكين في بغداد", &opts, &[(0, 7, "PERS"), (11, 16, "X")]);
        // The alias is said once for the file; --rename needs no note.
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(
            issues[0]
                .message
                .contains("\"PERS\" read as the schema's \"PER\"")
        );
        assert_eq!(d.spans[0].label, "PER");
        assert_eq!(d.spans[1].label, "LOC");
    }

    #[test]
    fn bad_records_are_skipped_one_by_one() {
        let opts = ImportOptions::with_labels(["LOC".to_string()]);
        let (d, issues) = read(
            "في بغداد",
            &opts,
            &[(3, 8, "GPE"), (3, 9, "LOC"), (3, 3, "LOC"), (3, 8, "LOC")],
        );
        // The span beyond the text says this record's offsets are not
        // chars: its other span, inside the text, is not stored shifted.
        assert!(d.spans.is_empty());
        assert_eq!((d.records, d.skipped), (4, 4));
        let kinds: Vec<_> = issues.iter().map(|i| i.message.clone()).collect();
        assert!(kinds[0].contains("unknown label \"GPE\""), "{kinds:?}");
        assert!(kinds[3].contains("would be shifted"), "{kinds:?}");
        assert_eq!(issues[0].tally.as_deref(), Some("unknown label \"GPE\""));
        assert!(kinds[1].contains("beyond the text"), "{kinds:?}");
        assert!(kinds[2].contains("empty"), "{kinds:?}");
    }

    #[test]
    fn edge_whitespace_is_trimmed_and_word_cuts_noted() {
        let (d, issues) = read(
            "انضم إلى نادي الهلال بعقد",
            &ImportOptions::default(),
            &[(9, 21, "ORG"), (9, 19, "ORG")],
        );
        assert_eq!(d.spans[0].text, "نادي الهلال");
        assert!(
            issues
                .iter()
                .any(|i| i.kind == IssueKind::Changed && i.message.contains("trimmed"))
        );
        assert!(
            issues
                .iter()
                .any(|i| i.kind == IssueKind::Note && i.message.contains("inside the word الهلال")),
            "{issues:?}"
        );
    }

    #[test]
    fn spans_move_onto_text_that_differs_in_whitespace() {
        let (d, _) = read(
            "و أذربيجان و الولايات المتحدة",
            &ImportOptions::default(),
            &[(2, 10, "LOC"), (13, 29, "LOC")],
        );
        let corpus = "وأذربيجان\nوالولايات  المتحدة";
        let spans = d.spans_on(corpus).unwrap();
        let got: Vec<_> = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(got, ["أذربيجان", "الولايات  المتحدة"]);
        assert!(d.spans_on("شيء آخر").is_none());
    }
}
