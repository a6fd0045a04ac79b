//! Label Studio JSON: a list of tasks, each
//! `{"data": {"text": ..., "doc_id": ...}, "annotations": [{"result": [...]}]}`
//! with one result per entity as Label Studio writes them for a
//! `<Labels name="label" toName="text">` config:
//! `{"id", "from_name": "label", "to_name": "text", "type": "labels",
//!   "value": {"start", "end", "text", "labels": ["LOC"]}}`.
//!
//! Label Studio's editor counts offsets in UTF-16 units (JavaScript strings);
//! they equal char offsets unless the text has chars outside the BMP. Export
//! and import take the unit as an option.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::imported::SpanReader;
use super::json::{OffsetWriter, array_items, doc_id};
use super::{
    DocSpans, Exported, FormatError, ImportOptions, ImportedDoc, OffsetUnit, Output, valid_spans,
};

#[derive(Serialize)]
struct Task<'a> {
    data: Data<'a>,
    annotations: Vec<Annotation<'a>>,
}

#[derive(Serialize)]
struct Data<'a> {
    text: &'a str,
    doc_id: &'a str,
}

#[derive(Serialize)]
struct Annotation<'a> {
    result: Vec<Result<'a>>,
}

#[derive(Serialize)]
struct Result<'a> {
    id: String,
    from_name: &'static str,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: OutValue<'a>,
}

#[derive(Serialize)]
struct OutValue<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    labels: [&'a str; 1],
}

/// Exports one task per document with one completed annotation.
pub fn export(docs: &[DocSpans], offsets: OffsetUnit) -> Exported {
    let mut warnings = Vec::new();
    let mut tasks = Vec::new();
    for doc in docs {
        let w = OffsetWriter::new(doc.text, offsets);
        let index = crate::text::CharIndex::new(doc.text);
        let result = valid_spans(doc, &mut warnings)
            .into_iter()
            .enumerate()
            .map(|(n, s)| Result {
                id: format!("T{}", n + 1),
                from_name: "label",
                to_name: "text",
                kind: "labels",
                value: OutValue {
                    start: w.at(s.start),
                    end: w.at(s.end),
                    // The text itself, not the span's copy, so the two always agree.
                    text: index.slice(doc.text, s.start, s.end).unwrap_or_default(),
                    labels: [&s.label],
                },
            })
            .collect();
        tasks.push(Task {
            data: Data {
                text: doc.text,
                doc_id: doc.id,
            },
            annotations: vec![Annotation { result }],
        });
    }
    let mut out = serde_json::to_string_pretty(&tasks).unwrap_or_default();
    out.push('\n');
    Exported {
        output: Output::File(out),
        warnings,
    }
}

#[derive(Deserialize)]
struct InTask {
    data: InData,
    #[serde(default)]
    annotations: Vec<InAnnotation>,
    meta: Option<Value>,
}

#[derive(Deserialize)]
struct InData {
    text: String,
    doc_id: Option<Value>,
    id: Option<Value>,
}

#[derive(Deserialize)]
struct InAnnotation {
    #[serde(default)]
    result: Vec<InResult>,
    #[serde(default)]
    was_cancelled: bool,
}

#[derive(Deserialize)]
struct InResult {
    #[serde(rename = "type")]
    kind: Option<String>,
    value: Option<InValue>,
}

#[derive(Deserialize)]
struct InValue {
    start: Option<usize>,
    end: Option<usize>,
    text: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
}

/// Reads a Label Studio JSON export (a list of tasks). The first annotation
/// that was not cancelled is read; others are noted.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> std::result::Result<Vec<ImportedDoc>, FormatError> {
    let mut docs = Vec::new();
    for (n, (line, value)) in array_items(path, contents)?.into_iter().enumerate() {
        let task: InTask = serde_json::from_value(value)
            .map_err(|e| FormatError::new(path, line, format!("task {}: {}", n + 1, e)))?;
        let mut reader = SpanReader::new(path, &task.data.text, options);
        let mut notes = Vec::new();
        let mut annotations = task.annotations.iter().filter(|a| !a.was_cancelled);
        if let Some(first) = annotations.next() {
            for (r, result) in first.result.iter().enumerate() {
                let at = |m: String| {
                    FormatError::new(path, line, format!("task {}, result {}: {m}", n + 1, r + 1))
                };
                let (Some(value), true) = (
                    &result.value,
                    result.kind.as_deref().is_none_or(|k| k == "labels"),
                ) else {
                    notes.push(format!(
                        "task {}: result {} of type {:?} not imported",
                        n + 1,
                        r + 1,
                        result.kind
                    ));
                    continue;
                };
                let (Some(start), Some(end)) = (value.start, value.end) else {
                    return Err(at("a labels result needs value.start and value.end".into()));
                };
                if value.labels.is_empty() {
                    return Err(at("value.labels is empty".into()));
                }
                for label in &value.labels {
                    reader
                        .add(start, end, label, value.text.as_deref(), line)
                        .map_err(|e| at(e.message))?;
                }
            }
        }
        let others = annotations.count();
        if others > 0 {
            notes.push(format!(
                "task {}: {others} more annotation(s) not imported (only the first is read)",
                n + 1
            ));
        }
        let id = doc_id(
            task.data.doc_id.as_ref().or(task.data.id.as_ref()),
            task.meta.as_ref(),
        );
        docs.push(reader.finish(id, line, notes));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_label_studio_export() {
        let f = r#"[
  {
    "id": 7,
    "data": {"text": "𝒜 في بغداد"},
    "annotations": [
      {"result": [
        {"id": "x", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 6, "end": 11, "text": "بغداد", "labels": ["LOC"]}},
        {"from_name": "r", "to_name": "text", "type": "relation"}
      ]},
      {"result": []}
    ]
  }
]"#;
        let opts = ImportOptions {
            offsets: OffsetUnit::Utf16,
            ..Default::default()
        };
        let d = import(Path::new("ls.json"), f, &opts).unwrap();
        assert_eq!(d[0].id, None);
        assert_eq!((d[0].spans[0].start, d[0].spans[0].end), (5, 10));
        assert_eq!(d[0].notes.len(), 2);
        // Counted as chars, the same numbers cover other text.
        let e = import(Path::new("ls.json"), f, &ImportOptions::default()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.to_string()
                .starts_with("ls.json:2: task 1, result 1: span 6..11 "),
            "{e}"
        );
    }
}
