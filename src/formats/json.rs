//! What the JSON formats share: reading JSONL lines and JSON arrays with
//! positions, document ids, offsets in the unit a tool wants, and writing
//! one JSON line per document.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::error::LineCounter;
use super::{DocSpans, Exported, FormatError, OffsetUnit, Output, valid_spans};

/// How a JSON file lays out its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One object per line.
    Lines,
    /// Objects over several lines each, one after the other (a pretty-printed
    /// "JSONL" file, as doccano's own examples are).
    Pretty,
    /// One top-level array of records.
    Array,
    /// One top-level object (NER Annotator's export).
    Object,
}

impl Layout {
    pub fn describe(self) -> &'static str {
        match self {
            Layout::Lines => "JSONL",
            Layout::Pretty => "pretty-printed JSON objects",
            Layout::Array => "a JSON array",
            Layout::Object => "one JSON object",
        }
    }
}

/// The records of a JSON file in any of the layouts tools write, each with
/// the line it starts on. A JSONL line that does not parse is reported and
/// skipped (the others are read); a file with no readable record is an
/// error naming the place and, when it is clear, the shape.
pub(crate) fn records(
    path: &Path,
    contents: &str,
    issues: &mut Vec<super::Issue>,
) -> Result<(Layout, Vec<(usize, Value)>), FormatError> {
    let body = contents.trim_start();
    let skipped_bytes = contents.len() - body.len();
    if body.starts_with('[') {
        return array_items(path, contents).map(|v| (Layout::Array, v));
    }
    let mut stream = serde_json::Deserializer::from_str(contents).into_iter::<Value>();
    let mut out = Vec::new();
    let mut at = skipped_bytes;
    let mut multi_line = false;
    let mut lines = LineCounter::default();
    let whole = loop {
        match stream.next() {
            None => break Ok(()),
            Some(Ok(v)) => {
                let end = stream.byte_offset();
                let start = at + contents[at..end].len() - contents[at..end].trim_start().len();
                if contents[start..end].contains('\n') {
                    multi_line = true;
                }
                out.push((lines.line_at(contents, start), v));
                at = end;
            }
            Some(Err(e)) => break Err(e),
        }
    };
    match whole {
        Ok(()) if out.len() == 1 && multi_line => return Ok((Layout::Object, out)),
        Ok(()) if multi_line => return Ok((Layout::Pretty, out)),
        Ok(()) => return Ok((Layout::Lines, out)),
        Err(_) => {}
    }
    // Line by line: one broken line does not sink the others.
    let mut lines = Vec::new();
    let mut first_error = None;
    for (n, line) in contents.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) => lines.push((n + 1, v)),
            Err(e) => {
                let err = FormatError::json(path, &e, n + 1, 1);
                issues.push(super::Issue::new(
                    path,
                    n + 1,
                    "",
                    super::IssueKind::Skipped,
                    format!("not a JSON record: {}", err.message),
                ));
                first_error.get_or_insert(err);
            }
        }
    }
    if lines.is_empty() {
        let mut err =
            first_error.unwrap_or_else(|| FormatError::new(path, 0, "no JSON record in the file"));
        if body.starts_with('{') && err.message.contains("EOF") {
            err.message = format!(
                "incomplete JSON object — {} (the file is neither JSONL nor a complete JSON document)",
                err.message
            );
        }
        issues.clear();
        return Err(err);
    }
    Ok((Layout::Lines, lines))
}

/// The items of a top-level JSON array, each with the line it starts on, so
/// errors found after parsing can still point into the file.
pub(crate) fn array_items(path: &Path, contents: &str) -> Result<Vec<(usize, Value)>, FormatError> {
    let values: Vec<Value> =
        serde_json::from_str(contents).map_err(|e| FormatError::json(path, &e, 1, 1))?;
    let starts = item_starts(contents);
    let mut lines = LineCounter::default();
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(i, v)| (starts.get(i).map_or(0, |&b| lines.line_at(contents, b)), v))
        .collect())
}

/// Byte offsets where the items of a (valid) top-level array start.
fn item_starts(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut expect_item) = (0usize, false, false, false);
    for (i, c) in s.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if depth == 1 && expect_item && c != ']' {
            out.push(i);
            expect_item = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expect_item = true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expect_item = true,
            _ => {}
        }
    }
    out
}

/// A document id from an `id` field (string or whole number) or from
/// `meta.id` / `meta.doc_id`: `Ok(None)` when none is given, `Err(why)`
/// when one is given that cannot be an id (`true`, `null`, an object, an
/// empty string, or a number that is not a whole one JSON keeps exactly:
/// `12345678901234567890123` reads as `1.2345678901234568e+22`, and two
/// such ids would name one document).
pub(crate) fn doc_id(id: Option<&Value>, meta: Option<&Value>) -> Result<Option<String>, String> {
    let from = |v: &Value| match v {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
        Value::Number(n) => Err(format!(
            "the id {n} is not a whole number JSON keeps exactly"
        )),
        other => Err(format!("the id {other} is neither a string nor a number")),
    };
    let meta_id = meta.and_then(|m| m.get("id").or_else(|| m.get("doc_id")));
    match (id.map(from), meta_id.map(from)) {
        (Some(Ok(id)), _) | (_, Some(Ok(id))) => Ok(Some(id)),
        (Some(Err(why)), _) | (None, Some(Err(why))) => Err(why),
        (None, None) => Ok(None),
    }
}

/// Writes char offsets in the unit a tool wants.
pub(crate) struct OffsetWriter {
    /// UTF-16 offset of every char boundary, when converting.
    utf16: Option<Vec<usize>>,
}

impl OffsetWriter {
    pub fn new(text: &str, unit: OffsetUnit) -> OffsetWriter {
        let utf16 = (unit == OffsetUnit::Utf16).then(|| {
            std::iter::once(0)
                .chain(text.chars().scan(0, |u, c| {
                    *u += c.len_utf16();
                    Some(*u)
                }))
                .collect()
        });
        OffsetWriter { utf16 }
    }

    /// `c` must be a char offset inside the text (spans are checked first).
    pub fn at(&self, c: usize) -> usize {
        match &self.utf16 {
            None => c,
            Some(t) => t.get(c).copied().unwrap_or(c),
        }
    }
}

/// One JSON line per document (doccano and spaCy): `line` makes a tool's
/// record from the document and its valid spans as `(start, end, label)`,
/// offsets already in `offsets`' unit; invalid spans become warnings.
pub(crate) fn export_lines<'a, L: Serialize>(
    docs: &[DocSpans<'a>],
    offsets: OffsetUnit,
    line: impl Fn(&DocSpans<'a>, Vec<(usize, usize, &'a str)>) -> L,
) -> Exported {
    let mut out = String::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let w = OffsetWriter::new(doc.text, offsets);
        let valid = valid_spans(doc, &mut warnings);
        super::warn_edge_spaces(doc, &valid, &mut warnings);
        let spans = valid
            .into_iter()
            .map(|s| (w.at(s.start), w.at(s.end), s.label.as_str()))
            .collect();
        // Serialising strings and numbers cannot fail.
        out.push_str(&serde_json::to_string(&line(doc, spans)).unwrap_or_default());
        out.push('\n');
    }
    Exported {
        output: Output::File(out),
        warnings,
    }
}

#[cfg(test)]
mod ids {
    use super::*;

    #[test]
    fn an_id_given_that_cannot_be_one_is_told() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert_eq!(doc_id(Some(&v("\"a\"")), None), Ok(Some("a".into())));
        assert_eq!(doc_id(Some(&v("7")), None), Ok(Some("7".into())));
        assert_eq!(doc_id(Some(&v("-7")), None), Ok(Some("-7".into())));
        assert_eq!(doc_id(None, None), Ok(None));
        assert_eq!(
            doc_id(None, Some(&v("{\"doc_id\": 3}"))),
            Ok(Some("3".into()))
        );
        // the meta's id when the record's cannot be one
        assert_eq!(
            doc_id(Some(&v("\"\"")), Some(&v("{\"id\": \"m\"}"))),
            Ok(Some("m".into()))
        );
        for bad in [
            "true",
            "null",
            "{\"a\": 1}",
            "[1]",
            "\"\"",
            "1.5",
            "12345678901234567890123",
        ] {
            assert!(doc_id(Some(&v(bad)), None).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_items_know_their_lines() {
        let s = "[\n  {\"a\": \"x, ]\"},\n  [1, 2],\n\n  {\"b\": {\"c\": [3]}}\n]";
        let items = array_items(Path::new("f.json"), s).unwrap();
        let lines: Vec<usize> = items.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3, 5]);
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let e = array_items(Path::new("f.json"), "[\n {\"a\": 1,}\n]").unwrap_err();
        assert_eq!((e.line, e.col), (2, Some(10)));
        let mut issues = Vec::new();
        let (layout, v) = records(Path::new("f.jsonl"), "{}\n\n{\"a\" 1}\n", &mut issues).unwrap();
        assert_eq!((layout, v.len()), (Layout::Lines, 1));
        assert_eq!(
            issues[0].to_string(),
            "skipped: f.jsonl:3: not a JSON record: expected `:`"
        );
        let e = records(Path::new("f.jsonl"), "{\"a\" 1}\n", &mut issues).unwrap_err();
        assert_eq!(e.to_string(), "f.jsonl:1:6: expected `:`");
        let e = records(Path::new("p.jsonl"), "{\n  \"text\": \"x\",\n", &mut issues).unwrap_err();
        assert!(e.message.starts_with("incomplete JSON object"), "{e}");
        let (layout, v) = records(
            Path::new("p.jsonl"),
            "{\n \"a\": 1\n}\n{\n \"a\": 2\n}\n",
            &mut issues,
        )
        .unwrap();
        assert_eq!((layout, v[0].0, v[1].0), (Layout::Pretty, 1, 4));
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let w = OffsetWriter::new("𝒜ب", OffsetUnit::Utf16);
        assert_eq!((w.at(0), w.at(1), w.at(2)), (0, 2, 3));
    }
}
