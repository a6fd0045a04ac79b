//! The session's undo stack: one step per command, each step a list of
//! primitive changes that may span documents (a corpus-wide "annotate all"
//! is one step). Built on [`Edit`]'s exact inverses.

use crate::annotation::{Edit, Origin, Span};

/// One applied edit of one document, kept as the edit that reverts it
/// (reverting yields the edit that re-applies it).
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub doc: usize,
    pub inverse: Edit,
    /// The change followed from the user's decision (another occurrence of
    /// the name settled) rather than being the decision itself; undo shows
    /// the place of the decision, not of what followed.
    pub follows: bool,
}

/// What one command changed, in the order it was applied.
#[derive(Debug, Clone, Default)]
pub(crate) struct Step {
    pub changes: Vec<Change>,
    /// Entities or proposals the command decided on, as reported to the user.
    pub items: usize,
    /// What the step did, as undo and redo report it ("accept LOC «أرمينيا»").
    pub name: String,
    /// [`super::session::Session`]'s count of pending-list changes made
    /// outside any step (the machine's proposals arriving) when this step
    /// went onto its stack. Equal at undo or redo time: every pending list
    /// is the one the step left or found, settled with what was known then,
    /// so reverting it needs no settling again.
    pub outside_at: u64,
}

/// Names a step from the inverses of what it applied: an inverse `Remove`
/// was an added entity, an inverse `Relabel` carries the old label, and so
/// on. Single changes are named with their text, bulk ones counted.
pub(crate) fn describe(changes: &[Change], new_status: impl Fn(usize) -> String) -> String {
    fn flat<'a>(e: &'a Edit, out: &mut Vec<&'a Edit>) {
        match e {
            Edit::Batch(v) => v.iter().for_each(|x| flat(x, out)),
            other => out.push(other),
        }
    }
    let mut edits = Vec::new();
    let mut status_doc = None;
    for c in changes {
        let before = edits.len();
        flat(&c.inverse, &mut edits);
        if edits[before..]
            .iter()
            .any(|e| matches!(e, Edit::SetStatus(_)))
        {
            status_doc = Some(c.doc);
        }
    }
    let quoted = |s: &Span| format!("{} «{}»", s.label, s.text);
    let added: Vec<&Span> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Remove(s) => Some(s),
            _ => None,
        })
        .collect();
    let accepted = added
        .iter()
        .filter(|s| s.proposed.is_some() || matches!(s.origin, Origin::Accepted(_)))
        .count();
    let removed: Vec<&Span> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Add(s) => Some(s),
            _ => None,
        })
        .collect();
    let rejected = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Unreject(r) => Some(r),
            _ => None,
        })
        .collect::<Vec<_>>();
    let relabels: Vec<(&Span, &str)> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Relabel { span, label } => Some((span, label.as_str())),
            _ => None,
        })
        .collect();
    let resized: Vec<&Span> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Resize { span, .. } => Some(span),
            _ => None,
        })
        .collect();
    if let [(s, old)] = relabels.as_slice() {
        return format!("relabel «{}» {old} -> {}", s.text, s.label);
    }
    if !relabels.is_empty() {
        return format!("relabel {} entities", relabels.len());
    }
    if let [s] = resized.as_slice() {
        return format!("resize {}", quoted(s));
    }
    if let ([s], []) = (added.as_slice(), removed.as_slice()) {
        let verb = if accepted == 1 { "accept" } else { "create" };
        return format!("{verb} {}", quoted(s));
    }
    if added.len() > 1 {
        return if accepted == added.len() {
            format!("accept {} proposals", added.len())
        } else {
            format!("create {} entities", added.len())
        };
    }
    if let ([s], []) = (removed.as_slice(), added.as_slice()) {
        return format!("delete {}", quoted(s));
    }
    if removed.len() > 1 {
        return format!("delete {} entities", removed.len());
    }
    if let [r] = rejected.as_slice() {
        return format!("reject {} «{}»", r.label, r.text);
    }
    if rejected.len() > 1 {
        return format!("reject {} proposals", rejected.len());
    }
    if let Some(d) = status_doc {
        return format!("mark {}", new_status(d));
    }
    if edits.iter().any(|e| matches!(e, Edit::SetNote { .. })) {
        return "note".to_string();
    }
    "edit".to_string()
}

impl Step {
    /// The documents this step touched, in first-touched order.
    pub fn documents(&self) -> Vec<usize> {
        let mut seen = std::collections::HashSet::new();
        self.changes
            .iter()
            .filter(|c| seen.insert(c.doc))
            .map(|c| c.doc)
            .collect()
    }
}

/// Undo and redo stacks; a new step clears redo. Bounded so a day-long
/// session does not grow without end.
#[derive(Debug, Default)]
pub(crate) struct UndoStack {
    pub undo: Vec<Step>,
    pub redo: Vec<Step>,
}

/// Steps kept for undo.
pub const UNDO_LIMIT: usize = 10_000;

impl UndoStack {
    pub fn push(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
    }
}
