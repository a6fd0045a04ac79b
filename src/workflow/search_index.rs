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
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Distinct tokens, sorted.
    vocab: Vec<String>,
    /// `vocab[i]`'s corpus positions, ascending, no repeats.
    postings: Vec<Vec<u32>>,
    docs: usize,
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
            return (0..self.docs).collect();
        }
        let mut sets = parts.iter().map(|p| self.docs_of(p));
        let mut out = sets.next().unwrap_or_default();
        for s in sets {
            if out.is_empty() {
                break;
            }
            out = intersect(&out, &s);
        }
        out.into_iter().map(|d| d as usize).collect()
    }

    /// Documents holding a token that `part` accepts, ascending.
    fn docs_of(&self, part: &Part) -> Vec<u32> {
        if let Part::Exact(t) = part {
            return self
                .vocab
                .binary_search_by(|v| v.as_str().cmp(t.as_str()))
                .map(|i| self.postings[i].clone())
                .unwrap_or_default();
        }
        let mut lists: Vec<&[u32]> = Vec::new();
        for (t, p) in self.vocab.iter().zip(&self.postings) {
            let ok = match part {
                Part::Prefix(r) => t.starts_with(r.as_str()),
                Part::Suffix(r) => t.ends_with(r.as_str()),
                Part::Inside(r) => t.contains(r.as_str()),
                Part::Exact(r) => t == r,
            };
            if ok {
                lists.push(p);
            }
        }
        let mut all: Vec<u32> = lists.into_iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        all
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
mod tests {
    use super::super::search::find;
    use super::*;

    fn seeds() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        let mut texts: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
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
