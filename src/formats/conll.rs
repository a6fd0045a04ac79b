//! CoNLL IOB2: one token per line (`token TAG`), a blank line after each
//! sentence, and a `-DOCSTART- O` line (the CoNLL-2003 document separator
//! many readers skip) and a blank line before each document; or, when ids
//! are asked for, a `# id = <doc id>` line instead (readers must then skip
//! `# ` comment lines).
//!
//! Sentences end after `.` `!` `?` `؟` (with a closing quote or bracket
//! right after them) and at line breaks of the text, but never inside an
//! entity. IOB2 cannot hold overlapping entities: the longest
//! is kept and the others are reported. Without `split_clitics` a token is
//! tagged whole, so an entity that starts or ends inside a token (the و of
//! `وأذربيجان`) is widened to the token and reported; with it, attached
//! conjunctions and prepositions become tokens of their own (tagged `O`
//! outside entities) and tokens are cut at entity edges, so tags cover
//! exactly the entities.
//!
//! Import rebuilds the text: tokens joined by single spaces, sentences by
//! newlines. [`super::ImportedDoc::spans_on`] puts the entities back onto the
//! original text when it differs only in whitespace and invisible marks.

use std::path::Path;

use super::imported::SpanReader;
use super::overlap::show;
use super::{
    DocSpans, Exported, FormatError, ImportOptions, ImportedDoc, OffsetUnit, Output, Warning,
    outermost, valid_spans,
};
use crate::annotation::Span;
use crate::arabic::{is_arabic_letter, is_arabic_mark, segment, tokenize};

/// The comment line that names the document that follows.
const ID_PREFIX: &str = "# id = ";

/// The line that opens a document when ids are not written.
const DOCSTART: &str = "-DOCSTART- O\n\n";

/// Exports `docs` as IOB2.
pub fn export(docs: &[DocSpans], split_clitics: bool, ids: bool) -> Exported {
    let mut out = String::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let valid = valid_spans(doc, &mut warnings);
        let (kept, mut dropped) = outermost(&valid);
        dropped.sort_by_key(|(s, _)| s.key());
        for (s, k) in dropped {
            warnings.push(Warning::new(
                doc.id,
                format!(
                    "{} overlaps {}; IOB2 keeps the longer, so it is not in the CoNLL file",
                    show(s),
                    show(k)
                ),
            ));
        }
        let chars: Vec<char> = doc.text.chars().collect();
        let pieces = pieces(&chars, &kept, split_clitics);
        let owner = owners(&pieces, &kept);
        report_widened(doc.id, &pieces, &owner, &kept, &mut warnings);
        if ids {
            out.push_str(ID_PREFIX);
            out.push_str(doc.id);
            out.push('\n');
        } else {
            out.push_str(DOCSTART);
        }
        write_sentences(&mut out, &chars, &pieces, &owner, &kept);
    }
    Exported {
        output: Output::File(out),
        warnings,
    }
}

/// Writes one document's pieces, one per line with its tag, a blank line
/// after each sentence.
fn write_sentences(
    out: &mut String,
    chars: &[char],
    pieces: &[(usize, usize)],
    owner: &[Option<usize>],
    kept: &[&Span],
) {
    // Whether each piece ends a run of stop punctuation (closers after a
    // stop included).
    let mut stops = Vec::with_capacity(pieces.len());
    for (i, &(a, b)) in pieces.iter().enumerate() {
        let after_stop = i > 0 && stops[i - 1] && pieces[i - 1].1 == a;
        stops.push(is_stop(&chars[a..b]) || (after_stop && is_closer(&chars[a..b])));
    }
    for (i, &(a, b)) in pieces.iter().enumerate() {
        out.extend(&chars[a..b]);
        out.push(' ');
        match owner[i] {
            None => out.push('O'),
            Some(k) => {
                out.push_str(if i > 0 && owner[i - 1] == Some(k) {
                    "I-"
                } else {
                    "B-"
                });
                out.push_str(&kept[k].label);
            }
        }
        out.push('\n');
        let ends_sentence = match pieces.get(i + 1) {
            None => true,
            Some(&(c, d)) => {
                let same_entity = owner[i].is_some() && owner[i] == owner[i + 1];
                // `...` and a closing quote or bracket right after the
                // stop (`الأيام.”`) stay in the sentence.
                let more = is_stop(&chars[c..d]) || (b == c && is_closer(&chars[c..d]));
                let stop = stops[i] && !more;
                !same_entity && (stop || chars[b..c].contains(&'\n'))
            }
        };
        if ends_sentence {
            out.push('\n');
        }
    }
}

fn is_stop(token: &[char]) -> bool {
    !token.is_empty() && token.iter().all(|c| matches!(c, '.' | '!' | '?' | '؟'))
}

/// Closing quotes and brackets, which belong to the sentence they close.
fn is_closer(token: &[char]) -> bool {
    matches!(token, ['”' | '»' | '"' | '\'' | '’' | ')' | ']' | '›'])
}

fn is_clitic_letter(c: char) -> bool {
    matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ك')
}

/// The token pieces of the text, in order, as char ranges.
fn pieces(chars: &[char], kept: &[&Span], split_clitics: bool) -> Vec<(usize, usize)> {
    let text: String = chars.iter().collect();
    let mut out = Vec::new();
    for t in tokenize(&text) {
        let (s, e) = (t.start, t.end);
        if !split_clitics {
            out.push((s, e));
            continue;
        }
        let mut cuts = vec![s];
        for k in kept[first_ending_after(kept, s)..]
            .iter()
            .take_while(|k| k.start < e)
        {
            for x in [k.start, k.end] {
                if s < x && x < e {
                    cuts.push(x);
                }
            }
        }
        cuts.push(e);
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let covered = kept
                .get(first_ending_after(kept, a))
                .is_some_and(|k| k.start <= a && b <= k.end);
            if covered {
                out.push((a, b));
                continue;
            }
            let word = &chars[a..b];
            let before_entity = kept
                .get(kept.partition_point(|k| k.start < b))
                .is_some_and(|k| k.start == b);
            let clitics = if before_entity
                && word
                    .iter()
                    .all(|&c| is_clitic_letter(c) || is_arabic_mark(c))
            {
                word.len()
            } else if word.first().is_some_and(|&c| is_arabic_letter(c)) {
                segment(&word.iter().collect::<String>()).entity_start
            } else {
                0
            };
            // One line per clitic letter, its diacritics with it.
            let mut at = a;
            for (i, &c) in chars.iter().enumerate().take(a + clitics).skip(a + 1) {
                if !is_arabic_mark(c) {
                    out.push((at, i));
                    at = i;
                }
            }
            if clitics > 0 {
                out.push((at, a + clitics));
            }
            if a + clitics < b {
                out.push((a + clitics, b));
            }
        }
    }
    out
}

/// Index of the first kept entity that ends after `at`. `kept` is sorted and
/// without overlaps, so its ends are sorted too: one binary search finds
/// the only entity that can contain or follow `at`, keeping long documents
/// linear-logarithmic.
fn first_ending_after(kept: &[&Span], at: usize) -> usize {
    kept.partition_point(|k| k.end <= at)
}

/// The kept entity each piece belongs to: the first one it overlaps.
fn owners(pieces: &[(usize, usize)], kept: &[&Span]) -> Vec<Option<usize>> {
    pieces
        .iter()
        .map(|&(a, b)| {
            let i = first_ending_after(kept, a);
            kept.get(i).filter(|k| k.start < b).map(|_| i)
        })
        .collect()
}

/// Reports entities whose tokens do not cover exactly their chars.
fn report_widened(
    id: &str,
    pieces: &[(usize, usize)],
    owner: &[Option<usize>],
    kept: &[&Span],
    warnings: &mut Vec<Warning>,
) {
    // First char of the first piece and last char of the last piece of each entity.
    let mut covers: Vec<Option<(usize, usize)>> = vec![None; kept.len()];
    for (&(a, b), o) in pieces.iter().zip(owner) {
        if let Some(k) = *o {
            let c = covers[k].get_or_insert((a, b));
            c.1 = b;
        }
    }
    for (span, cover) in kept.iter().zip(covers) {
        match cover {
            Some(c) if c == (span.start, span.end) => {}
            Some((a, b)) => warnings.push(Warning::new(
                id,
                format!(
                    "{} does not start and end at token edges; the CoNLL tags cover chars {a}..{b} (use --split-clitics to cut tokens at entity edges)",
                    show(span)
                ),
            )),
            None => {
                let i = pieces.partition_point(|p| p.1 <= span.start);
                let why = if pieces.get(i).is_some_and(|p| p.0 < span.end) {
                    "shares its only token with another entity"
                } else {
                    "covers no token (only spaces or invisible marks)"
                };
                warnings.push(Warning::new(
                    id,
                    format!("{} {why}; it is not in the CoNLL file", show(span)),
                ))
            }
        }
    }
}

/// An entity being read: start char, label, line of its first token.
struct Open {
    start: usize,
    label: String,
    line: usize,
}

/// Reads IOB2 (IOB1 `I-` tags that start an entity are accepted and noted).
/// The second-to-last columns (if any) are ignored; the first is the token and
/// the last the tag. `-DOCSTART-` lines and `# id = ...` lines separate
/// documents; other `#` comment lines are skipped.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<Vec<ImportedDoc>, FormatError> {
    let options = ImportOptions {
        offsets: OffsetUnit::Chars,
        ..options.clone()
    };
    let mut docs = Vec::new();
    let mut doc = DocBuilder::new(None, 1);
    for (n, line) in contents.lines().enumerate() {
        let line_no = n + 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            doc.end_sentence(line_no);
            continue;
        }
        if fields[0] == "-DOCSTART-" || line.starts_with(ID_PREFIX) {
            let id = line.strip_prefix(ID_PREFIX).map(|s| s.trim().to_string());
            let next = DocBuilder::new(id, line_no + 1);
            std::mem::replace(&mut doc, next).finish(path, &options, &mut docs)?;
            continue;
        }
        let tag = fields[fields.len() - 1];
        let is_comment = line.starts_with('#') && (fields.len() != 2 || parse_tag(tag).is_none());
        if is_comment {
            continue;
        }
        if fields.len() < 2 {
            return Err(FormatError::at(
                path,
                line_no,
                1,
                format!("expected a token and a tag, found \"{line}\""),
            ));
        }
        let Some(parsed) = parse_tag(tag) else {
            let col = line.rfind(tag).map_or(1, |b| line[..b].chars().count() + 1);
            return Err(FormatError::at(
                path,
                line_no,
                col,
                format!("{tag:?} is not an IOB2 tag (O, B-LABEL or I-LABEL)"),
            ));
        };
        doc.token(fields[0], parsed, line_no);
    }
    doc.finish(path, &options, &mut docs)?;
    Ok(docs)
}

#[derive(Debug, PartialEq)]
enum Tag<'a> {
    O,
    B(&'a str),
    I(&'a str),
}

fn parse_tag(tag: &str) -> Option<Tag<'_>> {
    if tag == "O" {
        return Some(Tag::O);
    }
    let (kind, label) = tag.split_once('-')?;
    if label.is_empty() {
        return None;
    }
    match kind {
        "B" => Some(Tag::B(label)),
        "I" => Some(Tag::I(label)),
        _ => None,
    }
}

/// One document being read from CoNLL lines.
struct DocBuilder {
    id: Option<String>,
    line: usize,
    text: String,
    len: usize,
    in_sentence: bool,
    sentence_done: bool,
    open: Option<Open>,
    raw: Vec<(usize, usize, String, usize)>,
    notes: Vec<String>,
}

impl DocBuilder {
    fn new(id: Option<String>, line: usize) -> DocBuilder {
        DocBuilder {
            id,
            line,
            text: String::new(),
            len: 0,
            in_sentence: false,
            sentence_done: false,
            open: None,
            raw: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn close(&mut self) {
        if let Some(o) = self.open.take() {
            self.raw.push((o.start, self.len, o.label, o.line));
        }
    }

    fn end_sentence(&mut self, _line: usize) {
        self.close();
        if self.in_sentence {
            self.in_sentence = false;
            self.sentence_done = true;
        }
    }

    fn token(&mut self, token: &str, tag: Tag, line: usize) {
        let continues =
            matches!(tag, Tag::I(label) if self.open.as_ref().is_some_and(|o| o.label == label));
        // Close before the separator, so no entity ends with a space.
        if !continues {
            self.close();
        }
        if self.in_sentence {
            self.text.push(' ');
            self.len += 1;
        } else if self.sentence_done {
            self.text.push('\n');
            self.len += 1;
        }
        self.in_sentence = true;
        if !continues && let Tag::B(label) | Tag::I(label) = tag {
            if matches!(tag, Tag::I(_)) {
                self.notes.push(format!(
                    "line {line}: I-{label} without B-{label} before it starts an entity"
                ));
            }
            self.open = Some(Open {
                start: self.len,
                label: label.to_string(),
                line,
            });
        }
        self.text.push_str(token);
        self.len += token.chars().count();
    }

    fn finish(
        mut self,
        path: &Path,
        options: &ImportOptions,
        docs: &mut Vec<ImportedDoc>,
    ) -> Result<(), FormatError> {
        self.close();
        if self.text.is_empty() {
            return Ok(());
        }
        let mut reader = SpanReader::new(path, &self.text, options);
        for (s, e, label, line) in &self.raw {
            reader.add(*s, *e, label, None, *line)?;
        }
        docs.push(reader.finish(self.id, self.line, self.notes));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, needle: &str, label: &str) -> Span {
        let b = text.find(needle).unwrap();
        let start = text[..b].chars().count();
        Span::manual_with_text(start, start + needle.chars().count(), label, needle)
    }

    fn body(e: &Exported) -> &str {
        match &e.output {
            Output::File(s) => s,
            Output::Folder(_) => panic!("one file expected"),
        }
    }

    const TEXT: &str = "اقتربت أرمينيا وأذربيجان من اتفاق. قال بلينكين بالولايات المتحدة؟\nنعم";

    #[test]
    fn split_clitics_tags_exactly_the_entities() {
        let spans = vec![
            span(TEXT, "أرمينيا", "LOC"),
            span(TEXT, "أذربيجان", "LOC"),
            span(TEXT, "بلينكين", "PER"),
            span(TEXT, "الولايات المتحدة", "LOC"),
        ];
        let docs = [DocSpans {
            id: "d",
            text: TEXT,
            spans: &spans,
        }];
        let e = export(&docs, true, true);
        assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        let want = "# id = d\nاقتربت O\nأرمينيا B-LOC\nو O\nأذربيجان B-LOC\nمن O\nاتفاق O\n. O\n\n\
                    قال O\nبلينكين B-PER\nب O\nالولايات B-LOC\nالمتحدة I-LOC\n؟ O\n\nنعم O\n\n";
        assert_eq!(body(&e), want);
        let back = import(Path::new("x.conll"), body(&e), &ImportOptions::default()).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].id.as_deref(), Some("d"));
        let on = back[0].spans_on(TEXT).unwrap();
        let ranges = |v: &[Span]| {
            v.iter()
                .map(|s| (s.start, s.end, s.label.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ranges(&on), ranges(&spans));
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let text = "قال “حققنا تقدما...” ثم غادر. (نعم).\nلا";
        let e = export(
            &[DocSpans {
                id: "d",
                text,
                spans: &[],
            }],
            false,
            false,
        );
        let sentences: Vec<String> = body(&e)
            .trim_start_matches("-DOCSTART- O\n\n")
            .split("\n\n")
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.lines()
                    .map(|l| l.trim_end_matches(" O"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(
            sentences,
            ["قال “ حققنا تقدما . . . ”", "ثم غادر .", "( نعم ) .", "لا"]
        );
    }

    #[test]
    fn without_split_entities_inside_tokens_are_widened_and_reported() {
        let spans = vec![span(TEXT, "أذربيجان", "LOC")];
        let e = export(
            &[DocSpans {
                id: "d",
                text: TEXT,
                spans: &spans,
            }],
            false,
            false,
        );
        assert!(body(&e).starts_with("-DOCSTART- O\n\n"));
        assert!(body(&e).contains("وأذربيجان B-LOC\n"));
        assert_eq!(e.warnings.len(), 1);
        assert!(
            e.warnings[0].message.contains("token edges"),
            "{}",
            e.warnings[0]
        );
    }

    #[test]
    fn overlaps_keep_the_longest_and_report_the_rest() {
        let spans = vec![
            span(TEXT, "الولايات المتحدة", "LOC"),
            span(TEXT, "المتحدة", "ORG"),
        ];
        let e = export(
            &[DocSpans {
                id: "d",
                text: TEXT,
                spans: &spans,
            }],
            true,
            false,
        );
        assert!(body(&e).contains("الولايات B-LOC\nالمتحدة I-LOC\n"));
        assert_eq!(e.warnings.len(), 1);
        assert!(
            e.warnings[0].to_string().starts_with("d: ORG"),
            "{}",
            e.warnings[0]
        );
    }

    #[test]
    fn import_rebuilds_text_and_reads_iob1() {
        let f = "-DOCSTART- O\n\nقال O\nأنتوني B-PER\nبلينكين I-PER\n\nفي O\nواشنطن I-LOC\nأمس O\n";
        let docs = import(Path::new("a.conll"), f, &ImportOptions::default()).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(d.text, "قال أنتوني بلينكين\nفي واشنطن أمس");
        let got: Vec<_> = d
            .spans
            .iter()
            .map(|s| (s.text.as_str(), s.label.as_str()))
            .collect();
        assert_eq!(got, [("أنتوني بلينكين", "PER"), ("واشنطن", "LOC")]);
        assert_eq!(d.notes.len(), 1);
    }

    #[test]
    fn bad_tags_and_labels_name_line_and_column() {
        let e = import(
            Path::new("a.conll"),
            "قال O\nبلينكين X-PER\n",
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (2, Some(9)));
        assert!(e.to_string().starts_with("a.conll:2:9: "), "{e}");
        let opts = ImportOptions::with_labels(["PER".to_string()]);
        let e = import(Path::new("a.conll"), "قال O\nبغداد B-GPE\n", &opts).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unknown label"));
        let e = import(Path::new("a.conll"), "قال\n", &opts).unwrap_err();
        assert_eq!(e.line, 1);
    }
}
