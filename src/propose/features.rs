//! Token features for the sequence model, hashed to `u64` without building
//! strings, so tagging stays fast and the model file stays small.
//!
//! Feature groups can be switched off one by one ([`Groups`]); the ablation
//! table in `docs/model.md` is made that way.

use std::borrow::Borrow;

use super::clusters::{Clusters, LEVELS};
use super::lexicon::{Lexicon, PhraseMatch};
use crate::arabic::{normalize, splits};

/// Feature groups, as bit flags stored in the model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups(pub u32);

impl Groups {
    pub const WORD: u32 = 1;
    pub const AFFIX: u32 = 1 << 1;
    pub const STEM: u32 = 1 << 2;
    pub const WINDOW: u32 = 1 << 3;
    pub const BIGRAM: u32 = 1 << 4;
    pub const SHAPE: u32 = 1 << 5;
    pub const LEXICON: u32 = 1 << 6;
    pub const PHRASE: u32 = 1 << 7;
    pub const POSITION: u32 = 1 << 8;
    pub const NEIGHBOUR_LEX: u32 = 1 << 9;
    pub const GAZETTEER: u32 = 1 << 10;
    pub const TRIGGER: u32 = 1 << 11;
    pub const CONTEXT_AFFIX: u32 = 1 << 12;
    pub const CHAR_NGRAM: u32 = 1 << 13;
    /// A first-pass model's tags and what it said about the same word
    /// elsewhere in the document (see `context`).
    pub const DOCUMENT: u32 = 1 << 14;
    /// What the hand-written rules and date patterns say about the token.
    pub const RULES: u32 = 1 << 15;
    /// Whether a word the training data does not know, and its neighbours,
    /// are known person names (`assets/gazetteer/per_names.txt`).
    pub const PERSON_NAMES: u32 = 1 << 16;
    /// Word clusters from unlabelled text (`clusters`) of the word, its
    /// stem and its neighbours, at three granularities.
    pub const CLUSTERS: u32 = 1 << 17;
    /// Word clusters only for words the training data's lexicon lacks (a
    /// known word has better evidence of its own), with their neighbours'.
    pub const CLUSTERS_UNSEEN: u32 = 1 << 18;
    /// The named groups, for `--without` and the ablation table.
    pub const NAMES: [(&'static str, u32); 19] = [
        ("word", Self::WORD),
        ("affix", Self::AFFIX),
        ("stem", Self::STEM),
        ("window", Self::WINDOW),
        ("bigram", Self::BIGRAM),
        ("shape", Self::SHAPE),
        ("lexicon", Self::LEXICON),
        ("phrase", Self::PHRASE),
        ("position", Self::POSITION),
        ("neighbour-lex", Self::NEIGHBOUR_LEX),
        ("gazetteer", Self::GAZETTEER),
        ("trigger", Self::TRIGGER),
        ("context-affix", Self::CONTEXT_AFFIX),
        ("char-ngram", Self::CHAR_NGRAM),
        ("document", Self::DOCUMENT),
        ("rules", Self::RULES),
        ("person-names", Self::PERSON_NAMES),
        ("clusters", Self::CLUSTERS),
        ("clusters-unseen", Self::CLUSTERS_UNSEEN),
    ];

    pub fn all() -> Groups {
        Groups(Self::NAMES.iter().fold(0, |a, (_, b)| a | b))
    }

    /// What the shipped model uses: all but `gazetteer`, `rules` and
    /// `person-names`, which did not help enough (see docs/model.md).
    pub fn default_set() -> Groups {
        Groups(
            Self::all().0
                & !Self::GAZETTEER
                & !Self::RULES
                & !Self::PERSON_NAMES
                & !Self::CLUSTERS
                & !Self::CLUSTERS_UNSEEN,
        )
    }

    pub fn has(self, g: u32) -> bool {
        self.0 & g != 0
    }

    /// The group named `name` (see [`Groups::NAMES`]).
    pub fn by_name(name: &str) -> Option<u32> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }
}

/// FNV-1a over a template id and string pieces; deterministic across runs
/// and platforms (the model file stores these values).
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new(template: u8) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325).byte(template)
    }
    fn byte(self, b: u8) -> Fnv {
        Fnv((self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
    }
    fn bytes(self, s: &[u8]) -> Fnv {
        s.iter().fold(self, |h, &b| h.byte(b)).byte(0xff)
    }
    fn str(self, s: &str) -> Fnv {
        self.bytes(s.as_bytes())
    }
    fn u16(self, x: u16) -> Fnv {
        let [a, b] = x.to_le_bytes();
        self.byte(a).byte(b)
    }
}

/// What the features need to know about one token, computed once.
#[derive(Debug, Clone, Default)]
pub struct Token {
    /// Normalised form (see `arabic::normalize`).
    pub norm: String,
    /// The normalised form without proclitics and article (see `arabic::segment`).
    pub stem: String,
    /// Word shape class (see [`shape`]).
    pub shape: u8,
    /// Stems of the other proclitic readings (see `arabic::splits`).
    pub readings: Vec<String>,
    /// Class of a rule or date proposal covering the token (0 = none),
    /// times 2, plus 1 when the token is not its first.
    pub rule: u8,
    /// First-pass tag id + 1 (0 = no first pass).
    pub first_pass: u8,
    /// Class and bucket of the first-pass tags of the same stem elsewhere
    /// in the document (`lexicon::UNSEEN` = not seen elsewhere).
    pub document: (u8, u8),
}

impl Token {
    pub fn new(raw: &str) -> Token {
        let norm = normalize(raw).into_string();
        let norm = if norm.is_empty() {
            raw.to_string()
        } else {
            norm
        };
        // Only Arabic words have proclitics; spare the rest the work.
        let all = if raw.chars().any(crate::arabic::is_arabic_letter) {
            splits(raw)
        } else {
            Vec::new()
        };
        // The longest reading, as `arabic::segment` picks it.
        let best = all.iter().max_by_key(|s| (s.entity_start, s.stem_start));
        let stem = best.map(|s| s.stem(raw)).unwrap_or_default();
        let stem = if stem.is_empty() { norm.clone() } else { stem };
        let readings = all
            .iter()
            .filter(|s| !s.is_whole() || s.article)
            .map(|s| s.stem(raw))
            .filter(|s| s.chars().count() >= 2 && *s != stem && *s != norm)
            .collect();
        Token {
            readings,
            shape: shape(raw),
            norm,
            stem,
            rule: 0,
            first_pass: 0,
            document: (super::lexicon::UNSEEN, 0),
        }
    }
}

/// 0 Arabic letters, 1 Latin with capital, 2 Latin, 3 digits, 4 digits and
/// other, 5 punctuation, 6 mixed.
pub fn shape(raw: &str) -> u8 {
    let mut arabic = false;
    let mut latin = false;
    let mut upper = false;
    let mut digit = false;
    let mut other = false;
    for c in raw.chars() {
        if ('\u{0600}'..='\u{06FF}').contains(&c) && c.is_alphabetic() {
            arabic = true;
        } else if c.is_ascii_alphabetic() {
            latin = true;
            upper |= c.is_ascii_uppercase();
        } else if c.is_numeric() {
            digit = true;
        } else {
            other = true;
        }
    }
    match (arabic, latin, digit, other) {
        (true, false, false, false) => 0,
        (false, true, false, false) if upper => 1,
        (false, true, false, false) => 2,
        (false, false, true, false) => 3,
        (false, false, true, true) => 4,
        (false, false, false, true) => 5,
        _ => 6,
    }
}

/// Feature hashes of every token of a sentence, flat, with `offsets[i]..offsets[i+1]`
/// the slice of token `i`. Reused between sentences to avoid allocation.
#[derive(Debug, Default, Clone)]
pub struct SentenceFeatures {
    pub hashes: Vec<u64>,
    pub offsets: Vec<usize>,
}

impl SentenceFeatures {
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn token(&self, i: usize) -> &[u64] {
        &self.hashes[self.offsets[i]..self.offsets[i + 1]]
    }
}

fn prefix(s: &str, n: usize) -> Option<&str> {
    let mut it = s.char_indices();
    let (end, _) = it.nth(n)?;
    Some(&s[..end])
}

/// The last `n` chars of `s`, if it has more than `n`.
fn suffix(s: &str, n: usize) -> Option<&str> {
    let (start, _) = s.char_indices().rev().nth(n.checked_sub(1)?)?;
    (start > 0).then(|| &s[start..])
}

const BOS: &str = "<s>";
const EOS: &str = "</s>";

/// Computes the features of every token of `toks` into `out`.
///
/// A token's hashes come in four parts, always in this order (the model
/// adds their weights in it): [`token_features`] (its own string only),
/// [`context_features`] (its neighbours and the lexicon),
/// [`document_features`] (the first pass, when set) and [`tail_features`].
/// Tagging computes the parts that both passes share once
/// (`Model::tag_document`); the hashes are the same.
pub fn extract(toks: &[Token], lex: &Lexicon, groups: Groups, out: &mut SentenceFeatures) {
    out.hashes.clear();
    out.offsets.clear();
    out.offsets.push(0);
    let look = SentenceLookups::new(toks, lex, groups);
    for (i, tok) in toks.iter().enumerate() {
        let h = &mut out.hashes;
        token_features(tok, groups, h);
        context_features(toks, i, &look, lex, groups, h);
        if groups.has(Groups::DOCUMENT) && tok.first_pass != 0 {
            let fp = |j: usize| toks.get(j).map_or(255, |t| t.first_pass);
            let prev = if i > 0 { fp(i - 1) } else { 255 };
            document_features(prev, tok.first_pass, fp(i + 1), tok.document, h);
        }
        tail_features(toks, i, &look, groups, h);
        out.offsets.push(out.hashes.len());
    }
}

/// What the features of one sentence look up about its tokens (lexicon
/// classes, phrases, triggers, gazetteers, clusters), once per sentence.
pub(crate) struct SentenceLookups {
    phrases: Vec<PhraseMatch>,
    word_class: Vec<(u8, u8)>,
    stem_class: Vec<(u8, u8)>,
    gaz: Vec<u8>,
    trig: Vec<u8>,
    word_cl: Vec<[u16; LEVELS]>,
    stem_cl: Vec<[u16; LEVELS]>,
}

const NO_CLUSTER: [u16; LEVELS] = [u16::MAX; LEVELS];
const EDGE: [u16; LEVELS] = [u16::MAX - 1; LEVELS];

impl SentenceLookups {
    /// No word looked up yet, room for `len` tokens.
    fn empty(phrases: Vec<PhraseMatch>, len: usize) -> Self {
        SentenceLookups {
            phrases,
            word_class: Vec::with_capacity(len),
            stem_class: Vec::with_capacity(len),
            gaz: Vec::new(),
            trig: Vec::new(),
            word_cl: Vec::new(),
            stem_cl: Vec::new(),
        }
    }

    pub(crate) fn new<T: Borrow<Token>>(sentence: &[T], lex: &Lexicon, groups: Groups) -> Self {
        let toks = || sentence.iter().map(Borrow::<Token>::borrow);
        let phrases = if groups.has(Groups::PHRASE) {
            lex.match_phrases(sentence)
        } else {
            Vec::new()
        };
        let mut look = SentenceLookups::empty(phrases, sentence.len());
        let clusters = (groups.has(Groups::CLUSTERS) || groups.has(Groups::CLUSTERS_UNSEEN))
            .then(Clusters::bundled);
        for t in toks() {
            look.push(&WordLookup::new(t, lex, groups, clusters), groups);
        }
        look
    }

    /// [`SentenceLookups::new`] from what is known per distinct word:
    /// `ids[i]` is token `i`'s index in `words`.
    pub(crate) fn of_words<T: Borrow<Token>>(
        sentence: &[T],
        ids: &[u32],
        words: &[WordLookup],
        lex: &Lexicon,
        groups: Groups,
    ) -> Self {
        let word = |i: usize| &words[ids[i] as usize];
        let phrases = if groups.has(Groups::PHRASE) {
            lex.match_phrases_from(sentence, |i| word(i).phrase_start)
        } else {
            Vec::new()
        };
        let mut look = SentenceLookups::empty(phrases, sentence.len());
        for i in 0..sentence.len() {
            look.push(word(i), groups);
        }
        look
    }

    fn push(&mut self, w: &WordLookup, groups: Groups) {
        self.word_class.push(w.word_class);
        self.stem_class.push(w.stem_class);
        if groups.has(Groups::GAZETTEER) || groups.has(Groups::PERSON_NAMES) {
            self.gaz.push(w.gaz);
        }
        if groups.has(Groups::TRIGGER) {
            self.trig.push(w.trig);
        }
        if groups.has(Groups::CLUSTERS) || groups.has(Groups::CLUSTERS_UNSEEN) {
            self.word_cl.push(w.word_cl);
            self.stem_cl.push(w.stem_cl);
        }
    }
}

/// What the lexicon (and the word clusters) say about one word: the same
/// wherever it stands, so tagging looks it up once per distinct word.
#[derive(Debug, Clone)]
pub(crate) struct WordLookup {
    word_class: (u8, u8),
    stem_class: (u8, u8),
    gaz: u8,
    trig: u8,
    /// Cluster ids of the word (its form, else its stem) and of its stem.
    word_cl: [u16; LEVELS],
    stem_cl: [u16; LEVELS],
    /// Whether a known phrase may start here.
    phrase_start: bool,
}

impl WordLookup {
    /// `clusters`: the table, when a cluster group is on.
    pub(crate) fn new(
        t: &Token,
        lex: &Lexicon,
        groups: Groups,
        clusters: Option<&Clusters>,
    ) -> WordLookup {
        let gaz = if groups.has(Groups::GAZETTEER) || groups.has(Groups::PERSON_NAMES) {
            match lex.gazetteer_class(&t.norm) {
                0 => lex.gazetteer_class(&t.stem),
                c => c,
            }
        } else {
            0
        };
        let trig = if groups.has(Groups::TRIGGER) {
            lex.trigger_class(&t.stem)
        } else {
            0
        };
        let (word_cl, stem_cl) = match clusters {
            Some(table) => {
                let s = if t.stem != t.norm {
                    table.get(&t.stem)
                } else {
                    None
                };
                let w = table.get(&t.norm).or(s).unwrap_or(NO_CLUSTER);
                (w, s.unwrap_or(NO_CLUSTER))
            }
            None => (NO_CLUSTER, NO_CLUSTER),
        };
        WordLookup {
            word_class: lex.word_class(&t.norm),
            stem_class: lex.stem_class(&t.stem),
            gaz,
            trig,
            word_cl,
            stem_cl,
            phrase_start: groups.has(Groups::PHRASE) && lex.may_start_phrase(t),
        }
    }
}

/// [`WordLookup`] of every distinct word, in parallel.
pub(crate) fn word_lookups(types: &[Token], lex: &Lexicon, groups: Groups) -> Vec<WordLookup> {
    use rayon::prelude::*;
    let clusters = (groups.has(Groups::CLUSTERS) || groups.has(Groups::CLUSTERS_UNSEEN))
        .then(Clusters::bundled);
    types
        .par_iter()
        .with_min_len(1024)
        .map(|t| WordLookup::new(t, lex, groups, clusters))
        .collect()
}

/// The features that depend on the token's own string alone (bias, `word`,
/// `stem`, `affix`): the same for every occurrence of a word, so tagging
/// sums their weights once per distinct word.
pub(crate) fn token_features(tok: &Token, groups: Groups, h: &mut Vec<u64>) {
    h.push(Fnv::new(0).0); // bias
    if groups.has(Groups::WORD) {
        h.push(Fnv::new(1).str(&tok.norm).0);
    }
    if groups.has(Groups::STEM) {
        h.push(Fnv::new(2).str(&tok.stem).0);
        for r in &tok.readings {
            h.push(Fnv::new(2).str(r).0);
        }
        for k in 2..=3 {
            if let Some(s) = suffix(&tok.stem, k) {
                h.push(Fnv::new(3).byte(k as u8).str(s).0);
            }
        }
        h.push(Fnv::new(4).byte((tok.stem.len() != tok.norm.len()) as u8).0);
    }
    if groups.has(Groups::AFFIX) {
        for k in 1..=4 {
            if let Some(p) = prefix(&tok.norm, k) {
                h.push(Fnv::new(5).byte(k as u8).str(p).0);
            }
            if let Some(s) = suffix(&tok.norm, k) {
                h.push(Fnv::new(6).byte(k as u8).str(s).0);
            }
        }
    }
}

/// The features of token `i` that look at its neighbours, the lexicon and
/// its place in the sentence (`window` … `char-ngram`), the same in both
/// passes.
pub(crate) fn context_features<T: Borrow<Token>>(
    toks: &[T],
    i: usize,
    look: &SentenceLookups,
    lex: &Lexicon,
    groups: Groups,
    h: &mut Vec<u64>,
) {
    let n = toks.len();
    let tok: &Token = toks[i].borrow();
    let ii = i as isize;
    // A field of token `j`, or the sentence-boundary marker beyond the ends.
    let at = |j: isize, field: fn(&Token) -> &str| -> &str {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            field(toks[j as usize].borrow())
        }
    };
    let norm = |j: isize| at(j, |t| &t.norm);
    let stem = |j: isize| at(j, |t| &t.stem);
    let (word_class, stem_class) = (&look.word_class, &look.stem_class);
    let (gaz, phrases) = (&look.gaz, &look.phrases);
    let (word_cl, stem_cl) = (&look.word_cl, &look.stem_cl);
    if groups.has(Groups::WINDOW) {
        for d in [-2isize, -1, 1, 2] {
            h.push(Fnv::new(7).byte(d as u8).str(norm(ii + d)).0);
        }
        for d in [-1isize, 1] {
            h.push(Fnv::new(8).byte(d as u8).str(stem(ii + d)).0);
        }
    }
    if groups.has(Groups::BIGRAM) {
        h.push(Fnv::new(9).str(norm(ii - 1)).str(&tok.norm).0);
        h.push(Fnv::new(10).str(&tok.norm).str(norm(ii + 1)).0);
        h.push(Fnv::new(11).str(stem(ii - 1)).str(&tok.stem).0);
    }
    if groups.has(Groups::SHAPE) {
        h.push(Fnv::new(12).byte(tok.shape).0);
        let len = tok.stem.chars().count().min(8) as u8;
        h.push(Fnv::new(13).byte(len).0);
        let prev = if i > 0 { toks[i - 1].borrow().shape } else { 9 };
        h.push(Fnv::new(14).byte(prev).byte(tok.shape).0);
    }
    if groups.has(Groups::POSITION) {
        h.push(Fnv::new(15).byte((i == 0) as u8).byte((i + 1 == n) as u8).0);
    }
    if groups.has(Groups::LEXICON) {
        let (wc, wb) = word_class[i];
        let (sc, sb) = stem_class[i];
        h.push(Fnv::new(16).byte(wc).byte(wb).0);
        h.push(Fnv::new(17).byte(sc).byte(sb).0);
        h.push(Fnv::new(18).byte(wc).byte(sc).0);
    }
    if groups.has(Groups::NEIGHBOUR_LEX) {
        for d in [-2isize, -1, 1, 2] {
            let j = ii + d;
            let c = if j < 0 || j as usize >= n {
                255
            } else {
                stem_class[j as usize].0
            };
            h.push(Fnv::new(19).byte(d as u8).byte(c).0);
        }
        let p = if i > 0 { stem_class[i - 1].0 } else { 255 };
        h.push(Fnv::new(20).byte(p).byte(stem_class[i].0).0);
    }
    if groups.has(Groups::PHRASE) {
        match phrases[i] {
            PhraseMatch::None => {}
            PhraseMatch::Begin(c) => h.push(Fnv::new(21).byte(0).byte(c).0),
            PhraseMatch::Inside(c) => h.push(Fnv::new(21).byte(1).byte(c).0),
        }
        if i > 0
            && let PhraseMatch::Begin(c) | PhraseMatch::Inside(c) = phrases[i - 1]
        {
            h.push(Fnv::new(22).byte(c).0);
        }
    }
    if groups.has(Groups::GAZETTEER) {
        h.push(Fnv::new(23).byte(gaz[i]).0);
        let p = if i > 0 { gaz[i - 1] } else { 255 };
        let q = if i + 1 < n { gaz[i + 1] } else { 255 };
        h.push(Fnv::new(24).byte(p).byte(gaz[i]).byte(q).0);
    }
    if groups.has(Groups::PERSON_NAMES) {
        let per = lex.class_of("PER");
        let is = |j: isize| -> u8 {
            if j < 0 || j as usize >= n {
                2
            } else {
                (per != 0 && gaz[j as usize] == per) as u8
            }
        };
        let (p, c, q) = (is(ii - 1), is(ii), is(ii + 1));
        // Only news to the training data: a name the lexicon knows
        // already has its own, better, evidence.
        let unseen = word_class[i].0 == super::lexicon::UNSEEN;
        if c == 1 {
            h.push(Fnv::new(40).byte(unseen as u8).0);
        }
        if unseen {
            h.push(Fnv::new(41).byte(p).byte(c).byte(q).0);
        }
    }
    if groups.has(Groups::CLUSTERS) {
        let cl = |j: isize| {
            if j < 0 || j as usize >= n {
                EDGE
            } else {
                word_cl[j as usize]
            }
        };
        let unseen = (word_class[i].0 == super::lexicon::UNSEEN) as u8;
        let c = word_cl[i];
        for (lvl, &id) in c.iter().enumerate() {
            h.push(Fnv::new(42).byte(lvl as u8).u16(id).0);
            h.push(Fnv::new(43).byte(lvl as u8).byte(unseen).u16(id).0);
            for d in [-1isize, 1] {
                h.push(
                    Fnv::new(45)
                        .byte(d as u8)
                        .byte(lvl as u8)
                        .u16(cl(ii + d)[lvl])
                        .0,
                );
            }
        }
        for (lvl, &id) in stem_cl[i].iter().enumerate().skip(1) {
            if id != u16::MAX {
                h.push(Fnv::new(44).byte(lvl as u8).u16(id).0);
            }
        }
        for d in [-2isize, 2] {
            h.push(Fnv::new(45).byte(d as u8).byte(0).u16(cl(ii + d)[0]).0);
        }
        h.push(Fnv::new(46).u16(cl(ii - 1)[0]).u16(c[0]).0);
        h.push(Fnv::new(47).u16(c[0]).u16(cl(ii + 1)[0]).0);
    }
    if groups.has(Groups::CLUSTERS_UNSEEN) && word_class[i].0 == super::lexicon::UNSEEN {
        let cl = |j: isize| {
            if j < 0 || j as usize >= n {
                EDGE
            } else {
                word_cl[j as usize]
            }
        };
        for (lvl, &id) in word_cl[i].iter().enumerate() {
            h.push(Fnv::new(48).byte(lvl as u8).u16(id).0);
        }
        for d in [-1isize, 1] {
            h.push(Fnv::new(49).byte(d as u8).u16(cl(ii + d)[1]).0);
        }
    }
    if groups.has(Groups::CONTEXT_AFFIX) {
        // e.g. a nisba adjective before a name: الإسباني, البلجيكية
        for d in [-1isize, 1] {
            let w = norm(ii + d);
            let art = w.starts_with("ال") as u8;
            let suf = suffix(w, 2).unwrap_or(w);
            h.push(Fnv::new(27).byte(d as u8).byte(art).str(suf).0);
            h.push(Fnv::new(28).byte(d as u8).str(prefix(w, 2).unwrap_or(w)).0);
        }
    }
    if groups.has(Groups::CHAR_NGRAM) {
        // letter trigrams of the stem: transliterated foreign names share
        // them. `b` holds the byte offsets of the last four char
        // boundaries; a trigram runs from the first to the last.
        let s = tok.stem.as_bytes();
        let mut b = [0usize; 4];
        let ends = tok.stem.char_indices().map(|(o, _)| o).chain([s.len()]);
        for (k, off) in ends.enumerate() {
            b = [b[1], b[2], b[3], off];
            if k >= 3 {
                h.push(Fnv::new(29).bytes(&s[b[0]..b[3]]).0);
            }
        }
    }
}

/// The `document` features of a token: its first-pass tag id + 1 (`fp`),
/// its neighbours' (255 beyond the sentence) and the document class and
/// bucket of its stem (see `context`). Only with a first pass.
pub(crate) fn document_features(prev: u8, fp: u8, next: u8, doc: (u8, u8), h: &mut Vec<u64>) {
    h.push(Fnv::new(30).byte(fp).0);
    h.push(Fnv::new(31).byte(-1isize as u8).byte(prev).0);
    h.push(Fnv::new(31).byte(1).byte(next).0);
    let (dc, db) = doc;
    h.push(Fnv::new(32).byte(dc).byte(db).0);
    h.push(Fnv::new(33).byte(dc).byte(fp).0);
}

/// The features after the `document` ones (`rules`, `trigger`).
pub(crate) fn tail_features<T: Borrow<Token>>(
    toks: &[T],
    i: usize,
    look: &SentenceLookups,
    groups: Groups,
    h: &mut Vec<u64>,
) {
    let n = toks.len();
    let ii = i as isize;
    let tok: &Token = toks[i].borrow();
    if groups.has(Groups::RULES) {
        let r = |j: isize| {
            if j < 0 || j as usize >= n {
                255
            } else {
                toks[j as usize].borrow().rule
            }
        };
        if tok.rule != 0 {
            h.push(Fnv::new(38).byte(tok.rule).0);
        }
        h.push(
            Fnv::new(39)
                .byte(r(ii - 1))
                .byte(tok.rule)
                .byte(r(ii + 1))
                .0,
        );
    }
    if groups.has(Groups::TRIGGER) {
        let trig = &look.trig;
        for d in [-2isize, -1, 1] {
            let j = ii + d;
            if j >= 0 && (j as usize) < n && trig[j as usize] != 0 {
                h.push(Fnv::new(25).byte(d as u8).byte(trig[j as usize]).0);
            }
        }
        if trig[i] != 0 {
            h.push(Fnv::new(26).byte(trig[i]).0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affixes_count_chars_not_bytes() {
        assert_eq!(prefix("مصر", 2), Some("مص"));
        assert_eq!(prefix("مصر", 3), None);
        assert_eq!(suffix("مصرية", 2), Some("ية"));
        assert_eq!(suffix("ab", 2), None);
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("مصر"), 0);
        assert_eq!(shape("CNN"), 1);
        assert_eq!(shape("cnn"), 2);
        assert_eq!(shape("2020"), 3);
        assert_eq!(shape("٢٠٢٠"), 3);
        assert_eq!(shape("12.5"), 4);
        assert_eq!(shape("،"), 5);
    }

    #[test]
    fn features_are_deterministic_and_group_sensitive() {
        let toks: Vec<Token> = ["قال", "الرئيس", "محمد"]
            .iter()
            .map(|t| Token::new(t))
            .collect();
        let lex = Lexicon::default();
        let mut a = SentenceFeatures::default();
        let mut b = SentenceFeatures::default();
        extract(&toks, &lex, Groups::all(), &mut a);
        extract(&toks, &lex, Groups::all(), &mut b);
        assert_eq!(a.hashes, b.hashes);
        assert_eq!(a.len(), 3);
        extract(&toks, &lex, Groups(Groups::WORD), &mut b);
        assert_eq!(b.token(0).len(), 2);
        assert!(b.token(1).iter().all(|h| a.token(1).contains(h)));
    }

    #[test]
    fn person_names_mark_only_words_the_training_data_lacks() {
        let types = vec!["PER".to_string()];
        let known: Vec<Token> = ["قال", "سامي"].iter().map(|t| Token::new(t)).collect();
        let tags = ["O".to_string(), "B-PER".to_string()];
        let mut lex = Lexicon::build(&types, [(&known[..], &tags[..])].into_iter());
        lex.add_gazetteer(&Token::new("سامي").norm, "PER");
        lex.add_gazetteer(&Token::new("يوهانس").norm, "PER");
        let s: Vec<Token> = ["قال", "يوهانس", "سامي"]
            .iter()
            .map(|t| Token::new(t))
            .collect();
        let mut with = SentenceFeatures::default();
        let mut without = SentenceFeatures::default();
        let g = Groups(Groups::WORD | Groups::PERSON_NAMES);
        extract(&s, &lex, g, &mut with);
        extract(&s, &lex, Groups(Groups::WORD), &mut without);
        let name = Fnv::new(40).byte(1).0;
        // the unknown name gets the name feature; the known one gets the
        // "seen" variant and no neighbourhood feature
        assert!(with.token(1).contains(&name));
        assert!(!with.token(2).contains(&name));
        assert!(with.token(2).contains(&Fnv::new(40).byte(0).0));
        assert_eq!(with.token(2).len(), without.token(2).len() + 1);
        assert!(!with.token(0).contains(&name));
        assert_eq!(with.token(0).len(), without.token(0).len());
    }

    #[test]
    fn the_same_word_in_another_place_shares_its_word_feature() {
        let s1: Vec<Token> = ["في", "مصر"].iter().map(|t| Token::new(t)).collect();
        let s2: Vec<Token> = ["مصر", "اليوم"].iter().map(|t| Token::new(t)).collect();
        let lex = Lexicon::default();
        let mut a = SentenceFeatures::default();
        let mut b = SentenceFeatures::default();
        extract(&s1, &lex, Groups(Groups::WORD), &mut a);
        extract(&s2, &lex, Groups(Groups::WORD), &mut b);
        assert_eq!(a.token(1), b.token(0));
        assert_ne!(a.token(0), b.token(0));
    }
}
