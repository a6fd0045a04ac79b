//! spaCy / Prodigy span JSONL: one document per line,
//! `{"text": ..., "spans": [{"start", "end", "label"}], "meta": {"id": "<doc id>"}}`,
//! char offsets as Python slices strings.
//!
//! Spans may overlap (a spaCy `SpanGroup` holds them; `doc.ents` does not, so
//! training code that fills `doc.ents` must choose). A `text` field in a span,
//! when present, is checked against the document text.

use std::path::Path;

use serde::Serialize;

use super::json::export_lines;
use super::overlap::show;
use super::{DocSpans, Exported, FileImport, FormatError, ImportOptions, OffsetUnit, Warning};
use crate::annotation::Span;

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

/// Exports one JSON line per document. spaCy refuses spans that start or
/// end with whitespace ("invalid whitespace entity spans", spaCy issues
/// #3558 and #6349), so such a span is written without that whitespace and
/// reported.
pub fn export(docs: &[DocSpans], offsets: OffsetUnit) -> Exported {
    let mut warnings = Vec::new();
    let trimmed: Vec<Vec<Span>> = docs
        .iter()
        .map(|d| {
            let chars: Vec<char> = d.text.chars().collect();
            d.spans
                .iter()
                .map(|s| {
                    let (mut a, mut b) = (s.start, s.end.min(chars.len()));
                    while a < b && chars[a].is_whitespace() {
                        a += 1;
                    }
                    while b > a && chars[b - 1].is_whitespace() {
                        b -= 1;
                    }
                    if a < b && (a, b) != (s.start, s.end) {
                        warnings.push(Warning::new(
                            d.id,
                            format!(
                                "{} has whitespace at an edge, which spaCy refuses; written as {a}..{b}",
                                show(s)
                            ),
                        ));
                        return Span {
                            start: a,
                            end: b,
                            text: chars[a..b].iter().collect(),
                            ..s.clone()
                        };
                    }
                    s.clone()
                })
                .collect()
        })
        .collect();
    let docs: Vec<DocSpans> = docs
        .iter()
        .zip(&trimmed)
        .map(|(d, spans)| DocSpans { spans, ..*d })
        .collect();
    let mut e = export_lines(&docs, offsets, |doc, spans| Line {
        text: doc.text,
        spans: spans
            .into_iter()
            .map(|(start, end, label)| OutSpan { start, end, label })
            .collect(),
        meta: Meta { id: doc.id },
    });
    warnings.append(&mut e.warnings);
    e.warnings = warnings;
    e
}

/// Reads spaCy / Prodigy JSONL, spaCy v2 training JSON and NER Annotator
/// exports (see [`super::shapes`]).
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    super::shapes::import(super::Format::Spacy, path, contents, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::IssueKind;

    #[test]
    fn reads_prodigy_lines_and_checks_span_text() {
        let f = "{\"text\": \"في بغداد\", \"spans\": [{\"start\": 3, \"end\": 8, \"label\": \"LOC\", \"text\": \"بغداد\", \"token_start\": 1}], \"meta\": {\"id\": \"d1\"}}\n";
        let r = import(Path::new("s.jsonl"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].id.as_deref(), Some("d1"));
        assert_eq!(r.docs[0].spans[0].text, "بغداد");
        let bad = f.replace("\"text\": \"بغداد\"", "\"text\": \"بغدا\"");
        let r = import(
            Path::new("s.jsonl"),
            &format!("\n{bad}"),
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(r.docs[0].spans.is_empty());
        assert_eq!(r.issues[0].line, 2);
        assert!(r.issues[0].message.contains("file says"), "{}", r.issues[0]);
        let r = import(
            Path::new("s.jsonl"),
            "{\"text\": \"x\", \"spans\": [{\"start\": 0}]}",
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!((r.docs[0].records, r.docs[0].skipped), (1, 1));
        assert_eq!(r.issues[0].kind, IssueKind::Skipped);
    }

    #[test]
    fn export_never_writes_whitespace_at_span_edges() {
        let text = "نادي الهلال بعقد";
        let spans = [crate::annotation::Span::manual_with_text(
            0,
            12,
            "ORG",
            "نادي الهلال ",
        )];
        let e = export(
            &[DocSpans {
                id: "d",
                text,
                spans: &spans,
            }],
            OffsetUnit::Chars,
        );
        let crate::formats::Output::File(out) = &e.output else {
            panic!()
        };
        assert!(out.contains("\"start\":0,\"end\":11"), "{out}");
        assert_eq!(e.warnings.len(), 1);
    }

    #[test]
    fn v2_training_json_and_ner_annotator_are_recognised() {
        let f = "[[\"في بغداد\", {\"entities\": [[3, 8, \"LOC\"]]}]]";
        let r = import(Path::new("t.json"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].spans[0].text, "بغداد");
        assert!(r.shape.contains("spaCy v2"), "{}", r.shape);
        let f = "{\"classes\": [\"LOC\"], \"annotations\": [[\"في بغداد\", {\"entities\": [[3, 8, \"LOC\"]]}]]}";
        let r = import(Path::new("t.json"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].spans[0].text, "بغداد");
        assert!(r.shape.contains("NER Annotator"), "{}", r.shape);
    }
}
