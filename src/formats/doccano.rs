//! doccano sequence-labelling JSONL: one document per line,
//! `{"id": "<doc id>", "text": ..., "label": [[start, end, "LOC"], ...]}`.
//!
//! Import also reads doccano's other export shapes: `labels` instead of
//! `label`, and `entities: [{start_offset, end_offset, label}]` (projects with
//! relations). The id comes from `id`, `meta.id` or `meta.doc_id`.

use std::path::Path;

use serde::Serialize;

use super::json::export_lines;
use super::{DocSpans, Exported, FileImport, FormatError, ImportOptions, OffsetUnit};

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

/// Reads a doccano export in any of its shapes (see [`super::shapes`]).
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    super::shapes::import(super::Format::Doccano, path, contents, options)
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
            offsets: Some(OffsetUnit::Utf16),
            ..Default::default()
        };
        let back = import(Path::new("f"), &units, &opts).unwrap().docs;
        assert_eq!((back[0].spans[0].start, back[0].spans[0].end), (2, 7));
        // Detected without the option.
        let back = import(Path::new("f"), &units, &ImportOptions::default()).unwrap();
        assert_eq!(
            (back.docs[0].spans[0].start, back.docs[0].spans[0].end),
            (2, 7)
        );
        assert!(back.reading.unwrap().starts_with("UTF-16"));
    }

    #[test]
    fn other_shapes_and_bad_records() {
        let f = "{\"text\": \"في بغداد\", \"entities\": [{\"start_offset\": 3, \"end_offset\": 8, \"label\": \"LOC\"}], \"meta\": {\"doc_id\": \"x\"}}\n\
                 {\"text\": \"في بغداد\", \"label\": [[3, 9, \"LOC\"], [0, 2, \"LOC\"]]}\n\
                 {\"text\": \"x\", \"label\": [[0, -1, \"LOC\"]]}\n\
                 {\"text\": \"في\n";
        let r = import(Path::new("f.jsonl"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs.len(), 3);
        assert_eq!(r.docs[0].id.as_deref(), Some("x"));
        assert_eq!(r.docs[0].spans[0].text, "بغداد");
        // One span beyond the text: the record's other span is not trusted.
        assert!(r.docs[1].spans.is_empty());
        let mut skipped: Vec<(usize, &str)> = r
            .issues
            .iter()
            .filter(|i| i.kind == crate::formats::IssueKind::Skipped)
            .map(|i| (i.line, i.message.as_str()))
            .collect();
        skipped.sort();
        let lines: Vec<usize> = skipped.iter().map(|s| s.0).collect();
        assert_eq!(lines, [2, 2, 3, 4], "{skipped:?}");
        assert!(
            skipped.iter().any(|s| s.1.contains("beyond the text")),
            "{skipped:?}"
        );
        assert!(skipped[3].1.contains("not a JSON record"), "{skipped:?}");
    }
}
