//! The learned sequence tagger: a linear-chain model over hashed token
//! features, trained as an averaged structured perceptron (integer updates,
//! fixed shuffling, so the same data always gives the same file), decoded
//! with Viterbi under IOB2 constraints. Confidence comes from
//! forward-backward marginals over the same scores.
//!
//! Why not `crfs`' own trainers: in crfs 0.4.1 every training sequence
//! clears and walks arrays as long as the whole feature set, which makes a
//! rich feature set on ANERcorp take hours; its tagger also gives no
//! marginals for confidences.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::features::{
    Groups, SentenceFeatures, SentenceLookups, Token, context_features, document_features, extract,
    tail_features, token_features, word_lookups,
};
use std::sync::Arc;

use super::lexicon::Lexicon;

/// Errors reading a model file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a Kashif model file (bad magic)")]
    Magic,
    #[error("model file is truncated at byte {0}")]
    Truncated(usize),
    #[error("model file is corrupt: {0}")]
    Corrupt(String),
}

/// One feature's weights: `(tag id, weight)` pairs, as the file stores them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Weight {
    label: u32,
    w: f32,
}

/// Asks the CPU to start loading `x`'s cache line: a hint that changes no
/// result.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and writes nothing; `x` is a valid
    // reference anyway.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// A slot of [`FeatureTable`]: the feature hash and where its weights are.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u64,
    /// Index of the first weight; `u32::MAX` marks an empty slot.
    start: u32,
    len: u32,
}

const EMPTY: Slot = Slot {
    key: 0,
    start: u32::MAX,
    len: 0,
};

/// Feature hash → weights: one open-addressing table (linear probing, at
/// most half full) whose 16-byte slots point into one flat weight array,
/// so a lookup touches about two cache lines (a std `HashMap` plus offset,
/// label and weight arrays touched five). Built once at load, with no
/// allocation per feature.
#[derive(Debug, Clone)]
struct FeatureTable {
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: the slot of a key is its mixed hash's top bits.
    shift: u32,
    weights: Vec<Weight>,
    count: usize,
    /// Tells tables apart (a [`PairTable`] names the two it was built
    /// from): set, unique, when the table is complete; never changed after,
    /// so clones share it with the same contents.
    id: u64,
}

impl FeatureTable {
    fn with_capacity(features: usize, weights: usize) -> FeatureTable {
        let size = (features.max(4) * 2).next_power_of_two();
        FeatureTable {
            slots: vec![EMPTY; size],
            shift: 64 - size.trailing_zeros(),
            weights: Vec::with_capacity(weights),
            count: 0,
            id: 0,
        }
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        // Feature hashes are FNV-1a values; one multiply spreads them
        // over the top bits (Fibonacci hashing).
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Adds a feature; a hash added twice keeps the later weights (as a
    /// map insert would).
    fn insert(&mut self, key: u64, ws: impl IntoIterator<Item = (u8, f32)>) {
        let start = self.weights.len() as u32;
        self.weights
            .extend(ws.into_iter().map(|(l, w)| Weight { label: l as u32, w }));
        let len = self.weights.len() as u32 - start;
        if 2 * (self.count + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let s = &mut self.slots[i];
            if s.start == u32::MAX {
                *s = Slot { key, start, len };
                self.count += 1;
                return;
            }
            if s.key == key {
                s.start = start;
                s.len = len;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let size = (old.len() * 2).max(8);
        self.slots = vec![EMPTY; size];
        self.shift = 64 - size.trailing_zeros();
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.start != u32::MAX) {
            let mut i = self.home(s.key);
            while self.slots[i].start != u32::MAX {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// `(first weight, count)` of a feature; `(0, 0)` when it has none.
    #[inline]
    fn range(&self, key: u64) -> (u32, u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let s = self.slots[i];
            if s.start == u32::MAX {
                return (0, 0);
            }
            if s.key == key {
                return (s.start, s.len);
            }
            i = (i + 1) & mask;
        }
    }

    /// Every feature, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (u64, &[Weight])> {
        self.slots.iter().filter(|s| s.start != u32::MAX).map(|s| {
            let a = s.start as usize;
            (s.key, &self.weights[a..a + s.len as usize])
        })
    }
}

/// A slot of [`PairTable`]: a feature hash and where its weights are in
/// the table's own weight array, the first pass's then the other model's.
#[derive(Debug, Clone, Copy)]
struct PairSlot {
    key: u64,
    /// Index of the first weight; `u32::MAX` marks an empty slot.
    start: u32,
    /// How many weights each model has: the first pass's in the low byte,
    /// the other's in the next.
    lens: u32,
}

/// Feature hash → weights in a first pass (`a`) and the model around it
/// (`b`): the features both passes share are looked up once, not once per
/// model, and both models' weights of a feature lie side by side (one
/// cache line, where the models' own arrays take two). 16-byte slots, at
/// most half full, like [`FeatureTable`].
#[derive(Debug, Clone)]
struct PairTable {
    slots: Vec<PairSlot>,
    shift: u32,
    /// Every feature's weights, `a`'s then `b`'s.
    weights: Vec<Weight>,
    /// The ids of the tables it was built from, to notice a first pass
    /// swapped after it was built.
    from: (u64, u64),
}

impl PairTable {
    /// `None` when the weights do not fit its `u32` indices and byte
    /// counts (the shipped models have about 180,000 weights each, at most
    /// 9 a feature).
    fn build(a: &FeatureTable, b: &FeatureTable) -> Option<PairTable> {
        if a.weights.len() + b.weights.len() >= u32::MAX as usize {
            return None;
        }
        let size = ((a.count + b.count).max(4) * 2).next_power_of_two();
        let mut t = PairTable {
            slots: vec![
                PairSlot {
                    key: 0,
                    start: u32::MAX,
                    lens: 0,
                };
                size
            ],
            shift: 64 - size.trailing_zeros(),
            weights: Vec::with_capacity(a.weights.len() + b.weights.len()),
            from: (a.id, b.id),
        };
        let mask = size - 1;
        for (key, _) in a.iter().chain(b.iter()) {
            let mut i = t.home(key);
            while t.slots[i].start != u32::MAX && t.slots[i].key != key {
                i = (i + 1) & mask;
            }
            if t.slots[i].start != u32::MAX {
                continue; // in both models: placed already
            }
            let (sa, na) = a.range(key);
            let (sb, nb) = b.range(key);
            if na > 255 || nb > 255 {
                return None;
            }
            let start = t.weights.len() as u32;
            t.weights
                .extend_from_slice(&a.weights[sa as usize..(sa + na) as usize]);
            t.weights
                .extend_from_slice(&b.weights[sb as usize..(sb + nb) as usize]);
            t.slots[i] = PairSlot {
                key,
                start,
                lens: na | nb << 8,
            };
        }
        Some(t)
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Both models' `(first weight, count)` of a feature, in
    /// [`PairTable::weights`].
    #[inline]
    fn ranges(&self, key: u64) -> ((u32, u32), (u32, u32)) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let s = self.slots[i];
            if s.start == u32::MAX {
                return ((0, 0), (0, 0));
            }
            if s.key == key {
                let (na, nb) = (s.lens & 0xff, s.lens >> 8);
                return ((s.start, na), (s.start + na, nb));
            }
            i = (i + 1) & mask;
        }
    }

    /// Ranges of `hashes` in both models, appended in order to `a` and
    /// `b`, with the slots [`AHEAD`] hashes on prefetched.
    fn resolve(&self, hashes: &[u64], a: &mut Vec<(u32, u32)>, b: &mut Vec<(u32, u32)>) {
        for (j, &h) in hashes.iter().enumerate() {
            if let Some(&next) = hashes.get(j + AHEAD) {
                prefetch(&self.slots[self.home(next)]);
            }
            let (x, y) = self.ranges(h);
            a.push(x);
            b.push(y);
        }
    }
}

const MAGIC: &[u8; 11] = b"KASHIF-NER\x01";

/// A trained tagger.
#[derive(Debug, Clone)]
pub struct Model {
    /// Tags: `O` first, then `B-X`, `I-X` (and `E-X`, `S-X`) per entity type.
    pub labels: Vec<String>,
    /// `labels` as IOB2 names (see [`Model::tag_name`]).
    iob2: Vec<String>,
    pub groups: Groups,
    /// Shared with the first pass when both were trained on the same data
    /// (the file then holds the same lexicon twice; it is read once).
    pub lexicon: Arc<Lexicon>,
    /// `(L + 1) × L`: row `p` for previous tag `p`, row `L` for the start.
    trans: Vec<f32>,
    /// Feature hash → its `(tag, weight)` pairs.
    feats: FeatureTable,
    /// `allowed[p * L + c]`, with `p = L` for the start.
    allowed: Vec<bool>,
    /// Subtracted from the `O` score of every token: the perceptron is
    /// cautious, and trading a little precision for recall pays in F1.
    pub outside_penalty: f32,
    /// Scores are divided by this before marginals are taken: perceptron
    /// scores are large, and undivided every marginal would be ~1.
    pub temperature: f32,
    /// The first pass whose tags feed the `document` features, if used.
    pub first_pass: Option<Box<Model>>,
    /// Both passes' features in one table, built when first needed.
    pair: std::sync::OnceLock<Option<PairTable>>,
}

/// Tags of one sentence with the marginal probability of each chosen tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    pub tags: Vec<usize>,
    pub confidence: Vec<f32>,
    /// With confidences: every tag's marginal probability, word by word
    /// (`words × tags` floats, tag ids as [`Model::tag_name`] names them),
    /// which the combined tiers mix with the encoder's
    /// ([`crate::propose::proposer::Proposer::with_fast_weight`]).
    pub marginals: Vec<f32>,
}

/// The tag set for entity types: `O`, then per type `B-X`, `I-X`, and
/// with `bioes` also `E-X` (last of several) and `S-X` (single token).
/// BIOES lets the model learn how names end, not only how they start.
pub fn label_set(types: &[String], bioes: bool) -> Vec<String> {
    let mut labels = vec!["O".to_string()];
    for t in types {
        labels.push(format!("B-{t}"));
        labels.push(format!("I-{t}"));
        if bioes {
            labels.push(format!("E-{t}"));
            labels.push(format!("S-{t}"));
        }
    }
    labels
}

/// Whether a tag set is BIOES (has `E-`/`S-` tags) rather than IOB2.
pub(crate) fn is_bioes(labels: &[String]) -> bool {
    labels
        .iter()
        .any(|t| t.starts_with("S-") || t.starts_with("E-"))
}

/// IOB2 tags of a sentence rewritten as BIOES.
pub fn iob2_to_bioes(tags: &[String]) -> Vec<String> {
    let inside_next = |i: usize, x: &str| {
        tags.get(i + 1)
            .and_then(|n| n.strip_prefix("I-"))
            .is_some_and(|y| y == x)
    };
    tags.iter()
        .enumerate()
        .map(|(i, t)| match t.split_once('-') {
            Some(("B", x)) if !inside_next(i, x) => format!("S-{x}"),
            Some(("I", x)) if !inside_next(i, x) => format!("E-{x}"),
            _ => t.clone(),
        })
        .collect()
}

/// The IOB2 name of a tag (`S-X` → `B-X`, `E-X` → `I-X`): what every
/// caller outside the model reads.
fn iob2_name(tag: &str) -> String {
    match tag.split_once('-') {
        Some(("S", x)) => format!("B-{x}"),
        Some(("E", x)) => format!("I-{x}"),
        _ => tag.to_string(),
    }
}

/// Transition mask, `(L + 2) × L`: `allowed[p * L + c]` for previous tag
/// `p`, row `L` for the start, row `L + 1` for "may end the sentence".
/// IOB2: `I-X` only after `B-X` or `I-X`. BIOES besides: `I-X`/`E-X` only
/// after `B-X`/`I-X`, nothing else after them, and no sentence ends on them.
pub(crate) fn allowed_for(labels: &[String]) -> Vec<bool> {
    let l = labels.len();
    let bioes = is_bioes(labels);
    let kind = |k: usize| labels[k].split_once('-').map_or(("O", ""), |(a, b)| (a, b));
    let open = |k: usize| bioes && matches!(kind(k).0, "B" | "I");
    let mut a = vec![true; (l + 2) * l];
    for c in 0..l {
        let (ck, cx) = kind(c);
        let continues = ck == "I" || ck == "E";
        for p in 0..=l {
            let ok = if continues {
                p < l && matches!(kind(p).0, "B" | "I") && kind(p).1 == cx
            } else {
                p == l || !open(p)
            };
            a[p * l + c] = ok;
        }
        a[(l + 1) * l + c] = !open(c);
    }
    a
}

impl Model {
    pub(crate) fn from_parts(
        labels: Vec<String>,
        groups: Groups,
        lexicon: Lexicon,
        trans: Vec<f32>,
        feats: Vec<(u64, Vec<(u8, f32)>)>,
    ) -> Model {
        let nw = feats.iter().map(|(_, ws)| ws.len()).sum();
        let mut table = FeatureTable::with_capacity(feats.len(), nw);
        for (h, ws) in feats {
            table.insert(h, ws);
        }
        Model::with_table(labels, groups, Arc::new(lexicon), trans, table)
    }

    fn with_table(
        labels: Vec<String>,
        groups: Groups,
        lexicon: Arc<Lexicon>,
        trans: Vec<f32>,
        mut feats: FeatureTable,
    ) -> Model {
        static TABLES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        feats.id = TABLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let allowed = allowed_for(&labels);
        let iob2 = labels.iter().map(|t| iob2_name(t)).collect();
        Model {
            labels,
            iob2,
            groups,
            lexicon,
            trans,
            feats,
            allowed,
            outside_penalty: 0.0,
            temperature: 1.0,
            first_pass: None,
            pair: std::sync::OnceLock::new(),
        }
    }

    /// Number of features with weights.
    pub fn num_features(&self) -> usize {
        self.feats.count
    }

    /// The IOB2 name of tag id `k` (`B-X`, `I-X` or `O`), whatever the
    /// model's own tag set.
    pub fn tag_name(&self, k: usize) -> &str {
        self.iob2.get(k).map_or("O", String::as_str)
    }

    /// Entity class of each tag id: 0 for `O`, else `1 + type index`.
    pub fn tag_classes(&self) -> Vec<usize> {
        tag_classes(&self.labels, self.types())
    }

    /// Entity types, e.g. `LOC MISC ORG PER`.
    pub fn types(&self) -> &[String] {
        &self.lexicon.types
    }

    /// Per-token label scores (`n × L`) from the features.
    ///
    /// Memory-bound: each of the ~50 hashes of a token is a random read in
    /// a table of several MiB. The hashes are first resolved to weight
    /// ranges with the slots of hashes a few places ahead already being
    /// fetched, then the weights are summed (prefetched the same way), in
    /// the same order as one plain loop would add them, so the scores are
    /// bit for bit the same.
    fn emissions(&self, feats: &SentenceFeatures, out: &mut Vec<f32>) {
        let l = self.labels.len();
        let mut found = Vec::with_capacity(feats.hashes.len());
        self.resolve(&feats.hashes, &mut found);
        out.clear();
        out.resize(feats.len() * l, 0.0);
        for i in 0..feats.len() {
            let row = &mut out[i * l..(i + 1) * l];
            row[0] = -self.outside_penalty;
            self.add_weights(&found, feats.offsets[i]..feats.offsets[i + 1], row);
        }
    }

    /// Weight ranges of `hashes`, appended to `found` in order, with the
    /// table slots of the hashes [`AHEAD`] places on prefetched.
    fn resolve(&self, hashes: &[u64], found: &mut Vec<(u32, u32)>) {
        for (j, &h) in hashes.iter().enumerate() {
            if let Some(&next) = hashes.get(j + AHEAD) {
                prefetch(&self.feats.slots[self.feats.home(next)]);
            }
            found.push(self.feats.range(h));
        }
    }

    /// Adds the weights of the features `found[at]` to a token's `row`.
    #[inline]
    fn add_weights(&self, found: &[(u32, u32)], at: std::ops::Range<usize>, row: &mut [f32]) {
        add_weights(&self.feats.weights, found, at, row);
    }

    /// A token's scores before any feature: the `O` penalty.
    fn start_row(&self, row: &mut [f32]) {
        row.fill(0.0);
        row[0] = -self.outside_penalty;
    }

    /// Best tags of emission scores `e` (`n × L`), with their marginals
    /// when `confidence`.
    fn decode(&self, e: &[f32], confidence: bool) -> Tagged {
        let l = self.labels.len();
        let tags = viterbi(e, &self.trans, &self.allowed, l);
        let (confidence, marginals) = if confidence {
            let t = self.temperature.max(1e-3);
            let e: Vec<f32> = e.iter().map(|x| x / t).collect();
            let tr: Vec<f32> = self.trans.iter().map(|x| x / t).collect();
            let m = marginals(&e, &tr, &self.allowed, l);
            let c = tags
                .iter()
                .enumerate()
                .map(|(i, &t)| m[i * l + t])
                .collect();
            (c, m)
        } else {
            (Vec::new(), Vec::new())
        };
        Tagged {
            tags,
            confidence,
            marginals,
        }
    }

    /// Best tags of prepared tokens (their document context already set).
    pub fn tag_tokens(&self, toks: &[Token], confidence: bool) -> Tagged {
        let mut f = SentenceFeatures::default();
        extract(toks, &self.lexicon, self.groups, &mut f);
        let mut e = Vec::new();
        self.emissions(&f, &mut e);
        self.decode(&e, confidence)
    }

    /// Tags the sentences of one document; with a first pass, each sentence
    /// sees what it said about the same words in nearby sentences.
    ///
    /// Sentences are tagged in parallel on the current rayon pool (all
    /// cores unless the caller installs a smaller one); every sentence's
    /// result depends only on the document, so the output is the same
    /// whatever the number of threads. Each distinct token string is
    /// prepared once ([`Token::new`]).
    ///
    /// When the first pass reads the same lexicon and feature groups (the
    /// shipped model does), the features both passes share are computed
    /// once and looked up in both models at once, and the weights of the
    /// features that depend on a word alone are summed once per distinct
    /// word ([`Model::tag_shared`]). The scores are bit for bit those of
    /// tagging each pass on its own ([`Model::tag_document_plain`]):
    /// the same weights are added in the same order.
    pub fn tag_document<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
        confidence: bool,
    ) -> Vec<Tagged> {
        let (types, ids) = prepare_types(sents);
        match &self.first_pass {
            Some(first) if self.shares_features(first) => {
                self.tag_shared(first, &types, &ids, confidence)
            }
            _ => self.tag_plain(sents, &types, &ids, confidence),
        }
    }

    /// [`Model::tag_document`] with each pass extracting and scoring every
    /// token on its own: the reference the shared path is tested against.
    pub fn tag_document_plain<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
        confidence: bool,
    ) -> Vec<Tagged> {
        let (types, ids) = prepare_types(sents);
        self.tag_plain(sents, &types, &ids, confidence)
    }

    fn tag_plain<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
        types: &[Token],
        ids: &[Vec<u32>],
        confidence: bool,
    ) -> Vec<Tagged> {
        let mut toks = occurrences(types, ids);
        if self.groups.has(Groups::RULES) {
            toks.par_iter_mut().zip(sents).for_each(|(t, s)| {
                super::context::mark_rules(s, t, self.types());
            });
        }
        self.tag_prepared(&mut toks, confidence)
    }

    /// Whether `first` sees the same features as this model before its
    /// `document` ones, so both passes can share them: the same lexicon,
    /// the same groups but `document`, and no `rules` (set per
    /// occurrence, not per word).
    fn shares_features(&self, first: &Model) -> bool {
        let g = |m: &Model| m.groups.0 & !Groups::DOCUMENT;
        Arc::ptr_eq(&self.lexicon, &first.lexicon)
            && g(self) == g(first)
            && !self.groups.has(Groups::RULES)
    }

    /// Both passes over distinct words `types` and sentences of word ids
    /// `ids`, sharing what they can (see [`Model::tag_document`]):
    ///
    /// 1. per distinct word, the summed weights of its [`token_features`]
    ///    in each model (the first features of every token, so these
    ///    partial sums are where a plain pass would be after them);
    /// 2. per sentence, its context features once, resolved in both
    ///    models: the first pass's scores are complete and decoded, the
    ///    second's are kept, stopped before the `document` features;
    /// 3. the document context from the first-pass tags;
    /// 4. per sentence, the `document` and tail features added to the
    ///    second pass's scores, then decoded.
    fn tag_shared(
        &self,
        first: &Model,
        types: &[Token],
        ids: &[Vec<u32>],
        confidence: bool,
    ) -> Vec<Tagged> {
        let (l1, l2) = (first.labels.len(), self.labels.len());
        let groups = self.groups;
        let lex = &*self.lexicon;
        let ids_now = (first.feats.id, self.feats.id);
        let cached = self
            .pair
            .get_or_init(|| PairTable::build(&first.feats, &self.feats));
        let built;
        let pair = match cached {
            Some(p) if p.from == ids_now => Some(p),
            _ => {
                built = PairTable::build(&first.feats, &self.feats);
                built.as_ref()
            }
        };
        // Ranges of hashes in both models, into `w1` and `w2`.
        let resolve = |hs: &[u64], a: &mut Vec<(u32, u32)>, b: &mut Vec<(u32, u32)>| match pair {
            Some(p) => p.resolve(hs, a, b),
            None => {
                first.resolve(hs, a);
                self.resolve(hs, b);
            }
        };
        let (w1, w2) = match pair {
            Some(p) => (&p.weights, &p.weights),
            None => (&first.feats.weights, &self.feats.weights),
        };
        // 1. per distinct word
        let mut pre1 = vec![0f32; types.len() * l1];
        let mut pre2 = vec![0f32; types.len() * l2];
        pre1.par_chunks_mut(l1)
            .zip(pre2.par_chunks_mut(l2))
            .zip(types.par_iter())
            .with_min_len(256)
            .for_each_init(
                || (Vec::new(), Vec::new(), Vec::new()),
                |(hs, f1, f2), ((r1, r2), t)| {
                    hs.clear();
                    token_features(t, groups, hs);
                    f1.clear();
                    f2.clear();
                    resolve(hs, f1, f2);
                    first.start_row(r1);
                    add_weights(w1, f1, 0..f1.len(), r1);
                    self.start_row(r2);
                    add_weights(w2, f2, 0..f2.len(), r2);
                },
            );
        // 2. first pass, second pass up to its document features
        let words = word_lookups(types, lex, groups);
        let staged: Vec<Staged> = ids
            .par_iter()
            .with_min_len(SENTENCES_PER_TASK)
            .map_init(Scratch::default, |sc, tids| {
                let toks: Vec<&Token> = tids.iter().map(|&i| &types[i as usize]).collect();
                let toks = &toks;
                let n = toks.len();
                let look = SentenceLookups::of_words(toks, tids, &words, lex, groups);
                let mut e1 = Vec::with_capacity(n * l1);
                let mut e2 = Vec::with_capacity(n * l2);
                for &t in tids {
                    let t = t as usize;
                    e1.extend_from_slice(&pre1[t * l1..(t + 1) * l1]);
                    e2.extend_from_slice(&pre2[t * l2..(t + 1) * l2]);
                }
                sc.hashes.clear();
                sc.at.clear();
                sc.at.push(0);
                let mut tail = Vec::new();
                let mut tail_at = vec![0u32];
                for i in 0..n {
                    context_features(toks, i, &look, lex, groups, &mut sc.hashes);
                    sc.at.push(sc.hashes.len());
                    tail_features(toks, i, &look, groups, &mut tail);
                    tail_at.push(tail.len() as u32);
                }
                sc.found.clear();
                sc.found2.clear();
                resolve(&sc.hashes, &mut sc.found, &mut sc.found2);
                sc.tail.clear();
                let mut tail2 = Vec::with_capacity(tail.len());
                resolve(&tail, &mut sc.tail, &mut tail2);
                for i in 0..n {
                    let row = &mut e1[i * l1..(i + 1) * l1];
                    add_weights(w1, &sc.found, sc.at[i]..sc.at[i + 1], row);
                    let (a, b) = (tail_at[i] as usize, tail_at[i + 1] as usize);
                    add_weights(w1, &sc.tail, a..b, row);
                    let row = &mut e2[i * l2..(i + 1) * l2];
                    add_weights(w2, &sc.found2, sc.at[i]..sc.at[i + 1], row);
                }
                Staged {
                    first: first.decode(&e1, false).tags,
                    scores: e2,
                    tail: tail2,
                    tail_at,
                }
            })
            .collect();
        // 3. document context
        let mut stem_ids: FxHashMap<&str, u32> = FxHashMap::default();
        let stem_of: Vec<u32> = types
            .iter()
            .map(|t| {
                let n = stem_ids.len() as u32;
                *stem_ids.entry(t.stem.as_str()).or_insert(n)
            })
            .collect();
        let stems: Vec<Vec<u32>> = ids
            .iter()
            .map(|s| s.iter().map(|&i| stem_of[i as usize]).collect())
            .collect();
        let doc = super::context::document_classes_of(
            &stems,
            stem_ids.len(),
            &staged,
            &self.tag_classes(),
            self.types().len(),
        );
        drop(stems);
        // 4. second pass
        let has_doc = groups.has(Groups::DOCUMENT);
        staged
            .into_par_iter()
            .zip(doc)
            .with_min_len(SENTENCES_PER_TASK)
            .map_init(
                || (Vec::new(), Vec::new(), Vec::new()),
                |(hs, skip, found), (st, dc)| {
                    let Staged {
                        first: ft,
                        mut scores,
                        tail,
                        tail_at,
                    } = st;
                    let n = ft.len();
                    // first-pass tag id + 1, as `context::annotate` sets it
                    let fp = |j: usize| ft.get(j).map_or(255, |&t| t as u8 + 1);
                    for i in 0..n {
                        hs.clear();
                        if has_doc {
                            let prev = if i > 0 { fp(i - 1) } else { 255 };
                            document_features(prev, fp(i), fp(i + 1), dc[i], hs);
                        }
                        found.clear();
                        skip.clear(); // the first pass's ranges: not needed here
                        resolve(hs, skip, found);
                        found
                            .extend_from_slice(&tail[tail_at[i] as usize..tail_at[i + 1] as usize]);
                        let row = &mut scores[i * l2..(i + 1) * l2];
                        add_weights(w2, found, 0..found.len(), row);
                    }
                    self.decode(&scores, confidence)
                },
            )
            .collect()
    }

    /// Both passes over prepared tokens, each extracting its own features.
    fn tag_prepared(&self, toks: &mut [Vec<Token>], confidence: bool) -> Vec<Tagged> {
        if let Some(first) = &self.first_pass {
            let tags: Vec<Vec<usize>> = toks
                .par_iter()
                .with_min_len(SENTENCES_PER_TASK)
                .map(|s| first.tag_tokens(s, false).tags)
                .collect();
            super::context::annotate(toks, &tags, &self.tag_classes(), self.types().len());
        }
        toks.par_iter()
            .with_min_len(SENTENCES_PER_TASK)
            .map(|s| self.tag_tokens(s, confidence))
            .collect()
    }

    /// Best tag ids of one sentence of raw tokens (no document around it).
    pub fn tag(&self, tokens: &[&str]) -> Vec<usize> {
        self.tag_document(&[tokens.to_vec()], false)
            .pop()
            .map(|t| t.tags)
            .unwrap_or_default()
    }

    /// The file form: fixed layout, features sorted by hash, so the same
    /// model always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&self.groups.0.to_le_bytes());
        b.extend_from_slice(&(self.labels.len() as u32).to_le_bytes());
        for l in &self.labels {
            b.extend_from_slice(&(l.len() as u32).to_le_bytes());
            b.extend_from_slice(l.as_bytes());
        }
        let lex = self.lexicon.to_text();
        b.extend_from_slice(&(lex.len() as u32).to_le_bytes());
        b.extend_from_slice(lex.as_bytes());
        for x in &self.trans {
            b.extend_from_slice(&x.to_le_bytes());
        }
        b.extend_from_slice(&self.outside_penalty.to_le_bytes());
        b.extend_from_slice(&self.temperature.to_le_bytes());
        let mut feats: Vec<(u64, &[Weight])> = self.feats.iter().collect();
        feats.sort_unstable_by_key(|&(h, _)| h);
        b.extend_from_slice(&(feats.len() as u32).to_le_bytes());
        for (h, ws) in feats {
            b.extend_from_slice(&h.to_le_bytes());
            b.push(ws.len() as u8);
            for x in ws {
                b.push(x.label as u8);
                b.extend_from_slice(&x.w.to_le_bytes());
            }
        }
        match &self.first_pass {
            Some(m) => {
                let inner = m.to_bytes();
                b.push(1);
                b.extend_from_slice(&(inner.len() as u64).to_le_bytes());
                b.extend_from_slice(&inner);
            }
            None => b.push(0),
        }
        b
    }

    /// Reads [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        Model::read(bytes, None)
    }

    /// [`Model::from_bytes`]; `outer` is the enclosing model's lexicon
    /// text and lexicon, reused when this one's text is the same.
    fn read(bytes: &[u8], outer: Option<(&[u8], &Arc<Lexicon>)>) -> Result<Model, ModelError> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(ModelError::Magic);
        }
        let groups = Groups(r.u32()?);
        let nl = r.u32()? as usize;
        if nl == 0 || nl > 255 {
            return Err(ModelError::Corrupt(format!("{nl} labels")));
        }
        let mut labels = Vec::with_capacity(nl);
        for _ in 0..nl {
            let n = r.u32()? as usize;
            labels.push(r.str(n)?);
        }
        let n = r.u32()? as usize;
        let lex_at = r.at;
        let lexicon = match outer {
            Some((text, lex)) if r.b.get(lex_at..lex_at + n) == Some(text) => {
                r.take(n)?;
                Arc::clone(lex)
            }
            _ => Arc::new(Lexicon::from_text(&r.str(n)?).map_err(ModelError::Corrupt)?),
        };
        let lex_text = &bytes[lex_at..lex_at + n];
        if label_set(&lexicon.types, is_bioes(&labels)) != labels {
            return Err(ModelError::Corrupt(
                "labels and lexicon types disagree".into(),
            ));
        }
        let mut trans = Vec::with_capacity((nl + 1) * nl);
        for _ in 0..(nl + 1) * nl {
            trans.push(r.f32()?);
        }
        let outside_penalty = r.f32()?;
        let temperature = r.f32()?;
        let nf = r.u32()? as usize;
        // Each feature takes at least 9 bytes (hash, count); each weight 5.
        let nf_cap = nf.min(bytes.len() / 9);
        let mut table = FeatureTable::with_capacity(nf_cap, bytes.len().saturating_sub(r.at) / 5);
        for _ in 0..nf {
            let h = r.u64()?;
            let k = r.take(1)?[0] as usize;
            let at = r.at;
            let ws = r.take(5 * k)?;
            if let Some(l) = ws.chunks_exact(5).map(|c| c[0]).find(|&l| l as usize >= nl) {
                return Err(ModelError::Corrupt(format!("label {l} at byte {at}")));
            }
            table.insert(
                h,
                ws.chunks_exact(5)
                    .map(|c| (c[0], f32::from_le_bytes([c[1], c[2], c[3], c[4]]))),
            );
        }
        let first_pass = match r.take(1)?[0] {
            0 => None,
            1 => {
                let n = r.u64()? as usize;
                let at = r.at;
                let inner = r.take(n)?;
                let m = Model::read(inner, Some((lex_text, &lexicon)))
                    .map_err(|e| ModelError::Corrupt(format!("first pass at byte {at}: {e}")))?;
                Some(Box::new(m))
            }
            x => return Err(ModelError::Corrupt(format!("first-pass flag {x}"))),
        };
        if r.at != bytes.len() {
            return Err(ModelError::Corrupt(format!(
                "{} trailing bytes",
                bytes.len() - r.at
            )));
        }
        let mut m = Model::with_table(labels, groups, lexicon, trans, table);
        m.outside_penalty = outside_penalty;
        m.temperature = temperature;
        m.first_pass = first_pass;
        Ok(m)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl AsRef<[usize]> for Staged {
    fn as_ref(&self) -> &[usize] {
        &self.first
    }
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or(ModelError::Truncated(self.at))?;
        self.at += n;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        let lo = self.u32()? as u64;
        let hi = self.u32()? as u64;
        Ok(hi << 32 | lo)
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn str(&mut self, n: usize) -> Result<String, ModelError> {
        let at = self.at;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec())
            .map_err(|_| ModelError::Corrupt(format!("bad UTF-8 at byte {at}")))
    }
}

/// Adds the weights `ws[a..a + n]` of the features `found[at]` (each an
/// `(a, n)`) to a token's `row`, feature after feature (the order fixes the
/// float sums), with the weights [`AHEAD`] features on prefetched.
#[inline]
fn add_weights(ws: &[Weight], found: &[(u32, u32)], at: std::ops::Range<usize>, row: &mut [f32]) {
    for j in at {
        if let Some(&(a, _)) = found.get(j + AHEAD)
            && let Some(w) = ws.get(a as usize)
        {
            prefetch(w);
        }
        let (a, n) = found[j];
        for x in &ws[a as usize..(a + n) as usize] {
            if let Some(r) = row.get_mut(x.label as usize) {
                *r += x.w;
            }
        }
    }
}

/// How many hashes (or weight ranges) ahead of the one being read a lookup
/// prefetches.
const AHEAD: usize = 16;

/// A sentence between the passes of [`Model::tag_shared`].
struct Staged {
    /// First-pass tag ids.
    first: Vec<usize>,
    /// Second-pass scores (`n × L`) up to the `document` features.
    scores: Vec<f32>,
    /// Second-pass weight ranges of the tail features (see
    /// `features::tail_features`), token `i`'s at `tail_at[i]..tail_at[i + 1]`.
    tail: Vec<(u32, u32)>,
    tail_at: Vec<u32>,
}

/// Buffers reused between the sentences one thread tags.
#[derive(Default)]
struct Scratch {
    hashes: Vec<u64>,
    at: Vec<usize>,
    found: Vec<(u32, u32)>,
    found2: Vec<(u32, u32)>,
    tail: Vec<(u32, u32)>,
}

/// Fewest sentences a parallel task takes: enough to pay for handing it
/// to another thread.
const SENTENCES_PER_TASK: usize = 16;

/// [`Token::new`] of every token of `sents`, computed once per distinct
/// string (see [`prepare_types`]) and copied to its other occurrences.
pub fn prepare_tokens<S: AsRef<str> + Sync>(sents: &[Vec<S>]) -> Vec<Vec<Token>> {
    let (types, ids) = prepare_types(sents);
    occurrences(&types, &ids)
}

/// The distinct token strings of `sents`, prepared ([`Token::new`]) in
/// parallel, and each sentence as indices into them (news text repeats its
/// words: 250,070 tokens of ANERcorp hold about 35,000 distinct ones).
fn prepare_types<S: AsRef<str> + Sync>(sents: &[Vec<S>]) -> (Vec<Token>, Vec<Vec<u32>>) {
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let sent_ids: Vec<Vec<u32>> = sents
        .iter()
        .map(|s| {
            s.iter()
                .map(|t| {
                    let t = t.as_ref();
                    *ids.entry(t).or_insert_with(|| {
                        distinct.push(t);
                        distinct.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    let prepared: Vec<Token> = distinct
        .par_iter()
        .with_min_len(256)
        .map(|t| Token::new(t))
        .collect();
    (prepared, sent_ids)
}

/// Sentences of tokens from distinct prepared ones and indices into them.
fn occurrences(types: &[Token], ids: &[Vec<u32>]) -> Vec<Vec<Token>> {
    ids.par_iter()
        .with_min_len(SENTENCES_PER_TASK)
        .map(|s| s.iter().map(|&i| types[i as usize].clone()).collect())
        .collect()
}

/// Entity class of each tag id of `labels`: 0 for `O`, else `1 + index`
/// of its type in `types` (0 also for a type `types` lacks).
pub(crate) fn tag_classes(labels: &[String], types: &[String]) -> Vec<usize> {
    labels
        .iter()
        .map(|t| match t.split_once('-') {
            Some((_, x)) => types.iter().position(|y| y == x).map_or(0, |i| i + 1),
            None => 0,
        })
        .collect()
}

/// Best path through `n × l` emission scores under transition scores and
/// the allowed-transition mask.
pub(crate) fn viterbi(e: &[f32], trans: &[f32], allowed: &[bool], l: usize) -> Vec<usize> {
    let n = e.len() / l;
    if n == 0 {
        return Vec::new();
    }
    let mut score = vec![f32::NEG_INFINITY; n * l];
    let mut back = vec![0u8; n * l];
    for c in 0..l {
        if allowed[l * l + c] {
            score[c] = e[c] + trans[l * l + c];
        }
    }
    for i in 1..n {
        for c in 0..l {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for p in 0..l {
                if !allowed[p * l + c] {
                    continue;
                }
                let s = score[(i - 1) * l + p] + trans[p * l + c];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * l + c] = best + e[i * l + c];
            back[i * l + c] = arg as u8;
        }
    }
    let ends = |c: usize| allowed.get((l + 1) * l + c).copied().unwrap_or(true);
    let mut best = 0;
    for c in 1..l {
        if ends(c) && score[(n - 1) * l + c] > score[(n - 1) * l + best] {
            best = c;
        }
    }
    let mut path = vec![0; n];
    path[n - 1] = best;
    for i in (1..n).rev() {
        path[i - 1] = back[i * l + path[i]] as usize;
    }
    path
}

fn log_sum_exp(v: impl Iterator<Item = f32> + Clone) -> f32 {
    let m = v.clone().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + v.map(|x| (x - m).exp()).sum::<f32>().ln()
}

/// Per-token tag marginals (`n × l`) by forward-backward in log space.
pub(crate) fn marginals(e: &[f32], trans: &[f32], allowed: &[bool], l: usize) -> Vec<f32> {
    let n = e.len() / l;
    if n == 0 {
        return Vec::new();
    }
    let t = |p: usize, c: usize| {
        if allowed[p * l + c] {
            trans[p * l + c]
        } else {
            f32::NEG_INFINITY
        }
    };
    let mut a = vec![f32::NEG_INFINITY; n * l];
    let mut b = vec![0f32; n * l];
    for c in 0..l {
        if !allowed.get((l + 1) * l + c).copied().unwrap_or(true) {
            b[(n - 1) * l + c] = f32::NEG_INFINITY;
        }
    }
    for c in 0..l {
        a[c] = e[c] + t(l, c);
    }
    for i in 1..n {
        for c in 0..l {
            a[i * l + c] = e[i * l + c] + log_sum_exp((0..l).map(|p| a[(i - 1) * l + p] + t(p, c)));
        }
    }
    for i in (0..n - 1).rev() {
        for p in 0..l {
            b[i * l + p] =
                log_sum_exp((0..l).map(|c| t(p, c) + e[(i + 1) * l + c] + b[(i + 1) * l + c]));
        }
    }
    let z = log_sum_exp((0..l).map(|c| a[(n - 1) * l + c] + b[(n - 1) * l + c]));
    (0..n * l).map(|k| (a[k] + b[k] - z).exp()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        label_set(&["LOC".to_string(), "PER".to_string()], false)
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn iob2_becomes_bioes_and_reads_back_as_iob2() {
        let iob = strings(&[
            "O", "B-PER", "I-PER", "I-PER", "B-LOC", "B-LOC", "I-LOC", "O",
        ]);
        let bioes = iob2_to_bioes(&iob);
        assert_eq!(
            bioes,
            strings(&[
                "O", "B-PER", "I-PER", "E-PER", "S-LOC", "B-LOC", "E-LOC", "O"
            ])
        );
        let back: Vec<String> = bioes.iter().map(|t| iob2_name(t)).collect();
        assert_eq!(back, iob);
    }

    #[test]
    fn bioes_mask_closes_every_name_before_anything_else() {
        let l = label_set(&["LOC".to_string(), "PER".to_string()], true);
        assert!(is_bioes(&l) && !is_bioes(&labels()));
        let a = allowed_for(&l);
        let n = l.len();
        let id = |s: &str| l.iter().position(|x| x == s).unwrap();
        let ok = |p: &str, c: &str| a[id(p) * n + id(c)];
        assert!(ok("B-LOC", "I-LOC") && ok("B-LOC", "E-LOC") && ok("I-LOC", "E-LOC"));
        assert!(!ok("B-LOC", "O"), "a B- must be closed by I-/E-");
        assert!(!ok("I-LOC", "S-PER"));
        assert!(!ok("O", "E-LOC") && !ok("S-LOC", "I-LOC") && !ok("B-PER", "E-LOC"));
        assert!(ok("E-LOC", "B-PER") && ok("S-LOC", "S-LOC") && ok("O", "S-PER"));
        assert!(
            !a[n * n + id("E-LOC")] && a[n * n + id("S-LOC")],
            "start row"
        );
        let ends = |c: &str| a[(n + 1) * n + id(c)];
        assert!(ends("O") && ends("E-LOC") && ends("S-PER"));
        assert!(
            !ends("B-LOC") && !ends("I-PER"),
            "no sentence ends inside a name"
        );
        // IOB2 may end anywhere
        let a2 = allowed_for(&labels());
        assert!(
            a2[(labels().len() + 1) * labels().len()..]
                .iter()
                .all(|&x| x)
        );
    }

    #[test]
    fn viterbi_and_marginals_never_end_inside_a_bioes_name() {
        let l = label_set(&["LOC".to_string()], true);
        let n = l.len();
        let id = |s: &str| l.iter().position(|x| x == s).unwrap();
        let allowed = allowed_for(&l);
        let trans = vec![0.0; (n + 1) * n];
        // one token that prefers B-LOC: it cannot end the sentence open
        let mut e = vec![0.0; n];
        e[id("B-LOC")] = 5.0;
        e[id("S-LOC")] = 1.0;
        assert_eq!(viterbi(&e, &trans, &allowed, n), vec![id("S-LOC")]);
        let m = marginals(&e, &trans, &allowed, n);
        assert!(m[id("B-LOC")] < 1e-6, "{m:?}");
        assert!((m.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }

    #[test]
    fn iob2_mask_forbids_inside_without_begin() {
        let l = labels();
        let a = allowed_for(&l);
        let n = l.len();
        let id = |s: &str| l.iter().position(|x| x == s).unwrap();
        assert!(!a[n * n + id("I-LOC")], "no I- at the start");
        assert!(!a[id("O") * n + id("I-LOC")]);
        assert!(!a[id("B-PER") * n + id("I-LOC")]);
        assert!(a[id("B-LOC") * n + id("I-LOC")]);
        assert!(a[id("I-LOC") * n + id("I-LOC")]);
        assert!(a[id("O") * n + id("B-PER")]);
    }

    #[test]
    fn viterbi_respects_the_mask_and_marginals_sum_to_one() {
        let l = labels();
        let n = l.len();
        let allowed = allowed_for(&l);
        let trans = vec![0.0; (n + 1) * n];
        // token 0 prefers O, token 1 strongly prefers I-LOC (not allowed after O)
        let mut e = vec![0.0; 2 * n];
        e[0] = 1.0;
        e[n + 2] = 5.0;
        e[n + 1] = 0.5;
        let path = viterbi(&e, &trans, &allowed, n);
        assert_eq!(path, vec![1, 2], "B-LOC I-LOC beats O + forbidden I-LOC");
        let m = marginals(&e, &trans, &allowed, n);
        for i in 0..2 {
            let s: f32 = m[i * n..(i + 1) * n].iter().sum();
            assert!((s - 1.0).abs() < 1e-4, "{s}");
        }
        assert!(m[n + 2] > 0.5);
    }

    /// The shared two-pass path must give exactly what each pass on its
    /// own gives: the same tags and the same confidences, bit for bit.
    #[test]
    fn shared_passes_score_bit_for_bit_as_separate_passes() {
        let model = super::super::bundled::load().unwrap();
        let first = model.first_pass.as_deref().unwrap();
        assert!(
            model.shares_features(first),
            "the shipped model takes the shared path"
        );
        let text = include_str!("../../assets/train/anercorp_train90.conll");
        let sents = super::super::iob::read_conll(text, false).unwrap();
        // 300 sentences, a repeated one and a one-word one
        let mut toks: Vec<Vec<&str>> = sents[..300]
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        toks.push(toks[3].clone());
        toks.push(vec!["مصر"]);
        let fast = model.tag_document(&toks, true);
        let plain = model.tag_document_plain(&toks, true);
        assert_eq!(fast.len(), toks.len());
        let bits = |t: &[Tagged]| -> Vec<(Vec<usize>, Vec<u32>)> {
            t.iter()
                .map(|x| {
                    (
                        x.tags.clone(),
                        x.confidence.iter().map(|c| c.to_bits()).collect(),
                    )
                })
                .collect()
        };
        assert_eq!(bits(&fast), bits(&plain));
        assert!(
            fast.iter().flat_map(|t| &t.tags).any(|&t| t != 0),
            "names found"
        );
        // without confidences, the same tags
        let tags: Vec<Vec<usize>> = model
            .tag_document(&toks, false)
            .into_iter()
            .map(|t| t.tags)
            .collect();
        assert_eq!(tags, plain.into_iter().map(|t| t.tags).collect::<Vec<_>>());
        // the pair table gives each model's own weights, for every feature
        let pair = PairTable::build(&first.feats, &model.feats).unwrap();
        let of = |ws: &[Weight], (a, n): (u32, u32)| ws[a as usize..(a + n) as usize].to_vec();
        for (k, _) in first.feats.iter().chain(model.feats.iter()) {
            let (a, b) = pair.ranges(k);
            assert_eq!(
                of(&pair.weights, a),
                of(&first.feats.weights, first.feats.range(k))
            );
            assert_eq!(
                of(&pair.weights, b),
                of(&model.feats.weights, model.feats.range(k))
            );
        }
        assert_eq!(pair.ranges(12345), ((0, 0), (0, 0)));
        assert_eq!(pair.from, (first.feats.id, model.feats.id));
        assert_ne!(first.feats.id, model.feats.id);
        // a first pass with another lexicon cannot share
        let mut other = first.clone();
        other.lexicon = Arc::new((*first.lexicon).clone());
        assert!(!model.shares_features(&other));
    }

    #[test]
    fn bytes_round_trip_and_reject_damage() {
        let l = labels();
        let n = l.len();
        let lex = Lexicon::build(&["LOC".to_string(), "PER".to_string()], std::iter::empty());
        let trans: Vec<f32> = (0..(n + 1) * n).map(|i| i as f32 * 0.5).collect();
        let feats = vec![(7u64, vec![(1u8, 0.25f32), (3, -1.0)]), (3u64, vec![])];
        let m = Model::from_parts(l, Groups::all(), lex, trans, feats);
        let b = m.to_bytes();
        let again = Model::from_bytes(&b).unwrap();
        assert_eq!(again.to_bytes(), b);
        assert_eq!(again.num_features(), 2);
        assert!(matches!(
            Model::from_bytes(&b[..b.len() - 3]),
            Err(ModelError::Truncated(_))
        ));
        assert!(matches!(
            Model::from_bytes(b"nope"),
            Err(ModelError::Truncated(_) | ModelError::Magic)
        ));
        let mut bad = b.clone();
        bad[0] = b'X';
        assert!(matches!(Model::from_bytes(&bad), Err(ModelError::Magic)));
    }
}
