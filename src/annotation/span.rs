//! Entity spans, proposals and rejected proposals.

use serde::{Deserialize, Serialize};

/// Where a proposal came from, so an annotator (and the evaluation) can tell
/// which part of the proposer earned or lost trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Source {
    Rule,
    Gazetteer,
    Model,
    /// Exact strings an annotator already saved as gold.
    Memory,
}

/// How a saved entity came to be, kept so that reviews can separate the
/// annotator's own work from proposals they accepted and from imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Origin {
    Manual,
    Accepted(Source),
    Imported,
    /// A proposal from this source that was accepted and then relabelled
    /// or resized by the annotator: the proposer got it partly wrong. Files
    /// written before this variant existed load unchanged.
    Corrected(Source),
}

/// Confidence of memory built on an entity the annotator decided on
/// deliberately (drawn, corrected, accepted one by one, imported): a person
/// already said so. A proposal accepted in bulk spreads no stronger than the
/// confidence it had when accepted ([`Span::memory_confidence`]).
pub const DECIDED_CONFIDENCE: f32 = 0.95;

/// What the machine proposed for an entity that came from a proposal, kept
/// beside the entity so a correction shows what it corrected and memory can
/// weigh how the entity was decided. Offsets are chars, like the span's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Proposed {
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// 0..=1; the proposal's confidence when it was decided on.
    pub confidence: f32,
    /// Accepted by a bulk action ("accept all of a label", "accept all
    /// above a confidence") rather than looked at one by one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bulk: bool,
}

impl PartialEq for Proposed {
    fn eq(&self, o: &Proposed) -> bool {
        (
            self.start,
            self.end,
            &self.label,
            self.confidence.to_bits(),
            self.bulk,
        ) == (o.start, o.end, &o.label, o.confidence.to_bits(), o.bulk)
    }
}

impl Eq for Proposed {}

impl std::hash::Hash for Proposed {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (
            self.start,
            self.end,
            &self.label,
            self.confidence.to_bits(),
            self.bulk,
        )
            .hash(h);
    }
}

/// How an entity was decided, finer than [`Origin`]: what review and
/// `kashif stats` count per label and source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// Drawn by hand.
    Manual,
    /// Read from another tool's file.
    Imported,
    /// A proposal accepted as proposed, looked at one by one (also entities
    /// of files written before the bulk mark existed).
    Accepted,
    /// A proposal accepted as proposed by a bulk action.
    AcceptedInBulk,
    /// A proposal whose label the annotator changed.
    CorrectedLabel,
    /// A proposal whose boundaries the annotator changed.
    CorrectedBoundaries,
    /// A proposal whose label and boundaries the annotator changed.
    CorrectedBoth,
    /// Marked corrected by a file written before the proposal was kept
    /// beside the entity: what changed is unknown.
    Corrected,
}

impl Decision {
    /// Short name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Manual => "manual",
            Decision::Imported => "imported",
            Decision::Accepted => "accepted",
            Decision::AcceptedInBulk => "accepted in bulk",
            Decision::CorrectedLabel => "corrected label",
            Decision::CorrectedBoundaries => "corrected boundaries",
            Decision::CorrectedBoth => "corrected label and boundaries",
            Decision::Corrected => "corrected",
        }
    }

    /// Whether this is a correction of a proposal (any kind).
    pub fn is_correction(self) -> bool {
        matches!(
            self,
            Decision::CorrectedLabel
                | Decision::CorrectedBoundaries
                | Decision::CorrectedBoth
                | Decision::Corrected
        )
    }

    /// Whether this is a proposal accepted as proposed (one by one or in bulk).
    pub fn is_acceptance(self) -> bool {
        matches!(self, Decision::Accepted | Decision::AcceptedInBulk)
    }
}

impl Origin {
    /// The proposer's source when the entity came from a proposal.
    pub fn source(self) -> Option<Source> {
        match self {
            Origin::Accepted(s) | Origin::Corrected(s) => Some(s),
            Origin::Manual | Origin::Imported => None,
        }
    }

    /// The origin after the annotator relabels or resizes the entity: an
    /// accepted proposal becomes a corrected one; others stay as they are.
    pub fn corrected(self) -> Origin {
        match self {
            Origin::Accepted(s) => Origin::Corrected(s),
            other => other,
        }
    }
}

/// A saved entity: chars `start..end` of the document (end exclusive).
///
/// The covered `text` is stored too, so a file can be checked against its
/// document and re-anchored when the document changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub origin: Origin,
    pub text: String,
    /// The proposal this entity came from (its place, label and confidence,
    /// and whether it was accepted in bulk), kept beside it when it is
    /// relabelled or resized. `None` for drawn and imported entities and in
    /// files written before it existed (they load unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Proposed>,
}

impl Span {
    /// How this entity was decided (see [`Decision`]).
    pub fn decision(&self) -> Decision {
        match (self.origin, &self.proposed) {
            (Origin::Manual, _) => Decision::Manual,
            (Origin::Imported, _) => Decision::Imported,
            (Origin::Accepted(_), Some(p)) if p.bulk => Decision::AcceptedInBulk,
            (Origin::Accepted(_), _) => Decision::Accepted,
            (Origin::Corrected(_), None) => Decision::Corrected,
            (Origin::Corrected(_), Some(p)) => {
                let label = p.label != self.label;
                let bounds = (p.start, p.end) != (self.start, self.end);
                match (label, bounds) {
                    (true, true) => Decision::CorrectedBoth,
                    (true, false) => Decision::CorrectedLabel,
                    (false, true) => Decision::CorrectedBoundaries,
                    (false, false) => Decision::Corrected,
                }
            }
        }
    }

    /// How strongly this entity may spread as memory to other occurrences
    /// of its name: [`DECIDED_CONFIDENCE`] for what a person decided on,
    /// the proposal's own confidence (never more) for a proposal accepted
    /// in bulk, which nobody looked at one by one.
    pub fn memory_confidence(&self) -> f32 {
        match (self.origin, &self.proposed) {
            (Origin::Accepted(_), Some(p)) if p.bulk => p.confidence.min(DECIDED_CONFIDENCE),
            _ => DECIDED_CONFIDENCE,
        }
    }

    /// A span whose `text` is filled in when it is added to a document
    /// ([`crate::annotation::Edit::Add`]) or checked on load.
    pub fn new(start: usize, end: usize, label: impl Into<String>, origin: Origin) -> Span {
        Span {
            start,
            end,
            label: label.into(),
            origin,
            text: String::new(),
            proposed: None,
        }
    }

    /// A hand-made span without its text, as unit tests build them.
    #[cfg(test)]
    pub(crate) fn manual(start: usize, end: usize, label: &str) -> Span {
        Span::new(start, end, label, Origin::Manual)
    }

    /// A hand-made span with the text it covers, for tests whose code reads it.
    #[cfg(test)]
    pub(crate) fn manual_with_text(start: usize, end: usize, label: &str, text: &str) -> Span {
        Span {
            text: text.into(),
            ..Span::manual(start, end, label)
        }
    }

    /// Two spans are the same entity when range and label agree; origin does
    /// not make a second copy of the same entity.
    pub fn same_entity(&self, other: &Span) -> bool {
        self.start == other.start && self.end == other.end && self.label == other.label
    }

    /// Sort key: reading (logical) order, longer first, then label.
    pub fn key(&self) -> (usize, std::cmp::Reverse<usize>, &str) {
        (self.start, std::cmp::Reverse(self.end), &self.label)
    }

    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }
}

/// An entity the machine suggests and nobody has decided on yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    /// 0..=1; how sure the source is.
    pub confidence: f32,
    pub source: Source,
}

impl Proposal {
    /// The key under which a rejection is remembered.
    pub fn rejected(&self) -> Rejected {
        Rejected {
            start: self.start,
            end: self.end,
            label: self.label.clone(),
            text: self.text.clone(),
        }
    }

    /// The entity this proposal becomes once accepted one by one, optionally
    /// under another label: accepted under another label it is a correction
    /// (`Corrected`), the proposal kept beside it either way.
    pub fn accepted(&self, label: Option<&str>) -> Span {
        self.decided(label, false)
    }

    /// The entity this proposal becomes when a bulk action accepts it as
    /// proposed: it spreads as memory no stronger than its confidence.
    pub fn accepted_in_bulk(&self) -> Span {
        self.decided(None, true)
    }

    fn decided(&self, label: Option<&str>, bulk: bool) -> Span {
        let label = label.unwrap_or(&self.label).to_string();
        let origin = if label == self.label {
            Origin::Accepted(self.source)
        } else {
            Origin::Corrected(self.source)
        };
        Span {
            start: self.start,
            end: self.end,
            label,
            origin,
            text: self.text.clone(),
            proposed: Some(Proposed {
                start: self.start,
                end: self.end,
                label: self.label.clone(),
                confidence: self.confidence,
                bulk,
            }),
        }
    }

    /// Sort key, as [`Span::key`]: proposals are kept in reading order.
    pub fn key(&self) -> (usize, std::cmp::Reverse<usize>, &str) {
        (self.start, std::cmp::Reverse(self.end), &self.label)
    }

    pub fn same_place(&self, other: &Proposal) -> bool {
        self.start == other.start && self.end == other.end && self.label == other.label
    }
}

/// A proposal the annotator turned down; remembered so it does not come back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rejected {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
}

impl Rejected {
    /// Whether this rejection covers `p` (same place and label).
    pub fn matches(&self, p: &Proposal) -> bool {
        self.start == p.start && self.end == p.end && self.label == p.label
    }
}
