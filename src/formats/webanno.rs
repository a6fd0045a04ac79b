//! WebAnno TSV 3.x, INCEpTION's default export, read and written so gold can
//! go to INCEpTION and back.
//!
//! A file is one document: `#FORMAT=WebAnno TSV 3.3`, layer headers
//! (`#T_SP=...NamedEntity|identifier|value`), then sentences, each a
//! `#Text=` line (the authoritative text) and one row per token:
//! `sent-token`, `begin-end` in **UTF-16 units** of the document text, the
//! token, then one column per layer feature. Sub-token rows (`1-7.1`) cover
//! part of a token (`أذربيجان` in `وأذربيجان`); an annotation over several
//! rows, or stacked with another on a row (`ORG[2]|LOC[3]`), carries an id in
//! brackets.

use std::collections::BTreeMap;
use std::path::Path;

use super::imported::{RawDoc, RawSpan, Reading, build};
use super::overlap::show;
use super::{
    DocSpans, Exported, FileImport, FormatError, ImportOptions, Issue, IssueKind, OffsetUnit,
    Output, Warning, valid_spans,
};

const NE_LAYER: &str = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity";

/// Removes WebAnno TSV 3 backslash escapes as INCEpTION writes them, so
/// the text and its UTF-16 offsets agree again: `\\`, `\t`, `\n`, `\r`
/// (a tab, line feed, carriage return; in `#Text=` lines, token forms and
/// feature values), and `\[`, `\]`, `\|`, `\_`, `\*`, `\;`, `\->` (feature
/// values). INCEpTION doubles every backslash it writes, so reading them
/// all alike is safe; any other backslash is kept as it is.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek().copied() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(n @ ('\\' | '[' | ']' | '|' | '_' | '*' | ';')) => out.push(n),
            Some('-') if it.clone().nth(1) == Some('>') => {
                out.push_str("->");
                it.next();
            }
            // A backslash escaping nothing: kept, with what follows.
            _ => {
                out.push('\\');
                continue;
            }
        }
        it.next();
    }
    out
}

/// Escapes text the way INCEpTION writes `#Text=` lines and token forms:
/// the backslash, tab, line feed and carriage return (which would end or
/// split the line).
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a feature value (a label) as TSV3 does: the characters that
/// frame values (`[`, `]`, `|`, `_`, `*`, `;`, `->`), the backslash, and
/// tab, line feed, carriage return.
fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' | '[' | ']' | '|' | '_' | '*' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '-' if it.peek() == Some(&'>') => {
                out.push_str("\\->");
                it.next();
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a cell at `|` not escaped.
fn split_stacked(cell: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in cell.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '|') => {
                out.push(&cell[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&cell[start..]);
    out
}

/// A stacked element `VALUE[3]` → (`VALUE` unescaped, Some(3)).
fn value_and_id(e: &str) -> (String, Option<u32>) {
    if let Some(open) = e.rfind('[')
        && e.ends_with(']')
        && !e[..open].ends_with('\\')
        && let Ok(id) = e[open + 1..e.len() - 1].parse()
    {
        return (unescape(&e[..open]), Some(id));
    }
    (unescape(e), None)
}

/// A layer header: its type and how many columns it takes.
struct Layer {
    kind: String,
    features: Vec<String>,
}

impl Layer {
    fn columns(&self) -> usize {
        self.features.len().max(1)
    }
}

/// A token row: line, UTF-16 range, form, cells after the form.
struct Row<'a> {
    line: usize,
    begin: usize,
    end: usize,
    form: String,
    cells: Vec<&'a str>,
}

/// A sentence: its text lines and rows.
#[derive(Default)]
struct Sentence<'a> {
    /// The `#Text=` lines, unescaped.
    text: Vec<String>,
    line: usize,
    rows: Vec<Row<'a>>,
}

/// A line of the text to write: its char range and its tokens' ranges.
type LineToWrite = (usize, usize, Vec<(usize, usize)>);

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Reads one WebAnno TSV 3.x document (INCEpTION's export): the text from
/// its `#Text=` lines (sentences placed where their first token's offset
/// says, the gaps filled with line breaks), the entities from the
/// NamedEntity layer's `value` column (each span from its rows' UTF-16
/// offsets, checked against the token column when it is one row). Other
/// layers and the `identifier` feature (knowledge-base links) are reported,
/// not imported. `id` is the document id (the file name).
///
/// # Errors
/// Not WebAnno TSV 3 (no `#FORMAT=` line), no NamedEntity layer, or a bad
/// token row (with its line).
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut issues = Vec::new();
    let mut lines = contents
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.strip_suffix('\r').unwrap_or(l)));
    let format = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty())
        .filter(|(_, l)| l.starts_with("#FORMAT=WebAnno TSV 3"));
    let Some((_, format)) = format else {
        return Err(FormatError::new(
            path,
            1,
            "not WebAnno TSV 3: the first line must be #FORMAT=WebAnno TSV 3.x",
        ));
    };
    let version = format
        .trim_start_matches("#FORMAT=WebAnno TSV")
        .trim()
        .to_string();
    let mut layers: Vec<Layer> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    for (n, l) in lines {
        if let Some(h) = l
            .strip_prefix("#T_SP=")
            .or_else(|| l.strip_prefix("#T_CH="))
            .or_else(|| l.strip_prefix("#T_RL="))
        {
            let mut parts = h.split('|');
            layers.push(Layer {
                kind: parts.next().unwrap_or("").to_string(),
                features: parts.map(str::to_string).collect(),
            });
        } else if let Some(t) = l.strip_prefix("#Text=") {
            let t = unescape(t);
            match sentences.last_mut() {
                Some(s) if s.rows.is_empty() => s.text.push(t),
                _ => sentences.push(Sentence {
                    text: vec![t],
                    line: n,
                    rows: Vec::new(),
                }),
            }
        } else if l.trim().is_empty() || l.starts_with('#') {
            continue;
        } else {
            let f: Vec<&str> = l.split('\t').collect();
            let range = f.get(1).and_then(|r| {
                let (a, b) = r.split_once('-')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            });
            let (Some((begin, end)), Some(form), Some(s)) = (range, f.get(2), sentences.last_mut())
            else {
                return Err(FormatError::new(
                    path,
                    n,
                    "not a WebAnno TSV token row (expected sent-token, begin-end, token, then the layer columns, after a #Text= line)",
                ));
            };
            s.rows.push(Row {
                line: n,
                begin,
                end,
                form: unescape(form),
                cells: f[3..].to_vec(),
            });
        }
    }
    // Columns of each layer.
    let mut col = 0;
    let mut ne: Option<(usize, Option<usize>)> = None;
    let mut other: Vec<(String, usize, usize)> = Vec::new();
    for layer in &layers {
        let width = layer.columns();
        if layer.kind.ends_with("NamedEntity") && ne.is_none() {
            let value = layer
                .features
                .iter()
                .position(|f| f == "value")
                .unwrap_or(0);
            let ident = layer.features.iter().position(|f| f == "identifier");
            ne = Some((col + value, ident.map(|i| col + i)));
        } else {
            other.push((layer.kind.clone(), col, width));
        }
        col += width;
    }
    let Some((value_col, ident_col)) = ne else {
        return Err(FormatError::new(
            path,
            0,
            format!(
                "no NamedEntity layer (#T_SP={NE_LAYER}|identifier|value) among the layers ({}); Kashif imports INCEpTION's named-entity layer",
                layers
                    .iter()
                    .map(|l| l.kind.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    // The document text.
    let mut text = String::new();
    let mut units = 0usize;
    let mut first = true;
    for s in &sentences {
        let sentence = s.text.join("\n");
        let target = s.rows.first().map(|r| {
            let local = sentence
                .find(r.form.as_str())
                .map_or(0, |b| utf16_len(&sentence[..b]));
            r.begin.saturating_sub(local)
        });
        let gap = match target {
            Some(t) if t < units => {
                return Err(FormatError::new(
                    path,
                    s.line,
                    format!(
                        "the sentence's first token starts at UTF-16 offset {t}, inside the sentence before (which ends at {units}): the #Text= lines and the offsets disagree"
                    ),
                ));
            }
            Some(t) => t - units,
            // A sentence without tokens: after a line break.
            None if first => 0,
            None => 1,
        };
        first = false;
        for _ in 0..gap {
            text.push('\n');
        }
        units += gap;
        text.push_str(&sentence);
        units += utf16_len(&sentence);
    }
    // The entities.
    let mut doc = RawDoc::new(
        path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        text,
        sentences.first().map_or(1, |s| s.line),
    );
    // id → (label, begin, end, first line, rows)
    let mut by_id: BTreeMap<u32, (String, usize, usize, usize, usize, String)> = BTreeMap::new();
    let mut identifiers = 0usize;
    let mut example_ident = String::new();
    let mut other_cells: BTreeMap<String, usize> = BTreeMap::new();
    for s in &sentences {
        for r in &s.rows {
            for (kind, from, width) in &other {
                if r.cells
                    .iter()
                    .skip(*from)
                    .take(*width)
                    .any(|c| !c.is_empty() && *c != "_")
                {
                    *other_cells.entry(kind.clone()).or_default() += 1;
                }
            }
            let Some(cell) = r
                .cells
                .get(value_col)
                .filter(|c| **c != "_" && !c.is_empty())
            else {
                continue;
            };
            let idents: Vec<&str> = ident_col
                .and_then(|c| r.cells.get(c))
                .map(|c| split_stacked(c))
                .unwrap_or_default();
            for (k, e) in split_stacked(cell).into_iter().enumerate() {
                let (label, id) = value_and_id(e);
                if let Some(i) = idents.get(k).map(|i| value_and_id(i).0)
                    && !i.is_empty()
                    && i != "*"
                    && i != "_"
                {
                    identifiers += 1;
                    if example_ident.is_empty() {
                        example_ident = i;
                    }
                }
                match id {
                    Some(id) => {
                        let entry = by_id.entry(id).or_insert_with(|| {
                            (label.clone(), r.begin, r.end, r.line, 0, r.form.clone())
                        });
                        entry.1 = entry.1.min(r.begin);
                        entry.2 = entry.2.max(r.end);
                        entry.4 += 1;
                    }
                    None => {
                        let mut span = RawSpan::new(r.begin, r.end, &label, r.line, label.clone());
                        span.expected = Some(r.form.clone());
                        doc.spans.push(span);
                    }
                }
            }
        }
    }
    for (id, (label, begin, end, line, rows, form)) in by_id {
        let mut span = RawSpan::new(begin, end, &label, line, format!("{label}[{id}]"));
        if rows == 1 {
            span.expected = Some(form);
        }
        doc.spans.push(span);
    }
    // Annotations without a value cannot be imported.
    let (valueless, spans): (Vec<RawSpan>, Vec<RawSpan>) = doc
        .spans
        .drain(..)
        .partition(|s| s.label.is_empty() || s.label == "*");
    doc.spans = spans;
    for s in valueless {
        doc.skipped += 1;
        issues.push(Issue::new(
            path,
            s.line,
            &s.place,
            IssueKind::Skipped,
            "named entity without a value (label): not imported".into(),
        ));
    }
    if identifiers > 0 {
        let mut i = Issue::new(
            path,
            0,
            "",
            IssueKind::Note,
            format!(
                "{identifiers} identifier value(s) of the NamedEntity layer (knowledge-base links, e.g. {example_ident}) not imported: Kashif entities hold a label only"
            ),
        );
        i.tally = Some("WebAnno identifier (knowledge-base link) values not imported".into());
        i.count = identifiers;
        issues.push(i);
    }
    for (kind, n) in other_cells {
        issues.push(Issue::new(
            path,
            0,
            "",
            IssueKind::Note,
            format!("{n} row(s) of layer {kind} not imported (Kashif holds named entities only)"),
        ));
    }
    doc.spans.sort_by_key(|s| (s.start, s.end));
    let reading = Reading {
        unit: OffsetUnit::Utf16,
        crlf_as_one: false,
    };
    let docs = build(path, vec![doc], reading, options, &mut issues);
    Ok(FileImport {
        docs,
        issues,
        shape: format!("WebAnno TSV {version} (INCEpTION/WebAnno; NamedEntity layer)"),
        reading: Some("UTF-16 units (WebAnno TSV counts as Java does)".into()),
    })
}

/// Writes each document as `<id>.tsv`: every line of the text a sentence
/// (`#Text=`), tokens from [`crate::arabic::tokenize`], the NamedEntity
/// layer with `identifier` (empty) and `value`. An entity edge inside a
/// token becomes a sub-token row; stacked and multi-row entities get ids.
/// `#Text=` lines and token forms are escaped as INCEpTION escapes them
/// (backslash, tab, carriage return), labels as feature values. What WebAnno
/// cannot hold (an entity covering no token char; edges on spaces or
/// invisible marks, which rows cannot cover) is reported.
pub fn export(docs: &[DocSpans]) -> Exported {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let spans = valid_spans(doc, &mut warnings);
        let chars: Vec<char> = doc.text.chars().collect();
        // UTF-16 offset of every char boundary.
        let mut u16s = Vec::with_capacity(chars.len() + 1);
        u16s.push(0usize);
        for c in &chars {
            u16s.push(u16s.last().copied().unwrap_or(0) + c.len_utf16());
        }
        // Sentences: the lines, with their tokens (absolute char ranges).
        let mut lines: Vec<LineToWrite> = Vec::new();
        let mut at = 0;
        for line in doc.text.split('\n') {
            let len = line.chars().count();
            let toks = crate::arabic::tokenize(line)
                .iter()
                .map(|t| (at + t.start, at + t.end))
                .collect();
            lines.push((at, at + len, toks));
            at += len + 1;
        }
        let all_tokens: Vec<(usize, usize)> =
            lines.iter().flat_map(|l| l.2.iter().copied()).collect();
        // Rows each entity lands on: (token index, sub range or whole).
        let mut rows_of: Vec<Vec<(usize, (usize, usize))>> = Vec::with_capacity(spans.len());
        for s in &spans {
            let first = all_tokens.partition_point(|t| t.1 <= s.start);
            let rows: Vec<(usize, (usize, usize))> = all_tokens[first..]
                .iter()
                .enumerate()
                .take_while(|(_, t)| t.0 < s.end)
                .map(|(k, t)| (first + k, (t.0.max(s.start), t.1.min(s.end))))
                .collect();
            match (rows.first(), rows.last()) {
                (Some(a), Some(b)) if (a.1.0, b.1.1) != (s.start, s.end) => {
                    warnings.push(Warning::new(
                        doc.id,
                        format!(
                            "{} starts or ends on a space or an invisible mark, which WebAnno rows cannot cover; written as chars {}..{}",
                            show(s),
                            a.1.0,
                            b.1.1
                        ),
                    ));
                }
                (None, _) => warnings.push(Warning::new(
                    doc.id,
                    format!(
                        "{} covers no token (only spaces or invisible marks); it is not in the WebAnno file",
                        show(s)
                    ),
                )),
                _ => {}
            }
            rows_of.push(rows);
        }
        // Per token: its sub ranges in order, and which entities sit on
        // each (sub range == token: the token row).
        let mut per_token: BTreeMap<usize, BTreeMap<(usize, usize), Vec<usize>>> = BTreeMap::new();
        for (e, rows) in rows_of.iter().enumerate() {
            for &(t, r) in rows {
                per_token
                    .entry(t)
                    .or_default()
                    .entry(r)
                    .or_default()
                    .push(e);
            }
        }
        // Ids: for entities over several rows or sharing a row.
        let mut ids: Vec<Option<usize>> = vec![None; spans.len()];
        let mut next = 1;
        for (e, rows) in rows_of.iter().enumerate() {
            let shared = rows.iter().any(|(t, r)| {
                per_token
                    .get(t)
                    .and_then(|m| m.get(r))
                    .is_some_and(|v| v.len() > 1)
            });
            if rows.len() > 1 || shared {
                ids[e] = Some(next);
                next += 1;
            }
        }
        let cell = |entities: &[usize], ident: bool| -> String {
            if entities.is_empty() {
                return "_".into();
            }
            entities
                .iter()
                .map(|&e| {
                    let v = if ident {
                        "*".to_string()
                    } else {
                        escape_value(&spans[e].label)
                    };
                    match ids[e] {
                        Some(id) => format!("{v}[{id}]"),
                        None => v,
                    }
                })
                .collect::<Vec<_>>()
                .join("|")
        };
        let mut out = format!("#FORMAT=WebAnno TSV 3.3\n#T_SP={NE_LAYER}|identifier|value\n\n");
        let mut t_index = 0;
        for (si, (a, b, toks)) in lines.iter().enumerate() {
            out.push('\n');
            out.push_str("#Text=");
            out.push_str(&escape_text(&chars[*a..*b].iter().collect::<String>()));
            out.push('\n');
            for (k, &(ta, tb)) in toks.iter().enumerate() {
                let subs = per_token.get(&t_index);
                let whole: Vec<usize> = subs
                    .and_then(|m| m.get(&(ta, tb)))
                    .cloned()
                    .unwrap_or_default();
                let form: String = chars[ta..tb].iter().collect();
                out.push_str(&format!(
                    "{}-{}\t{}-{}\t{}\t{}\t{}\t\n",
                    si + 1,
                    k + 1,
                    u16s[ta],
                    u16s[tb],
                    escape_text(&form),
                    cell(&whole, true),
                    cell(&whole, false)
                ));
                let mut sub_n = 0;
                for (&(ra, rb), ents) in subs.into_iter().flatten() {
                    if (ra, rb) == (ta, tb) {
                        continue;
                    }
                    sub_n += 1;
                    let form: String = chars[ra..rb].iter().collect();
                    out.push_str(&format!(
                        "{}-{}.{}\t{}-{}\t{}\t{}\t{}\t\n",
                        si + 1,
                        k + 1,
                        sub_n,
                        u16s[ra],
                        u16s[rb],
                        escape_text(&form),
                        cell(ents, true),
                        cell(ents, false)
                    ));
                }
                t_index += 1;
            }
        }
        files.push((std::path::PathBuf::from(format!("{}.tsv", doc.id)), out));
    }
    Exported {
        output: Output::Folder(files),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Span;

    #[test]
    fn stacked_sub_token_and_utf16_offsets() {
        let f = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n\
#Text=😊 وأذربيجان\n1-1\t0-2\t😊\t_\t_\t\n1-2\t3-12\tوأذربيجان\t_\t_\t\n1-2.1\t4-12\tأذربيجان\t*\tLOC\t\n\n\
#Text=في جامعة القاهرة\n2-1\t13-15\tفي\t_\t_\t\n2-2\t16-21\tجامعة\t*[1]\tORG[1]\t\n2-3\t22-29\tالقاهرة\t*[1]|Q85[2]\tORG[1]|LOC[2]\t\n";
        let r = import(Path::new("x.tsv"), f, &ImportOptions::default()).unwrap();
        let d = &r.docs[0];
        assert_eq!(d.text, "😊 وأذربيجان\nفي جامعة القاهرة");
        let got: Vec<_> = d
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, 11, "LOC", "أذربيجان"),
                (15, 28, "ORG", "جامعة القاهرة"),
                (21, 28, "LOC", "القاهرة")
            ]
        );
        assert!(
            r.issues.iter().any(|i| i.message.contains("identifier")),
            "{:?}",
            r.issues
        );
    }

    #[test]
    fn escaped_text_lines_are_read_as_inception_writes_them() {
        // The sentence `a\b<TAB>في بغداد`: INCEpTION writes the backslash
        // doubled and the tab as `\t`, and counts offsets in the text as it
        // is (12 UTF-16 units, not the 14 of the escaped line).
        let f = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n\
#Text=a\\\\b\\tفي بغداد\n1-1\t0-3\ta\\\\b\t_\t_\t\n1-2\t4-6\tفي\t_\t_\t\n1-3\t7-12\tبغداد\t*\tLOC\\_CITY\t\n\n\
#Text=قال \\\\n لا\\r\n2-1\t13-16\tقال\t*\tPER\\->X\t\n2-2\t17-19\t\\\\n\t_\t_\t\n2-3\t20-22\tلا\t_\t_\t\n";
        let r = import(Path::new("x.tsv"), f, &ImportOptions::default()).unwrap();
        let d = &r.docs[0];
        // (The CR comes in as a line break, as in every corpus text.)
        assert_eq!(d.text, "a\\b\tفي بغداد\nقال \\n لا\n");
        let got: Vec<_> = d
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [(7, 12, "LOC_CITY", "بغداد"), (13, 16, "PER->X", "قال")]
        );
        assert!(
            r.issues.iter().all(|i| i.kind == IssueKind::Note),
            "{:?}",
            r.issues
        );
    }

    #[test]
    fn escapes_round_trip() {
        for s in ["a\\b", "\\t", "x_y[1]|z;*->w", "\t\r\n", "\\\\n", "-", "->"] {
            assert_eq!(unescape(&escape_value(s)), s, "{s:?}");
            assert_eq!(unescape(&escape_text(s)), s, "{s:?}");
        }
        assert_eq!(escape_text("a\\b\tc\r"), "a\\\\b\\tc\\r");
        assert_eq!(escape_value("PER_X->Y"), "PER\\_X\\->Y");
        // A backslash escaping nothing stays.
        assert_eq!(unescape("C:\\Users"), "C:\\Users");
        // Text with a backslash (before an n, too) and a tab, and labels
        // with reserved characters, go out and come back exactly.
        let text = "قال a\\b\tفي بغداد\nC:\\n لا";
        let spans = spans_of(
            text,
            &[(0, 3, "PER_X"), (11, 16, "LOC->Y"), (22, 24, "MISC|Z")],
        );
        let (_, tsv) = export_one(text, &spans);
        assert!(tsv.contains("#Text=قال a\\\\b\\tفي بغداد\n"), "{tsv}");
        assert!(tsv.contains("#Text=C:\\\\n لا\n"), "{tsv}");
        assert!(tsv.contains("PER\\_X"), "{tsv}");
        let r = import(Path::new("d.tsv"), &tsv, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].text, text);
        assert_eq!(places(&r.docs[0].spans), places(&spans));
    }

    /// Spans `(start, end, label)` of `text` (char offsets), drawn by hand.
    fn spans_of(text: &str, spans: &[(usize, usize, &str)]) -> Vec<Span> {
        spans
            .iter()
            .map(|&(s, e, l)| {
                Span::manual_with_text(
                    s,
                    e,
                    l,
                    &text.chars().skip(s).take(e - s).collect::<String>(),
                )
            })
            .collect()
    }

    /// The one file (its path and contents) exporting document `d` with
    /// `spans` writes; no warnings.
    fn export_one(text: &str, spans: &[Span]) -> (std::path::PathBuf, String) {
        let e = export(&[DocSpans {
            id: "d",
            text,
            spans,
        }]);
        assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        let Output::Folder(files) = e.output else {
            panic!()
        };
        files.into_iter().next().expect("one file")
    }

    /// Where the spans are and their labels.
    fn places(spans: &[Span]) -> Vec<(usize, usize, String)> {
        spans
            .iter()
            .map(|s| (s.start, s.end, s.label.clone()))
            .collect()
    }

    #[test]
    fn export_reads_back_exactly() {
        let text = "(واشنطن) 😊 وأذربيجان\n\nفي جامعة القاهرة.";
        let spans = spans_of(
            text,
            &[
                (1, 7, "LOC"),
                (12, 20, "LOC"),
                (25, 38, "ORG"),
                (31, 38, "LOC"),
            ],
        );
        let (path, tsv) = export_one(text, &spans);
        assert_eq!(path, Path::new("d.tsv"));
        let r = import(Path::new("d.tsv"), &tsv, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].text, text);
        assert_eq!(r.docs[0].id.as_deref(), Some("d"));
        assert_eq!(places(&r.docs[0].spans), places(&spans));
    }
}
