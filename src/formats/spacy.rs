//! spaCy / Prodigy span JSONL: one document per line,
//! `{"text": ..., "spans": [{"start", "end", "label"}], "meta": {"id": "<doc id>"}}`,
//! char offsets as Python slices strings.
//!
//! Spans may overlap (a spaCy `SpanGroup` holds them; `doc.ents` does not, so
//! training code that fills `doc.ents` must choose). A `text` field in a span,
//! when present, is checked against the document text.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::imported::SpanReader;
use super::json::{doc_id, export_lines, jsonl};
use super::{DocSpans, Exported, FormatError, ImportOptions, ImportedDoc, OffsetUnit};

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    spans: Vec<OutSpan<'a>>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct OutSpan<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct Meta<'a> {
    id: &'a str,
}

/// Exports one JSON line per document.
pub fn export(docs: &[DocSpans], offsets: OffsetUnit) -> Exported {
    export_lines(docs, offsets, |doc, spans| Line {
        text: doc.text,
        spans: spans
            .into_iter()
            .map(|(start, end, label)| OutSpan { start, end, label })
            .collect(),
        meta: Meta { id: doc.id },
    })
}

#[derive(Deserialize)]
struct Record {
    text: String,
    #[serde(default)]
    spans: Vec<InSpan>,
    id: Option<Value>,
    meta: Option<Value>,
}

#[derive(Deserialize)]
struct InSpan {
    start: usize,
    end: usize,
    label: String,
    text: Option<String>,
}

/// Reads a spaCy / Prodigy span JSONL file.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<Vec<ImportedDoc>, FormatError> {
    let mut docs = Vec::new();
    for (line, r) in jsonl::<Record>(path, contents)? {
        let mut reader = SpanReader::new(path, &r.text, options);
        for s in &r.spans {
            reader.add(s.start, s.end, &s.label, s.text.as_deref(), line)?;
        }
        docs.push(reader.finish(doc_id(r.id.as_ref(), r.meta.as_ref()), line, Vec::new()));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prodigy_lines_and_checks_span_text() {
        let f = "{\"text\": \"في بغداد\", \"spans\": [{\"start\": 3, \"end\": 8, \"label\": \"LOC\", \"text\": \"بغداد\", \"token_start\": 1}], \"meta\": {\"id\": \"d1\"}}\n";
        let d = import(Path::new("s.jsonl"), f, &ImportOptions::default()).unwrap();
        assert_eq!(d[0].id.as_deref(), Some("d1"));
        assert_eq!(d[0].spans[0].text, "بغداد");
        let bad = f.replace("\"text\": \"بغداد\"", "\"text\": \"بغدا\"");
        let e = import(
            Path::new("s.jsonl"),
            &format!("\n{bad}"),
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("file says"), "{e}");
        let e = import(
            Path::new("s.jsonl"),
            "{\"text\": \"x\", \"spans\": [{\"start\": 0}]}",
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("s.jsonl:1:"), "{e}");
    }
}
