//! CoNLL token files, IOB2 tag sequences, and exact-span scoring of them.
//!
//! Kept to token sequences (what `kashif tag`, `kashif score` and training
//! read); scoring of character spans in documents lives in `eval`.

use std::collections::BTreeMap;
use std::fmt;

/// A sentence read from a CoNLL file: tokens and (when present) their tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    pub tokens: Vec<String>,
    /// One tag per token when the file has a second column, else empty.
    pub tags: Vec<String>,
    /// 1-based line number of the first token, for error messages.
    pub line: usize,
}

/// A line of a CoNLL file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConllError {
    #[error("line {line}: expected a token and a tag, found {found:?}")]
    MissingTag { line: usize, found: String },
    #[error("line {line}: tag {tag:?} is not O, B-X or I-X")]
    BadTag { line: usize, tag: String },
}

/// Reads CoNLL text: first column the token, blank lines end sentences.
///
/// With `want_tags`, the last column must be an IOB tag (the ANERcorp and
/// CoNLL-2003 layouts); `PERS` is renamed `PER`, Kashif's label. Lines that
/// start with `-DOCSTART-` are skipped.
pub fn read_conll(text: &str, want_tags: bool) -> Result<Vec<Sentence>, ConllError> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = line.trim_end_matches('\r');
        let mut cols = line.split_whitespace();
        let Some(token) = cols.next() else {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        };
        if token == "-DOCSTART-" {
            continue;
        }
        if cur.tokens.is_empty() {
            cur.line = lineno;
        }
        cur.tokens.push(token.to_string());
        if want_tags {
            let Some(tag) = cols.last() else {
                return Err(ConllError::MissingTag {
                    line: lineno,
                    found: line.to_string(),
                });
            };
            let tag = normalise_tag(tag).ok_or_else(|| ConllError::BadTag {
                line: lineno,
                tag: tag.to_string(),
            })?;
            cur.tags.push(tag);
        }
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// `O`, `B-X`, `I-X` (X non-empty); `PERS` becomes `PER`.
pub fn normalise_tag(tag: &str) -> Option<String> {
    if tag == "O" {
        return Some("O".to_string());
    }
    let (prefix, label) = tag.split_once('-')?;
    if !matches!(prefix, "B" | "I") || label.is_empty() {
        return None;
    }
    let label = if label == "PERS" { "PER" } else { label };
    Some(format!("{prefix}-{label}"))
}

/// A labelled run of tokens `start..end` (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// Spans of an IOB2 sequence. An `I-X` that does not continue an `X` span
/// opens a new one (the conlleval reading), so nothing is silently dropped.
pub fn spans<S: AsRef<str>>(tags: &[S]) -> Vec<TokenSpan> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.as_ref();
        let (kind, label) = match tag.split_once('-') {
            Some((k, l)) if k == "B" || k == "I" => (k, l),
            _ => ("O", ""),
        };
        let continues = kind == "I" && matches!(open, Some((_, l)) if l == label);
        if !continues {
            if let Some((s, l)) = open.take() {
                out.push(TokenSpan {
                    start: s,
                    end: i,
                    label: l.to_string(),
                });
            }
            if kind != "O" {
                open = Some((i, label));
            }
        }
    }
    if let Some((s, l)) = open {
        out.push(TokenSpan {
            start: s,
            end: tags.len(),
            label: l.to_string(),
        });
    }
    out
}

/// IOB2 tags for spans over `n` tokens; later spans never overwrite earlier ones.
pub fn tags_of(spans: &[TokenSpan], n: usize) -> Vec<String> {
    let mut tags = vec!["O".to_string(); n];
    for s in spans {
        if s.start >= s.end || s.end > n || tags[s.start..s.end].iter().any(|t| t != "O") {
            continue;
        }
        tags[s.start] = format!("B-{}", s.label);
        for t in &mut tags[s.start + 1..s.end] {
            *t = format!("I-{}", s.label);
        }
    }
    tags
}

/// Counts for one label (or for all, micro-averaged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub gold: usize,
    pub pred: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.pred)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Exact-span scores: a predicted span counts only when start, end and label
/// all match a gold span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub per_label: BTreeMap<String, Counts>,
}

impl Score {
    /// Adds one sentence's gold and predicted tags.
    pub fn add<S: AsRef<str>, T: AsRef<str>>(&mut self, gold: &[S], pred: &[T]) {
        let g = spans(gold);
        let p = spans(pred);
        for s in &g {
            self.per_label.entry(s.label.clone()).or_default().gold += 1;
        }
        for s in &p {
            let c = self.per_label.entry(s.label.clone()).or_default();
            c.pred += 1;
            if g.contains(s) {
                c.tp += 1;
            }
        }
    }

    /// Sums over all labels.
    pub fn micro(&self) -> Counts {
        self.per_label
            .values()
            .fold(Counts::default(), |a, c| Counts {
                tp: a.tp + c.tp,
                gold: a.gold + c.gold,
                pred: a.pred + c.pred,
            })
    }

    /// Keeps only the named labels (the others are ignored, not counted wrong).
    pub fn restricted(&self, labels: &[String]) -> Score {
        Score {
            per_label: self
                .per_label
                .iter()
                .filter(|(l, _)| labels.contains(l))
                .map(|(l, c)| (l.clone(), *c))
                .collect(),
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<6} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6}",
            "label", "P", "R", "F1", "gold", "pred", "tp"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, c: &Counts| {
            writeln!(
                f,
                "{:<6} {:>7.4} {:>7.4} {:>7.4} {:>6} {:>6} {:>6}",
                name,
                c.precision(),
                c.recall(),
                c.f1(),
                c.gold,
                c.pred,
                c.tp
            )
        };
        for (l, c) in &self.per_label {
            row(f, l, c)?;
        }
        row(f, "micro", &self.micro())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sentences_and_renames_pers() {
        let s = read_conll("a B-PERS\nb I-PERS\n\n\nc O\n", true).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, ["a", "b"]);
        assert_eq!(s[0].tags, ["B-PER", "I-PER"]);
        assert_eq!(s[1].line, 5);
    }

    #[test]
    fn reads_tokens_only_and_ignores_other_columns() {
        let s = read_conll("a x y\nb\n", false).unwrap();
        assert_eq!(s[0].tokens, ["a", "b"]);
        assert!(s[0].tags.is_empty());
    }

    #[test]
    fn missing_or_bad_tags_name_the_line() {
        assert_eq!(
            read_conll("a O\nb\n", true),
            Err(ConllError::MissingTag {
                line: 2,
                found: "b".into()
            })
        );
        let e = read_conll("a O\n\nb X-LOC\n", true).unwrap_err();
        assert!(e.to_string().starts_with("line 3:"), "{e}");
    }

    #[test]
    fn spans_follow_iob2_and_conlleval_for_stray_inside() {
        let tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG"];
        let got = spans(&tags);
        let want = [(0, 2, "PER"), (3, 5, "LOC"), (5, 6, "LOC"), (6, 7, "ORG")];
        assert_eq!(got.len(), want.len());
        for (g, (s, e, l)) in got.iter().zip(want) {
            assert_eq!((g.start, g.end, g.label.as_str()), (s, e, l));
        }
    }

    #[test]
    fn tags_round_trip_through_spans() {
        let tags = ["O", "B-ORG", "I-ORG", "B-ORG", "O", "B-MISC"];
        assert_eq!(tags_of(&spans(&tags), tags.len()), tags);
    }

    #[test]
    fn exact_span_scores() {
        let mut s = Score::default();
        // gold: PER(0..2), LOC(3..4); pred: PER(0..1) wrong extent, LOC(3..4) right, ORG extra
        s.add(
            &["B-PER", "I-PER", "O", "B-LOC", "O"],
            &["B-PER", "O", "O", "B-LOC", "B-ORG"],
        );
        let m = s.micro();
        assert_eq!((m.tp, m.gold, m.pred), (1, 2, 3));
        assert!((m.precision() - 1.0 / 3.0).abs() < 1e-9);
        assert!((m.recall() - 0.5).abs() < 1e-9);
        assert!((m.f1() - 0.4).abs() < 1e-9);
        assert_eq!(s.per_label["PER"].tp, 0);
        assert_eq!(s.per_label["LOC"].f1(), 1.0);
        let only_loc = s.restricted(&["LOC".to_string()]);
        assert_eq!(only_loc.micro().f1(), 1.0);
    }

    #[test]
    fn empty_counts_score_zero_not_nan() {
        assert_eq!(Counts::default().f1(), 0.0);
    }
}
