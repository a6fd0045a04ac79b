//! Round trips on random texts and spans: Arabic letters and clitic letters,
//! diacritics, Latin, chars outside the BMP, digits, punctuation, tabs,
//! quotes, line breaks and invisible direction marks.

use std::path::Path;

use kashif::annotation::{Origin, Span};
use kashif::formats::{
    self, DocSpans, ExportOptions, Format, ImportOptions, IssueKind, OffsetUnit, Output,
};
use proptest::prelude::*;

const POOL: &[char] = &[
    'ا', 'ب', 'و', 'ل', 'ك', 'ف', 'ن', 'م', 'ر', 'َ', 'ِ', 'ّ', ' ', ' ', ' ', '\n', '.', '؟', 'A',
    'b', '𝒜', '😀', '٣', '7', '\t', '"', '\\', '،', '(', '\u{200F}', '\u{200C}', '\u{a0}', 'ـ',
    '\u{200D}',
];
const LABELS: [&str; 3] = ["PER", "LOC", "ORG"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(POOL), 1..80).prop_map(|v| v.into_iter().collect())
}

fn span_of(text: &str, start: usize, end: usize, label: &str) -> Span {
    Span {
        start,
        end,
        label: label.into(),
        origin: Origin::Imported,
        text: kashif::text::slice_chars(text, start, end)
            .unwrap_or_default()
            .into(),
        proposed: None,
    }
}

fn canonical(mut v: Vec<Span>) -> Vec<Span> {
    v.sort_by(|a, b| a.key().cmp(&b.key()));
    v.dedup_by(|a, b| a.same_entity(b));
    v
}

/// A text and any spans in it (overlaps allowed).
fn text_and_spans() -> impl Strategy<Value = (String, Vec<Span>)> {
    text()
        .prop_flat_map(|t| {
            let n = kashif::text::char_len(&t);
            let span = (0..n, 1..=n, 0..LABELS.len());
            (Just(t), prop::collection::vec(span, 0..6))
        })
        .prop_map(|(t, raw)| {
            let n = kashif::text::char_len(&t);
            let spans = raw
                .into_iter()
                .filter(|&(s, len, _)| s + len <= n)
                .map(|(s, len, l)| span_of(&t, s, s + len, LABELS[l]))
                .collect();
            (t, canonical(spans))
        })
}

/// A text and entities made of whole tokens, without overlaps (what IOB2 holds).
fn text_and_token_spans() -> impl Strategy<Value = (String, Vec<Span>)> {
    text()
        .prop_flat_map(|t| {
            let k = kashif::arabic::tokenize(&t).len();
            (
                Just(t),
                prop::collection::vec((0..k.max(1), 1..3usize, 0..LABELS.len()), 0..5),
            )
        })
        .prop_map(|(t, raw)| {
            let tokens = kashif::arabic::tokenize(&t);
            let mut spans: Vec<Span> = Vec::new();
            for (i, len, l) in raw {
                let Some(first) = tokens.get(i) else { continue };
                let Some(last) = tokens.get(i + len - 1) else {
                    continue;
                };
                let s = span_of(&t, first.start, last.end, LABELS[l]);
                if !spans.iter().any(|o| o.overlaps(s.start, s.end)) {
                    spans.push(s);
                }
            }
            (t, canonical(spans))
        })
}

fn one_file(e: &formats::Exported) -> &str {
    match &e.output {
        Output::File(s) => s,
        Output::Folder(_) => panic!("one file expected"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn json_formats_round_trip((t, spans) in text_and_spans()) {
        // Imports trim whitespace at span edges (reported): such spans are
        // tested in the unit tests of the import, not round-tripped here.
        let spans: Vec<Span> = spans.into_iter().filter(|s| s.text.trim() == s.text).collect();
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        for format in [Format::Doccano, Format::Spacy, Format::LabelStudio] {
            for offsets in [OffsetUnit::Chars, OffsetUnit::Utf16] {
                let e = formats::export(format, &docs, ExportOptions { offsets, ..Default::default() });
                prop_assert!(e.warnings.is_empty());
                let back = formats::import(format, Path::new("f"), one_file(&e), &ImportOptions { offsets: Some(offsets), ..Default::default() }).unwrap();
                prop_assert!(back.issues.iter().all(|i| i.kind == IssueKind::Note), "{:?}", back.issues);
                let back = back.docs;
                prop_assert_eq!(back.len(), 1);
                prop_assert_eq!(&back[0].text, &t);
                prop_assert_eq!(back[0].id.as_deref(), Some("d"));
                prop_assert_eq!(&back[0].spans, &spans);
            }
        }
    }

    #[test]
    fn brat_round_trips_or_warns((t, spans) in text_and_spans()) {
        // Imports trim whitespace at span edges (reported): such spans are
        // tested in the unit tests of the import, not round-tripped here.
        let spans: Vec<Span> = spans.into_iter().filter(|s| s.text.trim() == s.text).collect();
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::Brat, &docs, ExportOptions::default());
        let Output::Folder(files) = &e.output else { panic!() };
        let back = formats::brat::import("d", Path::new("d.ann"), &files[1].1, &files[0].1, &ImportOptions::default()).unwrap();
        // With chars outside the BMP, char and UTF-16 offsets may both fit
        // every record (`٣٣` after an emoji): the import then says so and
        // which reading it took.
        let ambiguous = back.issues.iter().any(|i| i.message.contains("ambiguous offsets"));
        let back = &back.docs[0];
        prop_assert_eq!(&back.text, &t);
        // Entities with a line break at an edge are the only ones brat
        // changes, and each of them is reported.
        let edge = |s: &Span| s.text.starts_with('\n') || s.text.ends_with('\n');
        let n_edge = spans.iter().filter(|s| edge(s)).count();
        prop_assert_eq!(e.warnings.len(), n_edge);
        if n_edge == 0 && !ambiguous {
            prop_assert_eq!(&back.spans, &spans);
        }
    }

    #[test]
    fn conll_round_trips_token_entities((t, spans) in text_and_token_spans(), split in any::<bool>()) {
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::Conll, &docs, ExportOptions { split_clitics: split, ..Default::default() });
        prop_assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        let back = formats::import(Format::Conll, Path::new("f"), one_file(&e), &ImportOptions::default()).unwrap().docs;
        if kashif::arabic::tokenize(&t).is_empty() {
            prop_assert!(back.is_empty());
        } else {
            prop_assert_eq!(back.len(), 1);
            // Read as they are, entities never take in the rebuilt spaces.
            prop_assert!(back[0].spans.iter().all(|s| s.text.trim() == s.text), "{:?}", back[0].spans);
            prop_assert_eq!(back[0].spans_on(&t).unwrap(), spans);
        }
    }

    /// Whatever the spans (overlapping, nested, cutting tokens, covering
    /// only spaces), each one is either in the CoNLL file exactly or named
    /// in a warning, and whatever the file holds that is not an input span
    /// is the widened form a warning announced.
    #[test]
    fn conll_never_drops_in_silence((t, spans) in text_and_spans(), split in any::<bool>()) {
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::Conll, &docs, ExportOptions { split_clitics: split, ..Default::default() });
        let back = formats::import(Format::Conll, Path::new("f"), one_file(&e), &ImportOptions::default()).unwrap().docs;
        let got = back.first().map(|d| d.spans_on(&t).unwrap()).unwrap_or_default();
        let warned = |s: &Span| e.warnings.iter().any(|w| w.message.starts_with(&format!("{} {}..{} ", s.label, s.start, s.end)));
        for s in &spans {
            prop_assert!(got.iter().any(|g| g.same_entity(s)) || warned(s), "{:?} lost; warnings {:?}", s, e.warnings);
        }
        for g in &got {
            let announced = e.warnings.iter().any(|w| w.message.contains(&format!("cover chars {}..{} ", g.start, g.end)));
            prop_assert!(spans.iter().any(|s| s.same_entity(g)) || announced, "{:?} appeared; warnings {:?}", g, e.warnings);
        }
    }

    /// A brat .txt saved with Windows line ends (CRLF) next to its .ann:
    /// whether the offsets count CRLF as one char (brat's reading) or two
    /// (the raw file), the T-line texts tell which, and the entities come
    /// back unchanged.
    #[test]
    fn brat_with_crlf_text_round_trips_in_both_readings((t, spans) in text_and_spans()) {
        let t = t.replace('\r', "");
        let spans: Vec<Span> = spans
            .into_iter()
            .filter(|s| !s.text.starts_with('\n') && !s.text.ends_with('\n') && s.text.trim() == s.text && !s.text.is_empty())
            .filter(|s| kashif::text::slice_chars(&t, s.start, s.end) == Some(s.text.as_str()))
            .collect();
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::Brat, &docs, ExportOptions::default());
        let Output::Folder(files) = &e.output else { panic!() };
        let crlf = t.replace('\n', "\r\n");
        // CRLF counted as one: the .ann as exported, the .txt rewritten.
        // A file that fits both readings equally (all its span texts recur
        // shifted by the line breaks before them) cannot be told apart: the
        // import must then say so instead of being silently right or wrong.
        let ambiguous = |f: &formats::FileImport| f.issues.iter().any(|i| i.message.starts_with("ambiguous offsets"));
        let back = formats::brat::import("d", Path::new("d.ann"), &files[1].1, &crlf, &ImportOptions::default()).unwrap();
        prop_assert!(back.issues.iter().all(|i| i.kind != IssueKind::Skipped), "{:?}", back.issues);
        prop_assert_eq!(&back.docs[0].text, &t);
        if !ambiguous(&back) {
            prop_assert_eq!(&back.docs[0].spans, &spans);
        }
        // CRLF counted as two: every offset moved by the line breaks before it.
        let raw = |c: usize| c + t.chars().take(c).filter(|&ch| ch == '\n').count();
        let mut ann = String::new();
        for line in files[1].1.lines() {
            let cols: Vec<&str> = line.splitn(3, '\t').collect();
            let (label, ranges) = cols[1].split_once(' ').unwrap();
            let moved: Vec<String> = ranges
                .split(';')
                .map(|r| {
                    let (a, b) = r.split_once(' ').unwrap();
                    format!("{} {}", raw(a.parse().unwrap()), raw(b.parse().unwrap()))
                })
                .collect();
            ann.push_str(&format!("{}\t{label} {}\t{}\n", cols[0], moved.join(";"), cols[2]));
        }
        let back = formats::brat::import("d", Path::new("d.ann"), &ann, &crlf, &ImportOptions::default()).unwrap();
        prop_assert!(back.issues.iter().all(|i| i.kind != IssueKind::Skipped), "{:?}", back.issues);
        if !ambiguous(&back) {
            prop_assert_eq!(&back.docs[0].spans, &spans);
        }
    }

    /// UTF-16 offsets are detected without being told, for Label Studio
    /// (whose regions carry their text); chars are kept when they fit.
    #[test]
    fn label_studio_offsets_unit_is_detected((t, spans) in text_and_spans()) {
        let spans: Vec<Span> = spans.into_iter().filter(|s| s.text.trim() == s.text).collect();
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        for offsets in [OffsetUnit::Chars, OffsetUnit::Utf16] {
            let e = formats::export(Format::LabelStudio, &docs, ExportOptions { offsets, ..Default::default() });
            let back = formats::import(Format::LabelStudio, Path::new("f"), one_file(&e), &ImportOptions::default()).unwrap();
            prop_assert!(back.issues.iter().all(|i| i.kind == IssueKind::Note), "{:?}", back.issues);
            // Text whose span texts recur one unit further on fits both
            // units: the import must then say so rather than be silently
            // right or wrong (as for brat's line breaks below).
            let ambiguous = back.issues.iter().any(|i| i.message.starts_with("ambiguous offsets"));
            if !ambiguous {
                prop_assert_eq!(&back.docs[0].spans, &spans);
            }
        }
    }

    /// Nested IOB (one tag column per level): every span is in the file
    /// exactly or named in a warning; whatever comes back that is not an
    /// input span is the widened form a warning announced.
    #[test]
    fn conll_nested_never_drops_in_silence((t, spans) in text_and_spans()) {
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::ConllNested, &docs, ExportOptions::default());
        let back = formats::import(Format::ConllNested, Path::new("f"), one_file(&e), &ImportOptions::default()).unwrap();
        prop_assert!(back.issues.iter().all(|i| i.kind == IssueKind::Note), "{:?}", back.issues);
        let got = back.docs.first().map(|d| d.spans_on(&t).unwrap()).unwrap_or_default();
        let warned = |s: &Span| e.warnings.iter().any(|w| w.message.starts_with(&format!("{} {}..{} ", s.label, s.start, s.end)));
        for s in &spans {
            prop_assert!(got.iter().any(|g| g.same_entity(s)) || warned(s), "{:?} lost; warnings {:?}", s, e.warnings);
        }
        for g in &got {
            let announced = e.warnings.iter().any(|w| w.message.contains(&format!("cover chars {}..{}", g.start, g.end)));
            prop_assert!(spans.iter().any(|s| s.same_entity(g)) || announced, "{:?} appeared; warnings {:?}", g, e.warnings);
        }
    }

    /// Nested entities of different labels made of whole tokens come back
    /// exactly, without a warning.
    #[test]
    fn conll_nested_round_trips_nested_token_entities((t, flat) in text_and_token_spans(), (t2, inner) in text_and_token_spans()) {
        let _ = t2;
        // A second layer of entities on the same tokens, under another label.
        let tokens = kashif::arabic::tokenize(&t);
        let mut spans = flat.clone();
        for s in inner.iter().filter(|s| s.end <= tokens.last().map_or(0, |x| x.end)) {
            if tokens.iter().any(|x| x.start == s.start) && tokens.iter().any(|x| x.end == s.end) {
                spans.push(span_of(&t, s.start, s.end, "DATE"));
            }
        }
        let spans = canonical(spans);
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::ConllNested, &docs, ExportOptions::default());
        prop_assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        let back = formats::import(Format::ConllNested, Path::new("f"), one_file(&e), &ImportOptions::default()).unwrap().docs;
        if tokens.is_empty() {
            prop_assert!(back.is_empty());
        } else {
            prop_assert_eq!(back[0].spans_on(&t).unwrap(), spans);
        }
    }

    /// WebAnno TSV: the text comes back exactly (from the #Text= lines and
    /// the UTF-16 offsets), and every span exactly or named in a warning.
    #[test]
    fn webanno_round_trips_or_warns((t, spans) in text_and_spans()) {
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::Webanno, &docs, ExportOptions::default());
        let Output::Folder(files) = &e.output else { panic!() };
        let back = formats::import(Format::Webanno, Path::new("d.tsv"), &files[0].1, &ImportOptions::default()).unwrap();
        prop_assert!(back.issues.iter().all(|i| i.kind != IssueKind::Skipped), "{:?}", back.issues);
        let d = &back.docs[0];
        prop_assert_eq!(&d.text, &t);
        let warned = |s: &Span| e.warnings.iter().any(|w| w.message.starts_with(&format!("{} {}..{} ", s.label, s.start, s.end)));
        for s in &spans {
            prop_assert!(d.spans.iter().any(|g| g.same_entity(s)) || warned(s), "{:?} lost; warnings {:?}", s, e.warnings);
        }
        for g in &d.spans {
            let announced = e.warnings.iter().any(|w| w.message.contains(&format!("written as chars {}..{}", g.start, g.end)));
            prop_assert!(spans.iter().any(|s| s.same_entity(g)) || announced, "{:?} appeared; warnings {:?}", g, e.warnings);
        }
    }

    /// Hugging Face rows hold what IOB2 holds: token entities come back
    /// exactly, without a warning.
    #[test]
    fn hf_rows_round_trip_token_entities((t, spans) in text_and_token_spans()) {
        let docs = [DocSpans { id: "d", text: &t, spans: &spans }];
        let e = formats::export(Format::Hf, &docs, ExportOptions::default());
        prop_assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        if kashif::arabic::tokenize(&t).is_empty() {
            prop_assert!(one_file(&e).is_empty());
        } else {
            let back = formats::import(Format::Hf, Path::new("f"), one_file(&e), &ImportOptions::default()).unwrap().docs;
            prop_assert_eq!(back.len(), 1);
            prop_assert_eq!(back[0].id.as_deref(), Some("d"));
            prop_assert_eq!(back[0].spans_on(&t).unwrap(), spans);
        }
    }
}
