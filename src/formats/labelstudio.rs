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

use serde::Serialize;

use super::json::OffsetWriter;
use super::{
    DocSpans, Exported, FileImport, FormatError, ImportOptions, OffsetUnit, Output, valid_spans,
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
        let valid = valid_spans(doc, &mut warnings);
        super::warn_edge_spaces(doc, &valid, &mut warnings);
        let result = valid
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

/// Reads a Label Studio export: JSON tasks (`annotations` or the older
/// `completions`; cancelled ones skipped; several annotators kept apart;
/// `predictions` as pending proposals) or JSON-MIN (see [`super::shapes`]).
/// Label Studio's CoNLL export is read by [`super::conll::import`].
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> std::result::Result<FileImport, FormatError> {
    super::shapes::import(super::Format::LabelStudio, path, contents, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::IssueKind;

    const TASKS: &str = r#"[
  {
    "id": 7,
    "data": {"text": "𝒜 في بغداد"},
    "annotations": [
      {"id": 1, "completed_by": {"email": "amina@x.org"}, "result": [
        {"id": "x", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 6, "end": 11, "text": "بغداد", "labels": ["LOC"]}},
        {"id": "y", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 2, "end": 4, "text": "في", "labels": []}},
        {"from_name": "r", "to_name": "text", "type": "relation"}
      ]},
      {"id": 2, "completed_by": 12, "result": [
        {"id": "z", "type": "labels", "value": {"start": 6, "end": 11, "labels": ["ORG"]}}
      ]},
      {"id": 3, "was_cancelled": true, "result": []}
    ]
  },
  {
    "id": 8,
    "data": {"text": "في بغداد"},
    "predictions": [{"score": 0.4, "result": [
        {"type": "labels", "value": {"start": 3, "end": 8, "labels": ["LOC"]}}]}]
  },
  {
    "id": 9,
    "data": {"text": "في بغداد"},
    "completions": [{"result": [
        {"type": "labels", "value": {"start": 3, "end": 8, "text": "بغداد", "labels": ["LOC"]}}]}]
  }
]"#;

    #[test]
    fn annotators_cancelled_predictions_and_completions() {
        let r = import(Path::new("ls.json"), TASKS, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs.len(), 4);
        // Two annotators on task 7, kept apart; UTF-16 detected from value.text.
        assert_eq!(r.docs[0].annotator.as_deref(), Some("amina@x.org"));
        assert_eq!(r.docs[1].annotator.as_deref(), Some("12"));
        assert_eq!(
            (r.docs[0].spans[0].start, r.docs[0].spans[0].label.as_str()),
            (5, "LOC")
        );
        assert_eq!(r.docs[1].spans[0].label, "ORG");
        // The region without labels is skipped and reported.
        assert_eq!((r.docs[0].records, r.docs[0].skipped), (2, 1));
        assert!(
            r.issues
                .iter()
                .any(|i| i.kind == IssueKind::Skipped && i.place.contains("region y"))
        );
        assert!(r.issues.iter().any(|i| i.message.contains("cancelled")));
        // Predictions only: proposals, not gold.
        assert!(!r.docs[2].gold);
        assert!(r.docs[2].spans.is_empty());
        assert_eq!(r.docs[2].proposals.len(), 1);
        assert!((r.docs[2].proposals[0].confidence - 0.4).abs() < 1e-6);
        // The older `completions` key.
        assert_eq!(r.docs[3].spans[0].text, "بغداد");
        assert!(r.docs[3].gold);
    }

    #[test]
    fn json_min_is_read() {
        let f = r#"[{"id": 3, "text": "في بغداد", "label": [{"start": 3, "end": 8, "text": "بغداد", "labels": ["LOC"]}], "annotator": 1, "lead_time": 2.5}]"#;
        let r = import(Path::new("min.json"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].spans[0].text, "بغداد");
        assert!(r.shape.contains("JSON-MIN"), "{}", r.shape);
    }
}
