//! Export then import gives the same annotations, for every format, on text
//! with diacritics, Latin words, a char outside the BMP and a line break; and
//! Python slicing the exported text at the exported offsets finds exactly the
//! entity texts.

use std::path::{Path, PathBuf};
use std::process::Command;

use kashif::annotation::{Origin, Span};
use kashif::formats::{
    self, DocSpans, ExportOptions, Format, ImportOptions, ImportedDoc, IssueKind, OffsetUnit,
    Output, read_files, write_export,
};

const A: &str = "قالَ وزيرُ الخارجيةِ الأمريكيُّ أنتوني بلينكين (Antony Blinken) في واشنطن إنّ 𝒜 شركة Apple Inc. وَبِالْعِرَاقِ.\nاجتماعٌ في بغداد يوم ٣ نوفمبر ٢٠٢٣.";
const B: &str = "𝒜𝒜 وأذربيجان\n\nتحت رعاية الولايات المتحدة";

/// The span covering the `nth` occurrence of `needle` in `text`.
fn span(text: &str, needle: &str, nth: usize, label: &str) -> Span {
    let b = text
        .match_indices(needle)
        .nth(nth)
        .map(|(b, _)| b)
        .expect("needle in text");
    let start = text[..b].chars().count();
    Span {
        start,
        end: start + needle.chars().count(),
        label: label.into(),
        origin: Origin::Manual,
        text: needle.into(),
        proposed: None,
    }
}

/// Documents `a` (text `A`) and `sub/b` (text `B`, in a subfolder) with
/// the given spans: the pair every round trip exports.
fn two_docs<'a>(a: &'a [Span], b: &'a [Span]) -> [DocSpans<'a>; 2] {
    [
        DocSpans {
            id: "a",
            text: A,
            spans: a,
        },
        DocSpans {
            id: "sub/b",
            text: B,
            spans: b,
        },
    ]
}

fn sorted(mut v: Vec<Span>) -> Vec<Span> {
    v.sort_by(|a, b| a.key().cmp(&b.key()));
    v
}

fn spans_a() -> Vec<Span> {
    sorted(vec![
        span(A, "وزيرُ الخارجيةِ", 0, "ORG"),
        span(A, "الخارجيةِ الأمريكيُّ", 0, "MISC"),
        span(A, "أنتوني بلينكين", 0, "PER"),
        span(A, "Antony Blinken", 0, "PER"),
        span(A, "واشنطن", 0, "LOC"),
        span(A, "𝒜", 0, "MISC"),
        span(A, "Apple Inc.", 0, "ORG"),
        span(A, "الْعِرَاقِ", 0, "LOC"),
        span(A, "بغداد", 0, "LOC"),
        span(A, "٣ نوفمبر ٢٠٢٣", 0, "DATE"),
    ])
}

fn spans_b() -> Vec<Span> {
    sorted(vec![
        span(B, "𝒜", 1, "MISC"),
        span(B, "أذربيجان", 0, "LOC"),
        span(B, "الولايات المتحدة", 0, "LOC"),
        span(B, "الولايات", 0, "LOC"),
    ])
}

fn imported(spans: &[Span]) -> Vec<Span> {
    spans
        .iter()
        .map(|s| Span {
            origin: Origin::Imported,
            ..s.clone()
        })
        .collect()
}

fn import_file(format: Format, contents: &str, offsets: OffsetUnit) -> Vec<ImportedDoc> {
    let opts = ImportOptions {
        offsets: Some(offsets),
        labels: Some(
            ["PER", "LOC", "ORG", "MISC", "DATE"]
                .map(String::from)
                .to_vec(),
        ),
        ..Default::default()
    };
    let f = formats::import(format, Path::new("x"), contents, &opts).unwrap();
    assert!(
        f.issues.iter().all(|i| i.kind == IssueKind::Note),
        "{:?}",
        f.issues
    );
    f.docs
}

fn check_same(docs: &[ImportedDoc], a: &[Span], b: &[Span]) {
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id.as_deref(), Some("a"));
    assert_eq!(docs[1].id.as_deref(), Some("sub/b"));
    assert_eq!(docs[0].text, A);
    assert_eq!(docs[1].text, B);
    assert_eq!(docs[0].spans, imported(a));
    assert_eq!(docs[1].spans, imported(b));
    for d in docs {
        for s in &d.spans {
            assert_eq!(
                kashif::text::slice_chars(&d.text, s.start, s.end),
                Some(s.text.as_str())
            );
        }
    }
}

#[test]
fn json_formats_round_trip_in_chars_and_utf16() {
    let (a, b) = (spans_a(), spans_b());
    let docs = two_docs(&a, &b);
    for format in [Format::Doccano, Format::Spacy, Format::LabelStudio] {
        for offsets in [OffsetUnit::Chars, OffsetUnit::Utf16] {
            let e = formats::export(
                format,
                &docs,
                ExportOptions {
                    offsets,
                    ..Default::default()
                },
            );
            assert!(e.warnings.is_empty(), "{format:?}: {:?}", e.warnings);
            let Output::File(contents) = &e.output else {
                panic!("{format:?} writes one file")
            };
            check_same(&import_file(format, contents, offsets), &a, &b);
        }
    }
}

#[test]
fn brat_round_trips_through_files() {
    let (a, b) = (spans_a(), spans_b());
    let docs = two_docs(&a, &b);
    let e = formats::export(Format::Brat, &docs, ExportOptions::default());
    assert!(e.warnings.is_empty());
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), &e).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sub/b.txt")).unwrap(),
        B
    );
    let back: Vec<ImportedDoc> = read_files(
        Format::Brat,
        &[dir.path().to_path_buf()],
        &ImportOptions::default(),
    )
    .into_iter()
    .flat_map(|f| f.unwrap().docs)
    .collect();
    check_same(&back, &a, &b);
}

#[test]
fn conll_round_trips_what_iob2_can_hold_and_reports_the_rest() {
    let (a, b) = (spans_a(), spans_b());
    let docs = two_docs(&a, &b);
    let e = formats::export(
        Format::Conll,
        &docs,
        ExportOptions {
            split_clitics: true,
            conll_ids: true,
            ..Default::default()
        },
    );
    // Nested/overlapping: ORG "وزيرُ الخارجيةِ" loses to the longer MISC, and
    // LOC "الولايات" to "الولايات المتحدة"; each is named, nothing else.
    let mut warned: Vec<(String, String)> = e
        .warnings
        .iter()
        .map(|w| (w.doc.clone(), w.message.clone()))
        .collect();
    warned.sort();
    assert_eq!(warned.len(), 2, "{warned:#?}");
    assert!(
        warned[0].0 == "a" && warned[0].1.contains("ORG") && warned[0].1.contains("وزيرُ الخارجيةِ")
    );
    assert!(warned[1].0 == "sub/b" && warned[1].1.contains("\"الولايات\""));
    let Output::File(contents) = &e.output else {
        panic!()
    };
    assert!(contents.contains("وَ O\nبِ O\nالْعِرَاقِ B-LOC\n"), "{contents}");
    let back = import_file(Format::Conll, contents, OffsetUnit::Chars);
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].id.as_deref(), Some("a"));
    assert_eq!(back[1].id.as_deref(), Some("sub/b"));
    // Without ids the documents are separated by -DOCSTART- lines.
    let plain = formats::export(
        Format::Conll,
        &docs,
        ExportOptions {
            split_clitics: true,
            ..Default::default()
        },
    );
    let Output::File(plain) = &plain.output else {
        panic!()
    };
    assert_eq!(plain.matches("-DOCSTART- O\n\n").count(), 2);
    assert!(!plain.contains("# id"));
    let unnamed = import_file(Format::Conll, plain, OffsetUnit::Chars);
    assert_eq!(unnamed.len(), 2);
    assert!(unnamed.iter().all(|d| d.id.is_none()));
    assert_eq!(
        unnamed.iter().map(|d| &d.spans).collect::<Vec<_>>(),
        back.iter().map(|d| &d.spans).collect::<Vec<_>>()
    );
    let keep = |v: &[Span], drop: &str| -> Vec<Span> {
        imported(v).into_iter().filter(|s| s.text != drop).collect()
    };
    assert_eq!(back[0].spans_on(A).unwrap(), keep(&a, "وزيرُ الخارجيةِ"));
    assert_eq!(back[1].spans_on(B).unwrap(), keep(&b, "الولايات"));
    // The rebuilt text: single spaces, one sentence per line.
    assert!(
        back[1].text.starts_with("𝒜 𝒜 و أذربيجان\nتحت رعاية"),
        "{}",
        back[1].text
    );
}

/// Runs the repository's Python slicer; a missing python3 fails the test.
fn python_slices(format: &str, path: &Path) -> Vec<(String, String, usize, usize, String)> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/slice_exports.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(format)
        .arg(path)
        .output()
        .expect("python3 must be installed to check exported offsets (this test does not skip)");
    assert!(
        out.status.success(),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<(String, String, usize, usize, String)> =
        serde_json::from_slice(&out.stdout).unwrap();
    rows
}

#[test]
fn python_slicing_the_exports_finds_the_entity_texts() {
    let (a, b) = (spans_a(), spans_b());
    let docs = two_docs(&a, &b);
    let mut want: Vec<(String, String, usize, usize, String)> = [("a", &a), ("sub/b", &b)]
        .iter()
        .flat_map(|(id, spans)| {
            spans.iter().map(|s| {
                (
                    id.to_string(),
                    s.label.clone(),
                    s.start,
                    s.end,
                    s.text.clone(),
                )
            })
        })
        .collect();
    want.sort();
    let dir = tempfile::tempdir().unwrap();
    for format in [
        Format::Brat,
        Format::Doccano,
        Format::Spacy,
        Format::LabelStudio,
    ] {
        let out = dir.path().join(format.name());
        write_export(
            &out,
            &formats::export(format, &docs, ExportOptions::default()),
        )
        .unwrap();
        let mut got = python_slices(format.name(), &out);
        got.sort();
        assert_eq!(got, want, "{format:?}");
    }
}

#[test]
fn bad_records_are_reported_with_positions_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap();
    let opts = ImportOptions {
        offsets: Some(OffsetUnit::Chars),
        labels: Some(vec!["LOC".into()]),
        ..Default::default()
    };
    // (format, file, contents, documents read, what the first skipped record says)
    let cases: [(Format, &str, &str, usize, &str); 5] = [
        (
            Format::Doccano,
            "d.jsonl",
            "{\"text\": \"في بغداد\", \"label\": [[3, 8, \"LOC\"]]}\n{\"text\": \"x\" \"label\": []}\n",
            1,
            ":2: not a JSON record: expected `,` or `}`",
        ),
        (
            Format::Doccano,
            "o.jsonl",
            "\n{\"text\": \"في بغداد\", \"label\": [[3, 9, \"LOC\"], [3, 8, \"LOC\"]]}\n",
            1,
            ":2: record 1, label 1: LOC span 3..9 ends beyond the text (8 chars)",
        ),
        (
            Format::Spacy,
            "s.jsonl",
            "{\"text\": \"في بغداد\", \"spans\": [{\"start\": 3, \"end\": 8, \"label\": \"GPE\"}]}\n",
            1,
            ":1: record 1, span 1: unknown label \"GPE\"",
        ),
        (
            Format::LabelStudio,
            "l.json",
            "[\n{\"data\": {\"text\": \"في بغداد\"}, \"annotations\": []},\n{\"data\": {\"text\": \"في بغداد\"}, \"annotations\": [{\"result\": [{\"id\": \"r1\", \"type\": \"labels\", \"value\": {\"start\": 3, \"end\": 8, \"text\": \"بغدا\", \"labels\": [\"LOC\"]}}]}]}\n]",
            2,
            ":3: task 2, annotation 1, region r1: LOC span 3..8 covers \"بغداد\" in the text but the file says \"بغدا\"",
        ),
        (
            Format::Conll,
            "c.conll",
            "# id = a\nفي O\nبغداد B-GPE\n",
            1,
            ":3: entity from line 3: unknown label \"GPE\"",
        ),
    ];
    for (format, name, contents, n_docs, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        let f = read_files(format, std::slice::from_ref(&path), &opts)
            .remove(0)
            .unwrap();
        assert_eq!(f.docs.len(), n_docs, "{name}");
        let first = f
            .issues
            .iter()
            .find(|i| i.kind == IssueKind::Skipped)
            .unwrap_or_else(|| panic!("{name}: nothing skipped: {:?}", f.issues))
            .to_string();
        let where_ = format!("skipped: {}", path.display());
        assert!(first.starts_with(&where_), "{first}");
        assert!(first.contains(want), "{name}: {first} lacks {want}");
    }
    // A file with nothing readable is an error with its place.
    let path = dir.path().join("m.json");
    std::fs::write(
        &path,
        "[\n  {\"data\": {\"text\": \"x\"}},\n  {\"data\": }\n]",
    )
    .unwrap();
    let err = read_files(Format::LabelStudio, std::slice::from_ref(&path), &opts)
        .remove(0)
        .unwrap_err()
        .to_string();
    assert!(err.contains(":3:12: "), "{err}");
}
