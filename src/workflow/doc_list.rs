//! The document list: one row per document, a text filter, and corpus
//! progress for the progress bar.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::annotation::Status;

/// A value no session has used yet for its list generation, so a list
/// cached from one session is never taken for another's.
pub(super) fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One document as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocRow {
    /// Position in the corpus (sorted by id).
    pub index: usize,
    pub id: String,
    pub status: Status,
    pub entities: usize,
    pub proposals: usize,
    /// Its annotation file does not load; shown with the reason.
    pub read_only: Option<String>,
    pub current: bool,
}

impl DocRow {
    /// Whether the row passes the list's filter box: every word of the
    /// filter must occur, case-insensitively, in the id or the status name
    /// (`todo`, `in progress`, `done`, plus `read-only`).
    pub fn matches(&self, filter: &str) -> bool {
        DocFilter::new(filter).matches(&self.id, self.status, self.read_only.is_some())
    }
}

/// The list's filter box, lowered and split once, so a corpus of 20,000
/// documents is filtered without formatting a row per document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFilter {
    words: Vec<String>,
}

impl DocFilter {
    /// The filter typed in the box (words separated by whitespace).
    pub fn new(filter: &str) -> DocFilter {
        DocFilter {
            words: filter
                .to_lowercase()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        }
    }

    /// Whether it passes everything (an empty box).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether a document with this id, status and read-only flag passes:
    /// every word occurs, case-insensitively, in `"<id> <status>"` (plus
    /// `" read-only"` for a read-only document).
    pub fn matches(&self, id: &str, status: Status, read_only: bool) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let mut hay = String::with_capacity(id.len() + 24);
        hay.push_str(id);
        hay.push(' ');
        hay.push_str(status.as_str());
        if read_only {
            hay.push_str(" read-only");
        }
        let hay = hay.to_lowercase();
        self.words.iter().all(|w| hay.contains(w.as_str()))
    }
}

/// How far the corpus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub in_progress: usize,
    pub total: usize,
}

impl Progress {
    /// Done documents as a fraction of all (0 for an empty corpus).
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            self.done as f32 / self.total as f32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, status: Status) -> DocRow {
        DocRow {
            index: 0,
            id: id.into(),
            status,
            entities: 0,
            proposals: 0,
            read_only: None,
            current: false,
        }
    }

    #[test]
    fn filter_on_id_and_status() {
        let r = row("news/001_abc", Status::InProgress);
        assert!(r.matches(""));
        assert!(r.matches("001"));
        assert!(r.matches("NEWS progress"));
        assert!(!r.matches("done"));
        assert!(row("x", Status::Done).matches("done"));
        let mut broken = row("y", Status::Todo);
        broken.read_only = Some("bad".into());
        assert!(broken.matches("read-only"));
    }

    #[test]
    fn progress_fraction() {
        let p = Progress {
            done: 1,
            in_progress: 1,
            total: 4,
        };
        assert_eq!(p.fraction(), 0.25);
        assert_eq!(Progress::default().fraction(), 0.0);
    }
}
