//! What an import yields, and turning a file's offsets into checked spans.

use std::path::{Path, PathBuf};

use super::FormatError;
use crate::annotation::{Origin, Span};
use crate::text::CharIndex;

/// How a file counts its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffsetUnit {
    /// Unicode scalars, as Python slices strings (Kashif, brat, spaCy).
    #[default]
    Chars,
    /// UTF-16 code units, as JavaScript counts (Label Studio, web tools).
    Utf16,
}

/// Choices for reading a file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub offsets: OffsetUnit,
    /// Labels that may appear (after renaming); `None` accepts any label.
    pub labels: Option<Vec<String>>,
    /// Labels of the file to write under another name (`PERS` → `PER` for
    /// ANERcorp), applied before the check against `labels`.
    pub renames: Vec<(String, String)>,
}

impl ImportOptions {
    pub fn with_labels(labels: impl IntoIterator<Item = String>) -> ImportOptions {
        ImportOptions {
            labels: Some(labels.into_iter().collect()),
            ..ImportOptions::default()
        }
    }

    /// The name a file's label is imported under.
    pub fn rename<'a>(&'a self, label: &'a str) -> &'a str {
        self.renames
            .iter()
            .find(|(from, _)| from == label)
            .map_or(label, |(_, to)| to.as_str())
    }
}

/// One document read from a file: its id when the file names one, its text as
/// the corpus would decode it, and its entities (origin `Imported`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDoc {
    pub id: Option<String>,
    pub text: String,
    /// Sorted by [`Span::key`], without exact duplicates.
    pub spans: Vec<Span>,
    /// The file and line the document starts at, for messages.
    pub path: PathBuf,
    pub line: usize,
    /// What was read but not carried over (duplicates, other annotation
    /// kinds), so nothing is lost in silence.
    pub notes: Vec<String>,
}

/// Checks raw `(start, end, label)` triples of one document against its text
/// and builds spans from them.
pub(crate) struct SpanReader<'a> {
    path: &'a Path,
    text: &'a str,
    index: CharIndex,
    /// UTF-16 offset of every char boundary, when the file counts in UTF-16.
    utf16: Option<Vec<usize>>,
    options: &'a ImportOptions,
    pub spans: Vec<Span>,
}

impl<'a> SpanReader<'a> {
    pub fn new(path: &'a Path, text: &'a str, options: &'a ImportOptions) -> SpanReader<'a> {
        let utf16 = (options.offsets == OffsetUnit::Utf16).then(|| {
            let mut v = Vec::with_capacity(text.len() + 1);
            let mut u = 0;
            v.push(0);
            for c in text.chars() {
                u += c.len_utf16();
                v.push(u);
            }
            v
        });
        SpanReader {
            path,
            text,
            index: CharIndex::new(text),
            utf16,
            options,
            spans: Vec::new(),
        }
    }

    fn to_char(&self, offset: usize, line: usize, what: &str) -> Result<usize, FormatError> {
        match &self.utf16 {
            None => Ok(offset),
            Some(table) => table.binary_search(&offset).map_err(|_| {
                let message = if offset > *table.last().unwrap_or(&0) {
                    format!(
                        "{what} offset {offset} is past the end of the text ({} UTF-16 units)",
                        table.last().unwrap_or(&0)
                    )
                } else {
                    format!("{what} UTF-16 offset {offset} falls inside a surrogate pair")
                };
                FormatError::new(self.path, line, message)
            }),
        }
    }

    /// Adds one span; `expected` is the text the file says the span covers.
    pub fn add(
        &mut self,
        start: usize,
        end: usize,
        label: &str,
        expected: Option<&str>,
        line: usize,
    ) -> Result<(), FormatError> {
        let label = self.options.rename(label);
        let err = |m: String| FormatError::new(self.path, line, m);
        if let Some(known) = &self.options.labels
            && !known.iter().any(|l| l == label)
        {
            return Err(err(format!(
                "unknown label \"{label}\" (the schema has {})",
                known.join(", ")
            )));
        }
        let (s, e) = (
            self.to_char(start, line, "start")?,
            self.to_char(end, line, "end")?,
        );
        if s >= e {
            return Err(err(format!("span {start}..{end} is empty or reversed")));
        }
        let Some(covered) = self.index.slice(self.text, s, e) else {
            return Err(err(format!(
                "span {start}..{end} lies outside the text ({} chars)",
                self.index.char_len()
            )));
        };
        if let Some(want) = expected
            && want != covered
        {
            return Err(err(format!(
                "span {start}..{end} covers \"{covered}\" in the text but the file says \"{want}\""
            )));
        }
        self.spans.push(Span {
            start: s,
            end: e,
            label: label.to_string(),
            origin: Origin::Imported,
            text: covered.to_string(),
        });
        Ok(())
    }

    /// The finished document, normalised the way the corpus reads texts.
    pub fn finish(self, id: Option<String>, line: usize, mut notes: Vec<String>) -> ImportedDoc {
        let (text, spans) = normalize(self.text, self.spans);
        let mut spans = spans;
        spans.sort_by(|a, b| a.key().cmp(&b.key()));
        let before = spans.len();
        spans.dedup_by(|a, b| a.same_entity(b));
        if spans.len() < before {
            notes.push(format!(
                "{} duplicate span(s) read once",
                before - spans.len()
            ));
        }
        ImportedDoc {
            id,
            text,
            spans,
            path: self.path.to_path_buf(),
            line,
            notes,
        }
    }
}

/// Decodes text as [`crate::corpus::decode`] does (no BOM, `\n` newlines) and
/// moves the spans along, so an imported document compares equal to the
/// corpus file it came from.
fn normalize(text: &str, spans: Vec<Span>) -> (String, Vec<Span>) {
    if !text.contains('\r') && !text.starts_with('\u{FEFF}') {
        return (text.to_string(), spans);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    // map[i] = new offset of old char offset i (and of the end).
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
    let idx = CharIndex::new(&out);
    let spans = spans
        .into_iter()
        .map(|mut s| {
            s.start = map[s.start];
            s.end = map[s.end];
            s.text = idx
                .slice(&out, s.start, s.end)
                .unwrap_or_default()
                .to_string();
            s
        })
        .collect();
    (out, spans)
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
        // Position of each of our chars among the non-whitespace ones.
        let mut rank = vec![usize::MAX; crate::text::char_len(&self.text) + 1];
        for (k, (i, _)) in ours.iter().enumerate() {
            rank[*i] = k;
        }
        let idx = CharIndex::new(text);
        let mut out = Vec::with_capacity(self.spans.len());
        for s in &self.spans {
            // First and last visible char inside the span.
            let first = (s.start..s.end)
                .map(|i| rank[i])
                .find(|&r| r != usize::MAX)?;
            let last = (s.start..s.end)
                .rev()
                .map(|i| rank[i])
                .find(|&r| r != usize::MAX)?;
            let (start, end) = (theirs[first].0, theirs[last].0 + 1);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        text: &str,
        opts: &ImportOptions,
        triples: &[(usize, usize, &str)],
    ) -> Result<ImportedDoc, FormatError> {
        let mut r = SpanReader::new(Path::new("f"), text, opts);
        for (s, e, l) in triples {
            r.add(*s, *e, l, None, 1)?;
        }
        Ok(r.finish(None, 1, vec![]))
    }

    #[test]
    fn utf16_offsets_become_chars() {
        let text = "𝒜 بغداد";
        let opts = ImportOptions {
            offsets: OffsetUnit::Utf16,
            ..Default::default()
        };
        let d = read(text, &opts, &[(3, 8, "LOC")]).unwrap();
        assert_eq!(
            (d.spans[0].start, d.spans[0].end, d.spans[0].text.as_str()),
            (2, 7, "بغداد")
        );
        let e = read(text, &opts, &[(1, 8, "LOC")]).unwrap_err();
        assert!(e.message.contains("surrogate"), "{e}");
    }

    #[test]
    fn crlf_and_bom_are_normalised_with_the_spans() {
        let d = read(
            "\u{FEFF}أ\r\nبغداد",
            &ImportOptions::default(),
            &[(4, 9, "LOC")],
        )
        .unwrap();
        assert_eq!(d.text, "أ\nبغداد");
        assert_eq!(
            (d.spans[0].start, d.spans[0].end, d.spans[0].text.as_str()),
            (2, 7, "بغداد")
        );
    }

    #[test]
    fn renamed_labels_are_checked_under_their_new_name() {
        let mut opts = ImportOptions::with_labels(["PER".to_string()]);
        opts.renames.push(("PERS".into(), "PER".into()));
        let d = read("بلينكين", &opts, &[(0, 7, "PERS")]).unwrap();
        assert_eq!(d.spans[0].label, "PER");
    }

    #[test]
    fn unknown_label_and_bad_range_are_errors() {
        let opts = ImportOptions::with_labels(["LOC".to_string()]);
        assert!(
            read("بغداد", &opts, &[(0, 5, "GPE")])
                .unwrap_err()
                .message
                .contains("unknown label")
        );
        assert!(
            read("بغداد", &opts, &[(0, 6, "LOC")])
                .unwrap_err()
                .message
                .contains("outside")
        );
        assert!(
            read("بغداد", &opts, &[(3, 3, "LOC")])
                .unwrap_err()
                .message
                .contains("empty")
        );
    }

    #[test]
    fn spans_move_onto_text_that_differs_in_whitespace() {
        let d = read(
            "و أذربيجان و الولايات المتحدة",
            &ImportOptions::default(),
            &[(2, 10, "LOC"), (13, 29, "LOC")],
        )
        .unwrap();
        let corpus = "وأذربيجان\nوالولايات  المتحدة";
        let spans = d.spans_on(corpus).unwrap();
        let got: Vec<_> = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(got, ["أذربيجان", "الولايات  المتحدة"]);
        assert!(d.spans_on("شيء آخر").is_none());
    }
}
