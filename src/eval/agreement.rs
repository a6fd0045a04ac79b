//! Agreement between two annotators: F1 of one against the other, Cohen's
//! kappa over tokens, and Krippendorff's unitizing alpha over characters
//! ([`super::unitizing`]).
//!
//! Kappa needs one label per unit. The units are tokens; a token's label is
//! the label of the entity that overlaps it, or `O`. When several entities of
//! one annotator overlap a token, the longest wins (then the earlier, then the
//! label order), as a flat export keeps the outermost entity.

use std::collections::BTreeMap;

use serde::Serialize;

use super::unitizing::{UnitizingAlpha, unitizing_alpha};
use super::{Counts, Mode, match_spans};
use crate::annotation::Span;

/// One label (`None` = outside any entity) per token.
pub type TokenLabels<'a> = Vec<Option<&'a str>>;

/// The label of each token under `spans`. `tokens` are char ranges in text
/// order without overlaps (as the tokenizer gives them); each span labels the
/// tokens it overlaps that no span of higher priority labelled first.
pub fn token_labels<'a>(tokens: &[(usize, usize)], spans: &'a [Span]) -> TokenLabels<'a> {
    let mut order: Vec<&Span> = spans.iter().collect();
    order.sort_by(|a, b| {
        b.end
            .saturating_sub(b.start)
            .cmp(&a.end.saturating_sub(a.start))
            .then(a.start.cmp(&b.start))
            .then(a.label.cmp(&b.label))
    });
    let mut out: TokenLabels = vec![None; tokens.len()];
    for s in order {
        let first = tokens.partition_point(|t| t.1 <= s.start);
        for (i, t) in tokens.iter().enumerate().skip(first) {
            if t.0 >= s.end {
                break;
            }
            if out[i].is_none() && s.overlaps(t.0, t.1) {
                out[i] = Some(s.label.as_str());
            }
        }
    }
    out
}

/// Cohen's kappa: how much more two annotators agree than chance would.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappa {
    /// Units compared.
    pub units: usize,
    /// Share of units with the same label.
    pub observed: f64,
    /// Agreement expected by chance from each annotator's label shares.
    pub expected: f64,
    /// (observed − expected) / (1 − expected); 1 when both use one single
    /// label everywhere (expected = 1); `None` with no units.
    pub kappa: Option<f64>,
}

/// Kappa over paired labels (`a[i]` and `b[i]` label the same unit).
pub fn cohen_kappa(a: &[Option<&str>], b: &[Option<&str>]) -> Kappa {
    let n = a.len().min(b.len());
    if n == 0 {
        return Kappa {
            units: 0,
            observed: 0.0,
            expected: 0.0,
            kappa: None,
        };
    }
    let mut same = 0usize;
    let mut share: BTreeMap<Option<&str>, (usize, usize)> = BTreeMap::new();
    for (x, y) in a.iter().zip(b).take(n) {
        same += usize::from(x == y);
        share.entry(*x).or_default().0 += 1;
        share.entry(*y).or_default().1 += 1;
    }
    let nf = n as f64;
    let observed = same as f64 / nf;
    let expected: f64 = share
        .values()
        .map(|&(p, q)| (p as f64 / nf) * (q as f64 / nf))
        .sum();
    let kappa = if (1.0 - expected).abs() < 1e-12 {
        1.0
    } else {
        (observed - expected) / (1.0 - expected)
    };
    Kappa {
        units: n,
        observed,
        expected,
        kappa: Some(kappa),
    }
}

/// Agreement of annotator `a` and annotator `b` over a set of documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    pub documents: usize,
    /// `a` taken as gold; F1 is symmetric, precision and recall swap.
    pub strict: Counts,
    pub partial: Counts,
    /// Over every token of the documents.
    pub kappa_tokens: Kappa,
    /// Over the tokens at least one of the two put in an entity; the many
    /// tokens both left outside inflate kappa over all tokens.
    pub kappa_entity_tokens: Kappa,
    /// Krippendorff's αu over the documents' characters, laid one after
    /// another: where entities begin and end counts, not only tokens.
    pub alpha_u: UnitizingAlpha,
}

/// One document as two annotators saw it: its tokens (char ranges, the units
/// of kappa) and each annotator's entities.
#[derive(Debug, Clone)]
pub struct DocTokens<'a> {
    pub tokens: Vec<(usize, usize)>,
    /// The text's length in chars (the continuum of αu).
    pub length: usize,
    pub a: &'a [Span],
    pub b: &'a [Span],
}

/// Agreement over documents; tokens are pooled over all documents for kappa.
pub fn pair_agreement(a: &str, b: &str, docs: &[DocTokens]) -> PairAgreement {
    let mut strict = Counts::default();
    let mut partial = Counts::default();
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    let (mut ua, mut ub) = (Vec::new(), Vec::new());
    let mut offset = 0;
    for DocTokens {
        tokens,
        length,
        a: sa,
        b: sb,
    } in docs
    {
        for (spans, into) in [(sa, &mut ua), (sb, &mut ub)] {
            into.extend(
                spans
                    .iter()
                    .filter(|s| s.end <= *length)
                    .map(|s| (offset + s.start, offset + s.end, s.label.as_str())),
            );
        }
        offset += length;
        for (mode, into) in [(Mode::Strict, &mut strict), (Mode::Partial, &mut partial)] {
            let m = match_spans(sa, sb, mode);
            into.add(Counts {
                tp: m.pairs.len(),
                fp: m.false_pos.len(),
                fn_: m.missed.len(),
            });
        }
        la.extend(token_labels(tokens, sa));
        lb.extend(token_labels(tokens, sb));
    }
    let (ea, eb): (Vec<_>, Vec<_>) = la
        .iter()
        .zip(&lb)
        .filter(|(x, y)| x.is_some() || y.is_some())
        .unzip();
    PairAgreement {
        a: a.to_string(),
        b: b.to_string(),
        documents: docs.len(),
        strict,
        partial,
        kappa_tokens: cohen_kappa(&la, &lb),
        kappa_entity_tokens: cohen_kappa(&ea, &eb),
        alpha_u: unitizing_alpha(offset, &[ua, ub]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    #[test]
    fn kappa_by_hand() {
        // 10 units. a: 4 PER, 6 O. b: 3 PER (all where a has PER), 7 O.
        // observed = 9/10; expected = .4·.3 + .6·.7 = .54;
        // kappa = (.9 − .54) / (1 − .54) = .36 / .46.
        let a: Vec<Option<&str>> = [Some("PER"); 4].into_iter().chain([None; 6]).collect();
        let mut b = a.clone();
        b[3] = None;
        let k = cohen_kappa(&a, &b);
        assert!((k.observed - 0.9).abs() < 1e-12);
        assert!((k.expected - 0.54).abs() < 1e-12);
        assert!((k.kappa.unwrap() - 0.36 / 0.46).abs() < 1e-12);
        assert_eq!(cohen_kappa(&[], &[]).kappa, None);
        assert_eq!(cohen_kappa(&[None, None], &[None, None]).kappa, Some(1.0));
    }

    #[test]
    fn identical_annotators_agree_fully() {
        let tokens = vec![(0, 3), (4, 9), (10, 14), (15, 20)];
        let s = vec![sp(4, 14, "LOC"), sp(15, 20, "PER"), sp(4, 9, "ORG")];
        let p = pair_agreement(
            "x",
            "y",
            &[DocTokens {
                tokens,
                length: 20,
                a: &s,
                b: &s,
            }],
        );
        assert_eq!(p.strict.f1(), 1.0);
        assert_eq!(p.partial.f1(), 1.0);
        assert_eq!(p.kappa_tokens.kappa, Some(1.0));
        assert_eq!(p.kappa_entity_tokens.kappa, Some(1.0));
        assert_eq!(p.alpha_u.alpha, Some(1.0));
    }

    #[test]
    fn overlapping_entities_label_a_token_by_the_longest() {
        let tokens = [(0, 3), (4, 9)];
        let s = [sp(4, 9, "ORG"), sp(0, 9, "LOC")];
        assert_eq!(token_labels(&tokens, &s), [Some("LOC"), Some("LOC")]);
    }
}
