//! Finding the names an annotator confirmed in a text: exactly (up to
//! search's normalisation and a glued proclitic) and as spelling variants.
//!
//! **Variant rule.** A confirmed name of at least two words also matches a
//! run of the same number of words where exactly one word differs by one
//! letter (one letter replaced, added or dropped, never the first: a first
//! letter that differs is a glued و ف ب ل ك or another word) and both
//! spellings of that word have at least [`VARIANT_MIN_LETTERS`] letters
//! (`وكان`/`ودان` are not one name): after
//! `ناغورني كاراباخ` is confirmed LOC, `ناغورنو كاراباخ` is proposed LOC.
//! Single words never match as variants (`مصر`/`مصري` would). Precision on
//! ANERcorp (memory from the first 90 % of train.conll, variant proposals on
//! the last 10 %): see README, `cargo run --release --example variant_precision`.

use std::collections::{BTreeSet, HashMap};

use crate::arabic::{normalize, splits};

/// Letters each spelling of the differing word must have.
pub const VARIANT_MIN_LETTERS: usize = 5;

/// Confirmed names (their [`name_key`]s) indexed by each of their words.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    by_word: HashMap<String, BTreeSet<String>>,
}

/// A confirmed name found in a token sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    /// First and last token (inclusive).
    pub first: usize,
    pub last: usize,
    /// Chars of the first token left out (a proclitic: `لناغورني` → 1).
    pub skip: usize,
    /// The confirmed name's key.
    pub key: String,
    /// Whether it is a spelling variant rather than the name itself.
    pub variant: bool,
}

impl NameIndex {
    pub fn insert(&mut self, key: &str) {
        for w in key.split(' ') {
            self.by_word
                .entry(w.to_string())
                .or_default()
                .insert(key.to_string());
        }
    }

    pub fn remove(&mut self, key: &str) {
        for w in key.split(' ') {
            if let Some(s) = self.by_word.get_mut(w) {
                s.remove(key);
                if s.is_empty() {
                    self.by_word.remove(w);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_word.is_empty()
    }

    /// Every word of a confirmed name, to tell quickly whether a text may
    /// hold one of `keys`.
    pub fn words_of(key: &str) -> impl Iterator<Item = &str> {
        key.split(' ')
    }

    /// Confirmed names in `tokens` (as written; normalised here), exact ones
    /// and variants, each place once (an exact match beats a variant; then
    /// the longer name). Only names in `only` when given.
    pub fn find(&self, tokens: &[&str], only: Option<&[String]>) -> Vec<NameMatch> {
        self.find_in(&TokenForms::new(tokens), only)
    }

    /// As [`NameIndex::find`], on forms computed once per text.
    pub fn find_in(&self, forms: &TokenForms, only: Option<&[String]>) -> Vec<NameMatch> {
        let (norm, readings) = (&forms.norm, &forms.readings);
        let tokens = norm;
        let mut out: Vec<NameMatch> = Vec::new();
        let mut seen: BTreeSet<(usize, String)> = BTreeSet::new();
        for p in 0..tokens.len() {
            for (_, w) in &readings[p] {
                let Some(keys) = self.by_word.get(w) else {
                    continue;
                };
                for key in keys {
                    if only.is_some_and(|o| !o.contains(key)) {
                        continue;
                    }
                    let kw: Vec<&str> = key.split(' ').collect();
                    for (j, _) in kw.iter().enumerate().filter(|(_, x)| **x == w) {
                        let Some(start) = p.checked_sub(j) else {
                            continue;
                        };
                        if start + kw.len() > tokens.len() || !seen.insert((start, key.clone())) {
                            continue;
                        }
                        if let Some(m) = match_at(&kw, norm, readings, start) {
                            out.push(NameMatch {
                                first: start,
                                last: start + kw.len() - 1,
                                skip: m.0,
                                key: key.clone(),
                                variant: m.1,
                            });
                        }
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            (a.first, a.variant, std::cmp::Reverse(a.last), &a.key).cmp(&(
                b.first,
                b.variant,
                std::cmp::Reverse(b.last),
                &b.key,
            ))
        });
        out.dedup_by(|b, a| (a.first, a.last) == (b.first, b.last));
        out
    }
}

/// The normalised forms of a text's tokens and the proclitic readings of
/// each (`لناغورني` → `ناغورني` after 1 char), computed once per text.
#[derive(Debug, Clone, Default)]
pub struct TokenForms {
    norm: Vec<String>,
    readings: Vec<Vec<(usize, String)>>,
}

impl TokenForms {
    pub fn new(tokens: &[&str]) -> TokenForms {
        let norm: Vec<String> = tokens.iter().map(|t| normalize(t).into_string()).collect();
        let readings = tokens
            .iter()
            .zip(&norm)
            .map(|(t, n)| {
                let mut r = vec![(0, n.clone())];
                if !n.starts_with(['و', 'ف', 'ب', 'ل', 'ك', 'ا']) {
                    return r;
                }
                for s in splits(t) {
                    if !s.is_whole() {
                        let part: String = t.chars().skip(s.entity_start).collect();
                        let k = if s.article {
                            s.key(t)
                        } else {
                            normalize(&part).into_string()
                        };
                        if !r.iter().any(|(_, x)| *x == k) {
                            r.push((s.entity_start, k));
                        }
                    }
                }
                r
            })
            .collect();
        TokenForms { norm, readings }
    }
}

/// Whether name words `kw` match tokens from `start`: `(skip, variant)`.
fn match_at(
    kw: &[&str],
    norm: &[String],
    readings: &[Vec<(usize, String)>],
    start: usize,
) -> Option<(usize, bool)> {
    let mut skip = 0;
    let mut differs = 0;
    for (i, k) in kw.iter().enumerate() {
        let t = start + i;
        let same = if i == 0 {
            match readings[t].iter().find(|(_, r)| r == k) {
                Some(&(s, _)) => {
                    skip = s;
                    true
                }
                None => false,
            }
        } else {
            norm[t] == *k
        };
        if same {
            continue;
        }
        differs += 1;
        if differs > 1 || kw.len() < 2 {
            return None;
        }
        let near = |w: &str| {
            letters(w) >= VARIANT_MIN_LETTERS
                && letters(k) >= VARIANT_MIN_LETTERS
                && one_edit(w, k)
                && w.chars().next() == k.chars().next()
        };
        if i == 0 {
            // The plain word first, then a proclitic reading.
            let (s, _) = readings[t].iter().find(|(_, r)| near(r))?;
            skip = *s;
        } else if !near(&norm[t]) {
            return None;
        }
    }
    Some((skip, differs == 1))
}

fn letters(w: &str) -> usize {
    w.chars().filter(|c| c.is_alphabetic()).count()
}

/// Exactly one letter replaced, inserted or deleted.
pub fn one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (s, l) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match l.len() - s.len() {
        0 => s.iter().zip(l.iter()).filter(|(x, y)| x != y).count() == 1,
        1 => {
            let i = s.iter().zip(l.iter()).take_while(|(x, y)| x == y).count();
            s[i..] == l[i + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arabic::name_key;

    fn idx(keys: &[&str]) -> NameIndex {
        let mut i = NameIndex::default();
        for k in keys {
            i.insert(&name_key(k));
        }
        i
    }

    #[test]
    fn one_edit_is_one_letter() {
        assert!(one_edit("ناغورني", "ناغورنو"));
        assert!(one_edit("كاراباخ", "كاراباغ"));
        assert!(one_edit("عباس", "عباسي"));
        assert!(!one_edit("ناغورني", "ناغورني"));
        assert!(!one_edit("ناغورني", "ناغورنوا"));
    }

    #[test]
    fn finds_exact_names_variants_and_names_behind_a_proclitic() {
        let i = idx(&["ناغورني كاراباخ", "مصر"]);
        let text = "في ناغورنو كاراباخ و لناغورني كاراباخ ثم بناغورنو كاراباخ في مصري";
        let toks: Vec<&str> = text.split(' ').collect();
        let got: Vec<(usize, usize, usize, bool)> = i
            .find(&toks, None)
            .iter()
            .map(|m| (m.first, m.last, m.skip, m.variant))
            .collect();
        assert_eq!(
            got,
            [(1, 2, 0, true), (4, 5, 1, false), (7, 8, 1, true)],
            "a single word never matches as a variant"
        );
    }

    #[test]
    fn short_words_and_two_differences_do_not_match() {
        let i = idx(&["جورج بوش", "محمود عباس"]);
        let toks = ["جورج", "بوس", "محمد", "عباسي", "محمود", "عباسي"];
        let got: Vec<usize> = i.find(&toks, None).iter().map(|m| m.first).collect();
        assert!(got.is_empty(), "عباس has 4 letters: {got:?}");
        // Nor does a different first letter (a glued proclitic) make a variant.
        let i = idx(&["لمنظمة التحرير"]);
        assert!(
            i.find(&["منظمة", "التحرير"], None)
                .iter()
                .all(|m| !m.variant)
        );
    }
}
