//! One proposer over everything that can suggest an entity: the trained
//! model, the rules and dates, the gazetteers, and the memory of what
//! annotators already saved as gold.
//!
//! Conflicts: candidates are taken greedily, memory first (the annotator's
//! own decisions), then the model (on held-out ANERcorp it is the most
//! precise source: ranking every source by confidence gave 0.684 F1, model
//! first 0.695, see docs/model.md), then rules, dates and gazetteers; within
//! a tier by confidence, then the longer span, then the earlier one. A
//! candidate overlapping one already taken is dropped. When two sources
//! propose the very same span and label, the kept one gets the higher of
//! their confidences plus a small bonus for the agreement.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use std::borrow::Cow;

use super::accurate::decode::softmax;
use super::accurate::knn::{self, KnnConfig, KnnMemory};
use super::accurate::{AccurateTagger, EncoderError};
use super::conventions::Conventions;
use super::gazetteer::Gazetteer;
use super::iob::{Sentence, TokenSpan, spans};
use super::model::Model;
use super::train::{TrainConfig, TrainError, train};
use super::words::Words;
use super::{dates, rules};
use crate::annotation::{DocAnnotations, Proposal, Source};
use crate::arabic::TokenKind;

/// The fast tagger's share of each word's tag distribution when the
/// accurate tier reads ([`Proposer::with_fast_weight`]), set by
/// [`Proposer::with_accurate`]. Chosen among 0, 0.3, 0.5, 0.6, 0.7 and 0.85:
/// on held-out ANERcorp (exact-span micro F1) 0.7813 / 0.7854 / 0.7733 /
/// – / 0.7662 for 0 / 0.3 / 0.5 / 0.7 (the fast tier alone 0.7545); on the
/// tuning split of the Libya 2017 benchmark 0.3 changes −0.3 to +1.0 points
/// and 0.7 is best (+1.7 with nothing done), but costs 1.5 points on
/// ANERcorp. docs/model.md, "Both tiers in one answer".
pub const DEFAULT_FAST_WEIGHT: f32 = 0.3;

/// Added to the confidence of a span two sources agree on.
const AGREEMENT_BONUS: f32 = 0.1;

/// Confidence of a memory match: a person already said so.
const MEMORY_CONFIDENCE: f32 = crate::annotation::DECIDED_CONFIDENCE;

/// Which tagger gives the model's spans: the fast one (a CRF, hundreds of
/// thousands of words a second) or the accurate one (a fine-tuned encoder,
/// about a thousand; see [`crate::propose::accurate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    Fast,
    Accurate,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Fast => "fast",
            Tier::Accurate => "accurate",
        }
    }
}

/// One sentence's tag names and per-token confidences.
type TagsOf<'a> = (Vec<Cow<'a, str>>, Vec<f32>);

/// The combined proposer. Cheap to clone (the model is shared).
#[derive(Clone)]
pub struct Proposer {
    model: Arc<Model>,
    /// The accurate tier: when set, the model's spans come from the
    /// fine-tuned encoder instead of the fast tagger (rules, dates,
    /// gazetteers and memory stay as they are).
    accurate: Option<Arc<AccurateTagger>>,
    /// The accurate tier's nearest-neighbour memory of done documents'
    /// words ([`knn`]): mixed into the encoder's scores when set and not
    /// empty.
    knn: Option<(Arc<KnnMemory>, KnnConfig)>,
    /// The fast tagger's share when both tiers read a sentence: each word's
    /// tag distribution is `(1 − w) × encoder + w × fast tagger`
    /// (marginals), decoded as one IOB2 sequence; 0: the encoder alone.
    fast_weight: f32,
    memory: Gazetteer,
    memory_len: usize,
    /// Name heads learnt from decided entities ([`Conventions`]).
    conventions: Conventions,
}

impl Proposer {
    pub fn new(model: Arc<Model>) -> Proposer {
        Proposer {
            model,
            accurate: None,
            knn: None,
            fast_weight: 0.0,
            memory: Gazetteer::default(),
            memory_len: 0,
            conventions: Conventions::default(),
        }
    }

    /// Swaps in a retrained model.
    pub fn set_model(&mut self, model: Arc<Model>) {
        self.model = model;
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The same proposer with the model's spans from the accurate tier,
    /// the fast tagger's marginals mixed in at [`DEFAULT_FAST_WEIGHT`]
    /// (change with [`Proposer::with_fast_weight`] after this).
    pub fn with_accurate(mut self, tagger: Arc<AccurateTagger>) -> Proposer {
        self.accurate = Some(tagger);
        self.fast_weight = DEFAULT_FAST_WEIGHT;
        self
    }

    /// The same proposer with the accurate tier's scores mixed with the
    /// neighbours' votes from `memory` (no effect on the fast tier).
    pub fn with_knn(mut self, memory: Arc<KnnMemory>, config: KnnConfig) -> Proposer {
        self.knn = Some((memory, config));
        self
    }

    /// The same proposer with the fast tagger's marginals mixed into the
    /// accurate tier's word distributions at weight `w` (0 to 1; no effect
    /// on the fast tier). The fast tagger here is the model in use, the
    /// one retrained on done documents in the workbench, so its share
    /// brings what retraining learnt into the accurate tier's answer.
    pub fn with_fast_weight(mut self, w: f32) -> Proposer {
        self.fast_weight = w.clamp(0.0, 1.0);
        self
    }

    /// The same proposer with the model's spans from the fast tagger.
    pub fn fast(&self) -> Proposer {
        Proposer {
            accurate: None,
            knn: None,
            ..self.clone()
        }
    }

    /// Which tier the model's spans come from.
    pub fn tier(&self) -> Tier {
        if self.accurate.is_some() {
            Tier::Accurate
        } else {
            Tier::Fast
        }
    }

    /// Per sentence of tokens: the tag name and confidence of each token,
    /// from the accurate tier when set, else from the fast tagger (which
    /// sees the sentences as one running text). Errors only from the
    /// encoder (it should not fail: see `tests/accurate_tier.rs`).
    fn tag_tokens<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
    ) -> Result<Vec<TagsOf<'_>>, EncoderError> {
        if let Some(acc) = &self.accurate {
            let knn = self.knn.as_ref().filter(|(m, _)| !m.is_empty());
            if knn.is_some() || self.fast_weight > 0.0 {
                let rows = acc.sentence_rows(sents, knn.is_some())?;
                let (names, mut probs) = match knn {
                    Some((memory, config)) => knn::mixed_probabilities(
                        memory,
                        *config,
                        &acc.labels,
                        &rows.logits,
                        &rows.states,
                        acc.temperature,
                    ),
                    None => (
                        acc.labels.clone(),
                        rows.logits
                            .iter()
                            .map(|s| s.iter().map(|row| softmax(row, acc.temperature)).collect())
                            .collect(),
                    ),
                };
                if self.fast_weight > 0.0 {
                    self.blend_fast(sents, &names, &mut probs);
                }
                return Ok(knn::best_tags(&names, &probs)
                    .into_iter()
                    .map(|t| (t.tags.into_iter().map(Cow::Owned).collect(), t.confidence))
                    .collect());
            }
            return Ok(acc
                .tag_sentences(sents)?
                .into_iter()
                .map(|t| {
                    (
                        t.tags
                            .iter()
                            .map(|&k| Cow::Borrowed(acc.tag_name(k)))
                            .collect(),
                        t.confidence,
                    )
                })
                .collect());
        }
        Ok(self
            .model
            .tag_document(sents, true)
            .into_iter()
            .map(|t| {
                (
                    t.tags
                        .iter()
                        .map(|&k| Cow::Borrowed(self.model.tag_name(k)))
                        .collect(),
                    t.confidence,
                )
            })
            .collect())
    }

    /// The model's tags alone (no rules, dates, gazetteers or memory) of
    /// each sentence's words, as IOB2 names, from the tier and mix this
    /// proposer reads with: what `kashif tag --fast-weight` writes.
    ///
    /// # Errors
    /// The encoder's.
    pub fn model_tags<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
    ) -> Result<Vec<Vec<String>>, EncoderError> {
        Ok(self
            .tag_tokens(sents)?
            .into_iter()
            .map(|(tags, _)| tags.into_iter().map(Cow::into_owned).collect())
            .collect())
    }

    /// Mixes the fast tagger's marginals into `probs` (per sentence, per
    /// word, one probability per tag of `names`) at [`Self::fast_weight`];
    /// a fast tag `names` lacks adds nothing, and a name the fast tagger
    /// lacks (a label only the neighbour memory knows) keeps its
    /// probability: the fast tagger's share is taken out of the mass on the
    /// tags both know (weakening it cost `tests/accurate_learns.rs` its
    /// unseen `NORP` word).
    fn blend_fast<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
        names: &[String],
        probs: &mut [Vec<Vec<f32>>],
    ) {
        let w = self.fast_weight;
        // The fast tagger's tag k → its column in `names`, the same for
        // every sentence.
        let l = self.model.labels.len();
        let column: Vec<Option<usize>> = (0..l)
            .map(|k| {
                let name = self.model.tag_name(k);
                names.iter().position(|x| x == name)
            })
            .collect();
        let mut known = vec![false; names.len()];
        for c in column.iter().flatten() {
            known[*c] = true;
        }
        let fast = self.model.tag_document(sents, true);
        for (tagged, sent) in fast.iter().zip(probs.iter_mut()) {
            let n = tagged.tags.len();
            if n == 0 || n != sent.len() || tagged.marginals.len() != n * l {
                continue;
            }
            for (i, p) in sent.iter_mut().enumerate() {
                let mut f = vec![0f32; p.len()];
                for (k, c) in column.iter().enumerate() {
                    if let Some(c) = *c {
                        f[c] += tagged.marginals[i * l + k];
                    }
                }
                // The mass on tags both know is mixed; a new label's
                // (the neighbours' NORP) stays as it was.
                let shared: f32 = p
                    .iter()
                    .zip(&known)
                    .filter(|(_, k)| **k)
                    .map(|(v, _)| v)
                    .sum();
                for ((v, fv), k) in p.iter_mut().zip(&f).zip(&known) {
                    if *k {
                        *v = (1.0 - w) * *v + w * fv * shared;
                    }
                }
            }
        }
    }

    /// Remembers a gold entity's text: from now on it is proposed wherever
    /// it occurs. The first label remembered for a text stays.
    pub fn remember(&mut self, text: &str, label: &str) {
        self.remember_with(text, label, MEMORY_CONFIDENCE);
    }

    /// [`Proposer::remember`] with the confidence its proposals get (0..=1):
    /// an entity accepted in bulk spreads no stronger than the proposal was
    /// ([`crate::annotation::Span::memory_confidence`]).
    pub fn remember_with(&mut self, text: &str, label: &str, confidence: f32) {
        self.remember_name_with(text, label, confidence);
        // A name accepted in bulk is the model's guess, no convention (an
        // empty text teaches nothing either).
        if Conventions::teaches(confidence) {
            self.conventions.learn(text, label);
        }
    }

    /// [`Proposer::remember_with`] without learning its head
    /// ([`Conventions`]): for a caller that sets the conventions itself
    /// ([`Proposer::set_conventions`]).
    pub fn remember_name_with(&mut self, text: &str, label: &str, confidence: f32) {
        if !text.trim().is_empty() {
            self.memory.add(text, label, confidence);
            self.memory_len += 1;
        }
    }

    /// Replaces the name heads learnt so far (`kashif propose`: every
    /// saved document's less the document's own,
    /// [`Conventions::shared_less`]).
    pub fn set_conventions(&mut self, conventions: Conventions) {
        self.conventions = conventions;
    }

    /// Remembers every entity of a document's annotations, each with the
    /// strength of how it was decided, decided ones first (the first label
    /// remembered for a text stays).
    pub fn remember_all(&mut self, ann: &DocAnnotations) {
        let mut es: Vec<&crate::annotation::Span> = ann.entities.iter().collect();
        es.sort_by(|a, b| b.memory_confidence().total_cmp(&a.memory_confidence()));
        for e in es {
            self.remember_with(&e.text, &e.label, e.memory_confidence());
        }
    }

    /// How many gold strings were remembered.
    pub fn memory_len(&self) -> usize {
        self.memory_len
    }

    /// Proposals for a document text, overlaps resolved, sorted by start.
    /// If the accurate tier fails on the text, the fast tagger answers and
    /// the failure goes to standard error; callers that must say so use
    /// [`Proposer::try_propose`].
    pub fn propose(&self, text: &str) -> Vec<Proposal> {
        self.try_propose(text).unwrap_or_else(|e| {
            eprintln!("kashif: accurate tier failed, fast tagger used: {e}");
            self.fast().propose(text)
        })
    }

    /// [`Proposer::propose`] without the fallback: an encoder failure is
    /// returned.
    pub fn try_propose(&self, text: &str) -> Result<Vec<Proposal>, EncoderError> {
        let words = Words::from_text(text);
        let mut all = self.model_proposals(text, &words)?;
        all.extend(self.other_proposals(&words));
        self.conventions.apply(&words, &mut all);
        drop_offices(&mut all, text);
        Ok(super::repeat::repeat_in_document(resolve(all), &words))
    }

    /// Token-level proposals for CoNLL input (`kashif tag`): sentences of
    /// tokens in, token spans per sentence out, only labels `keep` accepts.
    /// The model sees all sentences as one running text; rules, dates and
    /// gazetteers see one sentence at a time. Spans cover whole tokens.
    pub fn propose_tokens<S: AsRef<str> + Sync>(
        &self,
        sents: &[Vec<S>],
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<Vec<TokenSpan>>, EncoderError> {
        let tagged = self.tag_tokens(sents)?;
        Ok(sents
            .iter()
            .zip(tagged)
            .map(|(s, (tags, confidence))| {
                let toks: Vec<&str> = s.iter().map(|x| x.as_ref()).collect();
                let words = Words::from_tokens(&toks);
                let mut all: Vec<Proposal> = spans(&tags)
                    .into_iter()
                    .map(|sp| {
                        let c = confidence[sp.start..sp.end]
                            .iter()
                            .copied()
                            .fold(1.0f32, f32::min);
                        words.proposal(sp.start, 0, sp.end - 1, &sp.label, c, Source::Model)
                    })
                    .collect();
                all.extend(self.other_proposals(&words));
                self.conventions.apply(&words, &mut all);
                all.retain(|p| keep(&p.label));
                resolve(all)
                    .into_iter()
                    .filter_map(|p| {
                        let ws = &words.words;
                        let first = ws.iter().position(|w| w.end > p.start)?;
                        let last = ws.iter().rposition(|w| w.start < p.end)?;
                        (first <= last).then(|| TokenSpan {
                            start: first,
                            end: last + 1,
                            label: p.label.clone(),
                        })
                    })
                    .collect()
            })
            .collect())
    }

    /// Rules, dates, gazetteers and memory on one text's words.
    fn other_proposals(&self, words: &Words) -> Vec<Proposal> {
        let mut all = rules::propose_words(words);
        all.extend(dates::propose_words(words));
        all.extend(Gazetteer::builtin().propose_words(words, Source::Gazetteer));
        if self.memory_len > 0 {
            all.extend(self.memory.propose_words(words, Source::Memory));
        }
        all
    }

    /// The model's spans, with the conjunction or preposition glued to the
    /// first word left out (ANERcorp tags whole tokens; our guidelines do not).
    fn model_proposals(&self, text: &str, words: &Words) -> Result<Vec<Proposal>, EncoderError> {
        let sents = sentences(text, words);
        let toks: Vec<Vec<&str>> = sents
            .iter()
            .map(|r| words.words[r.clone()].iter().map(|w| w.text).collect())
            .collect();
        let tagged = self.tag_tokens(&toks)?;
        let mut out = Vec::new();
        for (range, (tags, conf)) in sents.iter().zip(tagged) {
            for s in spans(&tags) {
                let first = range.start + s.start;
                let last = range.start + s.end - 1;
                let confidence = conf[s.start..s.end].iter().copied().fold(1.0f32, f32::min);
                let skip = self.proclitic_skip(words, first, &s.label);
                out.push(words.proposal(first, skip, last, &s.label, confidence, Source::Model));
            }
        }
        Ok(out)
    }

    /// Chars to leave out at the start of a model span: the guidelines'
    /// clitic rule ([`crate::arabic::clitic_skip`]) with the training data's
    /// names as the known words (`وأذربيجان` stripped, `لبنان` kept whole,
    /// `بلينكين` kept). A word the gazetteers know whole with the span's
    /// label keeps its letters even when the rest is a name too (`لبنان`
    /// LOC is not ل + the given name `بنان`), and a lone ف stays before a
    /// rest nobody knows (`فياض`, `فائز`: names start with ف far more often
    /// than a conjunction ف glues to one).
    fn proclitic_skip(&self, words: &Words, i: usize, label: &str) -> usize {
        let w = &words.words[i];
        if w.kind != TokenKind::Arabic {
            return 0;
        }
        if Gazetteer::builtin().label_of(w.text) == Some(label) {
            return 0;
        }
        let lex = &self.model.lexicon;
        let skip = crate::arabic::clitic_skip(w.text, |form| lex.names(form));
        // A lone conjunction before a rest the training data never saw,
        // on a word it did see whole, is the word's own letter: `وزارة`
        // (ministry) is not و + `زارة`.
        if skip == 1 && w.text.starts_with(['و', 'ف']) && super::rules::is_cue_word(w.text) {
            return 0;
        }
        if skip == 1 && w.text.starts_with(['و', 'ف']) {
            let seen = |form: &str| lex.word_class(form).0 != super::lexicon::UNSEEN;
            let rest: String = w.text.chars().skip(1).collect();
            let norm = |s: &str| crate::arabic::normalize(s).into_string();
            if seen(&norm(w.text)) && !seen(&norm(&rest)) {
                return 0;
            }
            if w.text.starts_with('ف')
                && !lex.names(&norm(&rest))
                && Gazetteer::builtin().label_of(&rest).is_none()
            {
                return 0;
            }
        }
        skip
    }
}

/// Word ranges of the sentences: broken after `.` `!` `?` `؟` and at line breaks.
pub(crate) fn sentences(text: &str, words: &Words) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let ws = &words.words;
    let index = crate::text::CharIndex::new(text);
    for i in 0..ws.len() {
        let end_here = matches!(ws[i].text, "." | "!" | "?" | "؟")
            || ws.get(i + 1).is_some_and(|n| {
                index
                    .slice(text, ws[i].end, n.start)
                    .is_some_and(|gap| gap.contains('\n'))
            });
        if end_here || i + 1 == ws.len() {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    out
}

/// Greedy non-overlapping choice (see the module comment). A model's PER
/// made only of countries and major cities (gazetteer LOC proposals that
/// [`super::gazetteer::is_city_or_country`] knows, joined by spaces or the
/// conjunction و) is left out first: the places are knowledge, the person
/// a guess (issue 22: `باكو`, `يريفان`, `باكو ويريفان` were PER at 0.89).
pub fn resolve(mut all: Vec<Proposal>) -> Vec<Proposal> {
    longest_name_wins(&mut all);
    let mut places: Vec<(usize, usize)> = all
        .iter()
        .filter(|p| {
            p.source == Source::Gazetteer
                && p.label == "LOC"
                && super::gazetteer::is_city_or_country(&p.text)
        })
        .map(|p| (p.start, p.end))
        .collect();
    if !places.is_empty() {
        places.sort_unstable();
        all.retain(|p| !(p.source == Source::Model && p.label == "PER" && only_places(p, &places)));
    }
    // Merge exact duplicates first, keeping the best source's record.
    all.sort_by(|a, b| {
        (a.start, a.end, &a.label)
            .cmp(&(b.start, b.end, &b.label))
            .then(rank(b).total_cmp(&rank(a)))
    });
    let mut merged: Vec<Proposal> = Vec::with_capacity(all.len());
    for p in all {
        match merged.last_mut() {
            Some(q) if q.same_place(&p) => {
                q.confidence = (q.confidence.max(p.confidence) + AGREEMENT_BONUS).min(1.0);
            }
            _ => merged.push(p),
        }
    }
    merged.sort_by(|a, b| {
        rank(b)
            .total_cmp(&rank(a))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
            .then(a.label.cmp(&b.label))
    });
    // Kept spans are disjoint, so sorted by start their ends are sorted
    // too: only the last one starting before p's end can reach into p
    // (a scan of every kept span made a long article quadratic).
    let mut kept: std::collections::BTreeMap<usize, Proposal> = Default::default();
    for p in merged {
        let clear = kept
            .range(..p.end)
            .next_back()
            .is_none_or(|(_, k)| k.end <= p.start);
        if p.end > p.start && clear {
            kept.insert(p.start, p);
        }
    }
    kept.into_values().collect()
}

/// Whether every char of `p` lies in one of `places` (sorted char ranges)
/// or is a space or the conjunction و between them.
fn only_places(p: &Proposal, places: &[(usize, usize)]) -> bool {
    let from = places.partition_point(|&(s, _)| s < p.start);
    let inside: Vec<(usize, usize)> = places[from..]
        .iter()
        .take_while(|&&(s, _)| s < p.end)
        .filter(|&&(_, e)| e <= p.end)
        .copied()
        .collect();
    if inside.is_empty() {
        return false;
    }
    p.text.chars().enumerate().all(|(k, c)| {
        let at = p.start + k;
        c.is_whitespace() || c == 'و' || inside.iter().any(|&(s, e)| s <= at && at < e)
    })
}

/// Drops remembered organisations that are a title's office where they
/// stand (`الخارجية` in `وزير الخارجية`: [`rules::office_of_title`]).
/// Offsets are chars of `text`.
pub fn drop_offices(all: &mut Vec<Proposal>, text: &str) {
    if !all
        .iter()
        .any(|p| p.source == Source::Memory && p.label == "ORG")
    {
        return;
    }
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    all.retain(|p| {
        if p.source != Source::Memory || p.label != "ORG" {
            return true;
        }
        match (bytes.get(p.start), bytes.get(p.end)) {
            // An empty or inverted span is left for `resolve` to drop.
            (Some(&s), Some(&e)) if s < e => !rules::office_of_title(&text[s..e], &text[..s]),
            _ => true,
        }
    });
}

/// A model span at least this sure keeps a remembered name inside it out
/// (see [`longest_name_wins`]).
pub const LONGER_NAME_CONFIDENCE: f32 = 0.5;

/// Drops each memory proposal that lies strictly inside a longer name of
/// the same label, because the guidelines mark the longest name and a
/// remembered short form (`السراج`, `حفتر`) inside a full name (`فايز السراج`,
/// `خليفة حفتر`) is not a name of its own. Memory otherwise outranks the
/// model, so without this the short form won. The longer name is:
///
/// - a model proposal at least [`LONGER_NAME_CONFIDENCE`] sure, of any label;
/// - or a remembered name (memory proposal) when the inner one is a person
///   (no names inside a person's name), or when it sits between words of
///   the longer one (`مصر` in `جمهورية مصر العربية`: the same country). A
///   remembered place or organisation at either end of a remembered longer
///   one stays nested, as the guidelines have it (`قرطاج` in `قصر قرطاج`,
///   `حكومة الوفاق الوطني` in `المجلس الرئاسي لحكومة الوفاق الوطني`).
///
/// Measured on the Libya 2017 benchmark (`cargo bench --bench learn`, tuning
/// split with `KASHIF_LEARN_TUNE=1`): docs/model.md.
pub fn longest_name_wins(all: &mut Vec<Proposal>) {
    let mut longer: Vec<(usize, usize, &str, bool)> = all
        .iter()
        .filter(|p| {
            (p.source == Source::Model && p.confidence >= LONGER_NAME_CONFIDENCE)
                || p.source == Source::Memory
        })
        .map(|p| (p.start, p.end, p.label.as_str(), p.source == Source::Memory))
        .collect();
    if longer.is_empty() {
        return;
    }
    longer.sort_unstable();
    let max_len = longer.iter().map(|m| m.1 - m.0).max().unwrap_or(0);
    let inside = |p: &Proposal| {
        // Longer names starting at most `max_len` before p.
        let to = longer.partition_point(|m| m.0 <= p.start);
        let from = longer.partition_point(|m| m.0 + max_len < p.end).min(to);
        longer[from..to].iter().any(|&(s, e, l, remembered)| {
            let contains = l == p.label && s <= p.start && p.end <= e && (s, e) != (p.start, p.end);
            let between = s < p.start && p.end < e;
            contains && (!remembered || p.label == "PER" || between)
        })
    };
    let drop: Vec<bool> = all
        .iter()
        .map(|p| p.source == Source::Memory && inside(p))
        .collect();
    let mut i = 0;
    all.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

fn rank(p: &Proposal) -> f32 {
    let tier = match p.source {
        Source::Memory => 20.0,
        Source::Model => 10.0,
        Source::Rule | Source::Gazetteer => 0.0,
    };
    tier + p.confidence
}

/// The proposals worth showing for a document: not on an existing entity's
/// place, not rejected before, not already proposed.
pub fn fresh(ann: &DocAnnotations, proposals: Vec<Proposal>) -> Vec<Proposal> {
    // Looked up by place, not scanned per proposal: linear in the
    // document's length.
    let mut ents: Vec<(usize, usize)> = ann.entities.iter().map(|e| (e.start, e.end)).collect();
    ents.sort_unstable();
    let longest = ents.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
    let taken: std::collections::HashSet<(usize, usize, &str)> = ann
        .rejected
        .iter()
        .map(|r| (r.start, r.end, r.label.as_str()))
        .chain(
            ann.proposals
                .iter()
                .map(|q| (q.start, q.end, q.label.as_str())),
        )
        .collect();
    proposals
        .into_iter()
        .filter(|p| {
            // entities that can overlap p start within `longest` before it
            let from = ents.partition_point(|&(s, _)| s + longest < p.start);
            let overlaps = ents[from..]
                .iter()
                .take_while(|&&(s, _)| s < p.end)
                .any(|&(s, e)| s < p.end && p.start < e);
            !overlaps && !taken.contains(&(p.start, p.end, p.label.as_str()))
        })
        .collect()
}

/// Trains a model on a thread of its own and delivers it (or the error)
/// on the returned channel, so the UI never waits on training.
pub fn retrain_in_background(
    data: Vec<Sentence>,
    cfg: TrainConfig,
) -> Receiver<Result<Model, TrainError>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let result = train(&data, &[], &cfg, |_| {});
        // The receiver may be gone (the app closed); nothing to do then.
        let _ = tx.send(result);
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Rejected, Span};

    fn prop(start: usize, end: usize, label: &str, confidence: f32, source: Source) -> Proposal {
        Proposal {
            start,
            end,
            label: label.into(),
            text: String::new(),
            confidence,
            source,
        }
    }

    /// The proposals of `all` that [`longest_name_wins`] drops.
    fn dropped_by_longest(all: &[Proposal]) -> Vec<&Proposal> {
        let mut kept = all.to_vec();
        longest_name_wins(&mut kept);
        all.iter().filter(|p| !kept.contains(p)).collect()
    }

    #[test]
    fn a_remembered_short_form_inside_a_longer_model_name_of_its_label_goes() {
        // «فايز السراج»: the model's full name 10..21, memory's «السراج» 15..21.
        let all = vec![
            prop(10, 21, "PER", 0.8, Source::Model),
            prop(15, 21, "PER", 0.95, Source::Memory),
            // Another label inside stays for resolve to weigh; so does a
            // memory span where the model is unsure.
            prop(30, 40, "ORG", 0.9, Source::Model),
            prop(36, 40, "LOC", 0.95, Source::Memory),
            prop(50, 60, "PER", 0.3, Source::Model),
            prop(52, 60, "PER", 0.95, Source::Memory),
            // Memory spans before every model span and after them all (the
            // search window must not invert).
            prop(0, 5, "PER", 0.95, Source::Memory),
            prop(70, 90, "PER", 0.95, Source::Memory),
        ];
        assert_eq!(dropped_by_longest(&all), [&all[1]]);
        let got = resolve(all);
        assert!(got.iter().any(|p| (p.start, p.end) == (10, 21)), "{got:?}");
    }

    #[test]
    fn a_remembered_short_form_inside_a_longer_remembered_name_goes_unless_nested_at_an_end() {
        let all = vec![
            // «خليفة حفتر» remembered, «حفتر» remembered: a person's
            // name holds no other name.
            prop(0, 10, "PER", 0.95, Source::Memory),
            prop(6, 10, "PER", 0.95, Source::Memory),
            // «جمهورية مصر العربية» 20..39 around «مصر» 28..31: the same
            // country, between words of the longer name.
            prop(20, 39, "LOC", 0.95, Source::Memory),
            prop(28, 31, "LOC", 0.95, Source::Memory),
            // «قصر قرطاج» 50..59 around «قرطاج» 54..59: the city in the
            // palace's name stays nested, as the guidelines mark it.
            prop(50, 59, "LOC", 0.95, Source::Memory),
            prop(54, 59, "LOC", 0.95, Source::Memory),
            // Another label inside a remembered name stays too.
            prop(70, 84, "ORG", 0.95, Source::Memory),
            prop(76, 80, "LOC", 0.95, Source::Memory),
        ];
        assert_eq!(dropped_by_longest(&all), [&all[1], &all[3]]);
    }

    #[test]
    fn an_office_after_a_title_is_found_past_its_proclitic_and_al_shuun() {
        for before in [
            "قال وزير الشؤون ",
            "اجتماع لوزراء ",
            "ووزير ",
            "يجتمع وزراء الشؤون ",
        ] {
            assert!(rules::office_of_title("الخارجية", before), "{before}");
        }
        // After an organisation head the office is part of the ministry's
        // name, not a name inside it.
        for before in ["بلاغ لوزارة ", "عن وزارة الشؤون "] {
            assert!(rules::office_of_title("الخارجية", before), "{before}");
        }
        for before in ["أعلنت ", "قالت الشؤون ", ""] {
            assert!(!rules::office_of_title("الخارجية", before), "{before}");
        }
    }

    #[test]
    fn a_remembered_office_after_a_title_is_not_proposed() {
        let text = "قال وزير الخارجية إن الخارجية أعلنت";
        let at = |w: &str, nth: usize| {
            let b = text.match_indices(w).nth(nth).map(|(b, _)| b).unwrap();
            let s = text[..b].chars().count();
            (s, s + w.chars().count())
        };
        let (a, b) = (at("الخارجية", 0), at("الخارجية", 1));
        let mut all = vec![
            prop(a.0, a.1, "ORG", 0.95, Source::Memory),
            prop(b.0, b.1, "ORG", 0.95, Source::Memory),
            // The model's own ORG there is not memory: it stays.
            prop(a.0, a.1, "ORG", 0.7, Source::Model),
        ];
        drop_offices(&mut all, text);
        let places: Vec<_> = all.iter().map(|p| (p.start, p.source)).collect();
        assert_eq!(places, [(b.0, Source::Memory), (a.0, Source::Model)]);
    }

    #[test]
    fn resolve_prefers_memory_then_model_then_confidence_then_length() {
        let got = resolve(vec![
            prop(0, 5, "PER", 0.9, Source::Model),
            prop(3, 8, "ORG", 0.5, Source::Memory),
            prop(10, 20, "LOC", 0.6, Source::Gazetteer),
            prop(10, 14, "LOC", 0.6, Source::Rule),
            prop(30, 35, "DATE", 0.7, Source::Rule),
            prop(30, 35, "DATE", 0.6, Source::Model),
        ]);
        let brief: Vec<_> = got
            .iter()
            .map(|p| (p.start, p.end, p.label.as_str(), p.source))
            .collect();
        assert_eq!(
            brief,
            [
                (3, 8, "ORG", Source::Memory),
                (10, 20, "LOC", Source::Gazetteer),
                (30, 35, "DATE", Source::Model),
            ]
        );
        assert!((got[2].confidence - 0.8).abs() < 1e-6, "agreement bonus");
    }

    #[test]
    fn a_known_city_overrules_a_model_person_on_the_same_span() {
        let named = |start, end, label, confidence, source, text: &str| Proposal {
            text: text.into(),
            ..prop(start, end, label, confidence, source)
        };
        let baku = named(0, 4, "PER", 0.89, Source::Model, "باكو");
        let gaz = named(0, 4, "LOC", 0.75, Source::Gazetteer, "باكو");
        // A subdivision that is also a person's name stays the model's.
        let salah = named(10, 20, "PER", 0.8, Source::Model, "صلاح الدين");
        let sub = named(10, 20, "LOC", 0.75, Source::Gazetteer, "صلاح الدين");
        // Two capitals the model read as one person.
        let pair = named(30, 42, "PER", 0.89, Source::Model, "باكو ويريفان");
        let b2 = named(30, 34, "LOC", 0.75, Source::Gazetteer, "باكو");
        let y2 = named(36, 42, "LOC", 0.75, Source::Gazetteer, "يريفان");
        let got = resolve(vec![baku, gaz, salah, sub, pair, b2, y2]);
        let brief: Vec<_> = got
            .iter()
            .map(|p| (p.start, p.label.as_str(), p.source))
            .collect();
        assert_eq!(
            brief,
            [
                (0, "LOC", Source::Gazetteer),
                (10, "PER", Source::Model),
                (30, "LOC", Source::Gazetteer),
                (36, "LOC", Source::Gazetteer)
            ]
        );
    }

    #[test]
    fn fresh_skips_entities_rejections_and_known_proposals() {
        let ann = DocAnnotations {
            entities: vec![Span::manual_with_text(0, 4, "PER", "abcd")],
            rejected: vec![Rejected {
                start: 10,
                end: 12,
                label: "LOC".into(),
                text: "xy".into(),
            }],
            proposals: vec![prop(20, 22, "ORG", 0.5, Source::Model)],
            ..DocAnnotations::default()
        };
        let got = fresh(
            &ann,
            vec![
                prop(2, 6, "LOC", 0.9, Source::Model),
                prop(10, 12, "LOC", 0.9, Source::Model),
                prop(10, 12, "ORG", 0.9, Source::Model),
                prop(20, 22, "ORG", 0.9, Source::Rule),
            ],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].label, "ORG");
        assert_eq!(got[0].start, 10);
    }

    #[test]
    fn proposes_with_the_shipped_model_and_keeps_clitics_out() {
        let p = Proposer::new(Arc::new(crate::propose::bundled::load().unwrap()));
        let text = "وقال الرئيس الأمريكي جورج بوش في واشنطن إن وزارة الخارجية الأمريكية تتابع الوضع.";
        let got = p.propose(text);
        assert!(
            got.iter()
                .any(|x| x.label == "PER" && x.text.contains("بوش")),
            "{got:?}"
        );
        assert!(
            got.iter().any(|x| x.label == "LOC" && x.text == "واشنطن"),
            "{got:?}"
        );
        for x in &got {
            assert_eq!(
                crate::text::slice_chars(text, x.start, x.end),
                Some(x.text.as_str())
            );
            assert!((0.0..=1.0).contains(&x.confidence));
        }
        let text2 = "ووصل إلى وأذربيجان أمس.";
        let mut p2 = p.clone();
        p2.remember("أذربيجان", "LOC");
        let got2 = p2.propose(text2);
        let az: Vec<_> = got2.iter().filter(|x| x.text == "أذربيجان").collect();
        assert_eq!(az.len(), 1, "{got2:?}");
        assert_eq!(az[0].source, Source::Memory);
    }

    /// A decided `حكومة الوفاق` ORG teaches the head: `حكومة طرابلس` is
    /// proposed whole as ORG (the shipped model proposes `طرابلس` alone,
    /// as ANERcorp tags it); the same name accepted in bulk at 0.6 (a
    /// model's guess) teaches nothing.
    #[test]
    fn a_decided_name_s_head_is_proposed_with_the_next_name() {
        let p = Proposer::new(Arc::new(crate::propose::bundled::load().unwrap()));
        let text = "وأعلنت حكومة طرابلس أمس عن خطة جديدة.";
        let whole = |p: &Proposer| {
            p.propose(text)
                .into_iter()
                .any(|x| x.text == "حكومة طرابلس" && x.label == "ORG")
        };
        assert!(!whole(&p), "{:?}", p.propose(text));
        let mut guessed = p.clone();
        guessed.remember_with("حكومة الوفاق", "ORG", 0.6);
        assert!(!whole(&guessed), "{:?}", guessed.propose(text));
        let mut decided = p.clone();
        decided.remember("حكومة الوفاق", "ORG");
        assert!(whole(&decided), "{:?}", decided.propose(text));
        // A remembered name after the head does not cut it back.
        decided.remember("طرابلس", "LOC");
        assert!(whole(&decided), "{:?}", decided.propose(text));
    }

    #[test]
    fn a_conjunction_before_an_unknown_name_goes_but_the_next_letter_stays() {
        let p = Proposer::new(Arc::new(crate::propose::bundled::load().unwrap()));
        let words = Words::from_text("التقى علييف وباشينيان ووبلينكين");
        let start_of = |i: usize| words.words[i].start + p.proclitic_skip(&words, i, "PER");
        let text_from = |i: usize| {
            let w = &words.words[i];
            w.text
                .chars()
                .skip(start_of(i) - w.start)
                .collect::<String>()
        };
        assert_eq!(text_from(2), "باشينيان");
        assert_eq!(text_from(3), "وبلينكين", "only the first و of two");
        assert_eq!(text_from(1), "علييف");
    }

    #[test]
    fn a_known_place_and_a_name_starting_with_fa_keep_their_first_letter() {
        let p = Proposer::new(Arc::new(crate::propose::bundled::load().unwrap()));
        // `بنان` is a given name in the gazetteers, `لبنان` a country: as a
        // place the whole word stays. `فياض`, `فائز`: ف + a rest nobody knows.
        let words = Words::from_text("لبنان فياض فائز فأرمينيا");
        let kept = |i: usize, label: &str| {
            let w = &words.words[i];
            w.text
                .chars()
                .skip(p.proclitic_skip(&words, i, label))
                .collect::<String>()
        };
        assert_eq!(kept(0, "LOC"), "لبنان");
        assert_eq!(kept(1, "PER"), "فياض");
        assert_eq!(kept(2, "PER"), "فائز");
        assert_eq!(kept(3, "LOC"), "أرمينيا", "a known rest still loses its ف");
    }

    #[test]
    fn background_retraining_delivers_a_model() {
        let text = "قال O\nجورج B-PER\nفي O\nباريس B-LOC\n\nزار O\nسامي B-PER\nلندن B-LOC\n";
        let data = crate::propose::iob::read_conll(text, true).unwrap();
        let cfg = TrainConfig {
            min_count: 1,
            folds: 2,
            first_pass_folds: 2,
            ..TrainConfig::default()
        };
        let rx = retrain_in_background(data, cfg);
        let model = rx.recv().unwrap().unwrap();
        assert_eq!(model.types(), ["LOC", "PER"]);
    }
}
