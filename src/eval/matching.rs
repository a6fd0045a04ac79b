//! Pairing predicted spans with gold spans in one document.

use std::collections::HashMap;

use serde::Serialize;

use crate::annotation::Span;

/// When a prediction counts as finding a gold entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Same start, end and label.
    Strict,
    /// Overlapping range and same label. Exact matches are paired first;
    /// then each remaining prediction (in text order) takes the unpaired gold
    /// span of its label that it overlaps most (the earlier one on a tie).
    /// Pairs are one to one, and a pair counts as a whole hit.
    Partial,
}

/// The outcome of one document, by index into the gold and predicted slices
/// (what the review view colours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DocMatch {
    /// `(gold, pred)` pairs that count as true positives.
    pub pairs: Vec<(usize, usize)>,
    /// Gold spans nothing found (false negatives).
    pub missed: Vec<usize>,
    /// Predictions that found nothing (false positives).
    pub false_pos: Vec<usize>,
    /// `(gold, pred)` with the same range but another label, among the
    /// missed and false positives above (each is counted there too).
    pub confusions: Vec<(usize, usize)>,
}

/// Pairs `pred` with `gold` under `mode`.
///
/// Exact pairs go through a hash index and partial candidates through a
/// binary search over gold starts, so long documents with thousands of
/// entities (the review view recomputes this) stay fast.
pub fn match_spans(gold: &[Span], pred: &[Span], mode: Mode) -> DocMatch {
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; pred.len()];
    let mut pairs = Vec::new();
    // Gold by (start, end, label); reversed so `pop` yields the first index.
    let mut exact: HashMap<(usize, usize, &str), Vec<usize>> = HashMap::new();
    for (g, s) in gold.iter().enumerate().rev() {
        exact.entry((s.start, s.end, &s.label)).or_default().push(g);
    }
    for (p, ps) in pred.iter().enumerate() {
        if let Some(g) = exact
            .get_mut(&(ps.start, ps.end, ps.label.as_str()))
            .and_then(Vec::pop)
        {
            gold_used[g] = true;
            pred_used[p] = true;
            pairs.push((g, p));
        }
    }
    if mode == Mode::Partial {
        // Unpaired gold in start order; a gold span can overlap a prediction
        // only if it starts before the prediction ends and not more than the
        // longest gold length before the prediction starts.
        let mut open: Vec<usize> = (0..gold.len()).filter(|&g| !gold_used[g]).collect();
        open.sort_by_key(|&g| (gold[g].start, g));
        let longest = open
            .iter()
            .map(|&g| gold[g].end.saturating_sub(gold[g].start))
            .max()
            .unwrap_or(0);
        let mut order: Vec<usize> = (0..pred.len()).filter(|&p| !pred_used[p]).collect();
        order.sort_by_key(|&p| pred[p].key());
        for p in order {
            let ps = &pred[p];
            let hi = open.partition_point(|&g| gold[g].start < ps.end);
            let lo = open.partition_point(|&g| gold[g].start + longest <= ps.start);
            let best = open[lo..hi.max(lo)]
                .iter()
                .copied()
                .filter(|&g| {
                    !gold_used[g] && gold[g].label == ps.label && gold[g].overlaps(ps.start, ps.end)
                })
                .max_by_key(|&g| {
                    let overlap = gold[g].end.min(ps.end) - gold[g].start.max(ps.start);
                    (overlap, std::cmp::Reverse(gold[g].start))
                });
            if let Some(g) = best {
                gold_used[g] = true;
                pred_used[p] = true;
                pairs.push((g, p));
            }
        }
    }
    pairs.sort_unstable();
    let missed: Vec<usize> = (0..gold.len()).filter(|&g| !gold_used[g]).collect();
    let false_pos: Vec<usize> = (0..pred.len()).filter(|&p| !pred_used[p]).collect();
    // False positives by range, in index order.
    let mut by_range: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for &p in &false_pos {
        by_range
            .entry((pred[p].start, pred[p].end))
            .or_default()
            .push(p);
    }
    let mut confusions = Vec::new();
    for &g in &missed {
        let Some(bucket) = by_range.get_mut(&(gold[g].start, gold[g].end)) else {
            continue;
        };
        if let Some(k) = bucket.iter().position(|&p| pred[p].label != gold[g].label) {
            confusions.push((g, bucket.remove(k)));
        }
    }
    DocMatch {
        pairs,
        missed,
        false_pos,
        confusions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    #[test]
    fn strict_and_partial_pairing() {
        let gold = [sp(0, 5, "PER"), sp(10, 20, "LOC"), sp(30, 35, "ORG")];
        let pred = [
            sp(0, 5, "PER"),
            sp(12, 20, "LOC"),
            sp(30, 35, "LOC"),
            sp(40, 45, "PER"),
        ];
        let s = match_spans(&gold, &pred, Mode::Strict);
        assert_eq!(s.pairs, [(0, 0)]);
        assert_eq!(s.missed, [1, 2]);
        assert_eq!(s.false_pos, [1, 2, 3]);
        assert_eq!(s.confusions, [(2, 2)]);
        let p = match_spans(&gold, &pred, Mode::Partial);
        assert_eq!(p.pairs, [(0, 0), (1, 1)]);
        assert_eq!(p.missed, [2]);
        assert_eq!(p.false_pos, [2, 3]);
    }

    #[test]
    fn partial_is_one_to_one_and_prefers_the_largest_overlap() {
        let gold = [sp(0, 10, "LOC"), sp(12, 20, "LOC")];
        // The first prediction overlaps both golds, more of the second.
        let pred = [sp(8, 18, "LOC"), sp(2, 4, "LOC"), sp(3, 5, "LOC")];
        let m = match_spans(&gold, &pred, Mode::Partial);
        assert_eq!(m.pairs, [(0, 1), (1, 0)]);
        assert_eq!(m.false_pos, [2]);
    }
}
