//! The keyboard caret: drawing a span without the mouse.
//!
//! The caret sits on one word of the open document and that word is the
//! selection, snapped and trimmed by the guidelines exactly as a mouse
//! selection is (punctuation, quotes, unmatched brackets and an attached
//! proclitic left out, the proclitic decided by [`Session::lexicon`]). Left
//! and Right move it one word in the direction the arrow points on screen
//! (toward the end of the text in a right-to-left paragraph when Left is
//! pressed, as the edge keys do); Shift extends the selection word by word
//! from where it began; a label key labels the selection; Escape clears.
//! Words are the tokens of [`crate::arabic::tokenize`] holding a letter or
//! a digit; offsets are document chars, end exclusive.

use std::sync::{Arc, OnceLock};

use crate::arabic::{Lexicon, Vocabulary, guideline_span_by};
use crate::bidi::paragraph_at_is_rtl;
use crate::corpus::Document;

use super::command::{Outcome, WorkflowError};
use super::proposals::Proposer;
use super::session::Session;
use super::settle::Knowledge;
use super::words::{Direction, Side, WordEdges};

/// Where the caret is: the word it stands on (`head`) and the word where
/// the selection began (`anchor`; the same word until Shift+arrows extend
/// it). Both are `(start, end)` document chars of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Caret {
    pub anchor: (usize, usize),
    pub head: (usize, usize),
}

impl Caret {
    /// The chars from the first to the last word of the selection, before
    /// the guidelines trim it.
    pub fn words(&self) -> (usize, usize) {
        (
            self.anchor.0.min(self.head.0),
            self.anchor.1.max(self.head.1),
        )
    }

    /// Where the caret bar is drawn: the edge of the head word that faces
    /// away from the anchor (its end when the selection grows toward the
    /// end of the text, else its start; the start of a lone word), in
    /// document chars.
    pub fn bar(&self) -> usize {
        if self.head.0 > self.anchor.0 {
            self.head.1
        } else {
            self.head.0
        }
    }
}

/// What the workbench knows about words when it decides whether a first
/// letter و ف ب ل ك (or لـ) is a proclitic: names known whole are the
/// shipped gazetteers' and the names the annotator confirmed; words are
/// those of the whole corpus and what the proposer's data knows
/// ([`Proposer::knows_name`]: its gazetteers and model vocabulary, which
/// holds clitic-attached forms such as `للأمم`, so it only vouches for a
/// rest).
pub struct SessionLexicon<'a> {
    /// The corpus vocabulary's cell and the documents, looked at only
    /// when a selection asks (never in a plain frame).
    corpus: (&'a OnceLock<Vocabulary>, &'a [Arc<Document>]),
    names: Option<&'a Arc<dyn Proposer>>,
    knowledge: &'a Knowledge,
}

impl Lexicon for SessionLexicon<'_> {
    fn is_name(&self, form: &str) -> bool {
        self.knowledge.is_name(form)
            || crate::propose::gazetteer::Gazetteer::builtin()
                .label_of(form)
                .is_some()
    }

    fn is_word(&self, form: &str) -> bool {
        corpus_vocabulary(self.corpus.0, self.corpus.1).contains(form)
            || super::doc_settle::knows_name(self.names, form)
    }
}

/// The Arabic words of every document, built once on first use: by the
/// thread [`build_vocabulary`] starts, or here if it has not begun (a
/// caller arriving while it builds waits for it).
pub(super) fn corpus_vocabulary<'a>(
    cell: &'a OnceLock<Vocabulary>,
    docs: &[Arc<Document>],
) -> &'a Vocabulary {
    cell.get_or_init(|| {
        let mut v = Vocabulary::new();
        for d in docs {
            v.add(&d.text);
        }
        v
    })
}

/// Builds the corpus vocabulary on a thread of its own: built on the
/// frame's thread when the first article was drawn, it held that frame
/// 0.5-0.8 s at 20,000 documents (issue 26; perf: `article_ui` ->
/// `corpus_vocabulary` -> `Vocabulary::add`, 2026-12-07). Only a
/// selection made before it is done waits for it.
pub(super) fn build_vocabulary(cell: &Arc<OnceLock<Vocabulary>>, docs: &[Arc<Document>]) {
    let (cell, docs) = (cell.clone(), docs.to_vec());
    let built = std::thread::Builder::new()
        .name("kashif-vocabulary".into())
        .spawn(move || {
            super::priority::lower_this_thread();
            corpus_vocabulary(&cell, &docs);
        });
    // No thread: the first selection builds it.
    drop(built);
}

/// Index of the word token holding char `c`, or else the first word after
/// it (`None` past the last word).
fn word_from(words: &[(usize, usize)], c: usize) -> Option<usize> {
    let i = words.partition_point(|&(_, e)| e <= c);
    (i < words.len()).then_some(i)
}

impl Session {
    /// The knowledge the clitic rule uses in the workbench (mouse and keyboard
    /// selections alike): see [`SessionLexicon`].
    pub fn lexicon(&self) -> SessionLexicon<'_> {
        SessionLexicon {
            corpus: (&self.vocabulary, &self.docs),
            names: self.names.as_ref(),
            knowledge: &self.knowledge,
        }
    }

    /// Whether the corpus vocabulary the clitic rule uses is built (by its
    /// own thread from open; a selection before waits for it).
    pub fn corpus_words_ready(&self) -> bool {
        self.vocabulary.get().is_some()
    }

    /// The keyboard caret in the open document, if it is placed.
    pub fn caret(&self) -> Option<Caret> {
        self.caret
    }

    /// The word tokens (holding a letter or digit) of document `i`.
    fn caret_words(&mut self, i: usize) -> Vec<(usize, usize)> {
        let doc = self.docs[i].clone();
        let words: Arc<WordEdges> = self.states[i].words(&doc.text);
        let idx = self.states[i].index(&doc.text);
        words
            .tokens
            .iter()
            .copied()
            .filter(|&(s, e)| {
                idx.slice(&doc.text, s, e)
                    .is_some_and(|t| t.chars().any(char::is_alphanumeric))
            })
            .collect()
    }

    /// Puts the caret on the word at char `c` (or the first word after it)
    /// and selects that word; clears the focus.
    pub(super) fn caret_at(&mut self, c: usize) -> Result<Outcome, WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        let words = self.caret_words(i);
        let Some(w) = word_from(&words, c).or(words.len().checked_sub(1)) else {
            return Ok(Outcome::Nothing("the document has no words".into()));
        };
        self.place_caret(i, words[w], words[w]);
        Ok(Outcome::Moved)
    }

    /// Moves the caret one word toward `side` on screen; with `extend`, the
    /// selection grows (or shrinks) from where it began instead of following
    /// the caret. Without a caret it starts from the focused item (and the
    /// focus goes), else from the first word (last, moving backward).
    pub(super) fn move_caret(
        &mut self,
        side: Side,
        extend: bool,
    ) -> Result<Outcome, WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        let words = self.caret_words(i);
        if words.is_empty() {
            return Ok(Outcome::Nothing("the document has no words".into()));
        }
        let doc = self.docs[i].clone();
        let text = doc.text.as_str();
        let from = match (self.caret, &self.focus) {
            (Some(c), _) => Some((c.anchor, c.head)),
            (None, Some(f)) => {
                // From the focused item: its first word moving backward, its
                // last word moving forward, so the caret steps off it.
                let a = word_from(&words, f.start).map(|w| words[w]);
                let b = word_from(&words, f.end.saturating_sub(1)).map(|w| words[w]);
                let dir = side.logical(paragraph_at_is_rtl(text, f.start));
                let head = if dir == Direction::Forward { b } else { a };
                head.map(|h| (a.unwrap_or(h), h))
            }
            (None, None) => None,
        };
        let Some((anchor, head)) = from else {
            let dir = side.logical(paragraph_at_is_rtl(text, 0));
            let w = match dir {
                Direction::Forward => words[0],
                Direction::Backward => words[words.len() - 1],
            };
            self.place_caret(i, w, w);
            return Ok(Outcome::Moved);
        };
        let dir = side.logical(paragraph_at_is_rtl(text, head.0));
        let at = words.partition_point(|&w| w < head);
        let next = match dir {
            Direction::Forward => words.get(at + 1),
            Direction::Backward => at.checked_sub(1).and_then(|j| words.get(j)),
        };
        let Some(&next) = next else {
            let end = match dir {
                Direction::Forward => "end",
                Direction::Backward => "start",
            };
            return Ok(Outcome::Nothing(format!(
                "the caret is at the {end} of the text"
            )));
        };
        let anchor = if extend { anchor } else { next };
        self.place_caret(i, anchor, next);
        Ok(Outcome::Moved)
    }

    /// Sets the caret and the selection it makes (trimmed by the
    /// guidelines); clears the focus.
    fn place_caret(&mut self, i: usize, anchor: (usize, usize), head: (usize, usize)) {
        let caret = Caret { anchor, head };
        let (s, e) = caret.words();
        let doc = self.docs[i].clone();
        let chars: Vec<char> = doc.text.chars().collect();
        let (a, z) = guideline_span_by(&chars, s, e, &self.lexicon());
        self.selection = (a < z).then_some((a, z));
        self.caret = Some(caret);
        self.focus = None;
    }

    /// The caret for a selection made elsewhere (the mouse, a search hit):
    /// anchored on its first word with its head on its last, so Shift+arrows
    /// go on from it.
    pub(super) fn caret_for_selection(&mut self) {
        let (Some(i), Some((s, e))) = (self.current, self.selection) else {
            self.caret = None;
            return;
        };
        let words = self.caret_words(i);
        let a = word_from(&words, s).map(|w| words[w]);
        let b = word_from(&words, e.saturating_sub(1)).map(|w| words[w]);
        self.caret = match (a, b) {
            (Some(a), Some(b)) if a.0 < e && b.0 < e => Some(Caret { anchor: a, head: b }),
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_faces_away_from_the_anchor() {
        let c = Caret {
            anchor: (4, 8),
            head: (9, 12),
        };
        assert_eq!(c.words(), (4, 12));
        assert_eq!(c.bar(), 12);
        let c = Caret {
            anchor: (9, 12),
            head: (4, 8),
        };
        assert_eq!(c.words(), (4, 12));
        assert_eq!(c.bar(), 4);
        let lone = Caret {
            anchor: (4, 8),
            head: (4, 8),
        };
        assert_eq!(lone.bar(), 4);
    }

    #[test]
    fn words_from_a_char() {
        let w = [(0, 3), (4, 8), (10, 12)];
        assert_eq!(word_from(&w, 0), Some(0));
        assert_eq!(word_from(&w, 3), Some(1));
        assert_eq!(word_from(&w, 9), Some(2));
        assert_eq!(word_from(&w, 12), None);
    }
}
