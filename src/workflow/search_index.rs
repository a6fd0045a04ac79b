//! The corpus search index: every document's normalised tokens (the
//! folding of [`crate::arabic::normalize`]: hamza forms, vowel marks,
//! tatweel, digit styles; tokens are runs of letters and digits), with the
//! documents each occurs in. A corpus search asks it which documents can
//! hold the query and runs [`super::search::find`] on those only, so it
//! gives exactly the hits a scan of every document gives.
//!
//! Documents' texts never change while a session is open (edits change
//! annotations only), so an index built at open stays current.

use rustc_hash::FxHashMap;

use crate::arabic::{normalize, normalize_char};

/// Normalised tokens → the documents (corpus positions) holding them.
///
/// Memory (issue 26: it grows with the corpus): the tokens are kept once,
/// sorted (an exact token is found by binary search, not through a second
/// copy of every token in a hash map), and each list of documents exactly
/// as long as it is.
///
/// A piece of a token (a query word that may carry clitics, or a word's
/// end) is found through the tokens' character trigrams, not by testing
/// every token: at 20,000 news documents (79,430 tokens) testing each took
/// 2.6 ms a word (median) and 14 ms for a common one, and a decision on an
/// article's 18 names held its frame 253-259 ms looking up their documents
/// (perf, issue 26).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Distinct tokens, sorted.
    vocab: Vec<String>,
    /// `vocab[i]`'s corpus positions, ascending, no repeats.
    postings: Vec<Vec<u32>>,
    /// The tokens' character trigrams.
    trigrams: Trigrams,
    docs: usize,
}

/// Character trigrams → the tokens (positions in the sorted vocabulary)
/// holding them, in compressed rows: `grams[g]`'s tokens are
/// `tokens[starts[g]..starts[g + 1]]`, ascending. A trigram is its three
/// chars' scalar values packed 21 bits each.
#[derive(Debug, Clone, Default)]
struct Trigrams {
    grams: Vec<u64>,
    starts: Vec<u32>,
    tokens: Vec<u32>,
}

/// The packed trigrams of `chars`, in order, with repeats.
fn trigrams_of(chars: &[char]) -> impl Iterator<Item = u64> + '_ {
    chars
        .windows(3)
        .map(|w| ((w[0] as u64) << 42) | ((w[1] as u64) << 21) | w[2] as u64)
}

impl Trigrams {
    /// The trigrams of every token of `vocab`.
    fn build(vocab: &[String]) -> Trigrams {
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut chars: Vec<char> = Vec::new();
        for (t, token) in vocab.iter().enumerate() {
            chars.clear();
            chars.extend(token.chars());
            pairs.extend(trigrams_of(&chars).map(|g| (g, t as u32)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut out = Trigrams {
            tokens: Vec::with_capacity(pairs.len()),
            ..Trigrams::default()
        };
        for (g, t) in pairs {
            if out.grams.last() != Some(&g) {
                out.grams.push(g);
                out.starts.push(out.tokens.len() as u32);
            }
            out.tokens.push(t);
        }
        out.starts.push(out.tokens.len() as u32);
        out.grams.shrink_to_fit();
        out.starts.shrink_to_fit();
        out
    }

    /// The tokens holding trigram `g`, ascending.
    fn row(&self, g: u64) -> &[u32] {
        match self.grams.binary_search(&g) {
            Ok(i) => &self.tokens[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }

    /// Tokens that hold every trigram of `piece` (three chars or more): a
    /// superset of those holding `piece`, ascending.
    fn holding_all(&self, piece: &[char]) -> Vec<u32> {
        let mut rows: Vec<&[u32]> = trigrams_of(piece).map(|g| self.row(g)).collect();
        rows.sort_unstable_by_key(|r| r.len());
        let mut out = rows.first().map(|r| r.to_vec()).unwrap_or_default();
        for r in rows.iter().skip(1) {
            if out.len() < 16 {
                break;
            }
            out = intersect(&out, r);
        }
        out
    }
}

/// One run of letters and digits of a normalised query, and what a token
/// of a matching text must be for it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// The whole token (the run has a separator on each side).
    Exact(String),
    /// The token's start (a separator before it, the query ends after it).
    Prefix(String),
    /// The token's end (the query starts with it, a separator after it).
    Suffix(String),
    /// Anywhere in the token (the query is this run alone).
    Inside(String),
}

/// Runs of letters and digits of `folded`, each with whether a separator
/// comes before and after it within `folded`.
fn runs(folded: &str) -> Vec<(&str, bool, bool)> {
    let mut out = Vec::new();
    let mut start = None;
    for (b, c) in folded.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(b),
            (false, Some(s)) => {
                out.push((&folded[s..b], s > 0, true));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((&folded[s..], s > 0, false));
    }
    out
}

impl SearchIndex {
    /// Indexes `texts`, one per document in corpus order. Linear in their
    /// total length.
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> SearchIndex {
        let mut ix = SearchIndex::default();
        let mut token_of: FxHashMap<String, u32> = FxHashMap::default();
        let mut token = String::new();
        for (d, text) in texts.into_iter().enumerate() {
            let d = d as u32;
            for c in text.chars().map(normalize_char).chain([Some(' ')]) {
                match c {
                    // dropped marks and controls join what is around them,
                    // as in the normalised text search matches on
                    None => {}
                    Some(c) if c.is_alphanumeric() => token.push(c),
                    Some(_) if token.is_empty() => {}
                    Some(_) => {
                        ix.add(&mut token_of, &token, d);
                        token.clear();
                    }
                }
            }
            ix.docs = d as usize + 1;
        }
        drop(token_of);
        ix.freeze();
        ix.trigrams = Trigrams::build(&ix.vocab);
        ix
    }

    fn add(&mut self, token_of: &mut FxHashMap<String, u32>, token: &str, d: u32) {
        let id = match token_of.get(token) {
            Some(&id) => id,
            None => {
                let id = self.vocab.len() as u32;
                self.vocab.push(token.to_string());
                token_of.insert(token.to_string(), id);
                self.postings.push(Vec::new());
                id
            }
        };
        let p = &mut self.postings[id as usize];
        if p.last() != Some(&d) {
            p.push(d);
        }
    }

    /// Sorts the tokens (with their lists) and trims every list to its
    /// length.
    fn freeze(&mut self) {
        let mut pairs: Vec<(String, Vec<u32>)> = std::mem::take(&mut self.vocab)
            .into_iter()
            .zip(std::mem::take(&mut self.postings))
            .collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.vocab.reserve_exact(pairs.len());
        self.postings.reserve_exact(pairs.len());
        for (mut t, mut p) in pairs {
            t.shrink_to_fit();
            p.shrink_to_fit();
            self.vocab.push(t);
            self.postings.push(p);
        }
    }

    /// Documents indexed.
    pub fn len(&self) -> usize {
        self.docs
    }

    /// Whether no document was indexed.
    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// Distinct tokens indexed.
    pub fn tokens(&self) -> usize {
        self.vocab.len()
    }

    /// The corpus positions (ascending) of every document that may hold
    /// `query` as [`super::search::find`] matches it: none is left out.
    /// A query with no letter or digit gets every document.
    pub fn candidates(&self, query: &str) -> Vec<usize> {
        let mut out = DocSet::new(self.docs);
        self.add_candidates(query, &mut out);
        out.positions()
    }

    /// Adds to `set` the documents that may hold `query`
    /// ([`SearchIndex::candidates`]).
    pub(super) fn add_candidates(&self, query: &str, set: &mut DocSet) {
        let q = normalize(query.trim());
        let parts: Vec<Part> = runs(q.as_str())
            .into_iter()
            .map(|(r, before, after)| {
                let r = r.to_string();
                match (before, after) {
                    (true, true) => Part::Exact(r),
                    (true, false) => Part::Prefix(r),
                    (false, true) => Part::Suffix(r),
                    (false, false) => Part::Inside(r),
                }
            })
            .collect();
        if parts.is_empty() {
            set.fill();
            return;
        }
        let mut sets = parts.iter().map(|p| self.docs_of(p));
        let Some(mut out) = sets.next() else {
            return;
        };
        for s in sets {
            if out.is_empty() {
                break;
            }
            out.retain(&s);
        }
        set.union(&out);
    }

    /// The tokens (positions in `vocab`) that `part` accepts, ascending.
    fn tokens_of(&self, part: &Part) -> Vec<u32> {
        match part {
            Part::Exact(t) => self
                .vocab
                .binary_search_by(|v| v.as_str().cmp(t.as_str()))
                .map(|i| vec![i as u32])
                .unwrap_or_default(),
            Part::Prefix(r) => {
                // the tokens starting with `r` are one run of the sorted vocabulary
                let from = self.vocab.partition_point(|v| v.as_str() < r.as_str());
                let to = from + self.vocab[from..].partition_point(|v| v.starts_with(r.as_str()));
                (from as u32..to as u32).collect()
            }
            Part::Suffix(r) | Part::Inside(r) => {
                let chars: Vec<char> = r.chars().collect();
                let ok = |t: &str| match part {
                    Part::Suffix(_) => t.ends_with(r.as_str()),
                    _ => t.contains(r.as_str()),
                };
                if chars.len() >= 3 {
                    self.trigrams
                        .holding_all(&chars)
                        .into_iter()
                        .filter(|&t| ok(&self.vocab[t as usize]))
                        .collect()
                } else {
                    (0..self.vocab.len() as u32)
                        .filter(|&t| ok(&self.vocab[t as usize]))
                        .collect()
                }
            }
        }
    }

    /// Documents holding a token that `part` accepts.
    fn docs_of(&self, part: &Part) -> DocSet {
        let mut out = DocSet::new(self.docs);
        for t in self.tokens_of(part) {
            out.extend(&self.postings[t as usize]);
        }
        out
    }
}

/// A set of corpus positions, one bit each: unions of many posting lists
/// (a common word's piece is in thousands of tokens) cost a pass over the
/// lists, not a sort of their concatenation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DocSet {
    bits: Vec<u64>,
    len: usize,
}

impl DocSet {
    /// No document of a corpus of `len`.
    pub(super) fn new(len: usize) -> DocSet {
        DocSet {
            bits: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Every document.
    fn fill(&mut self) {
        self.bits.iter_mut().for_each(|b| *b = u64::MAX);
        if !self.len.is_multiple_of(64)
            && let Some(last) = self.bits.last_mut()
        {
            *last = (1u64 << (self.len % 64)) - 1;
        }
    }

    fn extend(&mut self, docs: &[u32]) {
        for &d in docs {
            self.bits[d as usize / 64] |= 1 << (d % 64);
        }
    }

    fn union(&mut self, other: &DocSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
    }

    fn retain(&mut self, other: &DocSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= b;
        }
    }

    fn is_empty(&self) -> bool {
        self.bits.iter().all(|&b| b == 0)
    }

    /// The positions in the set, ascending.
    pub(super) fn positions(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for (w, &b) in self.bits.iter().enumerate() {
            let mut b = b;
            while b != 0 {
                out.push(w * 64 + b.trailing_zeros() as usize);
                b &= b - 1;
            }
        }
        out
    }
}

/// Values in both ascending lists.
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::search::find;
    use super::*;

    /// The seed articles' texts, in file order (for the lookups' tests).
    pub(in crate::workflow) fn seed_texts() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    fn seeds() -> Vec<String> {
        let mut texts = seed_texts();
        texts.push("زار أذربيجانَ ثم اذربيجان وأذربيجان في ١٥ نوفمبر و15 نوفمبر U.S. CNN's".into());
        texts.push("ــــ ، . 2023/11/15 (عاجل) الإمارات-السعودية".into());
        texts
    }

    /// Hits of a scan of every document.
    fn scan(texts: &[String], q: &str) -> Vec<(usize, usize, usize)> {
        texts
            .iter()
            .enumerate()
            .flat_map(|(d, t)| find(t, q).into_iter().map(move |(s, e)| (d, s, e)))
            .collect()
    }

    /// Hits of `find` on the index's candidates only.
    fn indexed(ix: &SearchIndex, texts: &[String], q: &str) -> Vec<(usize, usize, usize)> {
        ix.candidates(q)
            .into_iter()
            .flat_map(|d| find(&texts[d], q).into_iter().map(move |(s, e)| (d, s, e)))
            .collect()
    }

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let texts = seeds();
        let ix = SearchIndex::build(texts.iter().map(String::as_str));
        assert_eq!(ix.len(), texts.len());
        let mut queries: Vec<String> = [
            "اذربيجان",
            "أذربيجان",
            "ربيج",
            "15 نوفمبر",
            "١٥ نوفمبر",
            "ن ثم ا",
            "باشينيان",
            "u.s.",
            "CNN's",
            "(عاجل)",
            "الإمارات-السعودية",
            "2023/11",
            "، .",
            "ـــ",
            "لا يوجد أبدا",
        ]
        .map(String::from)
        .to_vec();
        // every word of the seeds, a piece of it, and pairs of words
        let words: Vec<&str> = texts.iter().flat_map(|t| t.split_whitespace()).collect();
        for (k, w) in words.iter().enumerate().step_by(37) {
            queries.push(w.to_string());
            queries.push(w.chars().skip(1).take(3).collect());
            // pieces of every length (short ones are not found through
            // trigrams), and a word's end before the next word's start
            for n in 1..=5 {
                queries.push(w.chars().skip(k % 3).take(n).collect());
            }
            if let Some(next) = words.get(k + 1) {
                let end: String = w
                    .chars()
                    .rev()
                    .take(3)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let start: String = next.chars().take(2).collect();
                queries.push(format!("{end} {start}"));
            }
            if let Some(next) = words.get(k + 1) {
                queries.push(format!("{w} {next}"));
            }
        }
        let mut found = 0;
        for q in &queries {
            let want = scan(&texts, q);
            found += want.len();
            assert_eq!(indexed(&ix, &texts, q), want, "{q:?}");
        }
        assert!(found > 100, "{found}");
        // a name is looked up, not scanned for: few candidates
        assert!(ix.candidates("باشينيان").len() < texts.len());
    }

    #[test]
    fn runs_know_their_separators() {
        assert_eq!(
            runs("ab cd-e"),
            [("ab", false, true), ("cd", true, true), ("e", true, false)]
        );
        assert_eq!(runs(" x "), [("x", true, true)]);
        assert!(runs("، .").is_empty());
    }
}
