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

impl Origin {
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
}

impl Span {
    /// A span whose `text` is filled in when it is added to a document
    /// ([`crate::annotation::Edit::Add`]) or checked on load.
    pub fn new(start: usize, end: usize, label: impl Into<String>, origin: Origin) -> Span {
        Span {
            start,
            end,
            label: label.into(),
            origin,
            text: String::new(),
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

    /// The entity this proposal becomes once accepted (optionally relabelled).
    pub fn accepted(&self, label: Option<&str>) -> Span {
        Span {
            start: self.start,
            end: self.end,
            label: label.unwrap_or(&self.label).to_string(),
            origin: Origin::Accepted(self.source),
            text: self.text.clone(),
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
