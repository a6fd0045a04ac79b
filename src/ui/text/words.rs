//! Word boundaries for snapping a selection, in char offsets.
//!
//! A word is a run of letters, digits and the marks that attach to them
//! (Arabic diacritics, tatweel, joiners), so `وأذربيجان` or `2023` or
//! `Siyasət` is one word and punctuation or spaces end it.

use crate::arabic::{Vocabulary, guideline_span};
pub use crate::arabic::{is_word_char, word_at};

/// Grows `start..end` to whole words at both ends, then drops surrounding
/// whitespace.
pub fn snap_to_words(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let (mut s, mut e) = (start.min(chars.len()), end.min(chars.len()));
    if s < e {
        if let Some((ws, _)) = word_at(chars, s) {
            s = ws;
        }
        if let Some((_, we)) = word_at(chars, e - 1) {
            e = we;
        }
    }
    trim(chars, s, e, char::is_whitespace)
}

/// A word-snapped selection as the guidelines want it saved: snapped to
/// whole words, then without leading/trailing punctuation, quotes and
/// unmatched brackets, and without a conjunction or preposition glued to the
/// first word when what remains is a word of `vocabulary`
/// ([`crate::arabic::guideline_span`]).
pub fn snap_to_guidelines(
    chars: &[char],
    start: usize,
    end: usize,
    vocabulary: &Vocabulary,
) -> (usize, usize) {
    let (s, e) = snap_to_words(chars, start, end);
    guideline_span(chars, s, e, |f| vocabulary.contains(f))
}

/// Drops chars matching `drop` from both ends of `start..end`.
pub fn trim(chars: &[char], start: usize, end: usize, drop: fn(char) -> bool) -> (usize, usize) {
    let (mut s, mut e) = (start, end);
    while s < e && drop(chars[s]) {
        s += 1;
    }
    while e > s && drop(chars[e - 1]) {
        e -= 1;
    }
    if s == e {
        (start.min(s), start.min(s))
    } else {
        (s, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn word_includes_clitics_and_diacritics() {
        let c = chars("قال وأذربيجانُ اليوم");
        assert_eq!(word_at(&c, 6), Some((4, 14)));
        assert_eq!(word_at(&c, 3), None);
    }

    #[test]
    fn snapping_grows_to_words_and_trims_space() {
        let c = chars("أرمينيا (Siyasət) دولة");
        // from inside the Arabic word to inside the Latin word
        assert_eq!(snap_to_words(&c, 2, 11), (0, 16));
        // a range of only spaces collapses
        let (s, e) = snap_to_words(&c, 7, 8);
        assert_eq!(s, e);
    }

    #[test]
    fn snapping_keeps_digits_whole() {
        let c = chars("عام 2023 م");
        assert_eq!(snap_to_words(&c, 5, 6), (4, 8));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Snapping stays in bounds, never starts or ends inside a word or on
        /// a space, and keeps every non-space char of the original range.
        #[test]
        fn snapping_lands_on_word_edges(
            text in "[قال و2 a(). ]{0,30}",
            a in 0usize..40,
            b in 0usize..40,
        ) {
            let c: Vec<char> = text.chars().collect();
            let (s, e) = (a.min(b).min(c.len()), a.max(b).min(c.len()));
            let (ss, se) = snap_to_words(&c, s, e);
            prop_assert!(ss <= se && se <= c.len());
            if ss < se {
                prop_assert!(!c[ss].is_whitespace() && !c[se - 1].is_whitespace());
                prop_assert!(ss == 0 || !(is_word_char(c[ss]) && is_word_char(c[ss - 1])));
                prop_assert!(se == c.len() || !(is_word_char(c[se]) && is_word_char(c[se - 1])));
                prop_assert!(ss <= s || c[s..ss].iter().all(|x| x.is_whitespace()));
                prop_assert!(se >= e || c[se..e].iter().all(|x| x.is_whitespace()));
            } else {
                prop_assert!(c[s..e].iter().all(|x| x.is_whitespace()));
            }
        }
    }
}
