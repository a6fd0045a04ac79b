//! Nearest-neighbour memory over the encoder's word states: how the
//! accurate tier learns from the annotator without retraining (issue 22).
//!
//! Each word of a document marked done is kept as a pair (its encoder
//! state, its gold IOB2 tag). For a new word, the `K` stored states most
//! like its own (cosine) vote for their tags, each with weight
//! `exp(cos / T)`; that distribution is mixed with the model's softmax,
//! `p = (1 − λ)·p_model + λ·p_knn`, and the sentence is read as the best
//! IOB2 sequence of the mixed scores. This is kNN-NER (Wang et al., 2022,
//! "kNN-NER: Named Entity Recognition with Nearest Neighbor Search"), with
//! the values `K`, `T` and `λ` chosen on our own streams (docs/model.md,
//! "The accurate tier learns").
//!
//! Why it helps: a state carries the word's context, so a convention the
//! base data does not have (a nationality the project tags `NORP`, a
//! ministry the base data calls `LOC`) reaches words of the same kind that
//! were never marked, not only the strings the exact memory knows; and a
//! label the model has never seen can be proposed at all, since the
//! neighbours' tags extend the model's.
//!
//! Cosines are taken after centring (the mean of the stored states and of
//! the words being read subtracted):
//! the encoder's final states share one dominant direction, so raw cosines
//! are all about 0.999 (measured on the shipped encoder: `الألماني` and
//! `قال` alike) and say nothing; centred, a nationality word's nearest
//! neighbours are nationality words.
//!
//! Shapes: states are `dim` floats (384 for the shipped encoder), at most
//! [`KnnMemory::capacity`] of them (the most recently added documents win),
//! centred for each search: 12,000 words are about 18 MB.

use std::sync::{Arc, Mutex};

use candle_core::{Device, Tensor};

use super::decode::{Iob2Paths, softmax};
use super::head::{HeadConfig, HeadShift, Replay};

/// How the neighbours' vote is read (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KnnConfig {
    /// Neighbours that vote.
    pub k: usize,
    /// Temperature of the vote's weights `exp((cos − top) / T)`.
    pub temperature: f32,
    /// Weight of the neighbours' distribution over the model's own tags
    /// (0: the model alone), reached when the nearest neighbour's cosine is
    /// 1 and scaled down linearly to 0 at [`Self::floor`]: a word nothing
    /// stored resembles keeps the model's answer.
    pub lambda: f32,
    /// The cosine at or below which the neighbours have no say.
    pub floor: f32,
    /// The same weight for tags the model does not have (a label the
    /// project added, e.g. `NORP`), which only the neighbours can propose.
    /// Their vote is divided by each tag's share of the memory (most stored
    /// words are `O`, which would outvote any rare label around any word).
    pub new_lambda: f32,
    /// [`Self::floor`] for the new tags.
    pub new_floor: f32,
    /// The encoder's head refitted on the stored words
    /// ([`super::head`]); [`HeadConfig::OFF`]: as shipped.
    pub head: HeadConfig,
}

impl Default for KnnConfig {
    /// Chosen on the Libya 2017 benchmark's tuning split (articles 24, 23, …
    /// done, 1–10 scored; `KASHIF_LEARN_TUNE=1 cargo bench --bench learn`)
    /// and the NORP stream of `tests/accurate_learns.rs`; docs/model.md,
    /// "The accurate tier learns". A strong, share-balanced vote on the
    /// model's own tags cost up to 12 points there, so only new tags get
    /// one.
    fn default() -> KnnConfig {
        KnnConfig {
            k: 16,
            temperature: 0.05,
            lambda: 0.5,
            floor: 0.5,
            new_lambda: 0.9,
            new_floor: 0.6,
            head: HeadConfig::OFF,
        }
    }
}

/// Stored words (not hidden) the memory needs before it proposes a tag
/// the model does not have: below about one article its centre and
/// neighbourhoods are noise (one done sentence with two NORP words put
/// NORP on `وزير` and `رئيس` of an article).
pub const MIN_NEW_LABEL_WORDS: usize = 100;

/// Words kept by default: about 40 news articles.
pub const DEFAULT_CAPACITY: usize = 12_000;

/// One document's rows in the memory.
#[derive(Debug, Clone)]
struct DocRows {
    id: String,
    /// What the rows were computed from (the caller's digest of the
    /// document's gold), so an unchanged document is not encoded again.
    digest: u64,
    rows: usize,
}

/// The stored (state, tag) pairs, by document, oldest first.
#[derive(Debug, Clone)]
pub struct KnnMemory {
    dim: usize,
    capacity: usize,
    /// Tag names: index into this from [`Self::values`].
    tags: Vec<String>,
    /// The states as given, `dim` floats a word (shared with the views
    /// [`KnnMemory::hiding`] makes, copied only when changed).
    keys: Arc<Vec<f32>>,
    /// Rows the search skips (a view of [`KnnMemory::hiding`]); empty:
    /// none.
    hidden: Vec<bool>,
    mean: Vec<f32>,
    /// Each tag's share of the stored words.
    share: Vec<f32>,
    values: Vec<u16>,
    /// The encoder's raw scores of each stored word, [`Self::score_len`]
    /// a word ([`Self::add_scored`]), for refitting its head; empty when a
    /// document came without them.
    scores: Vec<f32>,
    score_len: usize,
    /// The head correction fitted on the visible words, by the settings
    /// it was fitted with (fitted on first use, again after a change).
    shift: Arc<Mutex<ShiftCache>>,
    /// The base data's words replayed when the head is refitted
    /// ([`HeadConfig::replay`]); `None`: none.
    replay: Option<Arc<Replay>>,
    docs: Vec<DocRows>,
}

/// A fitted head correction and what it was fitted for.
type ShiftCache = Option<(HeadConfig, Vec<String>, Option<Arc<HeadShift>>)>;

impl KnnMemory {
    /// An empty memory for states of `dim` floats, holding at most
    /// `capacity` words.
    pub fn new(dim: usize, capacity: usize) -> KnnMemory {
        KnnMemory {
            dim,
            capacity,
            tags: vec!["O".to_string()],
            keys: Arc::new(Vec::new()),
            hidden: Vec::new(),
            mean: vec![0.0; dim],
            share: Vec::new(),
            values: Vec::new(),
            scores: Vec::new(),
            score_len: 0,
            shift: Arc::new(Mutex::new(None)),
            replay: None,
            docs: Vec::new(),
        }
    }

    /// Replays `replay` (the base data's words) beside the stored words
    /// whenever the head is refitted with [`HeadConfig::replay`] above 0.
    pub fn set_replay(&mut self, replay: Arc<Replay>) {
        self.replay = Some(replay);
        self.shift = Arc::new(Mutex::new(None));
    }

    /// Whether base data is set for replay ([`Self::set_replay`]).
    pub fn has_replay(&self) -> bool {
        self.replay.is_some()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Words kept.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Documents kept.
    pub fn documents(&self) -> usize {
        self.docs.len()
    }

    /// The digest document `id` was stored with, if it is kept.
    pub fn digest_of(&self, id: &str) -> Option<u64> {
        self.docs.iter().find(|d| d.id == id).map(|d| d.digest)
    }

    /// Ids of the documents kept, oldest first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().map(|d| d.id.as_str())
    }

    /// Every tag name the stored words carry (`O` first).
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// Removes document `id`'s words (nothing when it is not kept).
    pub fn remove(&mut self, id: &str) {
        let mut at = 0;
        let mut i = 0;
        while i < self.docs.len() {
            let n = self.docs[i].rows;
            if self.docs[i].id == id {
                let scored = self.has_scores();
                Arc::make_mut(&mut self.keys).drain(at * self.dim..(at + n) * self.dim);
                self.values.drain(at..at + n);
                if scored {
                    self.scores
                        .drain(at * self.score_len..(at + n) * self.score_len);
                }
                self.docs.remove(i);
            } else {
                at += n;
                i += 1;
            }
        }
        self.prepare();
    }

    /// Recomputes each tag's share and the stored states' mean.
    fn prepare(&mut self) {
        self.hidden.clear();
        self.shift = Arc::new(Mutex::new(None));
        let (n, d) = (self.values.len(), self.dim);
        self.share = vec![0.0; self.tags.len()];
        for &v in &self.values {
            self.share[v as usize] += 1.0 / n as f32;
        }
        self.mean = vec![0.0; d];
        if n == 0 {
            return;
        }
        for row in self.keys.chunks_exact(d) {
            for (m, v) in self.mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        for m in &mut self.mean {
            *m /= n as f32;
        }
    }

    /// The same memory with the words of the documents for which `hide`
    /// holds left out of every search (and of each tag's share), so a
    /// document is never proposed for from its own gold: `kashif propose
    /// --tagger accurate` proposes for each done document with the others'
    /// words only. The states stay shared (a view costs a flag a word);
    /// the centring keeps the whole memory's mean. A view of a view hides
    /// what either hides; changing a view ([`Self::add`],
    /// [`Self::remove`]) shows every word again.
    pub fn hiding(&self, hide: impl Fn(&str) -> bool) -> KnnMemory {
        let mut view = self.clone();
        let n = view.values.len();
        let mut hidden = if view.hidden.len() == n {
            view.hidden.clone()
        } else {
            vec![false; n]
        };
        let mut at = 0;
        for d in &view.docs {
            if hide(&d.id) {
                hidden[at..at + d.rows].iter_mut().for_each(|h| *h = true);
            }
            at += d.rows;
        }
        let shown = hidden.iter().filter(|h| !**h).count();
        view.share = vec![0.0; view.tags.len()];
        for (&v, _) in view.values.iter().zip(&hidden).filter(|(_, h)| !**h) {
            view.share[v as usize] += 1.0 / shown as f32;
        }
        if hidden.iter().any(|h| *h) {
            view.shift = Arc::new(Mutex::new(None));
        }
        view.hidden = hidden;
        view
    }

    /// Words a search can find: [`Self::len`] less those hidden
    /// ([`Self::hiding`]).
    pub fn visible(&self) -> usize {
        self.values.len() - self.hidden.iter().filter(|h| **h).count()
    }

    /// Keeps document `id`'s words: `states[i]` (`dim` floats; words whose
    /// state has another length are skipped) with gold tag `tags[i]`
    /// (IOB2 names). Replaces what was kept for `id`; when over capacity,
    /// the oldest documents go.
    pub fn add(&mut self, id: &str, digest: u64, states: &[Vec<f32>], tags: &[String]) {
        self.add_scored(id, digest, states, &[], tags);
    }

    /// [`Self::add`] with the encoder's raw scores of each word
    /// (`scores[i]`, one per model tag), which refitting the head needs.
    /// A memory refits its head only when every stored word came with
    /// scores of one length.
    pub fn add_scored(
        &mut self,
        id: &str,
        digest: u64,
        states: &[Vec<f32>],
        scores: &[Vec<f32>],
        tags: &[String],
    ) {
        self.remove(id);
        // The length every row must have: the stored words' (none stored:
        // the first row's); none when stored words came without scores.
        let want = if self.values.is_empty() {
            scores.first().map(Vec::len)
        } else {
            self.has_scores().then_some(self.score_len)
        };
        let scored = !scores.is_empty()
            && scores.len() == states.len()
            && want.is_some_and(|len| {
                len > 0
                    && scores
                        .iter()
                        .all(|r| r.len() == len && r.iter().all(|v| v.is_finite()))
            });
        if let Some(len) = want.filter(|_| scored) {
            self.score_len = len;
        } else {
            self.scores.clear();
            self.score_len = 0;
        }
        let mut rows = 0;
        for (i, (s, t)) in states.iter().zip(tags).enumerate() {
            if s.len() != self.dim {
                continue;
            }
            if !s.iter().all(|v| v.is_finite()) {
                continue;
            }
            if scored {
                self.scores.extend_from_slice(&scores[i]);
            }
            let tag = match self.tags.iter().position(|x| x == t) {
                Some(k) => k,
                None if self.tags.len() < u16::MAX as usize => {
                    self.tags.push(t.clone());
                    self.tags.len() - 1
                }
                None => 0,
            };
            Arc::make_mut(&mut self.keys).extend_from_slice(s);
            self.values.push(tag as u16);
            rows += 1;
        }
        self.docs.push(DocRows {
            id: id.to_string(),
            digest,
            rows,
        });
        while self.values.len() > self.capacity && self.docs.len() > 1 {
            let n = self.docs[0].rows;
            let scored = self.has_scores();
            Arc::make_mut(&mut self.keys).drain(..n * self.dim);
            self.values.drain(..n);
            if scored {
                self.scores.drain(..n * self.score_len);
            }
            self.docs.remove(0);
        }
        self.prepare();
    }

    /// Whether every stored word has its scores.
    fn has_scores(&self) -> bool {
        self.score_len > 0 && self.scores.len() == self.values.len() * self.score_len
    }

    /// The head correction fitted on the visible words for the model's
    /// tags `labels` (a stored tag the model does not have counts as `O`),
    /// fitted on first use and kept until the memory changes; `None` when
    /// `config` is off, or the words came without scores, or the scores
    /// do not match `labels`.
    pub fn head_shift(&self, labels: &[String], config: HeadConfig) -> Option<Arc<HeadShift>> {
        if config.epochs == 0 || !self.has_scores() || self.score_len != labels.len() {
            return None;
        }
        let mut cache = match self.shift.lock() {
            Ok(c) => c,
            Err(e) => e.into_inner(),
        };
        if let Some((c, l, shift)) = cache.as_ref()
            && *c == config
            && l.as_slice() == labels
        {
            return shift.clone();
        }
        let outside = labels.iter().position(|l| l == "O").unwrap_or(0);
        let column: Vec<usize> = self
            .tags
            .iter()
            .map(|t| labels.iter().position(|l| l == t).unwrap_or(outside))
            .collect();
        let (d, l) = (self.dim, self.score_len);
        let mut states = Vec::new();
        let mut scores = Vec::new();
        let mut gold = Vec::new();
        for (i, &v) in self.values.iter().enumerate() {
            if self.hidden.get(i) == Some(&true) {
                continue;
            }
            states.extend_from_slice(&self.keys[i * d..(i + 1) * d]);
            scores.extend_from_slice(&self.scores[i * l..(i + 1) * l]);
            gold.push(column[v as usize]);
        }
        let shift = HeadShift::fit(
            &states,
            &scores,
            &gold,
            d,
            l,
            config,
            self.replay.as_deref(),
        )
        .map(Arc::new);
        *cache = Some((config, labels.to_vec(), shift.clone()));
        shift
    }

    /// The `k` nearest stored words of each query state: (cosine, tag
    /// index), most similar first. A query of another length gets none.
    pub fn neighbours(&self, queries: &[Vec<f32>], k: usize) -> Vec<Vec<(f32, u16)>> {
        let mut out = vec![Vec::new(); queries.len()];
        let n = self.values.len();
        if n == 0 || k == 0 {
            return out;
        }
        let keep: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].len() == self.dim)
            .collect();
        // The centre: the stored words and the words being read together.
        // A memory of one short document centred on its own mean alone made
        // unrelated words near (a tester saw a new label on most words of
        // an article after one done sentence).
        let m = keep.len();
        let mut centre: Vec<f32> = self.mean.iter().map(|x| x * n as f32).collect();
        for &i in &keep {
            for (c, v) in centre.iter_mut().zip(&queries[i]) {
                *c += v;
            }
        }
        for c in &mut centre {
            *c /= (n + m) as f32;
        }
        let unit = |row: &[f32]| -> Vec<f32> {
            let c: Vec<f32> = row.iter().zip(&centre).map(|(v, m)| v - m).collect();
            let norm = c.iter().map(|v| v * v).sum::<f32>().sqrt();
            let norm = if norm.is_finite() && norm > 0.0 {
                norm
            } else {
                1.0
            };
            c.into_iter().map(|v| v / norm).collect()
        };
        let centred: Vec<f32> = self.keys.chunks_exact(self.dim).flat_map(unit).collect();
        let Ok(keys) = Tensor::from_vec(centred, (n, self.dim), &Device::Cpu) else {
            return out;
        };
        let Ok(keys_t) = keys.t() else { return out };
        // Queries in chunks: a chunk's similarity matrix is at most
        // 256 × capacity floats.
        for chunk in keep.chunks(256) {
            let mut q = Vec::with_capacity(chunk.len() * self.dim);
            for &i in chunk {
                q.extend(unit(&queries[i]));
            }
            let sims = Tensor::from_vec(q, (chunk.len(), self.dim), &Device::Cpu)
                .and_then(|q| q.matmul(&keys_t))
                .and_then(|m| m.to_vec2::<f32>());
            let Ok(sims) = sims else { return out };
            for (&i, mut row) in chunk.iter().zip(sims) {
                for (s, _) in row.iter_mut().zip(&self.hidden).filter(|(_, h)| **h) {
                    *s = f32::NEG_INFINITY;
                }
                out[i] = top_k(&row, k)
                    .into_iter()
                    .filter(|&j| self.hidden.get(j) != Some(&true))
                    .map(|j| (row[j], self.values[j]))
                    .collect();
            }
        }
        out
    }
}

/// Indices of the `k` largest values of `row`, largest first.
fn top_k(row: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..row.len()).collect();
    let k = k.min(row.len());
    if k == 0 {
        return Vec::new();
    }
    idx.select_nth_unstable_by(k - 1, |&a, &b| row[b].total_cmp(&row[a]));
    idx.truncate(k);
    idx.sort_by(|&a, &b| row[b].total_cmp(&row[a]));
    idx
}

/// One sentence read with the memory: the tag names of the best IOB2
/// sequence and each word's mixed probability of its tag.
#[derive(Debug, Clone, PartialEq)]
pub struct MixedTags {
    pub tags: Vec<String>,
    pub confidence: Vec<f32>,
}

/// Reads sentences with the model's scores and the memory's neighbours:
/// the tag names (the model's, then those only the memory's words carry,
/// e.g. `B-NORP`) and, per sentence, per word, one probability per name,
/// for [`best_tags`] to decode (after the fast tagger's share is mixed in:
/// [`crate::propose::proposer::Proposer::with_fast_weight`]).
///
/// `labels`: the model's tag names (index = its score column); `logits`
/// and `states`: per sentence, per word, as
/// [`super::AccurateTagger::sentence_rows`] gives them; `t`: the model's
/// softmax temperature.
pub fn mixed_probabilities(
    memory: &KnnMemory,
    config: KnnConfig,
    labels: &[String],
    logits: &[Vec<Vec<f32>>],
    states: &[Vec<Vec<f32>>],
    t: f32,
) -> (Vec<String>, Vec<Vec<Vec<f32>>>) {
    let mut names: Vec<String> = labels.to_vec();
    for tag in memory.tags() {
        if !names.contains(tag) {
            names.push(tag.clone());
        }
    }
    // Memory tag index → column in `names`.
    let column: Vec<usize> = memory
        .tags()
        .iter()
        .map(|t| names.iter().position(|n| n == t).unwrap_or(0))
        .collect();
    let enough_for_new = memory.visible() >= MIN_NEW_LABEL_WORDS;
    let m = names.len();
    let flat: Vec<Vec<f32>> = states.iter().flatten().cloned().collect();
    let mut near = memory.neighbours(&flat, config.k).into_iter();
    let shift = memory.head_shift(labels, config.head);
    let mut state = flat.iter();
    let probs = logits
        .iter()
        .map(|sent| {
            sent.iter()
                .map(|row| {
                    let mut p = vec![0f32; m];
                    let h = state.next();
                    let scores = match (&shift, h) {
                        (Some(shift), Some(h)) => {
                            let mut r = row.clone();
                            shift.apply(h, &mut r);
                            softmax(&r, t)
                        }
                        _ => softmax(row, t),
                    };
                    for (slot, v) in p.iter_mut().zip(scores) {
                        *slot = v;
                    }
                    let hood = near.next().unwrap_or_default();
                    let top = hood.first().map_or(f32::NEG_INFINITY, |h| h.0);
                    let weight = |lambda: f32, floor: f32| {
                        lambda * ((top - floor) / (1.0 - floor).max(1e-6)).clamp(0.0, 1.0)
                    };
                    // Plain vote over every tag, and the share-balanced one
                    // for the tags only the memory has.
                    let mut plain = vec![0f32; m];
                    let mut balanced = vec![0f32; m];
                    for &(sim, tag) in &hood {
                        let w = ((sim - top) / config.temperature).exp();
                        let share = memory.share.get(tag as usize).copied().unwrap_or(1.0);
                        plain[column[tag as usize]] += w;
                        balanced[column[tag as usize]] += w / share.max(1e-6);
                    }
                    let (ps, bs) = (plain.iter().sum::<f32>(), balanced.iter().sum::<f32>());
                    let lambda = weight(config.lambda, config.floor);
                    if lambda > 0.0 && ps > 0.0 && ps.is_finite() {
                        for (p, v) in p.iter_mut().zip(&plain) {
                            *p = (1.0 - lambda) * *p + lambda * v / ps;
                        }
                    }
                    // A tag only the memory has is proposed where the
                    // nearest stored word carries it, with its share of the
                    // share-balanced vote (without the first condition, a
                    // few NORP words among a small memory's O words won
                    // the balanced vote on almost every word of an
                    // article: found by a tester on real news).
                    let new_lambda = weight(config.new_lambda, config.new_floor);
                    let nearest_new = hood
                        .first()
                        .map(|h| column[h.1 as usize])
                        .filter(|&c| c >= labels.len());
                    if let Some(c) =
                        nearest_new.filter(|_| new_lambda > 0.0 && bs > 0.0 && enough_for_new)
                    {
                        let mass = new_lambda * balanced[c] / bs;
                        for v in &mut p[..labels.len()] {
                            *v *= 1.0 - mass;
                        }
                        for v in &mut p[labels.len()..] {
                            *v = 0.0;
                        }
                        p[c] = mass;
                    } else {
                        for v in &mut p[labels.len()..] {
                            *v = 0.0;
                        }
                    }
                    p
                })
                .collect()
        })
        .collect();
    (names, probs)
}

/// Each sentence's best IOB2 sequence under per-word probabilities
/// `probs` over tag `names` (Viterbi over their logarithms), with each
/// word's probability of its tag.
pub fn best_tags(names: &[String], probs: &[Vec<Vec<f32>>]) -> Vec<MixedTags> {
    let paths = Iob2Paths::new(names);
    probs
        .iter()
        .map(|probs| {
            let scores: Vec<Vec<f32>> = probs
                .iter()
                .map(|p| p.iter().map(|&v| (v + 1e-9).ln()).collect())
                .collect();
            let best = paths.best(&scores);
            MixedTags {
                confidence: best.iter().zip(probs).map(|(&k, p)| p[k]).collect(),
                tags: best.into_iter().map(|k| names[k].clone()).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// The memory's mix decoded, as the proposer reads it with no fast
    /// tagger's share.
    fn decoded((names, probs): (Vec<String>, Vec<Vec<Vec<f32>>>)) -> Vec<MixedTags> {
        best_tags(&names, &probs)
    }

    #[test]
    fn neighbours_are_the_most_similar_states_first() {
        let mut m = KnnMemory::new(2, 100);
        m.add(
            "a",
            1,
            &[vec![1.0, 0.0], vec![0.0, 1.0], vec![1.0, 1.0]],
            &s(&["B-PER", "O", "B-LOC"]),
        );
        let n = m.neighbours(&[vec![2.0, 0.1]], 2);
        assert_eq!(n[0].len(), 2);
        assert_eq!(m.tags()[n[0][0].1 as usize], "B-PER");
        assert_eq!(m.tags()[n[0][1].1 as usize], "B-LOC");
        assert!(n[0][0].0 > n[0][1].0);
    }

    #[test]
    fn a_view_hides_one_documents_words_and_leaves_the_memory_as_it_was() {
        let mut m = KnnMemory::new(2, 100);
        m.add("a", 1, &[vec![1.0, 0.0]], &s(&["B-PER"]));
        m.add(
            "b",
            2,
            &[vec![0.9, 0.1], vec![0.0, 1.0]],
            &s(&["B-LOC", "O"]),
        );
        let q = [vec![1.0, 0.0]];
        let whole = m.neighbours(&q, 3);
        assert_eq!(m.tags()[whole[0][0].1 as usize], "B-PER");
        let view = m.hiding(|id| id == "a");
        assert_eq!((view.len(), view.visible()), (3, 2));
        let got = view.neighbours(&q, 3);
        assert_eq!(got[0].len(), 2, "{got:?}");
        assert!(
            got[0]
                .iter()
                .all(|(_, t)| view.tags()[*t as usize] != "B-PER")
        );
        assert_eq!(view.hiding(|id| id == "b").visible(), 0);
        assert_eq!(m.neighbours(&q, 3), whole);
        assert_eq!(m.visible(), 3);
    }

    #[test]
    fn a_document_added_again_replaces_its_words_and_the_oldest_go_first() {
        let mut m = KnnMemory::new(2, 3);
        m.add("a", 1, &[vec![1.0, 0.0], vec![0.0, 1.0]], &s(&["O", "O"]));
        m.add("a", 2, &[vec![1.0, 0.0]], &s(&["B-PER"]));
        assert_eq!((m.len(), m.documents(), m.digest_of("a")), (1, 1, Some(2)));
        m.add("b", 3, &[vec![1.0, 0.0], vec![0.0, 1.0]], &s(&["O", "O"]));
        assert_eq!(m.len(), 3);
        m.add("c", 4, &[vec![1.0, 1.0]], &s(&["B-LOC"]));
        assert_eq!(m.ids().collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(m.len(), 3);
        m.remove("b");
        assert_eq!((m.len(), m.ids().collect::<Vec<_>>()), (1, vec!["c"]));
    }

    #[test]
    fn the_neighbours_bring_a_label_the_model_does_not_have() {
        let labels = s(&["O", "B-PER", "I-PER"]);
        let mut m = KnnMemory::new(2, 1000);
        // One NORP word and enough O words for a new label to count
        // (MIN_NEW_LABEL_WORDS).
        let mut states = vec![vec![1.0, 0.0]];
        let mut tags = s(&["B-NORP"]);
        for i in 0..MIN_NEW_LABEL_WORDS {
            states.push(vec![-0.2 + 0.001 * i as f32, 1.0]);
            tags.push("O".into());
        }
        m.add("a", 1, &states[..2], &tags[..2]);
        let few = KnnConfig {
            k: 1,
            temperature: 0.1,
            lambda: 0.0,
            floor: 0.0,
            new_lambda: 0.7,
            new_floor: 0.0,
            head: HeadConfig::OFF,
        };
        // Two stored words: too few for a new label.
        let one = vec![vec![vec![1.0, 0.0, 0.0]]];
        let near = vec![vec![vec![0.9, 0.1]]];
        assert_eq!(
            decoded(mixed_probabilities(
                &m,
                few,
                &["O", "B-PER", "I-PER"].map(String::from),
                &one,
                &near,
                1.0
            ))[0]
                .tags,
            ["O"]
        );
        m.add("a", 1, &states, &tags);
        // The model says O for both words, not very surely.
        let logits = vec![vec![vec![1.0, 0.0, 0.0], vec![1.0, 0.0, 0.0]]];
        let states = vec![vec![vec![0.9, 0.1], vec![-0.1, 1.0]]];
        let cfg = KnnConfig {
            k: 1,
            temperature: 0.1,
            lambda: 0.0,
            floor: 0.0,
            new_lambda: 0.7,
            new_floor: 0.0,
            head: HeadConfig::OFF,
        };
        let got = decoded(mixed_probabilities(&m, cfg, &labels, &logits, &states, 1.0));
        assert_eq!(got[0].tags, ["B-NORP", "O"]);
        assert!(got[0].confidence[0] > 0.6);
        // λ = 0: the model alone.
        let off = KnnConfig {
            new_lambda: 0.0,
            ..cfg
        };
        assert_eq!(
            decoded(mixed_probabilities(&m, off, &labels, &logits, &states, 1.0))[0].tags,
            ["O", "O"]
        );
    }

    #[test]
    fn an_empty_memory_leaves_the_model_as_it_is() {
        let labels = s(&["O", "B-PER", "I-PER"]);
        let m = KnnMemory::new(2, 100);
        let logits = vec![vec![vec![0.0, 3.0, 0.0], vec![0.0, 0.0, 3.0]]];
        let states = vec![vec![vec![1.0, 0.0], vec![0.0, 1.0]]];
        let got = decoded(mixed_probabilities(
            &m,
            KnnConfig::default(),
            &labels,
            &logits,
            &states,
            1.0,
        ));
        assert_eq!(got[0].tags, ["B-PER", "I-PER"]);
    }

    /// A memory whose words came with the encoder's scores refits the
    /// head: the base scores say `O` everywhere, the gold says `B-PER`
    /// along one direction, and with the vote off (λ = 0) the refitted
    /// head alone proposes it on an unseen word along that direction;
    /// hiding the document that taught it takes it back.
    #[test]
    fn a_refitted_head_reaches_words_no_neighbour_decides() {
        let labels = s(&["O", "B-PER", "I-PER"]);
        let mut m = KnnMemory::new(2, 100);
        let mut states = Vec::new();
        let mut tags = Vec::new();
        for i in 0..20 {
            let a = i as f32 / 20.0;
            states.push(vec![1.0, a]);
            tags.push("B-PER".to_string());
            states.push(vec![-1.0, a]);
            tags.push("O".to_string());
        }
        let scores = vec![vec![1.0, 0.0, -1.0]; states.len()];
        m.add_scored("a", 1, &states, &scores, &tags);
        let head = HeadConfig {
            epochs: 100,
            rate: 0.1,
            l2: 0.001,
            replay: 0.0,
        };
        let cfg = KnnConfig {
            lambda: 0.0,
            new_lambda: 0.0,
            head,
            ..KnnConfig::default()
        };
        let logits = vec![vec![vec![1.0, 0.0, -1.0], vec![1.0, 0.0, -1.0]]];
        let read = vec![vec![vec![2.0, 3.0], vec![-2.0, 3.0]]];
        let got = decoded(mixed_probabilities(&m, cfg, &labels, &logits, &read, 1.0));
        assert_eq!(got[0].tags, ["B-PER", "O"]);
        // The head as shipped, or the teaching document hidden: O.
        let off = KnnConfig {
            head: HeadConfig::OFF,
            ..cfg
        };
        let got = decoded(mixed_probabilities(&m, off, &labels, &logits, &read, 1.0));
        assert_eq!(got[0].tags, ["O", "O"]);
        let hidden = m.hiding(|id| id == "a");
        assert!(hidden.head_shift(&labels, head).is_none());
        // Words added without scores: no refit, the model alone.
        let mut plain = KnnMemory::new(2, 100);
        plain.add("a", 1, &states, &tags);
        assert!(plain.head_shift(&labels, head).is_none());
        // Base words replayed at a weight above 0 change the fit; at 0, or
        // with none set, it is the done words' alone.
        let mut replayed = m.clone();
        replayed.set_replay(Arc::new(Replay {
            states: vec![1.0, 0.5],
            scores: vec![1.0, 0.0, -1.0],
            gold: vec![0],
        }));
        let with_replay = HeadConfig {
            replay: 5.0,
            ..head
        };
        let plain_fit = m.head_shift(&labels, head);
        assert_eq!(replayed.head_shift(&labels, head), plain_fit);
        assert_eq!(m.head_shift(&labels, with_replay), plain_fit);
        assert_ne!(replayed.head_shift(&labels, with_replay), plain_fit);
        // Removing a document keeps the others' scores aligned.
        m.add_scored("b", 2, &states[..2], &scores[..2], &tags[..2]);
        m.remove("a");
        assert!(m.head_shift(&labels, head).is_some());
    }
}
