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

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::arabic::{normalize, splits};

/// Letters each spelling of the differing word must have.
pub const VARIANT_MIN_LETTERS: usize = 5;

/// Confirmed names (their [`name_key`]s) indexed by each of their words.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    by_word: FxHashMap<String, BTreeSet<String>>,
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
    /// Whether `w` is, alone, a name in the index.
    fn is_key(&self, w: &str) -> bool {
        self.by_word.get(w).is_some_and(|s| s.contains(w))
    }

    /// Whether `key` is in the index.
    pub fn contains(&self, key: &str) -> bool {
        key.split(' ')
            .next()
            .and_then(|w| self.by_word.get(w))
            .is_some_and(|s| s.contains(key))
    }

    /// The same matches as [`NameIndex::find_in`] with `only = Some(keys)`,
    /// found from the positions of the keys' words instead of a scan of
    /// every token: what following a decision across a corpus of 1,000
    /// documents needs to stay within a frame.
    pub fn find_keys(&self, forms: &TokenForms, keys: &[String]) -> Vec<NameMatch> {
        let mut found = Found::default();
        for key in keys.iter().filter(|k| self.contains(k)) {
            let kw: Vec<&str> = key.split(' ').collect();
            for (j, w) in kw.iter().enumerate() {
                for &p in forms.positions(w) {
                    self.try_at(forms, key, &kw, (p as usize, j), &mut found);
                }
            }
        }
        let mut out = found.out;
        sort_matches(&mut out);
        out
    }

    /// Tries `key` (its words `kw`) with word `j` on token `p`, once per
    /// start of a key.
    fn try_at<'k>(
        &self,
        forms: &TokenForms,
        key: &'k str,
        kw: &[&str],
        (p, j): (usize, usize),
        found: &mut Found<'k>,
    ) {
        let Some(start) = p.checked_sub(j) else {
            return;
        };
        if start + kw.len() > forms.norm.len() || !found.seen.insert((start, key)) {
            return;
        }
        if let Some(m) = match_at(kw, &forms.norm, &forms.readings, start, &|w| self.is_key(w)) {
            found.out.push(NameMatch {
                first: start,
                last: start + kw.len() - 1,
                skip: m.0,
                key: key.to_string(),
                variant: m.1,
            });
        }
    }

    pub fn find_in(&self, forms: &TokenForms, only: Option<&[String]>) -> Vec<NameMatch> {
        let mut found = Found::default();
        for (p, readings) in forms.readings.iter().enumerate() {
            for (_, w) in readings {
                let Some(keys) = self.by_word.get(w) else {
                    continue;
                };
                for key in keys {
                    if only.is_some_and(|o| !o.contains(key)) {
                        continue;
                    }
                    let kw: Vec<&str> = key.split(' ').collect();
                    for (j, _) in kw.iter().enumerate().filter(|(_, x)| **x == w) {
                        self.try_at(forms, key, &kw, (p, j), &mut found);
                    }
                }
            }
        }
        let mut out = found.out;
        sort_matches(&mut out);
        out
    }
}

/// Matches found so far, and the (start, key) pairs already tried.
#[derive(Default)]
struct Found<'k> {
    seen: FxHashSet<(usize, &'k str)>,
    out: Vec<NameMatch>,
}

/// Matches in text order, one per start: the longest (a confirmed
/// `الولايات المتحدة` is not proposed inside `الولايات المتحدة الأمريكية`,
/// whose words a longer confirmed name covers), the exact match before a
/// variant of the same length (sorted next to each other for `dedup_by`).
fn sort_matches(out: &mut Vec<NameMatch>) {
    out.sort_by(|a, b| {
        (a.first, std::cmp::Reverse(a.last), a.variant, &a.key).cmp(&(
            b.first,
            std::cmp::Reverse(b.last),
            b.variant,
            &b.key,
        ))
    });
    out.dedup_by(|b, a| a.first == b.first);
}

/// The normalised forms of a text's tokens and the proclitic readings of
/// each (`لناغورني` → `ناغورني` after 1 char), computed once per text.
#[derive(Debug, Clone, Default)]
pub struct TokenForms {
    norm: Vec<String>,
    readings: Vec<Vec<(usize, String)>>,
    /// Token indices by the FNV-1a hash of each form and reading, so a
    /// word is found without scanning the text. A hash collision only adds
    /// positions that the exact comparisons of [`match_at`] then turn down.
    at: FxHashMap<u64, Vec<u32>>,
}

/// FNV-1a, 64 bits, of a string's bytes (the index of [`TokenForms`]).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
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
            .collect::<Vec<_>>();
        let mut at: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        for (i, r) in readings.iter().enumerate() {
            for (_, w) in r {
                let v = at.entry(fnv(w)).or_default();
                if v.last() != Some(&(i as u32)) {
                    v.push(i as u32);
                }
            }
        }
        TokenForms { norm, readings, at }
    }

    /// The tokens whose normalised form or one of whose proclitic readings
    /// may be `w` (a superset: compare before trusting), in text order.
    pub fn positions(&self, w: &str) -> &[u32] {
        self.at.get(&fnv(w)).map_or(&[], Vec::as_slice)
    }

    /// Where token `t`'s readings start, in chars from its start (0: the
    /// whole token, then each proclitic reading).
    pub fn reading_offsets(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        self.readings.get(t).into_iter().flatten().map(|(s, _)| *s)
    }
}

/// Whether name words `kw` match tokens from `start`: `(skip, variant)`.
/// A word that differs is no variant when it is itself a confirmed name
/// (`is_key`): `أوروبا الغربية` is Europe followed by a word, not a
/// misspelling of a confirmed `أوروبة الغربية`.
fn match_at(
    kw: &[&str],
    norm: &[String],
    readings: &[Vec<(usize, String)>],
    start: usize,
    is_key: &dyn Fn(&str) -> bool,
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
        // The cheap tests first: this runs on every token next to a
        // decided name's word when a decision follows across a corpus.
        let near = |w: &str| {
            w.chars().next() == k.chars().next()
                && w.len().abs_diff(k.len()) <= 4
                && one_edit(w, k)
                && letters(w) >= VARIANT_MIN_LETTERS
                && letters(k) >= VARIANT_MIN_LETTERS
                && !is_key(w)
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

/// Whether normalised text `folded` holds a word that could be a spelling
/// variant of the name word `w` under the variant rule: one letter apart
/// ([`one_edit`]), the same first letter, both with at least
/// [`VARIANT_MIN_LETTERS`] letters; for a name's first word (`first`) also
/// after one or two glued proclitic letters, with the article's alef back
/// after ل (`للولايات` reads `الولايات`). A superset of where [`NameIndex`]
/// finds a variant of a name holding `w` (it does not ask whether the
/// variant is itself a name); no allocation but for that alef.
pub fn holds_variant_of(folded: &str, w: &str, first: bool) -> bool {
    let Some(w0) = w.chars().next() else {
        return false;
    };
    if letters(w) < VARIANT_MIN_LETTERS {
        return false;
    }
    let nw = w.chars().count();
    let near = |t: &str| {
        t.starts_with(w0)
            && t.chars().count().abs_diff(nw) <= 1
            && one_edit(t, w)
            && letters(t) >= VARIANT_MIN_LETTERS
    };
    // Words as the tokenizer cuts them: runs of Arabic letters, runs of
    // other letters.
    let mut rest = folded;
    while !rest.is_empty() {
        let Some((at, c)) = rest.char_indices().find(|&(_, c)| c.is_alphabetic()) else {
            break;
        };
        let arabic = crate::arabic::is_arabic_letter(c);
        let run = &rest[at..];
        let end = run
            .char_indices()
            .find(|&(_, c)| !c.is_alphabetic() || crate::arabic::is_arabic_letter(c) != arabic)
            .map_or(run.len(), |(b, _)| b);
        let word = &run[..end];
        rest = &run[end..];
        let skips = if first { 2 } else { 0 };
        for (k, (b, _)) in word.char_indices().enumerate().take(skips + 1) {
            let t = &word[b..];
            if near(t) {
                return true;
            }
            if k > 0 && w.starts_with("ال") && t.starts_with('ل') && near(&format!("ا{t}")) {
                return true;
            }
        }
    }
    false
}

pub(super) fn letters(w: &str) -> usize {
    w.chars().filter(|c| c.is_alphabetic()).count()
}

/// Exactly one letter replaced, inserted or deleted. Compares chars in
/// place (no copies): it runs on the neighbours of every occurrence of a
/// decided name's words across the corpus.
pub fn one_edit(a: &str, b: &str) -> bool {
    let (na, nb) = (a.chars().count(), b.chars().count());
    let (s, l, ns, nl) = if na <= nb {
        (a, b, na, nb)
    } else {
        (b, a, nb, na)
    };
    match nl - ns {
        0 => s.chars().zip(l.chars()).filter(|(x, y)| x != y).count() == 1,
        1 => {
            // The common start, then the rest of the shorter equals the
            // longer's rest after one skipped char.
            let i = s.chars().zip(l.chars()).take_while(|(x, y)| x == y).count();
            s.chars().skip(i).eq(l.chars().skip(i + 1))
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

    /// Found on ANERcorp (`examples/variant_precision.rs`): an exact match
    /// and a variant of the same words gave two matches; a word that is a
    /// confirmed name on its own made a variant; a shorter name matched
    /// inside a longer one at the same start.
    #[test]
    fn exact_beats_variant_a_known_word_is_no_variant_and_the_longest_wins() {
        let i = idx(&["يديعوت أحرونوت", "يديعوت أحرنوت", "يديعوت"]);
        let got = i.find(&["قالت", "يديعوت", "أحرونوت"], None);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(!got[0].variant && got[0].key == name_key("يديعوت أحرونوت"));

        let i = idx(&["أوروبة الغربية", "أوروبا"]);
        let got = i.find(&["أوروبا", "الغربية"], None);
        assert!(got.iter().all(|m| !m.variant), "{got:?}");

        let i = idx(&["الولايات المتحدة", "الولايات المتحدة الأمريكية"]);
        let got = i.find(&["الولايات", "المتحدة", "الأمريكية"], None);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].first, got[0].last), (0, 2));
    }

    /// The positional search finds exactly what the scan finds, for every
    /// two-word name of the seeds and a one-letter variant of each.
    #[test]
    fn find_keys_equals_the_scan_on_the_seeds() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.sort();
        let mut checked = 0;
        for text in &texts {
            let toks: Vec<&str> = text.split_whitespace().collect();
            let forms = TokenForms::new(&toks);
            // Names from the text itself: every pair of neighbours and
            // every single word, with a letter changed in the second word.
            let mut keys: Vec<String> = Vec::new();
            for w in toks.windows(2).step_by(7) {
                keys.push(name_key(&format!("{} {}", w[0], w[1])));
                let mut v: Vec<char> = w[1].chars().collect();
                if let Some(c) = v.last_mut() {
                    *c = 'ي';
                }
                keys.push(name_key(&format!(
                    "{} {}",
                    w[0],
                    v.iter().collect::<String>()
                )));
                keys.push(name_key(w[0]));
            }
            keys.retain(|k| !k.is_empty());
            keys.sort();
            keys.dedup();
            let mut i = NameIndex::default();
            for k in &keys {
                i.insert(k);
            }
            for chunk in keys.chunks(5) {
                let only = chunk.to_vec();
                let scan = i.find_in(&forms, Some(&only));
                assert_eq!(i.find_keys(&forms, &only), scan, "{only:?}");
                checked += scan.len();
            }
        }
        assert!(checked > 500, "too few matches compared: {checked}");
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
