//! Document context for the second pass: a name tagged once is usually the
//! same kind of name elsewhere in the article (ألونسو in a Formula 1 story),
//! so each token learns what the first pass said about its stem in the
//! neighbouring sentences.

use std::collections::HashMap;

use super::features::Token;
use super::lexicon::class_bucket;

/// Sentences on each side that count as "the document" (ANERcorp has no
/// document breaks; articles are cut into sentences the same way).
pub const WINDOW: usize = 10;

/// Class of a tag id: 0 for `O`, else `1 + type index` (tags are `O`, then
/// `B-X`, `I-X` per type).
fn class_of_tag(tag: usize) -> usize {
    if tag == 0 { 0 } else { (tag - 1) / 2 + 1 }
}

/// Sets `first_pass` and `document` on every token from first-pass tags.
pub fn annotate(sents: &mut [Vec<Token>], first: &[Vec<usize>], num_types: usize) {
    let nc = num_types + 1;
    let counts_of = |range: std::ops::Range<usize>, sents: &[Vec<Token>]| {
        let mut m: HashMap<String, Vec<u32>> = HashMap::new();
        for j in range {
            for (t, &tag) in sents[j].iter().zip(&first[j]) {
                m.entry(t.stem.clone()).or_insert_with(|| vec![0; nc])[class_of_tag(tag)] += 1;
            }
        }
        m
    };
    let n = sents.len();
    for j in 0..n {
        let lo = j.saturating_sub(WINDOW);
        let hi = (j + WINDOW + 1).min(n);
        let mut around = counts_of(lo..j, sents);
        for (k, v) in counts_of(j + 1..hi, sents) {
            let e = around.entry(k).or_insert_with(|| vec![0; nc]);
            for (a, b) in e.iter_mut().zip(v) {
                *a += b;
            }
        }
        for (t, &tag) in sents[j].iter_mut().zip(&first[j]) {
            t.first_pass = tag as u8 + 1;
            t.document = class_bucket(around.get(&t.stem));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propose::lexicon::UNSEEN;

    #[test]
    fn a_stem_tagged_nearby_gives_its_class_but_not_from_its_own_sentence() {
        let mk = |ws: &[&str]| ws.iter().map(|w| Token::new(w)).collect::<Vec<_>>();
        let mut sents = vec![
            mk(&["قال", "ألونسو"]),
            mk(&["وألونسو", "فاز"]),
            mk(&["فاز"]),
        ];
        // types: 0 LOC, 1 PER -> tags O=0, B-LOC=1, I-LOC=2, B-PER=3, I-PER=4
        let first = vec![vec![0, 3], vec![0, 0], vec![0]];
        annotate(&mut sents, &first, 2);
        assert_eq!(sents[1][0].document.0, 2, "ألونسو was PER in sentence 0");
        assert_eq!(sents[1][0].first_pass, 1);
        assert_eq!(sents[0][1].document.0, 0, "only O for it in sentence 1");
        assert_eq!(sents[0][0].document.0, UNSEEN, "قال appears nowhere else");
        assert_eq!(sents[2][0].document.0, 0);
    }
}
