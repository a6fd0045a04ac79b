//! Bulk actions: accepting many proposals at once, and annotating every
//! occurrence of a string in a document or the whole corpus.

use crate::annotation::{DocAnnotations, Edit, Origin, Proposal, Span};

use super::bulk_job::{Found, occurrences};
use super::search::{Scope, occurrence_query};
use super::session::Session;
use crate::arabic::name_key;

/// An occurrence "annotate all" leaves alone because it lies inside a
/// longer name: a confirmed entity or a pending longer proposal
/// (`باشينيان` inside `نيكول باشينيان`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub doc_id: String,
    /// The occurrence, document chars `start..end`.
    pub start: usize,
    pub end: usize,
    /// The longer name's text, and whether it is only proposed.
    pub inside: String,
    pub proposed: bool,
}

/// What "annotate all occurrences" would do; computed without changing
/// anything, for the confirmation ("annotate 12 occurrences in 4 documents?").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnnotatePreview {
    /// Whole-word occurrences found (in editable documents).
    pub occurrences: usize,
    /// Of those, how many would become new entities (the rest are already
    /// annotated at that place).
    pub new: usize,
    /// Documents that would change.
    pub documents: usize,
    /// Occurrences in read-only documents, left alone.
    pub read_only: usize,
    /// Occurrences inside a longer confirmed entity or pending proposal,
    /// left alone (listed for the annotator to see).
    pub left_out: Vec<LeftOut>,
}

/// Planned edits per document, and the preview they add up to.
pub(super) struct Plan {
    pub edits: Vec<(usize, Vec<Edit>)>,
    pub preview: AnnotatePreview,
}

impl Session {
    /// The documents a scope reaches (`Document` without an open one: none).
    pub(super) fn scope_docs(&self, scope: Scope) -> Vec<usize> {
        match scope {
            Scope::Document => self.current.into_iter().collect(),
            Scope::Corpus => (0..self.docs.len()).collect(),
        }
    }

    /// How many places "annotate all" would label, changing nothing.
    pub fn preview_annotate_all(
        &mut self,
        text: &str,
        label: &str,
        scope: Scope,
    ) -> AnnotatePreview {
        self.plan_annotate_all(text, label, scope).preview
    }

    /// Each whole-word occurrence not yet annotated at that exact place
    /// (under any label: the annotator already decided there) and not
    /// inside a longer confirmed entity or pending proposal (those are
    /// listed in [`AnnotatePreview::left_out`]) becomes an entity; a
    /// pending proposal at the place is accepted under `label`.
    pub(super) fn plan_annotate_all(&mut self, text: &str, label: &str, scope: Scope) -> Plan {
        let found = self.find_occurrences(text, scope);
        self.plan_from(&found, label)
    }

    /// The whole-word occurrences of `text` in the documents `scope`
    /// reaches, here on this thread (see [`super::bulk_job`] for the same
    /// off it).
    pub(super) fn find_occurrences(&mut self, text: &str, scope: Scope) -> Found {
        // Across the corpus, only the documents the search index says may
        // hold the text are looked at (every one while it is being built).
        let docs = match scope {
            Scope::Corpus if self.search_index_ready() => self
                .search_index
                .as_ref()
                .map(|ix| ix.candidates(&occurrence_query(text)))
                .unwrap_or_default(),
            _ => self.scope_docs(scope),
        };
        let mut out = Vec::new();
        for i in docs {
            let doc = self.docs[i].clone();
            self.note_views(i);
            let words = self.states[i].words(&doc.text);
            let found = occurrences(&doc, &words, text);
            if !found.is_empty() {
                out.push((i, found));
            }
        }
        out
    }

    /// The plan for occurrences `found` (of one text), made against the
    /// documents' annotations as they are now: the one place what
    /// annotate-all does is decided, whether its occurrences were found
    /// here or on a background job's thread.
    pub(super) fn plan_from(&self, found: &Found, label: &str) -> Plan {
        plan_for(found, label, &|i| {
            let state = &self.states[i];
            (
                self.docs[i].id.as_str(),
                &*state.annotations,
                state.read_only.is_some(),
            )
        })
    }

    /// Accept edits for the current document's proposals passing `keep`,
    /// leaving out names the annotator corrected or rejected (a rejection
    /// of any label on the name, or entities of another label): those are
    /// for a person to decide one by one.
    pub(super) fn accept_where(&self, i: usize, keep: impl Fn(&Proposal) -> bool) -> Vec<Edit> {
        let ann = &self.states[i].annotations;
        ann.proposals
            .iter()
            .filter(|p| keep(p))
            .filter(|p| !self.knowledge.contested(&name_key(&p.text), &p.label))
            .map(|p| accept_edit(ann, p, None, true))
            .collect()
    }
}

/// Accepting `p` (as `label`; by a bulk action when `bulk`, which marks
/// the entity so its memory spreads no stronger than `p`'s confidence): it
/// becomes an entity, or, when that very entity exists already (the
/// annotator drew it by hand), it just leaves the pending list, so accepting
/// never fails on a duplicate.
pub(super) fn accept_edit(
    ann: &DocAnnotations,
    p: &Proposal,
    label: Option<&str>,
    bulk: bool,
) -> Edit {
    let span = p.accepted(label);
    if ann.find(&span).is_some() {
        Edit::Unpropose(p.clone())
    } else if bulk && label.is_none() {
        Edit::accept_in_bulk(p)
    } else {
        Edit::accept(p, label)
    }
}

/// The plan for occurrences `found` (of one text) against the annotations
/// `doc(i)` gives for document `i` (its id, its annotations, whether it is
/// read-only): [`Session::plan_from`] on the session's, a bulk job on its
/// snapshot of them.
pub(super) fn plan_for<'a>(
    found: &Found,
    label: &str,
    doc: &dyn Fn(usize) -> (&'a str, &'a DocAnnotations, bool),
) -> Plan {
    let mut plan = Plan {
        edits: Vec::new(),
        preview: AnnotatePreview::default(),
    };
    for (i, found) in found {
        let i = *i;
        let (doc_id, ann, read_only) = doc(i);
        if read_only {
            plan.preview.read_only += found.len();
            continue;
        }
        plan.preview.occurrences += found.len();
        let mut edits = Vec::new();
        for &(start, end) in found {
            if ann
                .entities
                .iter()
                .any(|s| s.start == start && s.end == end)
            {
                continue;
            }
            // Inside a longer name (confirmed, or proposed and still
            // pending): part of that name, not a name of its own.
            let longer = |s: usize, e: usize| s <= start && end <= e && e - s > end - start;
            let inside = ann
                .entities
                .iter()
                .find(|x| longer(x.start, x.end))
                .map(|x| (x.text.clone(), false))
                .or_else(|| {
                    ann.proposals
                        .iter()
                        .find(|p| longer(p.start, p.end))
                        .map(|p| (p.text.clone(), true))
                });
            if let Some((inside, proposed)) = inside {
                plan.preview.left_out.push(LeftOut {
                    doc_id: doc_id.to_string(),
                    start,
                    end,
                    inside,
                    proposed,
                });
                continue;
            }
            let pending = ann
                .proposals
                .iter()
                .find(|p| p.start == start && p.end == end && p.label == label)
                .or_else(|| {
                    ann.proposals
                        .iter()
                        .find(|p| p.start == start && p.end == end)
                });
            edits.push(match pending {
                Some(p) => Edit::accept(p, Some(label)),
                None => Edit::Add(Span::new(start, end, label, Origin::Manual)),
            });
        }
        if !edits.is_empty() {
            plan.preview.new += edits.len();
            plan.preview.documents += 1;
            plan.edits.push((i, edits));
        }
    }
    plan
}
