//! What the training data says about words: how often each form and stem
//! was tagged with each entity type, the entity phrases seen, and the words
//! that tend to stand right before an entity (titles, organisation heads,
//! place cues). Built only from training sentences; for the training
//! sentences themselves it is built "jackknifed" (from the other folds), so
//! the model learns how far to trust it on unseen text.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::features::Token;
use super::iob::spans;

/// Class byte meaning "never seen".
pub const UNSEEN: u8 = 254;

/// Where a token sits in the longest known entity phrase covering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseMatch {
    None,
    Begin(u8),
    Inside(u8),
}

/// Word statistics mined from tagged sentences. Class bytes: 0 = outside,
/// `1 + i` = entity type `types[i]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    pub types: Vec<String>,
    words: HashMap<String, Vec<u32>>,
    stems: HashMap<String, Vec<u32>>,
    phrases: HashMap<String, u8>,
    phrase_starts: HashSet<String>,
    max_phrase: usize,
    /// Stems that often stand right before an entity of a type.
    triggers: HashMap<String, u8>,
    /// Single-word entries of external gazetteers (stem → class).
    gazetteer: HashMap<String, u8>,
    /// What tagging looks up, keyed by [`lookup_key`] of the string: one probe in
    /// a flat table instead of a string map's bucket, key and count
    /// vector (three cache misses). Rebuilt by [`Lexicon::reindex`].
    index: Index,
}

/// Lookup tables derived from a [`Lexicon`]'s maps.
#[derive(Debug, Clone, Default, PartialEq)]
struct Index {
    /// [`class_bucket`] of each word form and of each stem.
    words: HashMap<u64, (u8, u8)>,
    stems: HashMap<u64, (u8, u8)>,
    phrase_starts: HashSet<u64>,
    triggers: HashMap<u64, u8>,
}

/// 64-bit FNV-1a of a string, the key of the lookup tables. Two strings
/// of the lexicon and the input share one with odds of about 10⁻¹⁰ (the
/// model's feature hashes take the same risk).
fn lookup_key(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Longest phrase looked up, in tokens.
const MAX_PHRASE: usize = 6;

/// Phrase lookup key: the first token as `first` (its form or its stem),
/// the others normalised, joined by spaces.
fn phrase_key(first: &str, rest: &[Token]) -> String {
    let mut k = first.to_string();
    for t in rest {
        k.push(' ');
        k.push_str(&t.norm);
    }
    k
}

impl Lexicon {
    /// Mines the lexicon from `(tokens, IOB2 tags)` sentences; `types` fixes
    /// the class numbering so that fold lexicons agree with the full one.
    pub fn build<'a>(
        types: &[String],
        sentences: impl Iterator<Item = (&'a [Token], &'a [String])>,
    ) -> Lexicon {
        let nc = types.len() + 1;
        let class_of = |tag: &str| -> usize {
            match tag.split_once('-') {
                Some((_, l)) => types.iter().position(|t| t == l).map_or(0, |p| p + 1),
                None => 0,
            }
        };
        let mut words: HashMap<String, Vec<u32>> = HashMap::default();
        let mut stems: HashMap<String, Vec<u32>> = HashMap::default();
        // phrase key (first token as form or as stem) → counts per class
        let mut phrase_counts: HashMap<String, Vec<u32>> = HashMap::default();
        let mut before: HashMap<String, Vec<u32>> = HashMap::default();
        for (toks, tags) in sentences {
            for (i, (t, tag)) in toks.iter().zip(tags).enumerate() {
                let c = class_of(tag);
                words.entry(t.norm.clone()).or_insert_with(|| vec![0; nc])[c] += 1;
                stems.entry(t.stem.clone()).or_insert_with(|| vec![0; nc])[c] += 1;
                // What follows this word: an entity beginning, or not.
                let next = match tags.get(i + 1) {
                    Some(n) if n.starts_with("B-") => class_of(n),
                    _ => 0,
                };
                if tag == "O" {
                    before.entry(t.stem.clone()).or_insert_with(|| vec![0; nc])[next] += 1;
                }
            }
            for s in spans(tags) {
                if s.end - s.start > MAX_PHRASE {
                    continue;
                }
                let c = class_of(&format!("B-{}", s.label));
                let first = &toks[s.start];
                let rest = &toks[s.start + 1..s.end];
                phrase_counts
                    .entry(phrase_key(&first.norm, rest))
                    .or_insert_with(|| vec![0; nc])[c] += 1;
                if first.stem != first.norm {
                    phrase_counts
                        .entry(phrase_key(&first.stem, rest))
                        .or_insert_with(|| vec![0; nc])[c] += 1;
                }
            }
        }
        let mut lex = Lexicon {
            types: types.to_vec(),
            ..Lexicon::default()
        };
        for (k, counts) in phrase_counts {
            let (c, _) = argmax(&counts);
            let single = !k.contains(' ');
            // A one-word phrase must be an entity at least half the times it is seen.
            if single {
                let seen = |m: &HashMap<String, Vec<u32>>| m.get(&k).map_or(0, |v| v.iter().sum());
                let total: u32 = seen(&words).max(seen(&stems));
                if 2 * counts[c] < total {
                    continue;
                }
            }
            lex.insert_phrase(&k, c as u8);
        }
        for (k, counts) in before {
            let total: u32 = counts.iter().sum();
            let (c, n) = argmax(&counts[1..]);
            if total >= 3 && n * 4 >= total {
                lex.triggers.insert(k, c as u8 + 1);
            }
        }
        lex.words = words;
        lex.stems = stems;
        lex.reindex();
        lex
    }

    /// Rebuilds the lookup tables from the maps.
    fn reindex(&mut self) {
        let classes = |m: &HashMap<String, Vec<u32>>| -> HashMap<u64, (u8, u8)> {
            m.iter()
                .map(|(k, v)| (lookup_key(k), class_bucket(Some(v))))
                .collect()
        };
        self.index = Index {
            words: classes(&self.words),
            stems: classes(&self.stems),
            phrase_starts: self.phrase_starts.iter().map(|k| lookup_key(k)).collect(),
            triggers: self
                .triggers
                .iter()
                .map(|(k, &c)| (lookup_key(k), c))
                .collect(),
        };
    }

    /// Adds what `other` knows about words, stems and entity phrases this
    /// lexicon has never seen (a phrase only when its first word is new
    /// too); what this lexicon saw keeps its own counts. Trigger words stay
    /// this lexicon's own. Used to let outside data (WikiFANE) speak only
    /// where the main training data is silent.
    pub fn fill_unknown_from(&mut self, other: &Lexicon) {
        self.fill_unknown_from_where(other, |_| true)
    }

    /// As [`Lexicon::fill_unknown_from`], taking only entries whose most
    /// frequent class `keep` accepts (0 = outside, `1 + i` = `types[i]`).
    pub fn fill_unknown_from_where(&mut self, other: &Lexicon, keep: impl Fn(u8) -> bool) {
        let keep_counts = |v: &Vec<u32>| keep(argmax(v).0 as u8);
        let mut new: Vec<(&String, u8)> = other
            .phrases
            .iter()
            .filter(|(k, c)| {
                let first = k.split(' ').next().unwrap_or(k);
                keep(**c)
                    && !self.phrases.contains_key(*k)
                    && !self.phrase_starts.contains(first)
                    && !self.words.contains_key(first)
                    && !self.stems.contains_key(first)
            })
            .map(|(k, &c)| (k, c))
            .collect();
        new.sort();
        for (k, c) in new {
            self.insert_phrase(k, c);
        }
        for (k, v) in &other.words {
            if !self.words.contains_key(k) && keep_counts(v) {
                self.words.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in &other.stems {
            if !self.stems.contains_key(k) && keep_counts(v) {
                self.stems.insert(k.clone(), v.clone());
            }
        }
        self.reindex();
    }

    fn insert_phrase(&mut self, key: &str, class: u8) {
        let first = key.split(' ').next().unwrap_or(key);
        self.phrase_starts.insert(first.to_string());
        self.max_phrase = self.max_phrase.max(key.split(' ').count());
        self.phrases.insert(key.to_string(), class);
    }

    /// Adds single-word gazetteer entries (normalised, proclitics stripped).
    pub fn add_gazetteer(&mut self, stem: &str, label: &str) {
        if let Some(p) = self.types.iter().position(|t| t == label) {
            self.gazetteer.insert(stem.to_string(), p as u8 + 1);
        }
    }

    /// Whether the training data saw the normalised word form mostly inside
    /// names (a class other than `O` and [`UNSEEN`]): what the clitic rule
    /// takes as a known name.
    pub fn names(&self, norm: &str) -> bool {
        let (class, _) = self.word_class(norm);
        class != 0 && class != UNSEEN
    }

    /// Class and confidence bucket of a normalised word form.
    pub fn word_class(&self, norm: &str) -> (u8, u8) {
        let found = self.index.words.get(&lookup_key(norm)).copied();
        found.unwrap_or_else(|| class_bucket(None))
    }

    /// Class and confidence bucket of a stem.
    pub fn stem_class(&self, stem: &str) -> (u8, u8) {
        let found = self.index.stems.get(&lookup_key(stem)).copied();
        found.unwrap_or_else(|| class_bucket(None))
    }

    /// Class of the entities this stem tends to precede (0 = none).
    pub fn trigger_class(&self, stem: &str) -> u8 {
        self.index
            .triggers
            .get(&lookup_key(stem))
            .copied()
            .unwrap_or(0)
    }

    /// Class id of an entity type (0 = not a type of this lexicon).
    pub fn class_of(&self, label: &str) -> u8 {
        self.types
            .iter()
            .position(|t| t == label)
            .map_or(0, |p| p as u8 + 1)
    }

    /// Class of this stem in the external gazetteers (0 = none).
    pub fn gazetteer_class(&self, stem: &str) -> u8 {
        self.gazetteer.get(stem).copied().unwrap_or(0)
    }

    /// Longest known phrases, greedily left to right.
    pub fn match_phrases<T: std::borrow::Borrow<Token>>(&self, toks: &[T]) -> Vec<PhraseMatch> {
        self.match_phrases_from(toks, |i| self.may_start_phrase(toks[i].borrow()))
    }

    /// Whether a known phrase starts with this token's form or stem.
    pub fn may_start_phrase(&self, t: &Token) -> bool {
        let starts = &self.index.phrase_starts;
        starts.contains(&lookup_key(&t.norm)) || starts.contains(&lookup_key(&t.stem))
    }

    /// [`Lexicon::match_phrases`] with [`Lexicon::may_start_phrase`] of
    /// token `i` given by `starts(i)` (known once per distinct word).
    pub fn match_phrases_from<T: std::borrow::Borrow<Token>>(
        &self,
        toks: &[T],
        starts: impl Fn(usize) -> bool,
    ) -> Vec<PhraseMatch> {
        let mut out = vec![PhraseMatch::None; toks.len()];
        // One key buffer for every lookup: `phrase_key` without allocating.
        let mut key = String::new();
        let mut lookup = |first: &str, rest: &[T]| {
            key.clear();
            key.push_str(first);
            for t in rest {
                key.push(' ');
                key.push_str(&t.borrow().norm);
            }
            self.phrases.get(key.as_str()).copied()
        };
        let mut i = 0;
        while i < toks.len() {
            let mut step = 1;
            let t: &Token = toks[i].borrow();
            if starts(i) {
                let longest = self.max_phrase.min(toks.len() - i);
                for len in (1..=longest).rev() {
                    let rest = &toks[i + 1..i + len];
                    let found = lookup(&t.norm, rest).or_else(|| lookup(&t.stem, rest));
                    if let Some(c) = found {
                        out[i] = PhraseMatch::Begin(c);
                        for o in &mut out[i + 1..i + len] {
                            *o = PhraseMatch::Inside(c);
                        }
                        step = len;
                        break;
                    }
                }
            }
            i += step;
        }
        out
    }

    /// Text form stored inside the model file: one entry a line, sorted, so
    /// the same lexicon always gives the same bytes.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("T\t{}\n", self.types.join("\t")));
        let counts = |tag: &str, m: &HashMap<String, Vec<u32>>, out: &mut String| {
            let sorted: BTreeMap<_, _> = m.iter().collect();
            for (k, v) in sorted {
                let v: Vec<String> = v.iter().map(u32::to_string).collect();
                out.push_str(&format!("{tag}\t{k}\t{}\n", v.join(",")));
            }
        };
        counts("W", &self.words, &mut out);
        counts("S", &self.stems, &mut out);
        let classes = |tag: &str, m: &HashMap<String, u8>, out: &mut String| {
            let sorted: BTreeMap<_, _> = m.iter().collect();
            for (k, v) in sorted {
                out.push_str(&format!("{tag}\t{k}\t{v}\n"));
            }
        };
        classes("P", &self.phrases, &mut out);
        classes("R", &self.triggers, &mut out);
        classes("G", &self.gazetteer, &mut out);
        out
    }

    /// Reads [`Lexicon::to_text`]; errors give the line number.
    pub fn from_text(text: &str) -> Result<Lexicon, String> {
        let mut lex = Lexicon::default();
        // Size the tables once: the shipped lexicon has ~60,000 entries,
        // and growing a table rehashes every key already in it.
        let count = |tag: &str| text.lines().filter(|l| l.starts_with(tag)).count();
        lex.words.reserve(count("W\t"));
        lex.stems.reserve(count("S\t"));
        for (i, line) in text.lines().enumerate() {
            let bad = || format!("lexicon line {}: {line:?}", i + 1);
            let mut cols = line.split('\t');
            let tag = cols.next().ok_or_else(bad)?;
            if tag == "T" {
                lex.types = cols.map(str::to_string).collect();
                continue;
            }
            let key = cols.next().ok_or_else(bad)?.to_string();
            let val = cols.next().ok_or_else(bad)?;
            match tag {
                "W" | "S" => {
                    let v = val
                        .split(',')
                        .map(|x| x.parse::<u32>())
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|_| bad())?;
                    if v.len() != lex.types.len() + 1 {
                        return Err(bad());
                    }
                    if tag == "W" {
                        lex.words.insert(key, v);
                    } else {
                        lex.stems.insert(key, v);
                    }
                }
                "P" | "R" | "G" => {
                    let c: u8 = val.parse().map_err(|_| bad())?;
                    match tag {
                        "P" => lex.insert_phrase(&key, c),
                        "R" => {
                            lex.triggers.insert(key, c);
                        }
                        _ => {
                            lex.gazetteer.insert(key, c);
                        }
                    }
                }
                _ => return Err(bad()),
            }
        }
        lex.reindex();
        Ok(lex)
    }
}

fn argmax(v: &[u32]) -> (usize, u32) {
    let mut best = (0, 0);
    for (i, &x) in v.iter().enumerate() {
        if x > best.1 {
            best = (i, x);
        }
    }
    best
}

/// (most frequent class, bucket of how often it wins × how often the word was seen)
pub(crate) fn class_bucket(counts: Option<&[u32]>) -> (u8, u8) {
    let Some(counts) = counts else {
        return (UNSEEN, 0);
    };
    let total: u32 = counts.iter().sum();
    let (c, n) = argmax(counts);
    let share = n as f64 / total.max(1) as f64;
    let sb = if share < 0.5 {
        0
    } else if share < 0.8 {
        1
    } else if share < 0.95 {
        2
    } else {
        3
    };
    let tb = match total {
        0..=1 => 0,
        2..=4 => 1,
        _ => 2,
    };
    (c as u8, sb * 3 + tb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(words: &[&str], tags: &[&str]) -> (Vec<Token>, Vec<String>) {
        (
            words.iter().map(|w| Token::new(w)).collect(),
            tags.iter().map(|t| t.to_string()).collect(),
        )
    }

    fn types() -> Vec<String> {
        ["LOC", "ORG", "PER"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn filling_adds_only_what_the_main_lexicon_lacks() {
        let main = [sent(&["زار", "مصر"], &["O", "B-LOC"])];
        let extra = [
            sent(&["مصر", "قديمة"], &["O", "O"]),
            sent(&["قال", "يوهانس", "برامز"], &["O", "B-PER", "I-PER"]),
            sent(&["في", "ناميبيا"], &["O", "B-LOC"]),
        ];
        let mut lex = Lexicon::build(&types(), main.iter().map(|(a, b)| (&a[..], &b[..])));
        let other = Lexicon::build(&types(), extra.iter().map(|(a, b)| (&a[..], &b[..])));
        let mut all = lex.clone();
        all.fill_unknown_from(&other);
        // the main data's own word keeps its own counts
        assert_eq!(all.word_class("مصر").0, 1);
        assert_eq!(all.word_class("يوهانس").0, 3);
        assert_eq!(all.word_class("ناميبيا").0, 1);
        let probe: Vec<Token> = ["يوهانس", "برامز"].iter().map(|w| Token::new(w)).collect();
        assert_eq!(all.match_phrases(&probe)[0], PhraseMatch::Begin(3));
        // persons (and non-entities) only
        lex.fill_unknown_from_where(&other, |c| c == 0 || c == 3);
        assert_eq!(lex.word_class("يوهانس").0, 3);
        assert_eq!(lex.word_class(&Token::new("قديمة").norm).0, 0);
        assert_eq!(lex.word_class("ناميبيا").0, UNSEEN);
    }

    #[test]
    fn counts_words_stems_phrases_and_triggers() {
        let data = [
            sent(
                &["قال", "الرئيس", "جورج", "بوش"],
                &["O", "O", "B-PER", "I-PER"],
            ),
            sent(&["الرئيس", "جورج", "بوش"], &["O", "B-PER", "I-PER"]),
            sent(&["وصل", "الرئيس", "الى", "مصر"], &["O", "O", "O", "B-LOC"]),
            sent(&["الرئيس", "بوش", "وباريس"], &["O", "B-PER", "B-LOC"]),
        ];
        let lex = Lexicon::build(&types(), data.iter().map(|(a, b)| (&a[..], &b[..])));
        assert_eq!(lex.word_class("بوش").0, 3);
        assert_eq!(lex.word_class("مصر").0, 1);
        assert_eq!(lex.word_class("لندن").0, UNSEEN);
        assert_eq!(lex.trigger_class("رئيس"), 3);
        let probe: Vec<Token> = ["ان", "جورج", "بوش", "في", "باريس"]
            .iter()
            .map(|w| Token::new(w))
            .collect();
        let m = lex.match_phrases(&probe);
        assert_eq!(m[0], PhraseMatch::None);
        assert_eq!(m[1], PhraseMatch::Begin(3));
        assert_eq!(m[2], PhraseMatch::Inside(3));
        assert_eq!(m[4], PhraseMatch::Begin(1), "وباريس was seen as باريس");
        let again = Lexicon::from_text(&lex.to_text()).unwrap();
        assert_eq!(again, lex);
        assert_eq!(again.to_text(), lex.to_text());
    }

    #[test]
    fn bad_lexicon_lines_are_reported() {
        let e = Lexicon::from_text("T\tLOC\nW\tx\t1\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }
}
