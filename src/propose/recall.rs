//! The memory of `kashif propose`: every annotator's saved entities, looked
//! up for one document through an index of their normalised names instead
//! of a scan of every remembered string. One pass of an Aho–Corasick
//! automaton over the document's normalised text finds which name words
//! occur in it (linear in the text's length); only the names whose words
//! all occur are handed to the proposer, so the work per document does not
//! grow with the size of the memory.

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use std::sync::Arc;

use super::conventions::Conventions;
use super::proposer::Proposer;
use crate::arabic::{name_key, normalize};

/// One saved entity of some annotator.
#[derive(Debug, Clone)]
struct Saved {
    doc: usize,
    text: String,
    label: String,
    /// How strongly it spreads ([`crate::annotation::Span::memory_confidence`]).
    confidence: f32,
}

/// The saved entities sharing one name key, in the order they were added.
#[derive(Debug, Clone)]
struct KeyGroup {
    /// Distinct word ids of the key.
    words: Vec<usize>,
    saved: Vec<Saved>,
}

/// Saved entities by name key, with an automaton over the keys' words.
#[derive(Debug, Clone, Default)]
pub struct Recall {
    groups: Vec<KeyGroup>,
    group_of: FxHashMap<String, usize>,
    words: Vec<String>,
    word_of: FxHashMap<String, usize>,
    /// Word id → groups whose key starts with that word.
    by_first: Vec<Vec<usize>>,
    /// Groups whose key has no word (they pass in every document, as a
    /// scan would pass them).
    wordless: Vec<usize>,
    automaton: Option<AhoCorasick>,
    len: usize,
    /// Name heads of every decided entity added ([`Conventions`]), shared
    /// by every document once built, and each document's own decided
    /// entities, which its proposals must not learn from.
    learnt: Conventions,
    heads: Arc<Conventions>,
    own: FxHashMap<usize, Vec<(String, String)>>,
}

/// What [`Recall::proposer_for`] handed to a proposer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recalled {
    /// Saved entities (of other documents) whose names occur in the text:
    /// what the proposer's `memory_len` would count had each been
    /// remembered one by one.
    pub used: usize,
}

impl Recall {
    /// Adds an entity saved in document `doc` (corpus position), spreading
    /// with `confidence` (0..1). Blank texts are left out (a proposer
    /// ignores them too). Call [`Recall::build`] after the last one.
    pub fn add(&mut self, doc: usize, text: &str, label: &str, confidence: f32) {
        if text.trim().is_empty() {
            return;
        }
        let key = name_key(text);
        let g = match self.group_of.get(&key) {
            Some(&g) => g,
            None => {
                let mut words = Vec::new();
                for w in key.split(' ').filter(|w| !w.is_empty()) {
                    let next = self.words.len();
                    let id = *self.word_of.entry(w.to_string()).or_insert(next);
                    if id == next {
                        self.words.push(w.to_string());
                        self.by_first.push(Vec::new());
                    }
                    if !words.contains(&id) {
                        words.push(id);
                    }
                }
                let g = self.groups.len();
                match words.first() {
                    Some(&first) => self.by_first[first].push(g),
                    None => self.wordless.push(g),
                }
                self.groups.push(KeyGroup {
                    words,
                    saved: Vec::new(),
                });
                self.group_of.insert(key, g);
                g
            }
        };
        self.groups[g].saved.push(Saved {
            doc,
            text: text.to_string(),
            label: label.to_string(),
            confidence,
        });
        self.len += 1;
        // As `Proposer::remember_with`: a bulk-accepted guess teaches no head.
        if Conventions::teaches(confidence) {
            self.learnt.learn(text, label);
            self.own
                .entry(doc)
                .or_default()
                .push((text.to_string(), label.to_string()));
        }
    }

    /// Builds the automaton over every name word added so far.
    ///
    /// # Errors
    /// The automaton's own (a memory too large for it), as text.
    pub fn build(&mut self) -> Result<(), String> {
        self.heads = Arc::new(std::mem::take(&mut self.learnt));
        self.automaton = if self.words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&self.words)
                    .map_err(|e| format!("indexing the memory's names: {e}"))?,
            )
        };
        Ok(())
    }

    /// Saved entities added.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was saved.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `base` with the memory of the entities saved in documents other than
    /// `doc` whose name words all occur in `text` (after normalisation; the
    /// rest could not match): the same proposer a scan of every saved
    /// entity, remembered in the order added, would give. Linear in the
    /// text's length plus the names found.
    pub fn proposer_for(&self, base: &Proposer, doc: usize, text: &str) -> (Proposer, Recalled) {
        let mut p = base.clone();
        let mut used = 0;
        for g in self.groups_in(text) {
            let others = || self.groups[g].saved.iter().filter(|s| s.doc != doc);
            if let Some(first) = others().next() {
                // The first label remembered for a key stays: remembering
                // the first one stands for remembering them all.
                p.remember_name_with(&first.text, &first.label, first.confidence);
                used += others().count();
            }
        }
        // Heads from every other document's decided names, found in this
        // text or not (the workbench learns them from every done document).
        let own = self.own.get(&doc).into_iter().flatten();
        p.set_conventions(Conventions::shared_less(
            self.heads.clone(),
            own.map(|(t, l)| (t.as_str(), l.as_str())),
        ));
        (p, Recalled { used })
    }

    /// Groups whose words all occur in `text`, in the order added.
    fn groups_in(&self, text: &str) -> Vec<usize> {
        let mut out = self.wordless.clone();
        if let Some(ac) = &self.automaton {
            let folded = normalize(text);
            let present: FxHashSet<usize> = ac
                .find_overlapping_iter(folded.as_str())
                .map(|m| m.pattern().as_usize())
                .collect();
            for &w in &present {
                for &g in &self.by_first[w] {
                    if self.groups[g].words.iter().all(|x| present.contains(x)) {
                        out.push(g);
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The scan this index replaces: every saved entity of another document
    /// whose key words are all substrings of the normalised text.
    fn scan(saved: &[(usize, &str, &str)], doc: usize, text: &str) -> Vec<(String, String)> {
        let folded = normalize(text).into_string();
        saved
            .iter()
            .filter(|(d, t, _)| {
                *d != doc
                    && !t.trim().is_empty()
                    && name_key(t).split(' ').all(|w| folded.contains(w))
            })
            .map(|(_, t, l)| (t.to_string(), l.to_string()))
            .collect()
    }

    fn memory_of(p: &Proposer, text: &str) -> Vec<(String, String)> {
        p.propose(text)
            .into_iter()
            .filter(|x| x.source == crate::annotation::Source::Memory)
            .map(|x| (x.text, x.label))
            .collect()
    }

    #[test]
    fn the_index_gives_what_a_scan_gives() {
        let base = Proposer::new(Arc::new(crate::propose::bundled::load().unwrap()));
        let saved = [
            (0, "أذربيجان", "LOC"),
            (1, "نيكول باشينيان", "PER"),
            (2, "باشينيان", "PER"),
            (1, "أذربيجان", "ORG"),
            (3, "ناغورني كاراباخ", "LOC"),
            (0, "  ", "PER"),
            (2, "حزب العقد المدني", "ORG"),
            (4, "CNN", "ORG"),
        ];
        let mut r = Recall::default();
        for (d, t, l) in saved {
            r.add(d, t, l, crate::annotation::DECIDED_CONFIDENCE);
        }
        r.build().unwrap();
        assert_eq!(r.len(), 7);
        let texts = [
            "قال نيكول باشينيان إن وأذربيجان لن تنسحب من ناغورني كاراباخ",
            "حزب العقد المدني وCNN والأذربيجانيون",
            "لا شيء هنا",
        ];
        for text in texts {
            for doc in 0..5 {
                let (p, got) = r.proposer_for(&base, doc, text);
                let want = scan(&saved, doc, text);
                assert_eq!(got.used, want.len(), "{doc} {text}");
                let mut old = base.clone();
                for (t, l) in &want {
                    old.remember(t, l);
                }
                assert_eq!(memory_of(&p, text), memory_of(&old, text), "{doc} {text}");
            }
        }
        // the first label saved for a key stays, unless it is the
        // document's own
        let (p, _) = r.proposer_for(&base, 0, "زار أذربيجان");
        assert_eq!(
            memory_of(&p, "زار أذربيجان"),
            [("أذربيجان".into(), "ORG".into())]
        );
        let (p, _) = r.proposer_for(&base, 2, "زار أذربيجان");
        assert_eq!(
            memory_of(&p, "زار أذربيجان"),
            [("أذربيجان".into(), "LOC".into())]
        );
    }

    /// A name head learnt from another document's decided name reaches a
    /// text that name is not in (as in the workbench); a document's own
    /// names teach it nothing, nor do names accepted in bulk.
    #[test]
    fn heads_come_from_every_other_document_and_never_from_its_own() {
        let base = Proposer::new(Arc::new(crate::propose::bundled::load().unwrap()));
        let text = "وأعلنت حكومة طرابلس أمس عن خطة جديدة.";
        let whole = |p: &Proposer| {
            p.propose(text)
                .into_iter()
                .any(|x| x.text == "حكومة طرابلس" && x.label == "ORG")
        };
        let mut r = Recall::default();
        r.add(
            0,
            "حكومة الوفاق",
            "ORG",
            crate::annotation::DECIDED_CONFIDENCE,
        );
        r.add(1, "حكومة الإنقاذ", "ORG", 0.6);
        r.build().unwrap();
        assert!(whole(&r.proposer_for(&base, 2, text).0));
        assert!(!whole(&r.proposer_for(&base, 0, text).0));
        let mut bulk = Recall::default();
        bulk.add(1, "حكومة الإنقاذ", "ORG", 0.6);
        bulk.build().unwrap();
        assert!(!whole(&bulk.proposer_for(&base, 2, text).0));
    }
}
