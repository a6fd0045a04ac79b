//! Scores over many documents: per label, micro, macro, per document, and
//! the label confusions.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Counts, DocMatch, Mode, Scores, match_spans};
use crate::annotation::Span;

/// One document's gold and predicted entities.
#[derive(Debug, Clone, Copy)]
pub struct DocPair<'a> {
    pub id: &'a str,
    pub gold: &'a [Span],
    pub pred: &'a [Span],
}

/// One document's counts (all labels together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocReport {
    pub id: String,
    pub gold: usize,
    pub pred: usize,
    pub strict: Counts,
    pub partial: Counts,
}

/// A place where the prediction has the right range and another label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Gold label `gold` predicted as `pred`, how often and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub gold: String,
    pub pred: String,
    pub count: usize,
    pub examples: Vec<Example>,
}

/// Everything `kashif eval` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub documents: usize,
    pub strict: Scores,
    pub partial: Scores,
    pub per_document: Vec<DocReport>,
    /// Most frequent first.
    pub confusions: Vec<Confusion>,
}

/// Counts per label of one matching.
fn label_counts(
    m: &DocMatch,
    gold: &[Span],
    pred: &[Span],
    into: &mut BTreeMap<String, Counts>,
) -> Counts {
    let mut total = Counts::default();
    for l in gold.iter().chain(pred).map(|s| &s.label) {
        into.entry(l.clone()).or_default();
    }
    let mut bump = |label: &str, f: fn(&mut Counts)| {
        if let Some(c) = into.get_mut(label) {
            f(c);
        }
    };
    for &(g, _) in &m.pairs {
        bump(&gold[g].label, |c| c.tp += 1);
        total.tp += 1;
    }
    for &g in &m.missed {
        bump(&gold[g].label, |c| c.fn_ += 1);
        total.fn_ += 1;
    }
    for &p in &m.false_pos {
        bump(&pred[p].label, |c| c.fp += 1);
        total.fp += 1;
    }
    total
}

/// Scores `docs`, strict and partial.
pub fn evaluate(docs: &[DocPair]) -> Report {
    let mut strict = BTreeMap::new();
    let mut partial = BTreeMap::new();
    let mut per_document = Vec::with_capacity(docs.len());
    let mut confusions: BTreeMap<(String, String), Vec<Example>> = BTreeMap::new();
    for d in docs {
        let ms = match_spans(d.gold, d.pred, Mode::Strict);
        let mp = match_spans(d.gold, d.pred, Mode::Partial);
        per_document.push(DocReport {
            id: d.id.to_string(),
            gold: d.gold.len(),
            pred: d.pred.len(),
            strict: label_counts(&ms, d.gold, d.pred, &mut strict),
            partial: label_counts(&mp, d.gold, d.pred, &mut partial),
        });
        for &(g, p) in &ms.confusions {
            let gs = &d.gold[g];
            confusions
                .entry((gs.label.clone(), d.pred[p].label.clone()))
                .or_default()
                .push(Example {
                    doc: d.id.to_string(),
                    start: gs.start,
                    end: gs.end,
                    text: gs.text.clone(),
                });
        }
    }
    let mut confusions: Vec<Confusion> = confusions
        .into_iter()
        .map(|((gold, pred), examples)| Confusion {
            gold,
            pred,
            count: examples.len(),
            examples,
        })
        .collect();
    confusions.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.gold, &a.pred).cmp(&(&b.gold, &b.pred)))
    });
    Report {
        documents: docs.len(),
        strict: Scores::from_labels(strict),
        partial: Scores::from_labels(partial),
        per_document,
        confusions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span {
            text: format!("t{start}"),
            ..Span::manual(start, end, label)
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// Two documents whose right answers are worked out by hand:
    ///
    /// doc a: gold PER 0..5, LOC 10..20, ORG 30..35
    ///        pred PER 0..5 (exact), LOC 12..20 (overlap), LOC 30..35 (ORG
    ///        mislabelled), PER 40..45 (spurious)
    /// doc b: gold LOC 0..4, LOC 6..9; pred LOC 0..4 (exact)
    ///
    /// strict: PER tp1 fp1 fn0; LOC tp1 fp2 fn2; ORG tp0 fp0 fn1
    ///   micro: tp2 fp3 fn3 → P 2/5, R 2/5, F1 0.4
    ///   macro: P (1/2 + 1/3 + 0)/3 = 5/18, R (1 + 1/3 + 0)/3 = 4/9,
    ///          F1 (2/3 + 2/6 + 0)/3 = 1/3
    /// partial: LOC tp2 fp1 fn1 → micro tp3 fp2 fn2: P 3/5, R 3/5, F1 0.6
    ///   macro: P (1/2 + 2/3 + 0)/3 = 7/18, R (1 + 2/3 + 0)/3 = 5/9,
    ///          F1 (2/3 + 4/6 + 0)/3 = 4/9
    #[test]
    fn hand_computed_figures() {
        let ga = [sp(0, 5, "PER"), sp(10, 20, "LOC"), sp(30, 35, "ORG")];
        let pa = [
            sp(0, 5, "PER"),
            sp(12, 20, "LOC"),
            sp(30, 35, "LOC"),
            sp(40, 45, "PER"),
        ];
        let gb = [sp(0, 4, "LOC"), sp(6, 9, "LOC")];
        let pb = [sp(0, 4, "LOC")];
        let r = evaluate(&[
            DocPair {
                id: "a",
                gold: &ga,
                pred: &pa,
            },
            DocPair {
                id: "b",
                gold: &gb,
                pred: &pb,
            },
        ]);
        assert_eq!(
            r.strict.per_label["PER"],
            Counts {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(
            r.strict.per_label["LOC"],
            Counts {
                tp: 1,
                fp: 2,
                fn_: 2
            }
        );
        assert_eq!(
            r.strict.per_label["ORG"],
            Counts {
                tp: 0,
                fp: 0,
                fn_: 1
            }
        );
        close(r.strict.micro.precision, 0.4);
        close(r.strict.micro.recall, 0.4);
        close(r.strict.micro.f1, 0.4);
        close(r.strict.macro_avg.precision, 5.0 / 18.0);
        close(r.strict.macro_avg.recall, 4.0 / 9.0);
        close(r.strict.macro_avg.f1, 1.0 / 3.0);
        assert_eq!(
            r.partial.per_label["LOC"],
            Counts {
                tp: 2,
                fp: 1,
                fn_: 1
            }
        );
        close(r.partial.micro.f1, 0.6);
        close(r.partial.macro_avg.precision, 7.0 / 18.0);
        close(r.partial.macro_avg.recall, 5.0 / 9.0);
        close(r.partial.macro_avg.f1, 4.0 / 9.0);
        assert_eq!(
            r.per_document[0].strict,
            Counts {
                tp: 1,
                fp: 3,
                fn_: 2
            }
        );
        assert_eq!(
            r.per_document[1].strict,
            Counts {
                tp: 1,
                fp: 0,
                fn_: 1
            }
        );
        assert_eq!(r.confusions.len(), 1);
        let c = &r.confusions[0];
        assert_eq!(
            (c.gold.as_str(), c.pred.as_str(), c.count),
            ("ORG", "LOC", 1)
        );
        assert_eq!(c.examples[0].doc, "a");
    }

    #[test]
    fn identical_sources_score_one() {
        let g = [sp(0, 5, "PER"), sp(3, 9, "LOC")];
        let r = evaluate(&[DocPair {
            id: "a",
            gold: &g,
            pred: &g,
        }]);
        close(r.strict.micro.f1, 1.0);
        close(r.partial.macro_avg.f1, 1.0);
    }
}
