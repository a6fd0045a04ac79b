//! One annotator's annotations of one document.

use serde::{Deserialize, Serialize};

use super::{Proposal, Rejected, Span};

/// Where the annotator stands with a document; drives corpus progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Todo,
    InProgress,
    Done,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in progress",
            Status::Done => "done",
        }
    }
}

/// Everything an annotator decided about one document.
///
/// Entities are kept sorted by [`Span::key`] so files and exports are stable.
/// Overlapping and nested entities are allowed; exact duplicates are not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocAnnotations {
    pub status: Status,
    pub entities: Vec<Span>,
    /// Proposals not yet decided on, in the same order as entities.
    pub proposals: Vec<Proposal>,
    /// Proposals turned down, so they are not proposed again.
    pub rejected: Vec<Rejected>,
    /// Entities that no longer fit the document (its text changed and their
    /// text was not found near the old place, or the file was edited by hand).
    /// Kept and saved so no decision is lost; shown for the annotator to fix.
    pub detached: Vec<Span>,
    /// Comments for the lead ("ask the lead"): on the document or on an
    /// entity's place, one per place, in place order. Absent in what was
    /// written before notes existed.
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// An annotator's comment, saved in the RON file (files written before
/// notes existed load with none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Note {
    /// Chars `start..end` of the entity the note is about (it stays on that
    /// place if the entity is relabelled); `None`: the whole document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<(usize, usize)>,
    pub text: String,
}

impl DocAnnotations {
    /// Index of the entity equal to `span` (range and label).
    pub fn find(&self, span: &Span) -> Option<usize> {
        self.entities.iter().position(|s| s.same_entity(span))
    }

    pub fn find_proposal(&self, p: &Proposal) -> Option<usize> {
        self.proposals.iter().position(|q| q.same_place(p))
    }

    pub fn is_rejected(&self, p: &Proposal) -> bool {
        self.rejected.iter().any(|r| r.matches(p))
    }

    /// Inserts keeping the order; the caller has checked for duplicates.
    pub(crate) fn insert_sorted(&mut self, span: Span) {
        let at = self.entities.partition_point(|s| s.key() < span.key());
        self.entities.insert(at, span);
    }

    /// Puts entities in canonical order (after loading a file written by hand).
    pub fn normalize_order(&mut self) {
        self.entities.sort_by(|a, b| a.key().cmp(&b.key()));
        self.proposals.sort_by(|a, b| a.key().cmp(&b.key()));
    }

    /// The note on the document (`at: None`) or on chars `at`.
    pub fn note(&self, at: Option<(usize, usize)>) -> Option<&str> {
        self.notes
            .iter()
            .find(|n| n.at == at)
            .map(|n| n.text.as_str())
    }

    /// Sets or (with `None` or blank text) removes the note at `at`;
    /// returns the note it replaced.
    pub(crate) fn set_note(
        &mut self,
        at: Option<(usize, usize)>,
        text: Option<String>,
    ) -> Option<String> {
        let old = self
            .notes
            .iter()
            .position(|n| n.at == at)
            .map(|i| self.notes.remove(i).text);
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            let i = self.notes.partition_point(|n| n.at < at);
            self.notes.insert(i, Note { at, text });
        }
        old
    }

    /// Entity counts by label, in label order.
    pub fn counts(&self) -> std::collections::BTreeMap<String, usize> {
        let mut m = std::collections::BTreeMap::new();
        for s in &self.entities {
            *m.entry(s.label.clone()).or_insert(0) += 1;
        }
        m
    }
}
