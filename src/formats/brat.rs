//! brat standoff: per document `<id>.txt` (the text, exactly) and `<id>.ann`
//! with one `T<n><TAB>LABEL start end<TAB>text` line per entity.
//!
//! brat counts offsets in chars of the `.txt`, as Kashif does. brat entities
//! cannot cross a line break; such an entity is written as fragments split at
//! the break (`LOC 0 5;6 10`), as brat itself does, and read back whole.
//! Overlapping and nested entities are written as they are.

use std::path::{Path, PathBuf};

use crate::corpus::doc_id;

use super::imported::{RawDoc, RawSpan, build, detect_reported};
use super::overlap::show;
use super::{
    DocSpans, Exported, FileImport, FormatError, ImportOptions, Issue, IssueKind, Output, Warning,
    valid_spans,
};

/// Exports each document as a `.txt` and `.ann` pair named by its id.
pub fn export(docs: &[DocSpans]) -> Exported {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let spans = valid_spans(doc, &mut warnings);
        super::warn_edge_spaces(doc, &spans, &mut warnings);
        let chars: Vec<char> = doc.text.chars().collect();
        let mut ann = String::new();
        let mut n = 0;
        for s in spans {
            let fragments = fragments(&chars, s.start, s.end);
            let (Some(first), Some(last)) = (fragments.first(), fragments.last()) else {
                warnings.push(Warning::new(
                    doc.id,
                    format!(
                        "{} covers only line breaks, which brat cannot hold; not in the brat file",
                        show(s)
                    ),
                ));
                continue;
            };
            if (first.0, last.1) != (s.start, s.end) {
                warnings.push(Warning::new(
                    doc.id,
                    format!(
                        "{} starts or ends with a line break, which brat cannot hold; written as {}..{}",
                        show(s),
                        first.0,
                        last.1
                    ),
                ));
            }
            n += 1;
            let ranges: Vec<String> = fragments.iter().map(|(a, b)| format!("{a} {b}")).collect();
            let texts: Vec<String> = fragments
                .iter()
                .map(|&(a, b)| chars[a..b].iter().collect())
                .collect();
            ann.push_str(&format!(
                "T{}\t{} {}\t{}\n",
                n,
                s.label,
                ranges.join(";"),
                texts.join(" ")
            ));
        }
        files.push((
            PathBuf::from(format!("{}.txt", doc.id)),
            doc.text.to_string(),
        ));
        files.push((PathBuf::from(format!("{}.ann", doc.id)), ann));
    }
    Exported {
        output: Output::Folder(files),
        warnings,
    }
}

/// `start..end` cut at line breaks, without the breaks (empty when the
/// range holds nothing else).
fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = start;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        if c == '\n' {
            if a < i {
                out.push((a, i));
            }
            a = i + 1;
        }
    }
    if a < end {
        out.push((a, end));
    }
    out
}

/// What each brat line type is, for the counts of lines not imported.
fn line_kind(c: char) -> Option<&'static str> {
    Some(match c {
        'E' => "E (events)",
        'R' => "R (relations)",
        '*' => "* (equivalences)",
        'A' | 'M' => "A/M (attributes)",
        'N' => "N (normalizations)",
        '#' => "# (notes)",
        _ => return None,
    })
}

/// Reads one document from its `.ann` contents and its `.txt` contents.
///
/// Every line type brat writes is parsed: `T` entities are imported (the
/// text column, everything after the second TAB, is kept exactly, TABs and
/// no-break spaces included, and checked against the `.txt`); `E R * A M N #`
/// lines are counted and reported, not imported. A bad line is reported and
/// skipped; the others still come in. Offsets are read the way that fits
/// the T-line texts: chars of the raw file or of the file with CRLF counted
/// as one (brat's own reading of a Windows file), and UTF-16 units.
pub fn import(
    id: &str,
    ann_path: &Path,
    ann: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut issues = Vec::new();
    let mut doc = RawDoc::new(Some(id.to_string()), text.to_string(), 1);
    let mut others: Vec<(&'static str, usize)> = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let first = line.chars().next().unwrap_or(' ');
        if first != 'T' {
            match line_kind(first) {
                Some(k) => match others.iter_mut().find(|(x, _)| *x == k) {
                    Some(c) => c.1 += 1,
                    None => others.push((k, 1)),
                },
                None => issues.push(Issue::new(
                    ann_path,
                    line_no,
                    "",
                    IssueKind::Skipped,
                    format!("not a brat annotation line (T, E, R, A, M, N, * or #): {line:?}"),
                )),
            }
            continue;
        }
        // Split on the first two TABs only: the text may hold TABs.
        let mut cols = line.splitn(3, '\t');
        let tid = cols.next().unwrap_or("").to_string();
        let bad = |m: String| Issue::new(ann_path, line_no, &tid, IssueKind::Skipped, m);
        let Some(middle) = cols.next() else {
            issues.push(bad("expected `T<n><TAB>LABEL start end<TAB>text`".into()));
            doc.skipped += 1;
            continue;
        };
        let expected = cols.next();
        let Some((label, ranges)) = middle.split_once(' ') else {
            issues.push(bad(format!(
                "expected `LABEL start end`, found \"{middle}\""
            )));
            doc.skipped += 1;
            continue;
        };
        let mut fragments = Vec::new();
        let mut ok = true;
        for range in ranges.split(';') {
            let nums: Vec<&str> = range.split_whitespace().collect();
            match nums.as_slice() {
                [a, b] => match (a.parse::<usize>(), b.parse::<usize>()) {
                    (Ok(a), Ok(b)) => fragments.push((a, b)),
                    _ => ok = false,
                },
                _ => ok = false,
            }
            if !ok {
                issues.push(bad(format!("bad offsets {range:?}: expected two numbers")));
                break;
            }
        }
        if !ok || fragments.is_empty() {
            doc.skipped += 1;
            continue;
        }
        let start = fragments.iter().map(|f| f.0).min().unwrap_or(0);
        let end = fragments.iter().map(|f| f.1).max().unwrap_or(0);
        let mut raw = RawSpan::new(start, end, label, line_no, tid.clone());
        raw.expected = expected.map(str::to_string);
        if fragments.len() > 1 {
            raw.fragments = fragments;
        }
        doc.spans.push(raw);
    }
    for (k, count) in others {
        let mut i = Issue::new(
            ann_path,
            0,
            "",
            IssueKind::Note,
            format!("{count} {k} line(s) not imported (Kashif holds entities only)"),
        );
        i.tally = Some(format!("brat {k} lines (not imported)"));
        issues.push(i);
    }
    let docs = vec![doc];
    let reading = detect_reported(&docs, options.offsets, ann_path, &mut issues);
    let has_cr = text.contains("\r\n");
    let docs = build(ann_path, docs, reading, options, &mut issues);
    Ok(FileImport {
        docs,
        issues,
        shape: "brat standoff (.ann + .txt)".into(),
        reading: Some(format!(
            "{}{}",
            reading.describe(has_cr),
            if options.offsets.is_some() {
                " (--offsets)"
            } else {
                " (the one the T-line texts fit)"
            }
        )),
    })
}

/// The `.ann` files under a folder (recursively; the extension in any
/// case), each with its document id (its path relative to the folder,
/// without extension).
pub fn ann_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ann"))
            {
                out.push((doc_id(dir, &path), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Span;

    fn sp(start: usize, end: usize, label: &str, text: &str) -> Span {
        Span::manual_with_text(start, end, label, text)
    }

    #[test]
    fn line_breaks_split_entities_into_fragments_and_back() {
        let text = "في الولايات\nالمتحدة 𝒜";
        let spans = vec![
            sp(3, 19, "LOC", "الولايات\nالمتحدة"),
            sp(3, 11, "LOC", "الولايات"),
        ];
        let e = export(&[DocSpans {
            id: "sub/d",
            text,
            spans: &spans,
        }]);
        let Output::Folder(files) = &e.output else {
            panic!()
        };
        assert_eq!(files[0], (PathBuf::from("sub/d.txt"), text.to_string()));
        assert_eq!(
            files[1].1,
            "T1\tLOC 3 11;12 19\tالولايات المتحدة\nT2\tLOC 3 11\tالولايات\n"
        );
        let d = import(
            "sub/d",
            Path::new("d.ann"),
            &files[1].1,
            text,
            &ImportOptions::default(),
        )
        .unwrap();
        let got: Vec<_> = d.docs[0].spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(got, [(3, 19), (3, 11)]);
    }

    #[test]
    fn bad_lines_are_skipped_one_by_one_with_positions() {
        let text = "في بغداد";
        let opts = ImportOptions::default();
        let f = import(
            "d",
            Path::new("d.ann"),
            "T1\tLOC 3 8\tبغداد\nT2\tLOC 3 x\tبغداد\nT3\tLOC 3 8\tبغدا\nT4\tLOC 0 1;3 8\tف بغداد\n#1\tAnnotatorNotes T1\tx\nR1\tIn Arg1:T1 Arg2:T2\nA1\tNeg T1\n",
            text,
            &opts,
        )
        .unwrap();
        assert_eq!(f.docs[0].spans.len(), 1);
        let skipped: Vec<String> = f
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::Skipped)
            .map(|i| i.to_string())
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert_eq!(
            skipped[0],
            "skipped: d.ann:2: T2: bad offsets \"3 x\": expected two numbers"
        );
        assert!(skipped[1].contains("file says"), "{skipped:?}");
        assert!(skipped[2].contains("discontinuous"), "{skipped:?}");
        let notes: Vec<&str> = f
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::Note)
            .map(|i| i.message.as_str())
            .collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn text_column_keeps_tabs_and_no_break_spaces() {
        let text = "وزارة\tالخارجية و١٠\u{a0}٠٠٠ جندي";
        let ann = "T1\tORG 0 14\tوزارة\tالخارجية\nT2\tMISC 16 22\t١٠\u{a0}٠٠٠\n";
        let f = import(
            "d",
            Path::new("d.ann"),
            ann,
            text,
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        let got: Vec<&str> = f.docs[0].spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(got, ["وزارة\tالخارجية", "١٠\u{a0}٠٠٠"]);
    }
}
