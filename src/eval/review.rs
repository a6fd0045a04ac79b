//! What the review view paints: one mark per decision of a matching, in text
//! order, so a source compared with gold can be read in the article.

use serde::Serialize;

use super::{Mode, match_spans};
use crate::annotation::Span;

/// How a place in the text came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MarkKind {
    /// Predicted and in gold (exactly, or overlapping under partial matching).
    Hit,
    /// Predicted, not in gold.
    FalsePositive,
    /// In gold, not predicted.
    Miss,
    /// Same range in both, other label.
    LabelMismatch,
}

/// One highlight: the range to paint (the prediction's for hits and false
/// positives and mismatches, the gold span's for misses), with both sides'
/// spans where they exist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub kind: MarkKind,
    pub gold: Option<Span>,
    pub pred: Option<Span>,
}

/// The marks of one document under `mode`, in text order; a label mismatch
/// is one mark rather than a miss and a false positive.
pub fn marks(gold: &[Span], pred: &[Span], mode: Mode) -> Vec<Mark> {
    let m = match_spans(gold, pred, mode);
    let mut out = Vec::with_capacity(gold.len() + pred.len());
    let mark = |kind, g: Option<usize>, p: Option<usize>| {
        let gs = g.map(|g| gold[g].clone());
        let ps = p.map(|p| pred[p].clone());
        let at = ps
            .as_ref()
            .or(gs.as_ref())
            .map_or((0, 0), |s| (s.start, s.end));
        Mark {
            start: at.0,
            end: at.1,
            kind,
            gold: gs,
            pred: ps,
        }
    };
    for &(g, p) in &m.pairs {
        out.push(mark(MarkKind::Hit, Some(g), Some(p)));
    }
    for &(g, p) in &m.confusions {
        out.push(mark(MarkKind::LabelMismatch, Some(g), Some(p)));
    }
    let mut confused_gold = vec![false; gold.len()];
    let mut confused_pred = vec![false; pred.len()];
    for &(g, p) in &m.confusions {
        confused_gold[g] = true;
        confused_pred[p] = true;
    }
    for &g in m.missed.iter().filter(|&&g| !confused_gold[g]) {
        out.push(mark(MarkKind::Miss, Some(g), None));
    }
    for &p in m.false_pos.iter().filter(|&&p| !confused_pred[p]) {
        out.push(mark(MarkKind::FalsePositive, None, Some(p)));
    }
    out.sort_by_key(|k| (k.start, std::cmp::Reverse(k.end)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    #[test]
    fn one_mark_per_decision() {
        let gold = [sp(0, 5, "PER"), sp(10, 20, "LOC"), sp(30, 35, "ORG")];
        let pred = [
            sp(0, 5, "PER"),
            sp(12, 20, "LOC"),
            sp(30, 35, "LOC"),
            sp(40, 45, "PER"),
        ];
        let kinds = |mode| -> Vec<(usize, usize, MarkKind)> {
            marks(&gold, &pred, mode)
                .iter()
                .map(|m| (m.start, m.end, m.kind))
                .collect()
        };
        use MarkKind::*;
        assert_eq!(
            kinds(Mode::Strict),
            [
                (0, 5, Hit),
                (10, 20, Miss),
                (12, 20, FalsePositive),
                (30, 35, LabelMismatch),
                (40, 45, FalsePositive)
            ]
        );
        assert_eq!(
            kinds(Mode::Partial),
            [
                (0, 5, Hit),
                (12, 20, Hit),
                (30, 35, LabelMismatch),
                (40, 45, FalsePositive)
            ]
        );
    }
}
