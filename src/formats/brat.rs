//! brat standoff: per document `<id>.txt` (the text, exactly) and `<id>.ann`
//! with one `T<n><TAB>LABEL start end<TAB>text` line per entity.
//!
//! brat counts offsets in chars of the `.txt`, as Kashif does. brat entities
//! cannot cross a line break; such an entity is written as fragments split at
//! the break (`LOC 0 5;6 10`), as brat itself does, and read back whole.
//! Overlapping and nested entities are written as they are.

use std::path::{Path, PathBuf};

use crate::corpus::doc_id;

use super::imported::SpanReader;
use super::overlap::show;
use super::{
    DocSpans, Exported, FormatError, ImportOptions, ImportedDoc, Output, Warning, valid_spans,
};

/// Exports each document as a `.txt` and `.ann` pair named by its id.
pub fn export(docs: &[DocSpans]) -> Exported {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let spans = valid_spans(doc, &mut warnings);
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

/// Reads one document from its `.ann` contents and its `.txt` contents.
pub fn import(
    id: &str,
    ann_path: &Path,
    ann: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<ImportedDoc, FormatError> {
    let mut reader = SpanReader::new(ann_path, text, options);
    let mut others = 0;
    for (n, line) in ann.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with('T') {
            others += 1;
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (Some(_), Some(middle)) = (cols.next(), cols.next()) else {
            return Err(FormatError::at(
                ann_path,
                line_no,
                1,
                "expected `T<n><TAB>LABEL start end<TAB>text`",
            ));
        };
        let expected = cols.next();
        let col = line.find('\t').map_or(1, |b| line[..b].chars().count() + 2);
        let (label, ranges) = middle.split_once(' ').ok_or_else(|| {
            FormatError::at(
                ann_path,
                line_no,
                col,
                format!("expected `LABEL start end`, found \"{middle}\""),
            )
        })?;
        let mut fragments = Vec::new();
        for range in ranges.split(';') {
            let nums: Vec<&str> = range.split_whitespace().collect();
            let parsed = match nums.as_slice() {
                [a, b] => a.parse::<usize>().ok().zip(b.parse::<usize>().ok()),
                _ => None,
            };
            let Some(pair) = parsed else {
                return Err(FormatError::at(
                    ann_path,
                    line_no,
                    col,
                    format!("bad offsets {range:?}: expected two numbers"),
                ));
            };
            fragments.push(pair);
        }
        let (start, end) = hull(&fragments, text, options)
            .map_err(|m| FormatError::at(ann_path, line_no, col, m))?;
        // brat joins the fragments' texts with spaces; compare the same way.
        let expected = expected.map(|t| t.to_string());
        let check = if fragments.len() == 1 {
            expected.as_deref()
        } else {
            None
        };
        reader.add(start, end, label, check, line_no)?;
        if fragments.len() > 1 {
            let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = reader
                .spans
                .last()
                .map(|s| words(&s.text))
                .unwrap_or_default();
            if let Some(want) = expected.as_deref().map(words)
                && got != want
            {
                return Err(FormatError::at(
                    ann_path,
                    line_no,
                    col,
                    format!("fragments cover \"{got}\" but the file says \"{want}\""),
                ));
            }
        }
    }
    let mut notes = Vec::new();
    if others > 0 {
        notes.push(format!(
            "{others} non-entity line(s) (relations, attributes, notes...) not imported"
        ));
    }
    Ok(reader.finish(Some(id.to_string()), 1, notes))
}

/// One range from brat fragments, allowed only when the gaps between them are
/// whitespace (an entity cut at line breaks); real discontinuous entities are
/// refused rather than silently widened.
fn hull(
    fragments: &[(usize, usize)],
    text: &str,
    options: &ImportOptions,
) -> Result<(usize, usize), String> {
    let start = fragments.iter().map(|f| f.0).min().unwrap_or(0);
    let end = fragments.iter().map(|f| f.1).max().unwrap_or(0);
    if fragments.len() > 1 {
        // Gaps are checked on char offsets; UTF-16 files are converted by the
        // reader later, so convert here only to look at the gap text.
        let to_char = |u: usize| match options.offsets {
            super::OffsetUnit::Chars => Some(u),
            super::OffsetUnit::Utf16 => crate::text::utf16_to_char(text, u),
        };
        let mut sorted = fragments.to_vec();
        sorted.sort_unstable();
        for w in sorted.windows(2) {
            let gap = to_char(w[0].1)
                .zip(to_char(w[1].0))
                .and_then(|(a, b)| crate::text::slice_chars(text, a, b));
            if !gap.is_some_and(|g| g.chars().all(char::is_whitespace)) {
                return Err("discontinuous entities are not supported (fragments must be separated by whitespace only)".into());
            }
        }
    }
    Ok((start, end))
}

/// The `.ann` files under a folder (recursively), each with its document id
/// (its path relative to the folder, without extension).
pub fn ann_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ann") {
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
        let got: Vec<_> = d.spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(got, [(3, 19), (3, 11)]);
    }

    #[test]
    fn bad_lines_are_errors_with_positions() {
        let text = "في بغداد";
        let opts = ImportOptions::default();
        let e = import(
            "d",
            Path::new("d.ann"),
            "T1\tLOC 3 8\tبغداد\nT2\tLOC 3 x\tبغداد\n",
            text,
            &opts,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.ann:2:4: bad offsets \"3 x\": expected two numbers"
        );
        let e = import("d", Path::new("d.ann"), "T1\tLOC 3 8\tبغدا\n", text, &opts).unwrap_err();
        assert!(e.message.contains("file says"), "{e}");
        let e = import(
            "d",
            Path::new("d.ann"),
            "T1\tLOC 0 1;3 8\tف بغداد\n",
            text,
            &opts,
        )
        .unwrap_err();
        assert!(e.message.contains("discontinuous"), "{e}");
        let d = import(
            "d",
            Path::new("d.ann"),
            "#1\tAnnotatorNotes T1\tx\nT1\tLOC 3 8\tبغداد\n",
            text,
            &opts,
        )
        .unwrap();
        assert_eq!(d.notes.len(), 1);
    }
}
