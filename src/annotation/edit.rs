//! Edits: every change to a document's annotations, applied in one place.
//!
//! Each primitive edit has an exact inverse, computed when it is applied; a
//! [`Edit::Batch`] applies all or nothing. Undo and redo fall out of this.

use serde::{Deserialize, Serialize};

use super::{DocAnnotations, Origin, Proposal, Rejected, Span, Status};

use crate::text::CharIndex;

/// One change to a document's annotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    /// Adds an entity (its `text` is filled in from the document).
    Add(Span),
    /// Removes the entity with this range and label.
    Remove(Span),
    /// Gives an entity another label.
    Relabel {
        span: Span,
        label: String,
    },
    /// Moves an entity's boundaries.
    Resize {
        span: Span,
        start: usize,
        end: usize,
    },
    /// Adds a pending proposal (the proposer's output).
    Propose(Proposal),
    /// Removes a pending proposal without deciding on it.
    Unpropose(Proposal),
    /// Remembers a rejection.
    Reject(Rejected),
    /// Forgets a rejection.
    Unreject(Rejected),
    SetStatus(Status),
    /// Sets an entity's origin (undoing the `Corrected` mark a relabel or
    /// resize puts on an accepted proposal).
    SetOrigin {
        span: Span,
        origin: Origin,
    },
    /// Sets (`Some`) or removes (`None`) the note on the document
    /// (`at: None`) or on the entity at chars `at` (see [`super::Note`]).
    SetNote {
        at: Option<(usize, usize)>,
        text: Option<String>,
    },
    /// Several edits as one step: all are applied, or none.
    Batch(Vec<Edit>),
}

/// Why an edit cannot be applied; the annotations are left as they were.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("span {start}..{end} is not inside the text ({len} chars) or is empty")]
    OutOfRange {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("{label} {start}..{end} is already annotated")]
    Duplicate {
        start: usize,
        end: usize,
        label: String,
    },
    #[error("no {label} entity at {start}..{end}")]
    NoSuchEntity {
        start: usize,
        end: usize,
        label: String,
    },
    #[error("no pending {label} proposal at {start}..{end}")]
    NoSuchProposal {
        start: usize,
        end: usize,
        label: String,
    },
    #[error("no rejected {label} proposal at {start}..{end}")]
    NoSuchRejection {
        start: usize,
        end: usize,
        label: String,
    },
}

/// The inverse of a relabel or resize that also marked an accepted
/// proposal `Corrected`: `undo` (the plain inverse), then the entity it
/// leaves (`after_undo`) gets its `old` origin back.
fn restoring_origin(undo: Edit, after_undo: Span, old: Origin) -> Edit {
    if after_undo.origin == old {
        return undo;
    }
    Edit::Batch(vec![
        undo,
        Edit::SetOrigin {
            span: after_undo,
            origin: old,
        },
    ])
}

impl Edit {
    /// Accepting a proposal: it leaves the pending list and becomes an entity,
    /// optionally with another label.
    pub fn accept(p: &Proposal, label: Option<&str>) -> Edit {
        Edit::Batch(vec![
            Edit::Unpropose(p.clone()),
            Edit::Add(p.accepted(label)),
        ])
    }

    /// Accepting a proposal as proposed by a bulk action: it becomes an
    /// entity marked as accepted in bulk (see [`Proposal::accepted_in_bulk`]).
    pub fn accept_in_bulk(p: &Proposal) -> Edit {
        Edit::Batch(vec![
            Edit::Unpropose(p.clone()),
            Edit::Add(p.accepted_in_bulk()),
        ])
    }

    /// Rejecting a proposal: it leaves the pending list and is remembered.
    pub fn reject(p: &Proposal) -> Edit {
        Edit::Batch(vec![Edit::Unpropose(p.clone()), Edit::Reject(p.rejected())])
    }

    /// Applies the edit to `doc` (whose document text is `text`) and returns
    /// the edit that undoes it. On error nothing changed.
    pub fn apply(
        self,
        doc: &mut DocAnnotations,
        text: &str,
        index: &CharIndex,
    ) -> Result<Edit, EditError> {
        match self {
            Edit::Add(mut span) => {
                span.text = covered(text, index, span.start, span.end)?;
                if doc.find(&span).is_some() {
                    return Err(EditError::Duplicate {
                        start: span.start,
                        end: span.end,
                        label: span.label,
                    });
                }
                doc.insert_sorted(span.clone());
                Ok(Edit::Remove(span))
            }
            Edit::Remove(span) => {
                let i = doc.find(&span).ok_or_else(|| no_entity(&span))?;
                let old = doc.entities.remove(i);
                Ok(Edit::Add(old))
            }
            Edit::Relabel { span, label } => {
                let i = doc.find(&span).ok_or_else(|| no_entity(&span))?;
                let mut new = doc.entities[i].clone();
                let old_label = std::mem::replace(&mut new.label, label);
                let old_origin = new.origin;
                new.origin = old_origin.corrected();
                replace(doc, i, new.clone())?;
                Ok(restoring_origin(
                    Edit::Relabel {
                        span: new.clone(),
                        label: old_label.clone(),
                    },
                    Span {
                        label: old_label,
                        ..new
                    },
                    old_origin,
                ))
            }
            Edit::Resize { span, start, end } => {
                let i = doc.find(&span).ok_or_else(|| no_entity(&span))?;
                let mut new = doc.entities[i].clone();
                let (old_start, old_end, old_text) = (new.start, new.end, new.text.clone());
                new.text = covered(text, index, start, end)?;
                new.start = start;
                new.end = end;
                let old_origin = new.origin;
                new.origin = old_origin.corrected();
                replace(doc, i, new.clone())?;
                Ok(restoring_origin(
                    Edit::Resize {
                        span: new.clone(),
                        start: old_start,
                        end: old_end,
                    },
                    Span {
                        start: old_start,
                        end: old_end,
                        text: old_text,
                        ..new
                    },
                    old_origin,
                ))
            }
            Edit::SetOrigin { span, origin } => {
                let i = doc.find(&span).ok_or_else(|| no_entity(&span))?;
                let old = std::mem::replace(&mut doc.entities[i].origin, origin);
                Ok(Edit::SetOrigin {
                    span: doc.entities[i].clone(),
                    origin: old,
                })
            }
            Edit::Propose(p) => {
                covered(text, index, p.start, p.end)?;
                if doc.find_proposal(&p).is_some() {
                    return Err(EditError::Duplicate {
                        start: p.start,
                        end: p.end,
                        label: p.label,
                    });
                }
                let key = p.key();
                let at = doc.proposals.partition_point(|q| q.key() < key);
                doc.proposals.insert(at, p.clone());
                Ok(Edit::Unpropose(p))
            }
            Edit::Unpropose(p) => {
                let i = doc
                    .find_proposal(&p)
                    .ok_or_else(|| EditError::NoSuchProposal {
                        start: p.start,
                        end: p.end,
                        label: p.label.clone(),
                    })?;
                let old = doc.proposals.remove(i);
                Ok(Edit::Propose(old))
            }
            Edit::Reject(r) => {
                doc.rejected.push(r.clone());
                Ok(Edit::Unreject(r))
            }
            Edit::Unreject(r) => {
                let i = doc.rejected.iter().rposition(|q| q == &r).ok_or_else(|| {
                    EditError::NoSuchRejection {
                        start: r.start,
                        end: r.end,
                        label: r.label.clone(),
                    }
                })?;
                Ok(Edit::Reject(doc.rejected.remove(i)))
            }
            Edit::SetStatus(s) => {
                let old = std::mem::replace(&mut doc.status, s);
                Ok(Edit::SetStatus(old))
            }
            Edit::SetNote { at, text: new } => {
                if let Some((start, end)) = at {
                    covered(text, index, start, end)?;
                }
                let old = doc.set_note(at, new);
                Ok(Edit::SetNote { at, text: old })
            }
            Edit::Batch(edits) => {
                let mut undo = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(doc, text, index) {
                        Ok(inv) => undo.push(inv),
                        Err(err) => {
                            // Roll back what was applied, newest first.
                            for inv in undo.into_iter().rev() {
                                // Inverses of applied edits always apply.
                                let _ = inv.apply(doc, text, index);
                            }
                            return Err(err);
                        }
                    }
                }
                undo.reverse();
                Ok(Edit::Batch(undo))
            }
        }
    }
}

fn no_entity(span: &Span) -> EditError {
    EditError::NoSuchEntity {
        start: span.start,
        end: span.end,
        label: span.label.clone(),
    }
}

/// The text of a non-empty range inside the document.
fn covered(text: &str, index: &CharIndex, start: usize, end: usize) -> Result<String, EditError> {
    let out_of_range = || EditError::OutOfRange {
        start,
        end,
        len: index.char_len(),
    };
    if start >= end {
        return Err(out_of_range());
    }
    index
        .slice(text, start, end)
        .map(str::to_string)
        .ok_or_else(out_of_range)
}

/// Replaces entity `i` by `new`, keeping order and refusing duplicates.
fn replace(doc: &mut DocAnnotations, i: usize, new: Span) -> Result<(), EditError> {
    if doc
        .entities
        .iter()
        .enumerate()
        .any(|(j, s)| j != i && s.same_entity(&new))
    {
        return Err(EditError::Duplicate {
            start: new.start,
            end: new.end,
            label: new.label,
        });
    }
    doc.entities.remove(i);
    doc.insert_sorted(new);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Origin, Source};

    const TEXT: &str = "اقتربت أرمينيا وأذربيجان من اتفاق";

    fn span(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    fn apply(doc: &mut DocAnnotations, e: Edit) -> Result<Edit, EditError> {
        e.apply(doc, TEXT, &CharIndex::new(TEXT))
    }

    #[test]
    fn add_fills_text_and_refuses_duplicates() {
        let mut doc = DocAnnotations::default();
        apply(&mut doc, Edit::Add(span(7, 14, "LOC"))).unwrap();
        assert_eq!(doc.entities[0].text, "أرمينيا");
        let err = apply(&mut doc, Edit::Add(span(7, 14, "LOC"))).unwrap_err();
        assert!(matches!(err, EditError::Duplicate { .. }));
        // Same range, other label, and a nested span are fine.
        apply(&mut doc, Edit::Add(span(7, 14, "ORG"))).unwrap();
        apply(&mut doc, Edit::Add(span(7, 10, "MISC"))).unwrap();
        assert_eq!(doc.entities.len(), 3);
    }

    #[test]
    fn empty_and_outside_spans_are_refused() {
        let mut doc = DocAnnotations::default();
        assert!(apply(&mut doc, Edit::Add(span(3, 3, "LOC"))).is_err());
        assert!(apply(&mut doc, Edit::Add(span(30, 99, "LOC"))).is_err());
        assert!(doc.entities.is_empty());
    }

    #[test]
    fn failed_batch_changes_nothing() {
        let mut doc = DocAnnotations::default();
        apply(&mut doc, Edit::Add(span(7, 14, "LOC"))).unwrap();
        let before = doc.clone();
        let batch = Edit::Batch(vec![
            Edit::Add(span(16, 24, "LOC")),
            Edit::Remove(span(0, 2, "PER")),
        ]);
        assert!(apply(&mut doc, batch).is_err());
        assert_eq!(doc, before);
    }

    #[test]
    fn accept_and_reject_round_trip() {
        let p = Proposal {
            start: 16,
            end: 24,
            label: "LOC".into(),
            text: "أذربيجان".into(),
            confidence: 0.9,
            source: Source::Model,
        };
        let mut doc = DocAnnotations::default();
        apply(&mut doc, Edit::Propose(p.clone())).unwrap();
        let start = doc.clone();
        let undo = apply(&mut doc, Edit::accept(&p, Some("ORG"))).unwrap();
        assert!(doc.proposals.is_empty());
        assert_eq!(doc.entities[0].label, "ORG");
        // Accepted under another label: a correction, the proposal beside it.
        assert_eq!(doc.entities[0].origin, Origin::Corrected(Source::Model));
        let proposed = doc.entities[0].proposed.as_ref().unwrap();
        assert_eq!((proposed.label.as_str(), proposed.bulk), ("LOC", false));
        apply(&mut doc, undo).unwrap();
        assert_eq!(doc, start);
        apply(&mut doc, Edit::reject(&p)).unwrap();
        assert!(doc.is_rejected(&p));
    }

    #[test]
    fn relabel_and_resize_mark_an_accepted_proposal_corrected_and_undo_restores_it() {
        let mut doc = DocAnnotations::default();
        let accepted = Span {
            origin: Origin::Accepted(Source::Model),
            ..span(7, 14, "ORG")
        };
        apply(&mut doc, Edit::Add(accepted.clone())).unwrap();
        let start = doc.clone();
        let undo = apply(
            &mut doc,
            Edit::Relabel {
                span: accepted,
                label: "LOC".into(),
            },
        )
        .unwrap();
        assert_eq!(doc.entities[0].origin, Origin::Corrected(Source::Model));
        assert_eq!(doc.entities[0].label, "LOC");
        let relabelled = doc.clone();
        let redo = apply(&mut doc, undo).unwrap();
        assert_eq!(doc, start, "undo gives back the accepted proposal");
        apply(&mut doc, redo).unwrap();
        assert_eq!(doc, relabelled, "redo marks it corrected again");

        // Resizing the corrected entity keeps it corrected; a resize of an
        // accepted one marks it and undo restores the origin and text.
        let mut doc = start.clone();
        let first = doc.entities[0].clone();
        let undo = apply(
            &mut doc,
            Edit::Resize {
                span: first,
                start: 7,
                end: 24,
            },
        )
        .unwrap();
        assert_eq!(doc.entities[0].origin, Origin::Corrected(Source::Model));
        assert_eq!(doc.entities[0].text, "أرمينيا وأذربيجان");
        apply(&mut doc, undo).unwrap();
        assert_eq!(doc, start);

        // A manual entity stays manual.
        let mut doc = DocAnnotations::default();
        apply(&mut doc, Edit::Add(span(7, 14, "ORG"))).unwrap();
        let undo = apply(
            &mut doc,
            Edit::Relabel {
                span: span(7, 14, "ORG"),
                label: "LOC".into(),
            },
        )
        .unwrap();
        assert_eq!(doc.entities[0].origin, Origin::Manual);
        assert!(matches!(undo, Edit::Relabel { .. }));
    }

    #[test]
    fn old_files_with_every_origin_still_load() {
        for o in [
            "Manual",
            "Accepted(Model)",
            "Imported",
            "Corrected(Gazetteer)",
        ] {
            let _: Origin = ron::from_str(o).unwrap();
        }
    }
}
