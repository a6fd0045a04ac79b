//! Document context for the second pass: a name tagged once is usually the
//! same kind of name elsewhere in the article (ألونسو in a Formula 1 story),
//! so each token learns what the first pass said about its stem in the
//! neighbouring sentences.

use std::borrow::Borrow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::features::Token;
use super::lexicon::class_bucket;

/// Sentences on each side that count as "the document" (ANERcorp has no
/// document breaks; articles are cut into sentences the same way).
pub const WINDOW: usize = 10;

/// Sets `first_pass` and `document` on every token from first-pass tags;
/// `classes[tag]` is the entity class of a tag id (0 = `O`, else 1 + type).
pub fn annotate(
    sents: &mut [Vec<Token>],
    first: &[Vec<usize>],
    classes: &[usize],
    num_types: usize,
) {
    let rows = document_classes(sents, first, classes, num_types);
    for ((s, tags), row) in sents.iter_mut().zip(first).zip(rows) {
        for ((t, &tag), c) in s.iter_mut().zip(tags).zip(row) {
            t.first_pass = tag as u8 + 1;
            t.document = c;
        }
    }
}

/// The `document` value of every token (see [`annotate`]): class and
/// bucket of what the first pass said about its stem in the [`WINDOW`]
/// sentences on each side, without the token's own sentence.
pub fn document_classes<T: Borrow<Token>>(
    sents: &[Vec<T>],
    first: &[Vec<usize>],
    classes: &[usize],
    num_types: usize,
) -> Vec<Vec<(u8, u8)>> {
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let stems: Vec<Vec<u32>> = sents
        .iter()
        .map(|s| {
            s.iter()
                .map(|t| {
                    let n = ids.len() as u32;
                    *ids.entry(t.borrow().stem.as_str()).or_insert(n)
                })
                .collect()
        })
        .collect();
    document_classes_of(&stems, ids.len(), first, classes, num_types)
}

/// [`document_classes`] with each token's stem given as an id below
/// `num_stems` (`stems[j][i]`, the same id for the same stem). Sentences
/// are computed in parallel on the current rayon pool; the result does not
/// depend on it.
pub fn document_classes_of<S: AsRef<[u32]> + Sync, F: AsRef<[usize]>>(
    stems: &[S],
    num_stems: usize,
    first: &[F],
    classes: &[usize],
    num_types: usize,
) -> Vec<Vec<(u8, u8)>> {
    let class_of_tag = |tag: usize| classes.get(tag).copied().unwrap_or(0);
    let nc = num_types + 1;
    // Every stem's occurrences, in sentence order: (sentence, class), stem
    // `k`'s at `occ[at[k]..at[k + 1]]`.
    let mut at = vec![0usize; num_stems + 1];
    for (s, tags) in stems.iter().zip(first) {
        for &k in s.as_ref().iter().take(tags.as_ref().len()) {
            at[k as usize + 1] += 1;
        }
    }
    for k in 0..num_stems {
        at[k + 1] += at[k];
    }
    let mut fill = at.clone();
    let mut occ = vec![(0u32, 0u32); at[num_stems]];
    for (j, (s, tags)) in stems.iter().zip(first).enumerate() {
        for (&k, &tag) in s.as_ref().iter().zip(tags.as_ref()) {
            occ[fill[k as usize]] = (j as u32, class_of_tag(tag) as u32);
            fill[k as usize] += 1;
        }
    }
    stems
        .par_iter()
        .enumerate()
        .with_min_len(64)
        .map_init(
            || vec![0u32; nc],
            |counts, (j, s)| {
                let lo = j.saturating_sub(WINDOW);
                let hi = j + WINDOW;
                s.as_ref()
                    .iter()
                    .map(|&k| {
                        let occ = &occ[at[k as usize]..at[k as usize + 1]];
                        counts.iter_mut().for_each(|c| *c = 0);
                        let from = occ.partition_point(|&(k, _)| (k as usize) < lo);
                        let mut any = false;
                        let near = occ[from..].iter().take_while(|&&(k, _)| k as usize <= hi);
                        for &(k, c) in near {
                            if k as usize != j {
                                counts[c as usize] += 1;
                                any = true;
                            }
                        }
                        if any {
                            class_bucket(Some(counts))
                        } else {
                            class_bucket(None)
                        }
                    })
                    .collect()
            },
        )
        .collect()
}

/// Sets `rule` on the tokens of one sentence from the rules and date
/// patterns (`propose::rules`, `propose::dates`) run over its tokens.
pub fn mark_rules<S: AsRef<str>>(raw: &[S], toks: &mut [Token], types: &[String]) {
    let raw: Vec<&str> = raw.iter().map(|s| s.as_ref()).collect();
    let words = super::words::Words::from_tokens(&raw);
    let mut found = super::rules::propose_words(&words);
    found.extend(super::dates::propose_words(&words));
    for p in found {
        let class = types
            .iter()
            .position(|t| *t == p.label)
            .map_or(100, |i| i + 1) as u8;
        let mut first = true;
        for (w, t) in words.words.iter().zip(toks.iter_mut()) {
            if w.start < p.end && p.start < w.end && t.rule == 0 {
                t.rule = class * 2 + (!first) as u8;
                first = false;
            }
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
        annotate(&mut sents, &first, &[0, 1, 1, 2, 2], 2);
        assert_eq!(sents[1][0].document.0, 2, "ألونسو was PER in sentence 0");
        assert_eq!(sents[1][0].first_pass, 1);
        assert_eq!(sents[0][1].document.0, 0, "only O for it in sentence 1");
        assert_eq!(sents[0][0].document.0, UNSEEN, "قال appears nowhere else");
        assert_eq!(sents[2][0].document.0, 0);
    }

    #[test]
    fn only_sentences_within_the_window_count() {
        let mk = |ws: &[&str]| ws.iter().map(|w| Token::new(w)).collect::<Vec<_>>();
        // ألونسو as PER in sentence 0, then once more `gap` sentences later
        let doc = |gap: usize| {
            let mut sents: Vec<Vec<Token>> = (0..=gap).map(|_| mk(&["فاز"])).collect();
            sents[0] = mk(&["ألونسو"]);
            sents[gap] = mk(&["فاز", "ألونسو"]);
            let first: Vec<Vec<usize>> = sents
                .iter()
                .enumerate()
                .map(|(j, s)| if j == 0 { vec![3] } else { vec![0; s.len()] })
                .collect();
            (sents, first)
        };
        let (sents, first) = doc(WINDOW);
        let rows = document_classes(&sents, &first, &[0, 1, 1, 2, 2], 2);
        assert_eq!(rows[WINDOW][1].0, 2, "sentence 0 is within the window");
        assert_eq!(rows[0][0].0, 0, "and so is the later O mention");
        let (mut sents, first) = doc(WINDOW + 1);
        let rows = document_classes(&sents, &first, &[0, 1, 1, 2, 2], 2);
        assert_eq!(rows[WINDOW + 1][1].0, UNSEEN, "sentence 0 is not");
        assert_eq!(rows[0][0].0, UNSEEN);
        annotate(&mut sents, &first, &[0, 1, 1, 2, 2], 2);
        assert_eq!(sents[WINDOW + 1][0].document, rows[WINDOW + 1][0]);
    }

    #[test]
    fn rule_marks_cover_a_date_first_token_then_inside() {
        let raw = ["وصل", "يوم", "الخميس", "الماضي", "إلى", "باكو"];
        let mut toks: Vec<Token> = raw.iter().map(|w| Token::new(w)).collect();
        let types = vec!["LOC".to_string(), "PER".to_string()];
        mark_rules(&raw, &mut toks, &types);
        assert_eq!(toks[0].rule, 0);
        assert_eq!(
            toks[1].rule, 200,
            "DATE is not a model type: class 100, first token"
        );
        assert_eq!(toks[2].rule, 201);
    }
}
