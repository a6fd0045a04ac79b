//! What the session knows about one document beyond its text.

use std::sync::Arc;

use crate::annotation::DocAnnotations;
use crate::propose::proposer::Tier;
use crate::text::CharIndex;

use super::words::WordEdges;

/// One document's annotations plus why it may not be edited.
#[derive(Debug, Default)]
pub struct DocState {
    /// Shared, copied on write ([`DocState::annotations_mut`]): autosave and
    /// background jobs take a snapshot of a document's annotations by
    /// counting a reference, not by copying its lists (at 20,000 documents a
    /// bulk command hands thousands of them over in one frame).
    pub annotations: Arc<DocAnnotations>,
    /// Why the document cannot be edited: its annotation file exists but does
    /// not load. The file is the annotator's data, so it is never written;
    /// edits are refused before they reach the store.
    pub read_only: Option<String>,
    /// Problems found while loading (re-anchored or detached spans, unknown
    /// labels), as `file:line:col: message`, for the UI to show.
    pub problems: Vec<String>,
    /// Whether the annotator's edits (or their recovery from the journal)
    /// were handed to autosave this session. Only such a document's file is
    /// written again when the machine's proposals change: opening a
    /// document never rewrites its file (a file with problems keeps its
    /// exact bytes until the annotator edits the document).
    pub edited: bool,
    /// Whether proposals were asked for since the proposer last changed.
    pub(crate) proposed: bool,
    /// Which tier the document's machine proposals came from this session
    /// (`None`: no answer merged yet). Once the accurate tier's answer is
    /// in, the fast tier's later answers bring only memory proposals.
    pub(crate) tier: Option<Tier>,
    /// The accurate tier's work on this document.
    pub(crate) accurate: AccurateAsk,
    /// Whether the session counts this document among those holding views
    /// (see [`super::Session::note_views`]).
    pub(crate) counted: bool,
    index: Option<Arc<CharIndex>>,
    words: Option<Arc<WordEdges>>,
    folded: Option<Arc<str>>,
    forms: Option<Arc<super::names::TokenForms>>,
    edges: Option<Arc<[u8]>>,
}

/// A document's views of its text, let go of ([`DocState::drop_views`]).
pub(crate) type Views = (
    Option<Arc<CharIndex>>,
    Option<Arc<WordEdges>>,
    Option<Arc<str>>,
    Option<Arc<super::names::TokenForms>>,
    Option<Arc<[u8]>>,
);

/// Where the accurate tier stands on one document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) enum AccurateAsk {
    /// Not asked for since the accurate tier was installed.
    #[default]
    No,
    /// Asked for; the answer is not in yet.
    Asked,
    /// The answer came back as an error (the fast tier's proposals stay).
    Failed(String),
}

/// [`DocState::edges`]: a token or one of its proclitic readings starts here.
pub(crate) const STARTS: u8 = 1;
/// [`DocState::edges`]: a token ends here.
pub(crate) const ENDS: u8 = 2;

impl DocState {
    pub(crate) fn new(annotations: DocAnnotations) -> DocState {
        DocState {
            annotations: Arc::new(annotations),
            ..DocState::default()
        }
    }

    pub(crate) fn broken(reason: String) -> DocState {
        DocState {
            read_only: Some(reason),
            ..DocState::default()
        }
    }

    /// The annotations to change in place: copied first when a snapshot
    /// (autosave's, a background job's) still shares them.
    pub(crate) fn annotations_mut(&mut self) -> &mut DocAnnotations {
        Arc::make_mut(&mut self.annotations)
    }

    /// Whether any view of the text (index, words, forms, folded text,
    /// edges) is held.
    pub(crate) fn has_views(&self) -> bool {
        self.index.is_some()
            || self.words.is_some()
            || self.folded.is_some()
            || self.forms.is_some()
            || self.edges.is_some()
    }

    /// Whether the token forms are held: the view settling costs most to
    /// build (every word's proclitic readings); finding the documents that
    /// may hold a name builds only the folded text.
    pub(crate) fn has_forms(&self) -> bool {
        self.forms.is_some()
    }

    /// Whether the normalised text is held.
    pub(crate) fn has_folded(&self) -> bool {
        self.folded.is_some()
    }

    /// Lets go of the views of the text (rebuilt on next use): a corpus of
    /// 20,000 documents must not keep them for every document it touched.
    /// They are returned, for the caller to free where it costs no frame
    /// time (a document's views are thousands of small allocations).
    pub(crate) fn drop_views(&mut self) -> Views {
        self.counted = false;
        (
            self.index.take(),
            self.words.take(),
            self.folded.take(),
            self.forms.take(),
            self.edges.take(),
        )
    }

    /// Takes the views of the text built elsewhere (a background job),
    /// keeping those already held.
    pub(crate) fn seed_views(&mut self, parts: &super::doc_settle::DocParts) {
        self.index.get_or_insert_with(|| parts.idx.clone());
        self.words.get_or_insert_with(|| parts.words.clone());
        self.forms.get_or_insert_with(|| parts.forms.clone());
        self.folded.get_or_insert_with(|| parts.folded.clone());
        self.edges.get_or_insert_with(|| parts.edges.clone());
    }

    /// The char index of the text, built on first use (long corpora would
    /// otherwise hold an index for every document).
    pub(crate) fn index(&mut self, text: &str) -> Arc<CharIndex> {
        self.index
            .get_or_insert_with(|| Arc::new(CharIndex::new(text)))
            .clone()
    }

    /// The normalised text ([`crate::arabic::normalize`]), to tell quickly
    /// whether a name occurs in the document at all; built on first use.
    pub(crate) fn folded(&mut self, text: &str) -> Arc<str> {
        self.folded
            .get_or_insert_with(|| Arc::from(crate::arabic::normalize(text).into_string()))
            .clone()
    }

    /// Keeps `folded` as the normalised text (made elsewhere from this
    /// document's text) unless one is at hand; the one kept.
    pub(crate) fn keep_folded(&mut self, folded: Arc<str>) -> Arc<str> {
        self.folded.get_or_insert(folded).clone()
    }

    /// The normalised text if it is at hand.
    pub(crate) fn folded_at_hand(&self) -> Option<Arc<str>> {
        self.folded.clone()
    }

    /// The normalised tokens of the text (those of [`DocState::words`]) and
    /// their proclitic readings, for finding confirmed names; built on first use.
    /// Per char offset (0 ..= the text's length): [`STARTS`] where a token
    /// or one of its proclitic readings starts, [`ENDS`] where a token ends.
    /// Tells in two reads whether a proposal lies on word edges; built on
    /// first use.
    pub(crate) fn edges(&mut self, text: &str) -> Arc<[u8]> {
        if let Some(e) = &self.edges {
            return e.clone();
        }
        let words = self.words(text);
        let forms = self.forms(text);
        let len = self.index(text).char_len();
        let mut edges = vec![0u8; len + 1];
        for (t, &(s, e)) in words.tokens.iter().enumerate() {
            for skip in forms.reading_offsets(t) {
                if let Some(x) = edges.get_mut(s + skip) {
                    *x |= STARTS;
                }
            }
            if let Some(x) = edges.get_mut(e) {
                *x |= ENDS;
            }
        }
        let edges: Arc<[u8]> = edges.into();
        self.edges = Some(edges.clone());
        edges
    }

    pub(crate) fn forms(&mut self, text: &str) -> Arc<super::names::TokenForms> {
        if let Some(f) = &self.forms {
            return f.clone();
        }
        let words = self.words(text);
        let idx = self.index(text);
        let toks: Vec<&str> = words
            .tokens
            .iter()
            .map(|&(s, e)| idx.slice(text, s, e).unwrap_or_default())
            .collect();
        let f = Arc::new(super::names::TokenForms::new(&toks));
        self.forms = Some(f.clone());
        f
    }

    /// Word edges for boundary moves and occurrence matching, built on first use.
    pub(crate) fn words(&mut self, text: &str) -> Arc<WordEdges> {
        self.words
            .get_or_insert_with(|| Arc::new(WordEdges::new(text)))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Letting go of the views hands them over (to be freed elsewhere) and
    /// leaves none held.
    #[test]
    fn dropped_views_are_handed_over() {
        let text = "وصل الرئيس إلى باريس";
        let mut st = DocState {
            counted: true,
            ..DocState::default()
        };
        let edges = st.edges(text);
        assert!(st.has_views());
        let (index, words, folded, forms, kept_edges) = st.drop_views();
        assert!(!st.has_views() && !st.counted);
        assert!(index.is_some() && words.is_some() && forms.is_some());
        assert!(folded.is_none(), "edges do not build the normalised text");
        assert!(kept_edges.is_some_and(|e| Arc::ptr_eq(&e, &edges)));
    }
}
