//! The fast span matching and token labelling agree with the plain
//! quadratic definitions on random spans (nested, overlapping, duplicated).

use kashif::annotation::{Origin, Span};
use kashif::eval::{DocMatch, Mode, match_spans, token_labels};
use proptest::prelude::*;

fn spans() -> impl Strategy<Value = Vec<Span>> {
    prop::collection::vec((0..40usize, 1..8usize, 0..3usize), 0..25).prop_map(|v| {
        v.into_iter()
            .map(|(start, len, l)| Span {
                start,
                end: start + len,
                label: ["PER", "LOC", "ORG"][l].into(),
                origin: Origin::Manual,
                text: String::new(),
                proposed: None,
            })
            .collect()
    })
}

/// The definitions, written the slow and obvious way.
fn reference(gold: &[Span], pred: &[Span], mode: Mode) -> DocMatch {
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; pred.len()];
    let mut pairs = Vec::new();
    for (p, ps) in pred.iter().enumerate() {
        if let Some(g) = (0..gold.len()).find(|&g| !gold_used[g] && gold[g].same_entity(ps)) {
            gold_used[g] = true;
            pred_used[p] = true;
            pairs.push((g, p));
        }
    }
    if mode == Mode::Partial {
        let mut order: Vec<usize> = (0..pred.len()).filter(|&p| !pred_used[p]).collect();
        order.sort_by_key(|&p| pred[p].key());
        for p in order {
            let ps = &pred[p];
            let best = (0..gold.len())
                .filter(|&g| {
                    !gold_used[g] && gold[g].label == ps.label && gold[g].overlaps(ps.start, ps.end)
                })
                .max_by_key(|&g| {
                    (
                        gold[g].end.min(ps.end) - gold[g].start.max(ps.start),
                        std::cmp::Reverse(gold[g].start),
                    )
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
    let mut taken = vec![false; pred.len()];
    let mut confusions = Vec::new();
    for &g in &missed {
        let same_range = |p: usize| pred[p].start == gold[g].start && pred[p].end == gold[g].end;
        if let Some(&p) = false_pos
            .iter()
            .find(|&&p| !taken[p] && same_range(p) && pred[p].label != gold[g].label)
        {
            taken[p] = true;
            confusions.push((g, p));
        }
    }
    DocMatch {
        pairs,
        missed,
        false_pos,
        confusions,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn matching_agrees_with_the_definition(gold in spans(), pred in spans()) {
        for mode in [Mode::Strict, Mode::Partial] {
            prop_assert_eq!(match_spans(&gold, &pred, mode), reference(&gold, &pred, mode));
        }
    }

    #[test]
    fn token_labels_agree_with_the_definition(s in spans(), cuts in prop::collection::btree_set(0..50usize, 0..30)) {
        let cuts: Vec<usize> = cuts.into_iter().collect();
        let tokens: Vec<(usize, usize)> = cuts.windows(2).filter(|w| w[0] % 3 != 0).map(|w| (w[0], w[1])).collect();
        let mut order: Vec<&Span> = s.iter().collect();
        order.sort_by(|a, b| (b.end - b.start).cmp(&(a.end - a.start)).then(a.start.cmp(&b.start)).then(a.label.cmp(&b.label)));
        let want: Vec<Option<&str>> = tokens
            .iter()
            .map(|&(a, b)| order.iter().find(|s| s.overlaps(a, b)).map(|s| s.label.as_str()))
            .collect();
        prop_assert_eq!(token_labels(&tokens, &s), want);
    }
}
