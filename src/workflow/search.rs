//! Finding text: Arabic-aware search (hamza forms, vowel marks, tatweel and
//! digit styles do not matter) and whole-word occurrences for bulk
//! annotation.

use crate::arabic::normalize;
use crate::text::CharIndex;

use super::words::WordEdges;

/// Where a search or bulk action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The document open now.
    Document,
    /// Every document of the corpus.
    Corpus,
}

/// One search hit, with a little context for a result list.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    /// Up to [`CONTEXT_CHARS`] chars before the hit, the hit, and after it.
    pub before: String,
    pub matched: String,
    pub after: String,
}

/// Chars of context shown on each side of a hit.
pub const CONTEXT_CHARS: usize = 30;

/// Every place `query` occurs in `text` as char ranges of `text`, matching
/// on the normalised forms of both. Matches do not overlap. An empty (or
/// all-marks) query finds nothing.
pub fn find(text: &str, query: &str) -> Vec<(usize, usize)> {
    let q = normalize(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let n = normalize(text);
    let folded = n.as_str();
    let qlen = q.char_len();
    // Char offsets counted forward from match to match (matches come in
    // order): no index of the whole folded text is built.
    let (mut at_byte, mut at_char) = (0, 0);
    folded
        .match_indices(q.as_str())
        .filter_map(|(b, _)| {
            at_char += folded[at_byte..b].chars().count();
            at_byte = b;
            let s = at_char;
            let (start, end) = n.original_range(s, s + qlen)?;
            // The end reaches up to the next kept char; whitespace after a
            // match is kept, so only dropped marks and controls join it.
            Some((start, end))
        })
        .collect()
}

/// Occurrences of `query` that cover whole words: the search hits ([`find`])
/// that start at a word start or just after an attached proclitic (any
/// reading: `وأذربيجان` yields `أذربيجان`, `وباشينيان` yields `باشينيان`) and
/// end at a word end. The query is trimmed of punctuation first, as a
/// selection is ([`crate::arabic::trim_punctuation`]), so annotating all of a
/// selected `(آرتساخ)` finds `آرتساخ`. For a query that is whole words this
/// is every hit search shows.
pub fn whole_word_occurrences(text: &str, words: &WordEdges, query: &str) -> Vec<(usize, usize)> {
    find(text, &occurrence_query(query))
        .into_iter()
        .filter(|&(s, e)| words.is_occurrence_start(s) && words.is_end(e))
        .collect()
}

/// What [`whole_word_occurrences`] searches for: `query` trimmed of
/// punctuation as a selection is.
pub fn occurrence_query(query: &str) -> String {
    let q: Vec<char> = query.chars().collect();
    let (a, b) = crate::arabic::trim_punctuation(&q, 0, q.len());
    q[a..b].iter().collect()
}

/// A search hit at `start..end` of `text` with its context.
pub fn hit(doc_id: &str, text: &str, idx: &CharIndex, start: usize, end: usize) -> Hit {
    let from = start.saturating_sub(CONTEXT_CHARS);
    let to = (end + CONTEXT_CHARS).min(idx.char_len());
    let part = |a, b| idx.slice(text, a, b).unwrap_or_default().replace('\n', " ");
    Hit {
        doc_id: doc_id.to_string(),
        start,
        end,
        before: part(from, start),
        matched: part(start, end),
        after: part(end, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::slice_chars;

    #[test]
    fn matching_ignores_hamza_and_marks() {
        let text = "زار أذربيجانَ ثم اذربيجان وأذربيجان";
        let hits = find(text, "اذربيجان");
        let words: Vec<&str> = hits
            .iter()
            .map(|&(s, e)| slice_chars(text, s, e).unwrap())
            .collect();
        assert_eq!(words, ["أذربيجانَ", "اذربيجان", "أذربيجان"]);
    }

    #[test]
    fn digits_of_both_styles_match() {
        let text = "في ١٥ نوفمبر و15 نوفمبر";
        assert_eq!(find(text, "15 نوفمبر").len(), 2);
    }

    #[test]
    fn whole_words_allow_a_proclitic_but_not_a_word_part() {
        let text = "أرمينيا وأرمينيا الأرمينية بأرمينيا";
        let w = WordEdges::new(text);
        let found: Vec<&str> = whole_word_occurrences(text, &w, "أرمينيا")
            .iter()
            .map(|&(s, e)| slice_chars(text, s, e).unwrap())
            .collect();
        assert_eq!(found, ["أرمينيا", "أرمينيا", "أرمينيا"]);
        assert_eq!(whole_word_occurrences(text, &w, "رمين"), vec![]);
    }

    #[test]
    fn annotate_all_finds_what_search_finds_in_the_seeds() {
        // seeds: six باشينيان, one of them وباشينيان, some before punctuation
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let (mut searched, mut whole) = (0, 0);
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let w = WordEdges::new(&text);
            searched += find(&text, "باشينيان").len();
            let occ = whole_word_occurrences(&text, &w, "باشينيان");
            for &(s, e) in &occ {
                assert_eq!(slice_chars(&text, s, e), Some("باشينيان"));
            }
            whole += occ.len();
            // a selection with its punctuation finds the same
            assert_eq!(
                whole_word_occurrences(&text, &w, "باشينيان”.").len(),
                occ.len()
            );
        }
        assert_eq!(searched, 10);
        assert_eq!(whole, searched);
    }

    #[test]
    fn empty_query_finds_nothing() {
        assert!(find("نص", "  ").is_empty());
        assert!(find("نص", "\u{064E}").is_empty());
    }

    #[test]
    fn hit_has_context() {
        let text = "قبل\nكلمة بعد";
        let idx = CharIndex::new(text);
        let h = hit("d", text, &idx, 4, 8);
        assert_eq!((h.before.as_str(), h.matched.as_str()), ("قبل ", "كلمة"));
        assert_eq!(h.after, " بعد");
    }
}
