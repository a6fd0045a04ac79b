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

use super::imported::{RawDoc, RawSpan, Reading, build};
use super::overlap::show;
use super::{
    DocSpans, Exported, FileImport, FormatError, ImportOptions, Issue, IssueKind, Output, Warning,
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

/// A tag as read: its prefix letter (`B I E S L U M`, or none for `O`) and
/// label.
#[derive(Debug, PartialEq)]
enum Tag<'a> {
    O,
    /// Starts an entity (`B`).
    Begin(&'a str),
    /// Continues one (`I`, `M`), or starts one when none of its label is open
    /// (IOB1).
    Inside(&'a str),
    /// Ends one (`E`, `L`).
    End(&'a str),
    /// A one-token entity (`S`, `U`).
    Single(&'a str),
}

/// Reads a tag of IOB1, IOB2, BIOES, BILOU or BMES; `Err` says why it is not
/// one.
fn parse_tag(tag: &str) -> Result<Tag<'_>, String> {
    if tag == "O" {
        return Ok(Tag::O);
    }
    let Some((kind, label)) = tag.split_once('-') else {
        return Err(format!(
            "\"{tag}\" is not a tag (O, or B-/I-/E-/S-/L-/U-/M- and a label)"
        ));
    };
    if label.is_empty() {
        return Err(format!("\"{tag}\" has no label"));
    }
    if label == "O" {
        return Err(format!("\"{tag}\" is not a valid tag (a prefix on O)"));
    }
    Ok(match kind {
        "B" => Tag::Begin(label),
        "I" | "M" => Tag::Inside(label),
        "E" | "L" => Tag::End(label),
        "S" | "U" => Tag::Single(label),
        _ => return Err(format!("\"{tag}\" has an unknown prefix \"{kind}\"")),
    })
}

/// The document id of a `# id = <id>` line.
fn id_line(line: &str) -> Option<String> {
    let rest = line.strip_prefix('#')?.trim_start().strip_prefix("id")?;
    let id = rest.trim_start().strip_prefix('=')?.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// Reads CoNLL: one token per line, the token in the first column and the tag
/// in the last (2 to any number of columns, separated by spaces or TABs,
/// never by a no-break space, which stays inside the token: `١٠ ٠٠٠`).
/// Tags in IOB1, IOB2, BIOES, BILOU or BMES. `-DOCSTART-` lines in any of
/// their forms (`-DOCSTART- O`, `-DOCSTART- -X- -X- O`, Label Studio's
/// `-DOCSTART- -X- O`) and `# id = ...` lines start a document; other `#`
/// lines are comments; blank lines end sentences (a file without any is one
/// sentence). CRLF line ends and a missing final newline are read alike.
///
/// A bad tag never sinks the file: it is read as `O` and reported with its
/// line (`I-O` in CoNLL-2003). An `I-` tag after `O` starts an entity (the
/// IOB1 reading); when the file uses `B-` to start entities elsewhere, each
/// such line is reported.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut issues = Vec::new();
    let mut docs = Vec::new();
    let mut doc = DocBuilder::new(None, 1);
    let mut scheme = Scheme::default();
    let mut tokens = 0usize;
    let mut untagged = 0usize;
    for (n, line) in contents.lines().enumerate() {
        let line_no = n + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut fields = line.split([' ', '\t']).filter(|f| !f.is_empty());
        let Some(first) = fields.next() else {
            doc.end_sentence();
            continue;
        };
        let id = if line.starts_with('#') {
            id_line(line)
        } else {
            None
        };
        if first == "-DOCSTART-" || id.is_some() {
            let next = DocBuilder::new(id, line_no + 1);
            docs.push(std::mem::replace(&mut doc, next));
            continue;
        }
        let rest: Vec<&str> = fields.collect();
        let tag = rest.last().copied();
        if line.starts_with('#') && (rest.len() != 1 || tag.is_none_or(|t| parse_tag(t).is_err())) {
            continue; // a comment
        }
        tokens += 1;
        let parsed = match tag {
            None => {
                untagged += 1;
                issues.push(Issue::new(
                    path,
                    line_no,
                    "",
                    IssueKind::Changed,
                    format!("token \"{first}\" has no tag; read as O"),
                ));
                Tag::O
            }
            Some(t) => match parse_tag(t) {
                Ok(p) => p,
                Err(why) => {
                    let mut i = Issue::new(
                        path,
                        line_no,
                        "",
                        IssueKind::Changed,
                        format!("{why}; token \"{first}\" read as O"),
                    );
                    i.tally = Some(format!("invalid tag \"{t}\" read as O"));
                    issues.push(i);
                    Tag::O
                }
            },
        };
        scheme.see(&parsed);
        doc.token(first, parsed, line_no, &mut scheme);
    }
    docs.push(doc);
    if tokens > 0 && untagged == tokens {
        return Err(FormatError::new(
            path,
            0,
            "no tag column: every line has one field (CoNLL needs a token and a tag per line)",
        ));
    }
    // IOB1 (CoNLL-2003): I- starts entities and B- appears only between two
    // touching entities. Otherwise an I- after O is a slip worth a look.
    let iob1 = scheme.b_starts == 0 && !scheme.i_starts.is_empty();
    if iob1 {
        issues.push(Issue::new(
            path,
            0,
            "",
            IssueKind::Note,
            format!(
                "tags read as IOB1: I- starts an entity ({} entities), B- only separates two touching entities",
                scheme.i_starts.len()
            ),
        ));
    } else {
        for (line, label) in &scheme.i_starts {
            issues.push(Issue::new(
                path,
                *line,
                "",
                IssueKind::Note,
                format!(
                    "I-{label} after a token outside {label} starts a new entity (IOB1 reading)"
                ),
            ));
        }
    }
    let mut raw = Vec::new();
    for d in docs {
        if let Some(r) = d.finish() {
            raw.push(r);
        }
    }
    let out = build(path, raw, Reading::PLAIN, options, &mut issues);
    Ok(FileImport {
        docs: out,
        issues,
        shape: format!("CoNLL ({})", scheme.name(iob1)),
        reading: None,
    })
}

/// What the tags of a file show about its scheme.
#[derive(Default)]
struct Scheme {
    prefixes: Vec<char>,
    /// B- tags that start an entity after O or another label (IOB2 usage).
    b_starts: usize,
    /// Lines where an I- tag starts an entity, with the label.
    i_starts: Vec<(usize, String)>,
}

impl Scheme {
    fn see(&mut self, t: &Tag) {
        let c = match t {
            Tag::O => return,
            Tag::Begin(_) => 'B',
            Tag::Inside(_) => 'I',
            Tag::End(_) => 'E',
            Tag::Single(_) => 'S',
        };
        if !self.prefixes.contains(&c) {
            self.prefixes.push(c);
        }
    }

    fn name(&self, iob1: bool) -> &'static str {
        let has = |c| self.prefixes.contains(&c);
        if has('E') || has('S') {
            "BIOES / BILOU / BMES tags"
        } else if iob1 {
            "IOB1 tags"
        } else {
            "IOB2 tags"
        }
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
    spans: Vec<RawSpan>,
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
            spans: Vec::new(),
        }
    }

    fn close(&mut self) {
        if let Some(o) = self.open.take() {
            let place = format!("entity from line {}", o.line);
            self.spans
                .push(RawSpan::new(o.start, self.len, &o.label, o.line, place));
        }
    }

    fn end_sentence(&mut self) {
        self.close();
        if self.in_sentence {
            self.in_sentence = false;
            self.sentence_done = true;
        }
    }

    fn token(&mut self, token: &str, tag: Tag, line: usize, scheme: &mut Scheme) {
        let open_label = self.open.as_ref().map(|o| o.label.as_str());
        let continues = match tag {
            Tag::Inside(l) | Tag::End(l) => open_label == Some(l),
            _ => false,
        };
        if let Tag::Begin(l) = tag
            && open_label != Some(l)
        {
            scheme.b_starts += 1;
        }
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
        if !continues {
            let label = match tag {
                Tag::O => None,
                Tag::Inside(l) => {
                    scheme.i_starts.push((line, l.to_string()));
                    Some(l)
                }
                Tag::Begin(l) | Tag::End(l) | Tag::Single(l) => Some(l),
            };
            if let Some(l) = label {
                self.open = Some(Open {
                    start: self.len,
                    label: l.to_string(),
                    line,
                });
            }
        }
        self.text.push_str(token);
        self.len += token.chars().count();
        if matches!(tag, Tag::End(_) | Tag::Single(_)) {
            self.close();
        }
    }

    fn finish(mut self) -> Option<RawDoc> {
        self.close();
        if self.text.is_empty() {
            return None;
        }
        let mut d = RawDoc::new(self.id, self.text, self.line);
        d.spans = self.spans;
        Some(d)
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
        let back = import(Path::new("x.conll"), body(&e), &ImportOptions::default())
            .unwrap()
            .docs;
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
        let r = import(Path::new("a.conll"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs.len(), 1);
        let d = &r.docs[0];
        assert_eq!(d.text, "قال أنتوني بلينكين\nفي واشنطن أمس");
        let got: Vec<_> = d
            .spans
            .iter()
            .map(|s| (s.text.as_str(), s.label.as_str()))
            .collect();
        assert_eq!(got, [("أنتوني بلينكين", "PER"), ("واشنطن", "LOC")]);
        // B- starts entities elsewhere, so the I- after O is reported by line.
        assert_eq!(r.issues.len(), 1);
        assert_eq!(r.issues[0].line, 8);
        // Pure IOB1: one note for the file.
        let f = "قال O\nأنتوني I-PER\nبلينكين I-PER\nفي O\nواشنطن I-LOC\n";
        let r = import(Path::new("a.conll"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].spans.len(), 2);
        assert_eq!(r.issues.len(), 1);
        assert!(r.issues[0].message.contains("IOB1"), "{}", r.issues[0]);
    }

    #[test]
    fn bioes_bilou_and_bmes_give_the_same_entities() {
        let want = [
            ("أنتوني بلينكين", "PER"),
            ("واشنطن", "LOC"),
            ("الأمم المتحدة العامة", "ORG"),
        ];
        for (b, i, e, s) in [
            ("B", "I", "E", "S"),
            ("B", "I", "L", "U"),
            ("B", "M", "E", "S"),
        ] {
            let f = format!(
                "قال O\nأنتوني {b}-PER\nبلينكين {e}-PER\nفي O\nواشنطن {s}-LOC\nو O\nالأمم {b}-ORG\nالمتحدة {i}-ORG\nالعامة {e}-ORG\n"
            );
            let r = import(Path::new("a.conll"), &f, &ImportOptions::default()).unwrap();
            let got: Vec<_> = r.docs[0]
                .spans
                .iter()
                .map(|s| (s.text.as_str(), s.label.as_str()))
                .collect();
            assert_eq!(got, want, "{b}{i}{e}{s}");
            assert!(r.issues.is_empty(), "{:?}", r.issues);
        }
    }

    #[test]
    fn columns_separators_nbsp_crlf_and_headers() {
        // TAB or spaces, 2 to 5 columns, a no-break space inside a token,
        // CRLF, no final newline, several -DOCSTART- forms and # id =.
        let f = "-DOCSTART- -X- -X- O\r\n\r\nبلغ\tVERB\tO\r\n١٠\u{a0}٠٠٠  NUM B-NP _ B-MISC\r\nجندي O\r\n-DOCSTART-\r\n# id = akhbar.2023.v1\r\nفي O\r\nبغداد\tB-LOC";
        let r = import(Path::new("a.conll"), f, &ImportOptions::default()).unwrap();
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.docs.len(), 2);
        assert_eq!(r.docs[0].text, "بلغ ١٠\u{a0}٠٠٠ جندي");
        assert_eq!(r.docs[0].spans[0].text, "١٠\u{a0}٠٠٠");
        assert_eq!(r.docs[1].id.as_deref(), Some("akhbar.2023.v1"));
        assert_eq!(r.docs[1].text, "في بغداد");
        assert_eq!(r.docs[1].spans[0].text, "بغداد");
    }

    #[test]
    fn bad_tags_are_read_as_o_and_reported_with_their_line() {
        let r = import(
            Path::new("a.conll"),
            "قال O\nبلينكين X-PER\nمجمع I-O\nبغداد B-LOC\nقال\n",
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(r.docs[0].text, "قال بلينكين مجمع بغداد قال");
        assert_eq!(r.docs[0].spans.len(), 1);
        let lines: Vec<usize> = r.issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [2, 3, 5]);
        assert!(r.issues.iter().all(|i| i.kind == IssueKind::Changed));
        let opts = ImportOptions::with_labels(["PER".to_string()]);
        let r = import(Path::new("a.conll"), "قال O\nبغداد B-GPE\n", &opts).unwrap();
        assert!(r.docs[0].spans.is_empty());
        assert_eq!(r.issues[0].line, 2);
        assert!(r.issues[0].message.contains("unknown label"));
        assert!(import(Path::new("a.conll"), "قال\nهنا\n", &opts).is_err());
    }
}
