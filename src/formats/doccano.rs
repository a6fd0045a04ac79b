//! doccano sequence-labelling JSONL: one document per line,
//! `{"id": "<doc id>", "text": ..., "label": [[start, end, "LOC"], ...]}`.
//!
//! Import also reads doccano's other export shapes: `labels` instead of
//! `label`, and `entities: [{start_offset, end_offset, label}]` (projects with
//! relations). The id comes from `id`, `meta.id` or `meta.doc_id`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::imported::SpanReader;
use super::json::{doc_id, export_lines, jsonl};
use super::{DocSpans, Exported, FormatError, ImportOptions, ImportedDoc, OffsetUnit};

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
}

/// Exports one JSON line per document. Overlaps are kept (doccano holds them
/// in projects that allow overlapping entities).
pub fn export(docs: &[DocSpans], offsets: OffsetUnit) -> Exported {
    export_lines(docs, offsets, |doc, label| Line {
        id: doc.id,
        text: doc.text,
        label,
    })
}

#[derive(Deserialize)]
struct Record {
    text: String,
    #[serde(default)]
    label: Vec<(usize, usize, String)>,
    #[serde(default)]
    labels: Vec<(usize, usize, String)>,
    #[serde(default)]
    entities: Vec<Entity>,
    id: Option<Value>,
    meta: Option<Value>,
}

#[derive(Deserialize)]
struct Entity {
    start_offset: usize,
    end_offset: usize,
    label: String,
}

/// Reads a doccano JSONL file.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<Vec<ImportedDoc>, FormatError> {
    let mut docs = Vec::new();
    for (line, r) in jsonl::<Record>(path, contents)? {
        let mut reader = SpanReader::new(path, &r.text, options);
        let triples = r
            .label
            .iter()
            .chain(&r.labels)
            .map(|(s, e, l)| (*s, *e, l.as_str()));
        let entities = r
            .entities
            .iter()
            .map(|e| (e.start_offset, e.end_offset, e.label.as_str()));
        for (s, e, l) in triples.chain(entities) {
            reader.add(s, e, l, None, line)?;
        }
        docs.push(reader.finish(doc_id(r.id.as_ref(), r.meta.as_ref()), line, Vec::new()));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Span;
    use crate::formats::Output;

    #[test]
    fn export_writes_char_or_utf16_offsets() {
        let text = "𝒜 بغداد";
        let spans = [Span::manual_with_text(2, 7, "LOC", "بغداد")];
        let docs = [DocSpans {
            id: "d",
            text,
            spans: &spans,
        }];
        let Output::File(chars) = export(&docs, OffsetUnit::Chars).output else {
            panic!()
        };
        assert_eq!(
            chars,
            "{\"id\":\"d\",\"text\":\"𝒜 بغداد\",\"label\":[[2,7,\"LOC\"]]}\n"
        );
        let Output::File(units) = export(&docs, OffsetUnit::Utf16).output else {
            panic!()
        };
        assert!(units.contains("[[3,8,\"LOC\"]]"), "{units}");
        let opts = ImportOptions {
            offsets: OffsetUnit::Utf16,
            ..Default::default()
        };
        let back = import(Path::new("f"), &units, &opts).unwrap();
        assert_eq!((back[0].spans[0].start, back[0].spans[0].end), (2, 7));
    }

    #[test]
    fn other_shapes_and_errors() {
        let f = "{\"text\": \"في بغداد\", \"entities\": [{\"start_offset\": 3, \"end_offset\": 8, \"label\": \"LOC\"}], \"meta\": {\"doc_id\": \"x\"}}\n\
                 {\"text\": \"في بغداد\", \"label\": [[3, 9, \"LOC\"]]}\n";
        let e = import(Path::new("f.jsonl"), f, &ImportOptions::default()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("outside"), "{e}");
        let ok = import(
            Path::new("f.jsonl"),
            f.lines().next().unwrap(),
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(ok[0].id.as_deref(), Some("x"));
        assert_eq!(ok[0].spans[0].text, "بغداد");
        let e = import(
            Path::new("f.jsonl"),
            "{\"text\": \"x\", \"label\": [[0, -1, \"LOC\"]]}",
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col.is_some()), (1, true));
    }
}
