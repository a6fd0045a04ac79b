//! Cutting a long sentence into encoder windows. The encoder sees at most
//! 512 positions; it was fine-tuned on windows of at most 254 pieces
//! (`scripts/encoder/finetune.py --max-len 256`), so a sentence longer than
//! that is read in overlapping windows cut at word boundaries, and each word
//! takes its label from the window where it has the most context on both
//! sides.

use std::ops::Range;

/// Content pieces per window (the fine-tune's 256 less `<s>` and `</s>`).
pub const WINDOW_PIECES: usize = 254;

/// Pieces of context two neighbouring windows share, at least.
pub const OVERLAP_PIECES: usize = 64;

/// Windows over words whose piece counts are `pieces` (each ≥ 1 and at most
/// [`WINDOW_PIECES`]): word ranges, in order, covering every word, each
/// within `window` pieces, neighbours overlapping by about `overlap` pieces.
/// One window when everything fits. Empty input gives no window.
pub fn windows(pieces: &[usize], window: usize, overlap: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let n = pieces.len();
    let mut start = 0;
    while start < n {
        let mut end = start;
        let mut used = 0;
        while end < n && (end == start || used + pieces[end] <= window) {
            used += pieces[end];
            end += 1;
        }
        out.push(start..end);
        if end == n {
            break;
        }
        // The next window starts `overlap` pieces before this one's end,
        // but always moves on by at least one word.
        let mut next = end;
        let mut back = 0;
        while next > start + 1 && back + pieces[next - 1] <= overlap {
            back += pieces[next - 1];
            next -= 1;
        }
        start = next;
    }
    out
}

/// For each word, the index of the window (from [`windows`]) where it sits
/// farthest from a window edge, counted in pieces.
pub fn best_window(pieces: &[usize], wins: &[Range<usize>]) -> Vec<usize> {
    let mut best = vec![(0usize, 0usize); pieces.len()];
    for (k, w) in wins.iter().enumerate() {
        let total: usize = pieces[w.clone()].iter().sum();
        let mut before = 0;
        for i in w.clone() {
            let after = total - before - pieces[i];
            let margin = before.min(after) + 1;
            if margin > best[i].1 {
                best[i] = (k, margin);
            }
            before += pieces[i];
        }
    }
    best.into_iter().map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_sentence_is_one_window() {
        assert_eq!(windows(&[1, 2, 3], 254, 64), vec![0..3]);
        assert!(windows(&[], 254, 64).is_empty());
    }

    #[test]
    fn long_sentences_overlap_and_every_word_is_read_in_context() {
        let pieces: Vec<usize> = (0..500).map(|i| 1 + i % 3).collect();
        let wins = windows(&pieces, 100, 20);
        assert!(wins.len() > 5);
        assert_eq!(wins[0].start, 0);
        assert_eq!(wins.last().map(|w| w.end), Some(500));
        for w in &wins {
            assert!(pieces[w.clone()].iter().sum::<usize>() <= 100);
        }
        for pair in wins.windows(2) {
            assert!(pair[1].start > pair[0].start, "windows move on");
            assert!(pair[1].start < pair[0].end, "neighbours overlap");
            let shared: usize = pieces[pair[1].start..pair[0].end].iter().sum();
            assert!(
                (20 - 3..=20).contains(&shared),
                "overlap of {shared} pieces"
            );
        }
        let best = best_window(&pieces, &wins);
        for (i, &k) in best.iter().enumerate() {
            assert!(wins[k].contains(&i));
        }
        // A word in an overlap is read where it is not at the edge.
        let w1 = &wins[1];
        assert_eq!(best[w1.start], 0);
        assert_eq!(best[wins[0].end - 1], 1);
    }

    #[test]
    fn a_word_wider_than_a_window_still_gets_one() {
        let wins = windows(&[300, 1, 1], 254, 64);
        assert_eq!(wins.first(), Some(&(0..1)));
        assert_eq!(wins.last().map(|w| w.end), Some(3));
    }
}
