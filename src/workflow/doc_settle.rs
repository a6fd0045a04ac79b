//! Settling one document's pending list, and finding its memory proposals,
//! from parts that can be shared across threads: following a decision into
//! every document of a corpus settles them in parallel (issue 13: 1,000
//! documents within a 16 ms frame; `cargo bench --bench follow`).

use std::sync::{Arc, OnceLock};

use crate::annotation::{DocAnnotations, Proposal, Source, Status};
use crate::corpus::Document;
use crate::text::CharIndex;

use super::doc_state::{ENDS, STARTS};
use super::memory::VARIANT_CONFIDENCE;
use super::names::TokenForms;
use super::proposals::{Proposer, fresh_proposals};
use super::settle::{AdmitMemo, DocView, Knowledge, Places, settle_where};
use super::words::WordEdges;

/// A document's text and the views of it settling reads, built once and
/// cached by the session ([`super::doc_state::DocState`]).
#[derive(Clone)]
pub(crate) struct DocParts {
    pub doc: Arc<Document>,
    pub idx: Arc<CharIndex>,
    pub words: Arc<WordEdges>,
    pub forms: Arc<TokenForms>,
    pub folded: Arc<str>,
    /// [`super::doc_state::DocState::edges`].
    pub edges: Arc<[u8]>,
}

impl DocParts {
    /// Every view of `doc`'s text, built at once: for callers without the
    /// session's cache (`kashif propose` proposes each document once).
    pub(crate) fn new(doc: Arc<Document>) -> DocParts {
        DocParts::from_state(doc, &mut super::doc_state::DocState::default())
    }

    /// `doc`'s views from `st`'s cache, each built there on first use (the
    /// session's documents keep theirs).
    pub(crate) fn from_state(doc: Arc<Document>, st: &mut super::doc_state::DocState) -> DocParts {
        let text = &doc.text;
        DocParts {
            idx: st.index(text),
            words: st.words(text),
            forms: st.forms(text),
            folded: st.folded(text),
            edges: st.edges(text),
            doc,
        }
    }
}

/// The pending list of a document once a proposer's `machine` proposals
/// for it arrive: those not already there (nor rejected, nor on an
/// entity's place), plus the memory's proposals from `know` (confirmed
/// names, their spelling variants, behind a glued proclitic; none in a
/// done document), through [`settled`] (labels the annotator decided,
/// rejections, the clitic rule, one proposal per place). The one path
/// proposals take into a document, for the workbench and `kashif propose`
/// alike ([`proposals_for_document`]), so the command line reproduces what
/// an annotator saw. `None`: the list stays as it is.
pub(crate) fn with_machine_proposals(
    parts: &DocParts,
    ann: &DocAnnotations,
    machine: Vec<Proposal>,
    know: &Knowledge,
    knows: &dyn Fn(&str) -> bool,
    memo: &AdmitMemo,
) -> Option<Vec<Proposal>> {
    let mut fresh = fresh_proposals(ann, &parts.doc.text, &parts.idx, machine);
    if ann.status != Status::Done {
        fresh.extend(memory_candidates(parts, know, None));
    }
    settled(
        parts,
        ann,
        fresh,
        Recheck {
            keys: None,
            places: &Places::All,
        },
        know,
        knows,
        memo,
    )
}

/// Document `doc`'s pending list, its annotations `ann` (entities,
/// rejections, pending proposals, status) with a proposer's `machine`
/// proposals and the memory of `know` added, exactly as the workbench
/// settles them when that proposer's answer arrives (see
/// [`with_machine_proposals`]). `knows` says whether the proposer's data
/// knows a name key ([`super::knows_name_with`]), for the clitic rule.
/// Used by `kashif propose`, so the command line proposes what an
/// annotator with the same gold sees (`tests/cli_one_path.rs`).
pub fn proposals_for_document(
    doc: Arc<Document>,
    ann: &DocAnnotations,
    machine: Vec<Proposal>,
    know: &Knowledge,
    knows: &dyn Fn(&str) -> bool,
) -> Vec<Proposal> {
    let parts = DocParts::new(doc);
    with_machine_proposals(&parts, ann, machine, know, knows, &AdmitMemo::default())
        .unwrap_or_else(|| ann.proposals.clone())
}

/// Whether the proposer's data knows a name key (the gazetteers without a
/// proposer); see [`Proposer::knows_name`].
pub(crate) fn knows_name(names: Option<&Arc<dyn Proposer>>, key: &str) -> bool {
    match names {
        Some(p) => p.knows_name(key),
        None => crate::propose::gazetteer::Gazetteer::builtin()
            .label_of(key)
            .is_some(),
    }
}

/// Whether the document may hold name key `k` or a spelling variant of it:
/// it holds every word of `k` (normalised, anywhere), or all but one when
/// `k` has two words or more and the text holds a word that word could be
/// a variant of ([`super::names::holds_variant_of`]: the variant rule's
/// letters and edit, in place). A quick superset test: following a decided
/// two-word name held every document with one of its words (`حي` of
/// `غدوة حي` is in most texts), and at 20,000 documents building their
/// views held the frame 2.1-2.3 s per accept (gdb: `accept_focused ->
/// follow -> settle_many -> parts`, 2026-12-07).
pub(crate) fn may_hold(folded: &str, k: &str) -> bool {
    if folded.contains(k) {
        return true;
    }
    let words: Vec<&str> = k.split(' ').collect();
    if words.len() < 2 {
        return false;
    }
    // A name's first word may come after a glued ل that took the
    // article's alef (`للولايات` holds `الولايات`).
    let holds = |j: usize, w: &str| {
        folded.contains(w)
            || (j == 0
                && w.strip_prefix("ال")
                    .is_some_and(|stem| folded.contains(&format!("ل{stem}"))))
    };
    let mut missing = words.iter().enumerate().filter(|&(j, w)| !holds(j, w));
    match (missing.next(), missing.next()) {
        (None, _) => true,
        (Some((j, w)), None) => super::names::holds_variant_of(folded, w, j == 0),
        _ => false,
    }
}

/// Memory proposals where the document holds a name the annotator confirmed
/// (exactly, or as a spelling variant: see [`super::names`]); only the
/// names in `only` when given.
pub(crate) fn memory_candidates(
    parts: &DocParts,
    know: &Knowledge,
    only: Option<&[String]>,
) -> Vec<Proposal> {
    if know.index.is_empty() {
        return Vec::new();
    }
    let found = match only {
        Some(keys) if !keys.iter().any(|k| may_hold(&parts.folded, k)) => return Vec::new(),
        Some(keys) => know.index.find_keys(&parts.forms, keys),
        None => know.index.find_in(&parts.forms, None),
    };
    let toks = &parts.words.tokens;
    found
        .into_iter()
        .filter_map(|m| {
            let (label, strength) = know.spread(&m.key)?;
            Some(Proposal {
                start: toks[m.first].0 + m.skip,
                end: toks[m.last].1,
                label: label.to_string(),
                text: String::new(),
                confidence: if m.variant {
                    VARIANT_CONFIDENCE.min(strength)
                } else {
                    strength
                },
                source: Source::Memory,
            })
        })
        .collect()
}

/// What to check again when settling a document: the proposals on the
/// words of `keys` (all with `None`), and those on the places where the
/// document's entities, rejections or status changed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recheck<'a> {
    pub keys: Option<&'a [String]>,
    pub places: &'a Places,
}

/// The document's pending list with `candidates` added, through
/// [`super::settle::settle`]. With `recheck.keys`, only the pending
/// proposals on words of those name keys (or not on word edges) are
/// admitted again ([`settle_where`]): what a decision on those names can
/// change. `None`: the list stays as it is.
pub(crate) fn settled(
    parts: &DocParts,
    ann: &DocAnnotations,
    candidates: Vec<Proposal>,
    recheck: Recheck,
    know: &Knowledge,
    knows: &dyn Fn(&str) -> bool,
    memo: &AdmitMemo,
) -> Option<Vec<Proposal>> {
    let Recheck { keys, places } = recheck;
    let (words, forms) = (&parts.words, &parts.forms);
    let toks = &words.tokens;
    let mut near: Vec<(usize, usize)> = Vec::new();
    for w in keys.unwrap_or_default().iter().flat_map(|k| k.split(' ')) {
        near.extend(
            forms
                .positions(w)
                .iter()
                .filter_map(|&t| toks.get(t as usize).copied()),
        );
    }
    near.sort_unstable();
    near.dedup();
    // Starts on a token or on one of its proclitic readings, ends on a
    // token's end: the proposal's words are the tokens' forms.
    let edges = &parts.edges;
    let on_edges = |p: &Proposal| {
        edges.get(p.start).is_some_and(|e| e & STARTS != 0)
            && edges.get(p.end).is_some_and(|e| e & ENDS != 0)
    };
    let touched = |p: &Proposal| {
        keys.is_none() || !on_edges(p) || {
            // Tokens are disjoint and sorted: the last one starting before
            // p's end is the only one that can reach into p.
            let upto = near.partition_point(|r| r.0 < p.end);
            upto > 0 && near[upto - 1].1 > p.start
        }
    };
    let view = DocView {
        ann,
        text: &parts.doc.text,
        idx: &parts.idx,
        words,
    };
    settle_where(&view, candidates, know, knows, &touched, places, memo)
}

/// The threads following a decision settles documents on while the frame
/// waits: one per core, apart from rayon's global pool, which the proposer
/// may keep busy, and from the background pool
/// ([`super::priority::background_pool`]), whose queued work a frame
/// waited behind for 192-254 ms.
/// `None` when no thread could be started (settling then runs on the
/// calling thread).
pub(crate) fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.min(8))
            .thread_name(|i| format!("kashif-settle-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Frees `garbage` on a background thread rather than the caller's
/// ([`super::priority::background_pool`]: not one the frame's settling
/// waits for): the old pending lists a decision replaced in 600 documents
/// are tens of thousands of strings, a millisecond or two a frame need not
/// spend.
pub(crate) fn drop_elsewhere<T: Send + 'static>(garbage: T) {
    match super::priority::background_pool() {
        Some(pool) => pool.spawn(move || drop(garbage)),
        None => drop(garbage),
    }
}

#[cfg(test)]
mod tests {
    use super::may_hold;
    use crate::arabic::normalize;

    fn holds(text: &str, key: &str) -> bool {
        may_hold(normalize(text).as_str(), normalize(key).as_str())
    }

    #[test]
    fn a_document_may_hold_a_name_its_variant_or_a_glued_form_and_nothing_looser() {
        // the name itself, after a glued ل that took the article's alef
        assert!(holds("قال الرئيس في غدوة حي أمس", "غدوة حي"));
        assert!(holds("سافر للولايات المتحدة", "الولايات المتحدة"));
        // a variant: one letter of a long word, in any word; after a
        // proclitic only in the first
        assert!(holds("في ناغورنو كاراباخ", "ناغورني كاراباخ"));
        assert!(holds("عن لناغورنو كاراباخ", "ناغورني كاراباخ"));
        assert!(holds("عبد الحكيم بلحاج قال", "عبد الحكيم بالحاج"));
        assert!(!holds("عبد الحكيم وبلحاج قال", "عبد الحكيم بالحاج"));
        // one word alone is no variant of a name whose other word is short
        // (`حي` is inside `حين` of most texts) or absent
        assert!(!holds("حين وصل الوزير", "غدوة حي"));
        assert!(!holds("وصل خليفة الوزير", "خليفة حفتر"));
        assert!(!holds("وصل خليفة حفتو", "خليفة حفتر"));
        // the first letter never differs
        assert!(!holds("في باغورنو كاراباخ", "ناغورني كاراباخ"));
    }
}
