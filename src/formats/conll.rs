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

use super::imported::{RawDoc, RawSpan, Reading, TagColumn, build};
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
        write_doc_header(&mut out, doc.id, ids);
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
    let tags: Vec<String> = (0..pieces.len())
        .map(|i| match owner[i] {
            None => "O".to_string(),
            Some(k) => format!(
                "{}{}",
                if i > 0 && owner[i - 1] == Some(k) {
                    "I-"
                } else {
                    "B-"
                },
                kept[k].label
            ),
        })
        .collect();
    let joined: Vec<bool> = (0..pieces.len())
        .map(|i| owner[i].is_some() && owner.get(i + 1) == Some(&owner[i]))
        .collect();
    write_lines(out, chars, pieces, &tags, &joined);
}

/// Writes pieces one per line with their tags (`tags[i]`: one tag, or
/// several separated by spaces), a blank line after each sentence; never
/// between two pieces `joined` (of one entity).
fn write_lines(
    out: &mut String,
    chars: &[char],
    pieces: &[(usize, usize)],
    tags: &[String],
    joined: &[bool],
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
        out.push_str(&tags[i]);
        out.push('\n');
        let ends_sentence = match pieces.get(i + 1) {
            None => true,
            Some(&(c, d)) => {
                // `...` and a closing quote or bracket right after the
                // stop (`الأيام.”`) stay in the sentence.
                let more = is_stop(&chars[c..d]) || (b == c && is_closer(&chars[c..d]));
                let stop = stops[i] && !more;
                !joined[i] && (stop || chars[b..c].contains(&'\n'))
            }
        };
        if ends_sentence {
            out.push('\n');
        }
    }
}

/// Exports `docs` as nested IOB2, Wojood's shape: `token TAG TAG...`, one
/// tag per entity covering the token, outermost first (`البيرة I-OCC I-ORG
/// B-GPE`), `O` outside entities. Each label is decoded on its own when
/// read back, so entities of different labels nest and cross freely; two
/// overlapping entities of one label cannot be told apart: the longer is
/// kept and the other reported. Tokens are tagged whole: an entity edge
/// inside a token widens it (reported), as in [`export`].
pub fn export_nested(docs: &[DocSpans], ids: bool) -> Exported {
    let mut out = String::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let valid = valid_spans(doc, &mut warnings);
        let chars: Vec<char> = doc.text.chars().collect();
        let text: String = chars.iter().collect();
        let pieces: Vec<(usize, usize)> =
            tokenize(&text).iter().map(|t| (t.start, t.end)).collect();
        // Token range each entity covers; per label, without overlaps.
        let mut labels: Vec<&str> = valid.iter().map(|s| s.label.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        let mut kept: Vec<(&Span, usize, usize)> = Vec::new();
        for label in labels {
            let of_label: Vec<&Span> = valid.iter().copied().filter(|s| s.label == label).collect();
            let (outer, mut dropped) = outermost(&of_label);
            dropped.sort_by_key(|(s, _)| s.key());
            for (s, k) in dropped {
                warnings.push(Warning::new(
                    doc.id,
                    format!(
                        "{} overlaps {} of the same label; nested IOB decodes each label on its own, so it keeps the longer and this one is not in the file",
                        show(s),
                        show(k)
                    ),
                ));
            }
            let mut last_token_end: Option<usize> = None;
            for s in outer {
                let first = pieces.partition_point(|p| p.1 <= s.start);
                let last = pieces.partition_point(|p| p.0 < s.end);
                if first >= last {
                    warnings.push(Warning::new(
                        doc.id,
                        format!("{} covers no token (only spaces or invisible marks); it is not in the CoNLL file", show(s)),
                    ));
                    continue;
                }
                if last_token_end.is_some_and(|e| first < e) {
                    warnings.push(Warning::new(
                        doc.id,
                        format!(
                            "{} shares a token with another {label}; it is not in the CoNLL file",
                            show(s)
                        ),
                    ));
                    continue;
                }
                last_token_end = Some(last);
                let (a, b) = (pieces[first].0, pieces[last - 1].1);
                if (a, b) != (s.start, s.end) {
                    warnings.push(Warning::new(
                        doc.id,
                        format!(
                            "{} does not start and end at token edges; the CoNLL tags cover chars {a}..{b}",
                            show(s)
                        ),
                    ));
                }
                kept.push((s, first, last));
            }
        }
        // Outermost first on every line.
        kept.sort_by(|x, y| {
            x.1.cmp(&y.1)
                .then(y.2.cmp(&x.2))
                .then(x.0.key().cmp(&y.0.key()))
        });
        let mut tags = vec![String::new(); pieces.len()];
        let mut joined = vec![false; pieces.len()];
        for &(s, first, last) in &kept {
            for (i, tag) in tags.iter_mut().enumerate().take(last).skip(first) {
                if !tag.is_empty() {
                    tag.push(' ');
                }
                tag.push_str(if i == first { "B-" } else { "I-" });
                tag.push_str(&s.label);
            }
            for j in joined.iter_mut().take(last - 1).skip(first) {
                *j = true;
            }
        }
        for t in &mut tags {
            if t.is_empty() {
                t.push('O');
            }
        }
        write_doc_header(&mut out, doc.id, ids);
        write_lines(&mut out, &chars, &pieces, &tags, &joined);
    }
    Exported {
        output: Output::File(out),
        warnings,
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
#[derive(Debug, PartialEq, Clone, Copy)]
pub(crate) enum Tag<'a> {
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

impl<'a> Tag<'a> {
    fn label(self) -> Option<&'a str> {
        match self {
            Tag::O => None,
            Tag::Begin(l) | Tag::Inside(l) | Tag::End(l) | Tag::Single(l) => Some(l),
        }
    }
}

/// A document's first line: `# id = ID` with `--conll-ids`, else
/// `-DOCSTART-` (both CoNLL exporters).
fn write_doc_header(out: &mut String, id: &str, ids: bool) {
    if ids {
        out.push_str(ID_PREFIX);
        out.push_str(id);
        out.push('\n');
    } else {
        out.push_str(DOCSTART);
    }
}

/// Reads a tag of IOB1, IOB2, BIOES, BILOU or BMES; `Err` says why it is not
/// one.
pub(crate) fn parse_tag(tag: &str) -> Result<Tag<'_>, String> {
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

fn is_tag(s: &str) -> bool {
    parse_tag(s).is_ok()
}

/// The document id of a `# id = <id>` line.
fn id_line(line: &str) -> Option<String> {
    let rest = line.strip_prefix('#')?.trim_start().strip_prefix("id")?;
    let id = rest.trim_start().strip_prefix('=')?.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// One line of a CoNLL file.
enum Row<'a> {
    Blank,
    /// `-DOCSTART-` or `# id = ...`: a new document.
    Start(Option<String>),
    Comment,
    /// A token line: its fields (the token first).
    Token(Vec<&'a str>),
}

/// Splits a line into fields (spaces or TABs, runs of them too; never a
/// no-break space) and says what it is. A line starting with `#` is a token
/// only when every field after the first is a tag (`#ERROR! O` in Wojood).
fn row(line: &str) -> Row<'_> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let fields: Vec<&str> = line.split([' ', '\t']).filter(|f| !f.is_empty()).collect();
    let Some(&first) = fields.first() else {
        return Row::Blank;
    };
    if first == "-DOCSTART-" {
        return Row::Start(None);
    }
    if line.starts_with('#') {
        if let Some(id) = id_line(line) {
            return Row::Start(Some(id));
        }
        if fields.len() < 2 || !fields[1..].iter().all(|f| is_tag(f)) {
            return Row::Comment;
        }
    }
    Row::Token(fields)
}

/// Phrase labels of chunk tags (CoNLL-2000 and the Penn Treebank phrases
/// a chunker may keep): `B-NP` is a noun phrase, never an entity type.
const PHRASES: &[&str] = &[
    "NP", "VP", "PP", "ADVP", "ADJP", "SBAR", "PRT", "INTJ", "CONJP", "LST", "UCP", "WHNP",
    "WHADVP", "WHADJP", "WHPP", "QP", "NX", "PRN", "FRAG", "RRC", "NAC", "SBARQ", "SINV", "SQ",
];

/// Part-of-speech tags (Penn Treebank and Universal Dependencies) that a
/// POS column written with IOB prefixes (`B-NOUN`) carries. Tags that could
/// name an entity type (`NUM`, `X`, `SYM`) are left out.
const POS_TAGS: &[&str] = &[
    "NN", "NNS", "NNP", "NNPS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS", "RB",
    "RBR", "RBS", "IN", "DT", "CC", "CD", "PRP", "PRP$", "WP", "WDT", "WRB", "TO", "MD", "RP",
    "EX", "PDT", "UH", "FW", "NOUN", "PROPN", "VERB", "ADJ", "ADV", "ADP", "AUX", "CCONJ", "SCONJ",
    "DET", "PRON", "PART", "PUNCT",
];

/// Whether a tag's label is a chunk phrase or a part of speech rather than
/// an entity type: a column of such tags is syntax, and reading it as
/// entities would invent thousands of them.
fn syntactic_label(label: &str) -> bool {
    PHRASES.contains(&label) || POS_TAGS.contains(&label)
}

/// Chunk tags and placeholders of the third column of CoNLL-2003 (and of
/// Label Studio's export, which writes `_` there).
fn chunk_like(cell: &str) -> bool {
    matches!(cell, "_" | "-X-" | "O")
        || parse_tag(cell)
            .ok()
            .and_then(Tag::label)
            .is_some_and(|l| PHRASES.contains(&l))
}

/// What the labels of one column are: syntax (chunk phrases, parts of
/// speech) or entity types, with the first line of each.
#[derive(Clone, Default)]
struct LabelKinds {
    syntactic: usize,
    entity: usize,
    /// First line and cell with a syntactic label.
    first_syntactic: Option<(usize, String)>,
    /// First line and cell with an entity label.
    first_entity: Option<(usize, String)>,
}

/// How a column of tags reads.
#[derive(Clone, Copy, PartialEq, Debug)]
enum ColumnKind {
    /// Entity types only (or `O` only).
    Entities,
    /// Chunk or part-of-speech labels only (nine in ten at least).
    Syntax,
    /// Both: no reading is safe.
    Mixed,
}

impl LabelKinds {
    fn kind(&self) -> ColumnKind {
        if self.syntactic == 0 {
            ColumnKind::Entities
        } else if self.syntactic >= 9 * self.entity {
            ColumnKind::Syntax
        } else {
            ColumnKind::Mixed
        }
    }
}

/// What the token lines of a file show about their columns, gathered line
/// by line (nothing of the file is kept).
struct Columns<'a> {
    rows: usize,
    widest: usize,
    /// The width of every row when they all have one; `None` when mixed.
    same_width: Option<usize>,
    mixed: bool,
    /// Per column (0-based): cells, and cells that are tags.
    cells: Vec<(usize, usize)>,
    /// Column 2 is `-X-` and column 3 `_` on every row (Label Studio).
    placeholders: bool,
    /// Column 3 holds chunk tags or placeholders on every row (CoNLL-2003).
    chunks: bool,
    /// The first line with more than two fields.
    first_wide: usize,
    /// The first line with the most fields.
    widest_line: usize,
    /// The language prefix of the first token (`ar:`), while every token
    /// has it.
    prefix: Option<&'a str>,
    /// Per column (0-based): what its tags' labels are.
    labels: Vec<LabelKinds>,
}

impl<'a> Columns<'a> {
    fn new() -> Columns<'a> {
        Columns {
            rows: 0,
            widest: 0,
            same_width: None,
            mixed: false,
            cells: Vec::new(),
            placeholders: true,
            chunks: true,
            first_wide: 0,
            widest_line: 0,
            prefix: None,
            labels: Vec::new(),
        }
    }

    fn see(&mut self, line: usize, f: &[&'a str]) {
        if self.rows == 0 {
            self.prefix = language_prefix(f[0]);
        } else if let Some(p) = self.prefix
            && !(f[0].len() > p.len() && f[0].starts_with(p))
        {
            self.prefix = None;
        }
        self.rows += 1;
        if self.same_width.is_some_and(|w| w != f.len()) {
            self.mixed = true;
        }
        self.same_width.get_or_insert(f.len());
        if f.len() > 2 && self.first_wide == 0 {
            self.first_wide = line;
        }
        if f.len() > self.widest {
            self.widest = f.len();
            self.widest_line = line;
        }
        if self.cells.len() < f.len() {
            self.cells.resize(f.len(), (0, 0));
            self.labels.resize(f.len(), LabelKinds::default());
        }
        for (c, cell) in f.iter().enumerate().skip(1) {
            self.cells[c].0 += 1;
            if let Ok(tag) = parse_tag(cell) {
                self.cells[c].1 += 1;
                if let Some(label) = tag.label() {
                    let k = &mut self.labels[c];
                    let (n, first) = if syntactic_label(label) {
                        (&mut k.syntactic, &mut k.first_syntactic)
                    } else {
                        (&mut k.entity, &mut k.first_entity)
                    };
                    *n += 1;
                    first.get_or_insert_with(|| (line, (*cell).to_string()));
                }
            }
        }
        self.placeholders &= f.get(1) == Some(&"-X-") && f.get(2) == Some(&"_");
        self.chunks &= f.get(2).is_some_and(|c| chunk_like(c));
    }

    fn all_wide(&self, n: usize) -> bool {
        !self.mixed && self.same_width == Some(n)
    }

    /// Whether column `c` (0-based) holds tags: 80% of its cells at least.
    fn tag_col(&self, c: usize) -> bool {
        self.cells
            .get(c)
            .is_some_and(|&(n, t)| n > 0 && t * 5 >= n * 4)
    }

    /// What the labels of column `c` (0-based) are.
    fn kind(&self, c: usize) -> ColumnKind {
        self.labels
            .get(c)
            .map_or(ColumnKind::Entities, LabelKinds::kind)
    }

    /// The first line showing column `c`'s syntactic labels, and the cell.
    fn syntax_example(&self, c: usize) -> (usize, String) {
        self.labels
            .get(c)
            .and_then(|k| k.first_syntactic.clone())
            .unwrap_or((self.first_wide, String::new()))
    }
}

/// The columns (1-based, as `--tag-column` counts) of `cols` that hold tags,
/// each with what its labels are.
fn tag_columns(cols: &Columns) -> Vec<(usize, ColumnKind)> {
    (1..cols.widest)
        .filter(|&c| cols.tag_col(c))
        .map(|c| (c + 1, cols.kind(c)))
        .collect()
}

/// Refuses a file whose tag columns hold chunk or part-of-speech labels
/// where entity types were expected, or picks the one entity column beside
/// them. `chosen` are the columns (1-based) the layout would read; `Ok(None)`
/// when none of them is syntax (the layout stands).
fn settle_syntax(
    path: &Path,
    cols: &Columns,
    chosen: &[usize],
) -> Result<Option<(TagColumn, String)>, FormatError> {
    let bad: Vec<usize> = chosen
        .iter()
        .copied()
        .filter(|&c| cols.kind(c - 1) != ColumnKind::Entities)
        .collect();
    let Some(&first_bad) = bad.first() else {
        return Ok(None);
    };
    let mut all = tag_columns(cols);
    let entity_cols: Vec<usize> = all
        .iter()
        .filter(|(c, k)| {
            *k == ColumnKind::Entities && cols.labels.get(c - 1).is_some_and(|l| l.entity > 0)
        })
        .map(|(c, _)| *c)
        .collect();
    // The columns the layout would read count even when few of their
    // cells are tags.
    for &c in &bad {
        if !all.iter().any(|(x, _)| *x == c) {
            all.push((c, cols.kind(c - 1)));
        }
    }
    all.sort_unstable_by_key(|(c, _)| *c);
    let mixed: Vec<usize> = all
        .iter()
        .filter(|(_, k)| *k == ColumnKind::Mixed)
        .map(|(c, _)| *c)
        .collect();
    let syntax: Vec<usize> = all
        .iter()
        .filter(|(_, k)| *k == ColumnKind::Syntax)
        .map(|(c, _)| *c)
        .collect();
    // "column 2 holds", "columns 2, 3 hold".
    let list = |v: &[usize]| {
        let n: Vec<String> = v.iter().map(usize::to_string).collect();
        match n.as_slice() {
            [one] => format!("column {one} holds"),
            _ => format!("columns {} hold", n.join(", ")),
        }
    };
    if mixed.is_empty()
        && let [one] = entity_cols.as_slice()
        && let Some(&first_syntax) = syntax.first()
    {
        return Ok(Some((
            TagColumn::Nth(*one),
            format!(
                "NER tag in column {one}; {} chunk or part-of-speech tags (such as {}), not entities: not read",
                list(&syntax),
                cols.syntax_example(first_syntax - 1).1
            ),
        )));
    }
    let (line, cell) = cols.syntax_example(first_bad - 1);
    let what = if !mixed.is_empty() {
        format!(
            "{} chunk or part-of-speech labels (line {line}: \"{cell}\") beside other labels, so it cannot be read as entities",
            list(&mixed)
        )
    } else {
        format!(
            "{} chunk or part-of-speech tags, not entity types (line {line}: \"{cell}\")",
            list(&syntax)
        )
    };
    let hint = if entity_cols.is_empty() && !mixed.is_empty() {
        "give --tag-column N for the column of entity tags (the token is column 1)".to_string()
    } else if entity_cols.is_empty() {
        "no column holds entity types (a chunking or tagging file, such as CoNLL-2000, has no entities to import); if one does, give --tag-column N (the token is column 1)".to_string()
    } else {
        format!(
            "entity types are in {}: give --tag-column N (the token is column 1)",
            {
                let n: Vec<String> = entity_cols.iter().map(usize::to_string).collect();
                format!("column {}", n.join(" and column "))
            }
        )
    };
    Err(FormatError::new(
        path,
        line,
        format!("which column holds the named entities? {what}; {hint}"),
    ))
}

/// Which column holds the tag, and why (for the summary; `None` for the
/// plain two-column layout).
fn choose_column(
    path: &Path,
    cols: &Columns,
    asked: Option<TagColumn>,
) -> Result<(TagColumn, Option<String>), FormatError> {
    if let Some(TagColumn::Nth(n)) = asked
        && n > cols.widest
        && cols.rows > 0
    {
        return Err(FormatError::new(
            path,
            cols.widest_line,
            format!(
                "--tag-column {n}, but no line has {n} columns: the widest (this one) has {} (the token is column 1{}); give --tag-column {}, or leave it out to let Kashif find the tag",
                cols.widest,
                match cols.widest {
                    0 | 1 => ", and there is no tag column".to_string(),
                    2 => ", the tag column 2".to_string(),
                    w => format!(", tags in column 2 to {w}"),
                },
                if cols.widest <= 2 {
                    "2".to_string()
                } else {
                    format!("2 to {}", cols.widest)
                }
            ),
        ));
    }
    if let Some(c) = asked {
        let why = match c {
            TagColumn::Last => "tag in the last column (--tag-column last)".to_string(),
            TagColumn::Nth(n) => format!("tag in column {n} (--tag-column)"),
            TagColumn::Every => {
                "every column after the token a tag, one nesting level each (--tag-column all)"
                    .to_string()
            }
        };
        return Ok((c, Some(why)));
    }
    let widest = cols.widest;
    // A layout read as it is unless the columns it reads hold syntax.
    let layout = |column: TagColumn, chosen: &[usize], why: Option<String>| {
        Ok(match settle_syntax(path, cols, chosen)? {
            Some((c, w)) => (c, Some(w)),
            None => (column, why),
        })
    };
    if widest <= 2 {
        return layout(TagColumn::Last, &[2], None);
    }
    if (1..widest).all(|c| cols.tag_col(c)) {
        let all: Vec<usize> = (2..=widest).collect();
        return layout(
            TagColumn::Every,
            &all,
            Some("every column after the token holds IOB tags of entity types: one nesting level each (Wojood nested layout)".into()),
        );
    }
    if cols.all_wide(4) && !cols.tag_col(1) && cols.tag_col(3) {
        if cols.placeholders {
            return layout(
                TagColumn::Nth(4),
                &[4],
                Some("Label Studio's CoNLL export layout (token -X- _ tag)".into()),
            );
        }
        if cols.chunks {
            return layout(
                TagColumn::Nth(4),
                &[4],
                Some("CoNLL-2003 layout (token, POS, chunk, NER tag)".into()),
            );
        }
    }
    if cols.all_wide(3) && !cols.tag_col(1) && cols.tag_col(2) {
        return layout(
            TagColumn::Nth(3),
            &[3],
            Some("CoNLL-2002 layout (token, POS, NER tag)".into()),
        );
    }
    let tags: Vec<String> = (1..widest)
        .filter(|&c| cols.tag_col(c))
        .map(|c| (c + 1).to_string())
        .collect();
    Err(FormatError::new(
        path,
        cols.first_wide,
        format!(
            "{widest} columns, and not a layout Kashif knows (CoNLL-2002, CoNLL-2003, ANERcorp, Wojood nested): which one holds the tag? Columns holding IOB tags: {}. Give --tag-column N (the token is column 1), --tag-column last, or --tag-column all (every column after the token, one nesting level each)",
            if tags.is_empty() {
                "none".to_string()
            } else {
                tags.join(", ")
            }
        ),
    ))
}

/// The language prefix WikiANN / PAN-X raw files put on every token
/// (`ar:جامعة`) as this token has it: 2 or 3 lowercase ASCII letters and a
/// colon, with more after it.
fn language_prefix(token: &str) -> Option<&str> {
    let colon = token.find(':')?;
    let lang = &token[..colon];
    let ok = (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && token.len() > colon + 1;
    ok.then_some(&token[..=colon])
}

/// Reads CoNLL: one token per line, the token in the first column, separated
/// by spaces or TABs (runs of them too), never by a no-break space, which
/// stays inside the token (`١٠ ٠٠٠`). The tag is in the second column of a
/// two-column file; with more columns, in the column `--tag-column` names or
/// the one of a known layout (CoNLL-2002 `token POS NER`, CoNLL-2003 `token
/// POS chunk NER`, Label Studio's `token -X- _ NER`), or, when every column
/// after the token holds tags, one nesting level per column (Wojood nested),
/// each label decoded on its own; otherwise the file is refused. Tags in
/// IOB1, IOB2, BIOES, BILOU or BMES. `-DOCSTART-` lines in any of their forms
/// and `# id = ...` lines start a document; other `#` lines are comments;
/// blank lines end sentences (a file without any is one sentence). CRLF line
/// ends and a missing final newline are read alike. A language prefix on
/// every token (`ar:` in WikiANN / PAN-X raw files) is removed, said once.
///
/// A bad tag never sinks the file: it is read as `O` and reported with its
/// line (`I-O` in CoNLL-2003). A file in which most tags are bad is refused.
/// An `I-` tag after `O` starts an entity (the IOB1 reading); when the file
/// uses `B-` to start entities elsewhere, each such line is reported.
///
/// # Errors
/// The file has no tag column, several columns and no known layout, or
/// mostly invalid tags.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    import_as(path, contents, options, false)
}

/// Reads nested CoNLL (`--format conll-nested`): as [`import`], but with
/// no `--tag-column` every column after the token is a nesting level, as
/// long as none of them holds chunk or part-of-speech tags (then the one
/// column of entity tags is read, or the file is refused naming them).
///
/// # Errors
/// As [`import`].
pub fn import_nested(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    import_as(path, contents, options, true)
}

fn import_as(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
    nested: bool,
) -> Result<FileImport, FormatError> {
    // Two passes over the lines: the columns first, then the tokens, so
    // nothing of a large file is kept but the text being rebuilt.
    let mut cols = Columns::new();
    for (n, l) in contents.lines().enumerate() {
        if let Row::Token(f) = row(l) {
            cols.see(n + 1, &f);
        }
    }
    let (column, why) = match options.tag_column {
        None if nested => {
            let all: Vec<usize> = (2..=cols.widest.max(2)).collect();
            match settle_syntax(path, &cols, &all)? {
                Some((c, w)) => (c, Some(w)),
                None => (
                    TagColumn::Every,
                    Some(
                        "every column after the token a tag, one nesting level each (--format conll-nested)"
                            .into(),
                    ),
                ),
            }
        }
        asked => choose_column(path, &cols, asked)?,
    };
    let prefix = cols.prefix;
    let mut reader = TokenReader::new(path);
    if let Some(p) = prefix {
        reader.issues.push(Issue::new(
            path,
            0,
            "",
            IssueKind::Note,
            format!(
                "the language prefix \"{p}\" (WikiANN / PAN-X raw files) removed from every token ({} tokens)",
                cols.rows
            ),
        ));
    }
    let rows = contents.lines().enumerate().map(|(n, l)| (n + 1, row(l)));
    for (line_no, r) in rows {
        match r {
            Row::Blank => reader.end_sentence(),
            Row::Comment => {}
            Row::Start(id) => reader.start_doc(id, line_no + 1),
            Row::Token(f) => {
                let token = prefix.and_then(|p| f[0].strip_prefix(p)).unwrap_or(f[0]);
                let tags: &[&str] = match column {
                    TagColumn::Last if f.len() >= 2 => &f[f.len() - 1..],
                    TagColumn::Nth(n) if f.len() >= n => &f[n - 1..n],
                    TagColumn::Every => &f[1..],
                    _ => &[],
                };
                reader.token(token, tags, line_no);
            }
        }
    }
    let (docs, issues, scheme) = reader.finish(options)?;
    let mut shape = format!("CoNLL ({scheme}");
    if let Some(w) = why {
        shape.push_str("; ");
        shape.push_str(&w);
    }
    shape.push(')');
    Ok(FileImport {
        docs,
        issues,
        shape,
        reading: None,
    })
}

/// Turns a stream of tokens with their tags (one or more per token, one per
/// nesting level) into documents: what every token-per-line reader shares
/// (CoNLL, CoNLL-U, spaCy `.iob`, Hugging Face rows).
pub(crate) struct TokenReader {
    path: std::path::PathBuf,
    docs: Vec<DocBuilder>,
    doc: DocBuilder,
    scheme: Scheme,
    pub(crate) issues: Vec<Issue>,
    tokens: usize,
    untagged: usize,
    cells: usize,
    invalid: usize,
    /// Valid tags other than O.
    entity_tags: usize,
    first_invalid: Option<(usize, String)>,
}

impl TokenReader {
    pub(crate) fn new(path: &Path) -> TokenReader {
        TokenReader {
            path: path.to_path_buf(),
            docs: Vec::new(),
            doc: DocBuilder::new(None, 1),
            scheme: Scheme::default(),
            issues: Vec::new(),
            tokens: 0,
            untagged: 0,
            cells: 0,
            invalid: 0,
            entity_tags: 0,
            first_invalid: None,
        }
    }

    /// Starts a new document (its id when the file names one) at `line`.
    pub(crate) fn start_doc(&mut self, id: Option<String>, line: usize) {
        let next = DocBuilder::new(id, line);
        self.docs.push(std::mem::replace(&mut self.doc, next));
    }

    pub(crate) fn end_sentence(&mut self) {
        self.doc.end_sentence();
    }

    /// One token and its tags (none: read as O and reported; several: one
    /// nesting level each), added to the rebuilt text: tokens joined by one
    /// space, sentences by a newline.
    pub(crate) fn token(&mut self, token: &str, tags: &[&str], line: usize) {
        self.token_in(token, None, tags, line);
    }

    /// Appends `text` to the document's text as it is (a format that carries
    /// its text, such as CoNLL-U's `# text =`) and returns the char offset
    /// where it starts; tokens in it are then given with [`Self::token_at`].
    pub(crate) fn push_text(&mut self, text: &str) -> usize {
        let at = self.doc.len;
        self.doc.text.push_str(text);
        self.doc.len += text.chars().count();
        self.doc.in_sentence = false;
        self.doc.sentence_done = false;
        at
    }

    /// Whether the document has text yet.
    pub(crate) fn has_text(&self) -> bool {
        !self.doc.text.is_empty()
    }

    /// A token at chars `start..end` of text given with [`Self::push_text`].
    pub(crate) fn token_at(
        &mut self,
        token: &str,
        start: usize,
        end: usize,
        tags: &[&str],
        line: usize,
    ) {
        self.token_in(token, Some((start, end)), tags, line);
    }

    fn token_in(&mut self, token: &str, at: Option<(usize, usize)>, tags: &[&str], line: usize) {
        self.tokens += 1;
        let path = self.path.clone();
        if tags.is_empty() {
            self.untagged += 1;
            self.issues.push(Issue::new(
                &path,
                line,
                "",
                IssueKind::Changed,
                format!("token \"{token}\" has no tag; read as O"),
            ));
        }
        let mut parsed = Vec::with_capacity(tags.len());
        for t in tags {
            self.cells += 1;
            match parse_tag(t) {
                Ok(p) => {
                    if p != Tag::O {
                        self.entity_tags += 1;
                    }
                    parsed.push(p)
                }
                Err(why) => {
                    self.invalid += 1;
                    if self.first_invalid.is_none() {
                        self.first_invalid = Some((line, why.clone()));
                    }
                    let mut i = Issue::new(
                        &path,
                        line,
                        "",
                        IssueKind::Changed,
                        format!("{why}; token \"{token}\" read as O"),
                    );
                    i.tally = Some(format!("invalid tag \"{t}\" read as O"));
                    self.issues.push(i);
                }
            }
        }
        for p in &parsed {
            self.scheme.see(p);
        }
        let twice = match at {
            None => self.doc.token(token, &parsed, line, &mut self.scheme),
            Some((s, e)) => self.doc.decode(s, e, &parsed, line, &mut self.scheme),
        };
        if let Some(l) = twice {
            self.issues.push(Issue::new(
                &path,
                line,
                "",
                IssueKind::Changed,
                format!(
                    "two tags of label {l} on token \"{token}\"; read once (each label is decoded on its own, so a {l} nested in a {l} cannot be told apart)"
                ),
            ));
        }
    }

    /// The documents, the issues, and the name of the tag scheme.
    ///
    /// # Errors
    /// Every token lacks a tag, or most tags are invalid.
    pub(crate) fn finish(
        mut self,
        options: &ImportOptions,
    ) -> Result<(Vec<super::ImportedDoc>, Vec<Issue>, &'static str), FormatError> {
        let path = self.path.clone();
        self.docs.push(self.doc);
        if self.tokens > 0 && self.untagged == self.tokens {
            return Err(FormatError::new(
                &path,
                0,
                "no tag column: every line has one field (CoNLL needs a token and a tag per line)",
            ));
        }
        if self.invalid * 2 > self.cells
            && let Some((line, why)) = &self.first_invalid
        {
            return Err(FormatError::new(
                &path,
                *line,
                format!(
                    "most tags are not IOB tags ({} of {}; the first: {why}): not read, since importing them as O would lose every entity. Is the tag in another column (--tag-column N)?",
                    self.invalid, self.cells
                ),
            ));
        }
        // Not one valid entity tag, but some invalid ones: every entity
        // would be lost (`" B-PER"` from a label list written with spaces).
        if self.invalid > 0
            && self.entity_tags == 0
            && let Some((line, why)) = &self.first_invalid
        {
            return Err(FormatError::new(
                &path,
                *line,
                format!(
                    "no valid entity tag, {} invalid (the first: {why}): not read, since importing them as O would lose every entity",
                    self.invalid
                ),
            ));
        }
        let mut issues = self.issues;
        let scheme = self.scheme;
        // IOB1 (CoNLL-2003): I- starts entities and B- appears only between
        // two touching entities. Otherwise an I- after O is a slip worth a look.
        let iob1 = scheme.b_starts == 0 && !scheme.i_starts.is_empty();
        if iob1 {
            issues.push(Issue::new(
                &path,
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
                    &path,
                    *line,
                    "",
                    IssueKind::Note,
                    format!(
                        "I-{label} after a token outside {label} starts a new entity (IOB1 reading)"
                    ),
                ));
            }
        }
        let raw: Vec<RawDoc> = self
            .docs
            .into_iter()
            .filter_map(DocBuilder::finish)
            .collect();
        let out = build(&path, raw, Reading::PLAIN, options, &mut issues);
        Ok((out, issues, scheme.name(iob1)))
    }
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

/// One document being read from tokens: the text rebuilt (tokens joined by
/// one space, sentences by a newline) and one open entity per label.
struct DocBuilder {
    id: Option<String>,
    line: usize,
    text: String,
    len: usize,
    in_sentence: bool,
    sentence_done: bool,
    open: Vec<Open>,
    /// Where the last token ended (open entities end there when closed).
    prev_end: usize,
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
            open: Vec::new(),
            prev_end: 0,
            spans: Vec::new(),
        }
    }

    fn close(&mut self, o: Open) {
        let place = format!("entity from line {}", o.line);
        self.spans.push(RawSpan::new(
            o.start,
            self.prev_end,
            &o.label,
            o.line,
            place,
        ));
    }

    fn close_all(&mut self) {
        for o in std::mem::take(&mut self.open) {
            self.close(o);
        }
    }

    fn end_sentence(&mut self) {
        self.close_all();
        if self.in_sentence {
            self.in_sentence = false;
            self.sentence_done = true;
        }
    }

    /// Adds a token with its tags (each label decoded on its own, as Wojood
    /// does for nested tags) at the end of the rebuilt text. Returns a label
    /// the token had twice.
    fn token<'t>(
        &mut self,
        token: &str,
        tags: &[Tag<'t>],
        line: usize,
        scheme: &mut Scheme,
    ) -> Option<&'t str> {
        if self.in_sentence {
            self.text.push(' ');
            self.len += 1;
        } else if self.sentence_done {
            self.text.push('\n');
            self.len += 1;
        }
        self.in_sentence = true;
        let start = self.len;
        self.text.push_str(token);
        self.len += token.chars().count();
        self.decode(start, self.len, tags, line, scheme)
    }

    /// Decodes the tags of a token at chars `start..end` of the text.
    fn decode<'t>(
        &mut self,
        start: usize,
        end: usize,
        tags: &[Tag<'t>],
        line: usize,
        scheme: &mut Scheme,
    ) -> Option<&'t str> {
        let mut by_label: Vec<Tag<'t>> = Vec::with_capacity(tags.len());
        let mut twice = None;
        for &t in tags {
            if let Some(l) = t.label() {
                if by_label.iter().any(|x| x.label() == Some(l)) {
                    twice = Some(l);
                } else {
                    by_label.push(t);
                }
            }
        }
        let continues = |label: &str| {
            by_label
                .iter()
                .any(|t| matches!(t, Tag::Inside(l) | Tag::End(l) if *l == label))
        };
        for t in &by_label {
            if let Tag::Begin(l) = t
                && !self.open.iter().any(|o| o.label == *l)
            {
                scheme.b_starts += 1;
            }
        }
        // Close at the end of the previous token, so no entity ends with a
        // space.
        let (keep, done): (Vec<Open>, Vec<Open>) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|o| continues(&o.label));
        for o in done {
            self.close(o);
        }
        self.open = keep;
        for &t in &by_label {
            let opens = match t {
                Tag::O => None,
                Tag::Inside(l) | Tag::End(l) if self.open.iter().any(|o| o.label == l) => None,
                Tag::Inside(l) => {
                    scheme.i_starts.push((line, l.to_string()));
                    Some(l)
                }
                Tag::Begin(l) | Tag::End(l) | Tag::Single(l) => Some(l),
            };
            if let Some(l) = opens {
                self.open.push(Open {
                    start,
                    label: l.to_string(),
                    line,
                });
            }
        }
        self.prev_end = end;
        for &t in &by_label {
            if let Tag::End(l) | Tag::Single(l) = t
                && let Some(i) = self.open.iter().position(|o| o.label == l)
            {
                let o = self.open.remove(i);
                self.close(o);
            }
        }
        twice
    }

    fn finish(mut self) -> Option<RawDoc> {
        self.close_all();
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
        // Lines of 2, 3 and 5 columns fit no layout: refused by default,
        // read with the tag column named.
        let e = import(Path::new("a.conll"), f, &ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("--tag-column"), "{e}");
        assert_eq!(e.line, 3);
        let last = ImportOptions {
            tag_column: Some(TagColumn::Last),
            ..Default::default()
        };
        let r = import(Path::new("a.conll"), f, &last).unwrap();
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

    fn ents(r: &FileImport) -> Vec<(usize, usize, String)> {
        r.docs[0]
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.clone()))
            .collect()
    }

    #[test]
    fn known_layouts_choose_the_tag_column_and_say_so() {
        let o = ImportOptions::default();
        // CoNLL-2002: token POS NER.
        let r = import(Path::new("a"), "في PREP O\nبغداد NOUN B-LOC\n", &o).unwrap();
        assert_eq!(ents(&r), [(3, 8, "LOC".to_string())]);
        assert!(r.shape.contains("CoNLL-2002"), "{}", r.shape);
        // CoNLL-2003: token POS chunk NER (the chunk column is not the tag).
        let r = import(
            Path::new("a"),
            "في PREP B-PP O\nبغداد NOUN B-NP B-LOC\n",
            &o,
        )
        .unwrap();
        assert_eq!(ents(&r), [(3, 8, "LOC".to_string())]);
        assert!(r.shape.contains("CoNLL-2003"), "{}", r.shape);
        // A tag column that is not the last: refused, then read when named.
        let f = "في O 0.9\nبغداد B-LOC 0.8\n";
        let e = import(Path::new("a"), f, &o).unwrap_err();
        assert!(e.message.contains("Columns holding IOB tags: 2"), "{e}");
        let two = ImportOptions {
            tag_column: Some(TagColumn::Nth(2)),
            ..Default::default()
        };
        assert_eq!(
            ents(&import(Path::new("a"), f, &two).unwrap()),
            [(3, 8, "LOC".to_string())]
        );
    }

    #[test]
    fn every_column_a_tag_is_nested_each_label_decoded_on_its_own() {
        // Wojood: رئيس بلدية مدينة البيرة, OCC > ORG > GPE.
        let f = "رئيس B-OCC\nبلدية I-OCC B-ORG\nمدينة I-OCC I-ORG B-GPE\nالبيرة I-OCC I-ORG I-GPE\nفي O\nمجلس B-ORG\nالأسد I-ORG B-PERS\n";
        let r = import(Path::new("w"), f, &ImportOptions::default()).unwrap();
        assert_eq!(
            ents(&r),
            [
                (0, 23, "OCC".to_string()),
                (5, 23, "ORG".to_string()),
                (11, 23, "GPE".to_string()),
                (27, 37, "ORG".to_string()),
                (32, 37, "PERS".to_string()),
            ]
        );
        assert!(r.shape.contains("nesting level"), "{}", r.shape);
        // Written back in the same shape, read back the same.
        let text = r.docs[0].text.clone();
        let spans = r.docs[0].spans.clone();
        let e = export_nested(
            &[DocSpans {
                id: "d",
                text: &text,
                spans: &spans,
            }],
            true,
        );
        assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        assert!(
            body(&e).contains("مدينة I-OCC I-ORG B-GPE\n"),
            "{}",
            body(&e)
        );
        let back = import(Path::new("w"), body(&e), &ImportOptions::default()).unwrap();
        assert_eq!(ents(&back), ents(&r));
    }

    #[test]
    fn chunk_and_pos_columns_are_never_read_as_entities() {
        let o = ImportOptions::default();
        // CoNLL-2000-like: token, chunk, NER. Both columns hold IOB tags,
        // but the chunk labels are not entity types: the NER column is read.
        let f = "Obama B-NP B-PER\nvisited B-VP O\nthe B-NP O\nFrench I-NP B-MISC\nParis I-NP B-LOC\n. O O\n";
        let r = import(Path::new("c3"), f, &o).unwrap();
        assert_eq!(
            ents(&r),
            [
                (0, 5, "PER".to_string()),
                (18, 24, "MISC".to_string()),
                (25, 30, "LOC".to_string())
            ]
        );
        assert!(r.shape.contains("chunk"), "{}", r.shape);
        // NER first, chunk second: the same.
        let f = "Obama B-PER B-NP\nvisited O B-VP\nParis B-LOC B-NP\n";
        let r = import(Path::new("c3"), f, &o).unwrap();
        assert_eq!(
            ents(&r),
            [(0, 5, "PER".to_string()), (14, 19, "LOC".to_string())]
        );
        // Token, POS, chunk, NER with chunk tags beyond CoNLL-2000's.
        let f = "who WP B-WHNP O\nObama NNP B-NP B-PER\nmet VBD B-VP O\nParis NNP B-NP B-LOC\n";
        let r = import(Path::new("c4"), f, &o).unwrap();
        assert_eq!(
            ents(&r),
            [(4, 9, "PER".to_string()), (14, 19, "LOC".to_string())]
        );
        // Chunk tags and no entity column at all: refused, by line.
        for f in [
            "Obama B-NP\nvisited B-VP\nParis B-NP\n",
            "Obama NNP B-NP\nvisited VBD B-VP\nParis NNP B-NP\n",
            "Obama B-NP B-NP\nvisited B-VP B-VP\n",
        ] {
            let e = import(Path::new("chunks.txt"), f, &o).unwrap_err();
            assert!(e.message.contains("chunk or part-of-speech"), "{e}");
            assert!(e.message.contains("--tag-column"), "{e}");
            assert_eq!(e.line, 1, "{e}");
        }
        // Half the cells chunk tags, half not tags at all: still refused
        // (not read as NP and VP entities among tags read as O).
        let e = import(Path::new("c"), "a B-NP\nb x\nc y\nd B-VP\n", &o).unwrap_err();
        assert!(e.message.contains("chunk or part-of-speech"), "{e}");
        // Two entity columns beside a chunk column: which is it? Refused,
        // naming the columns.
        let f = "Obama B-NP B-PER B-PER\nvisited B-VP O O\nParis B-NP B-LOC B-GPE\n";
        let e = import(Path::new("c"), f, &o).unwrap_err();
        assert!(e.message.contains("column 2"), "{e}");
        assert!(e.message.contains("--tag-column"), "{e}");
        // Named, the user's choice is read.
        let three = ImportOptions {
            tag_column: Some(TagColumn::Nth(3)),
            ..Default::default()
        };
        assert_eq!(ents(&import(Path::new("c"), f, &three).unwrap()).len(), 2);
        // A column mixing chunk and entity labels: refused.
        let f = "Obama B-PER B-NP\nvisited B-VP O\nParis B-LOC B-NP\nin B-PP O\n";
        let e = import(Path::new("c"), f, &o).unwrap_err();
        assert!(e.message.contains("column 2"), "{e}");
    }

    #[test]
    fn nested_format_never_reads_a_chunk_column_as_a_level() {
        let o = ImportOptions::default();
        let f = "Obama B-NP B-PER\nvisited B-VP O\nParis B-NP B-LOC\n";
        let r = import_nested(Path::new("n"), f, &o).unwrap();
        assert_eq!(
            ents(&r),
            [(0, 5, "PER".to_string()), (14, 19, "LOC".to_string())]
        );
        let e = import_nested(Path::new("n"), "a B-NP\nb I-NP\n", &o).unwrap_err();
        assert!(e.message.contains("chunk"), "{e}");
        // Wojood's levels stay levels.
        let w = "مجلس B-ORG\nالأسد I-ORG B-PERS\n";
        assert_eq!(
            ents(&import_nested(Path::new("n"), w, &o).unwrap()).len(),
            2
        );
    }

    #[test]
    fn a_tag_column_beyond_the_lines_is_refused_naming_them() {
        let three = ImportOptions {
            tag_column: Some(TagColumn::Nth(3)),
            ..Default::default()
        };
        let e = import(
            Path::new("two.conll"),
            "# c\nقال O\nبلينكين B-PER\n",
            &three,
        )
        .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let m = e.to_string();
        assert!(m.starts_with("two.conll:2:"), "{m}");
        assert!(
            m.contains("--tag-column 3, but no line has 3 columns"),
            "{m}"
        );
        assert!(m.contains("give --tag-column 2"), "{m}");
        // A column some lines have is read (the shorter lines reported).
        let f = "قال O\nبلينكين NNP B-PER\n";
        let r = import(Path::new("a"), f, &three).unwrap();
        assert_eq!(r.docs[0].spans.len(), 1);
    }

    #[test]
    fn no_valid_entity_tag_among_invalid_ones_is_refused() {
        // Label names read with their spaces: every entity tag invalid.
        let text = "زار O\nبلينكين  B-PER\nالرياض O\nأمس O\nو O\nعاد O\n";
        let mut r = TokenReader::new(Path::new("s.conll"));
        for (i, line) in text.lines().enumerate() {
            let (tok, tag) = line.split_once(' ').unwrap();
            r.token(tok, &[tag], i + 1);
        }
        let e = r.finish(&ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("no valid entity tag"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn mostly_invalid_tags_are_refused_not_read_as_o() {
        let f = "1-1 0-1 ( _\n1-2 1-7 واشنطن LOC\n1-3 7-8 ) _\n";
        let o = ImportOptions {
            tag_column: Some(TagColumn::Last),
            ..Default::default()
        };
        let e = import(Path::new("a"), f, &o).unwrap_err();
        assert!(e.message.contains("most tags are not IOB tags"), "{e}");
    }

    #[test]
    fn a_language_prefix_on_every_token_is_removed_once() {
        let f = "ar:جامعة B-ORG\nar:القاهرة I-ORG\nar:في O\n";
        let r = import(Path::new("a"), f, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].text, "جامعة القاهرة في");
        assert_eq!(r.docs[0].spans[0].text, "جامعة القاهرة");
        let notes: Vec<_> = r
            .issues
            .iter()
            .filter(|i| i.message.contains("\"ar:\""))
            .collect();
        assert_eq!(notes.len(), 1, "{:?}", r.issues);
        // Not when some token lacks it (a URL-like token stays whole).
        let r = import(Path::new("a"), "ar:x O\ny O\n", &ImportOptions::default()).unwrap();
        assert_eq!(r.docs[0].text, "ar:x y");
    }
}
