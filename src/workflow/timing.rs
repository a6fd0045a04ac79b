//! The time each decision takes, recorded as the annotator works: every
//! command that changes the open document's entities, rejections or status
//! becomes one or more [`TimingRecord`]s (what was decided, label, span,
//! seconds), handed to the saver's journal thread, which appends them to
//! `<annotator>/.kashif-timing.tsv` (see [`crate::store::timing`]).
//!
//! What was decided is read from the document before and after the command
//! (the entities that appeared, went or changed, the rejections added, the
//! status), so every path to a decision (keys, mouse, menus, bulk actions)
//! is recorded alike. The seconds are those since the previous decision in
//! the same document session (or since the document was opened), capped at
//! [`IDLE_CAP_SECS`], shared evenly among the records of one command.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::annotation::{Decision, DocAnnotations, Rejected, Span, Status};
use crate::store::timing::{Act, IDLE_CAP_SECS, TimingRecord};

use super::command::Command;
use super::session::Session;

/// Where the clock of the document session stands.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stopwatch {
    /// The document being worked on.
    doc: Option<usize>,
    /// When its last decision was made, or it was opened.
    last: Instant,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch {
            doc: None,
            last: Instant::now(),
        }
    }
}

impl Stopwatch {
    /// A document session starts (the document opened).
    pub(super) fn open(&mut self, doc: usize) {
        if self.doc != Some(doc) {
            self.doc = Some(doc);
            self.last = Instant::now();
        }
    }

    /// When the clock of document `doc` last started: its last decision,
    /// or its opening; now if it is not the document being worked on.
    fn since(&self, doc: usize) -> Instant {
        if self.doc == Some(doc) {
            self.last
        } else {
            Instant::now()
        }
    }
}

/// The open document before a command that may decide something.
pub(super) struct Before {
    doc: usize,
    entities: Vec<Span>,
    rejected: usize,
    status: Status,
    kind: Kind,
    /// The clock of the document session: see [`Stopwatch::since`].
    since: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Records follow from what changed.
    Diff {
        bulk: bool,
    },
    Undo,
    Redo,
}

fn kind_of(cmd: &Command) -> Option<Kind> {
    use Command as C;
    Some(match cmd {
        C::AcceptAllOfLabel(_) | C::AcceptAllAbove(_) | C::AnnotateAll { .. } => {
            Kind::Diff { bulk: true }
        }
        C::AcceptFocused { .. }
        | C::RejectFocused
        | C::RelabelFocused(_)
        | C::DeleteFocused
        | C::CreateFromSelection(_)
        | C::ApplyLabel(_)
        | C::Resize { .. }
        | C::MoveEdge { .. }
        | C::MoveEdgeVisual { .. }
        | C::MarkDoneAndNext
        | C::SetStatus(_)
        | C::RejectPendingAndMarkDone { .. } => Kind::Diff { bulk: false },
        C::Undo => Kind::Undo,
        C::Redo => Kind::Redo,
        _ => return None,
    })
}

fn same_place(a: &Span, b: &Span) -> bool {
    (a.start, a.end) == (b.start, b.end)
}

fn overlaps(a: &Span, b: &Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// What the command decided, from the document before and after it:
/// `(act, label, start, end)` in document order of appearance.
fn decisions(before: &Before, after: &DocAnnotations) -> Vec<(Act, String, usize, usize)> {
    let key = |s: &Span| (s.start, s.end, s.label.clone());
    let old: Vec<&Span> = before
        .entities
        .iter()
        .filter(|s| !after.entities.iter().any(|t| key(t) == key(s)))
        .collect();
    let new: Vec<&Span> = after
        .entities
        .iter()
        .filter(|s| !before.entities.iter().any(|t| key(t) == key(s)))
        .collect();
    let bulk = before.kind == Kind::Diff { bulk: true };
    let mut gone: Vec<bool> = vec![false; old.len()];
    let mut out = Vec::new();
    for s in &new {
        // The same place under another label: a relabel; an overlapping
        // entity of the same label: a resize; else a new entity.
        let changed = old
            .iter()
            .enumerate()
            .position(|(k, o)| !gone[k] && same_place(o, s))
            .or_else(|| {
                old.iter()
                    .enumerate()
                    .position(|(k, o)| !gone[k] && o.label == s.label && overlaps(o, s))
            });
        let act = match changed {
            Some(k) => {
                gone[k] = true;
                if same_place(old[k], s) {
                    Act::Relabel
                } else {
                    Act::Resize
                }
            }
            None => match s.decision() {
                Decision::Accepted => Act::Accept,
                Decision::AcceptedInBulk => Act::AcceptBulk,
                Decision::CorrectedLabel => Act::CorrectLabel,
                Decision::CorrectedBoundaries | Decision::Corrected => Act::CorrectBounds,
                Decision::CorrectedBoth => Act::CorrectBoth,
                Decision::Manual | Decision::Imported if bulk => Act::DrawBulk,
                Decision::Manual | Decision::Imported => Act::Draw,
            },
        };
        out.push((act, s.label.clone(), s.start, s.end));
    }
    let deleted: Vec<&Span> = old
        .iter()
        .zip(&gone)
        .filter(|(_, g)| !**g)
        .map(|(o, _)| *o)
        .collect();
    for o in &deleted {
        out.push((Act::Delete, o.label.clone(), o.start, o.end));
    }
    // Rejections added, but not those a deletion remembers.
    let is_deleted = |r: &Rejected| {
        deleted
            .iter()
            .any(|o| (o.start, o.end, o.label.as_str()) == (r.start, r.end, r.label.as_str()))
    };
    for r in after.rejected.iter().skip(before.rejected) {
        if !is_deleted(r) {
            out.push((Act::Reject, r.label.clone(), r.start, r.end));
        }
    }
    if after.status == Status::Done && before.status != Status::Done {
        out.push((Act::Done, String::new(), 0, 0));
    }
    out
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Session {
    /// Notes the open document before `cmd`, if `cmd` may decide something.
    pub(super) fn timing_before(&self, cmd: &Command) -> Option<Before> {
        let kind = kind_of(cmd)?;
        let doc = self.current?;
        let ann = &self.states[doc].annotations;
        Some(Before {
            doc,
            entities: if matches!(kind, Kind::Diff { .. }) {
                ann.entities.clone()
            } else {
                Vec::new()
            },
            rejected: ann.rejected.len(),
            status: ann.status,
            kind,
            since: self.stopwatch.since(doc),
        })
    }

    /// After a command that edited: the records of what it decided in the
    /// document it started in, handed to the journal thread.
    pub(super) fn timing_after(&mut self, before: Before) {
        let doc = before.doc;
        let Some(state) = self.states.get(doc) else {
            return;
        };
        let rows = match before.kind {
            Kind::Undo => vec![(Act::Undo, String::new(), 0, 0)],
            Kind::Redo => vec![(Act::Redo, String::new(), 0, 0)],
            Kind::Diff { .. } => decisions(&before, &state.annotations),
        };
        if rows.is_empty() {
            return;
        }
        let now = Instant::now();
        let lap = now.duration_since(before.since).as_secs_f64();
        let seconds = lap.min(IDLE_CAP_SECS) / rows.len() as f64;
        let unix_ms = unix_ms();
        let document = self.docs[doc].id.clone();
        let records = rows
            .into_iter()
            .map(|(act, label, start, end)| TimingRecord {
                unix_ms,
                document: document.clone(),
                act,
                label,
                start,
                end,
                seconds,
            })
            .collect();
        self.saver.record_timing(records);
        // The next decision here counts from now; a document opened by the
        // command ("done and next") started its own clock when it opened.
        if self.current == Some(doc) {
            self.stopwatch = Stopwatch {
                doc: Some(doc),
                last: now,
            };
        }
    }

    /// Timing records appended to the timing file so far (tests, benches).
    pub fn timing_records_written(&self) -> u64 {
        self.saver.timed()
    }

    /// Why the timing file could not be written, if it could not (the
    /// records of that append are dropped; the next decision tries again).
    pub fn timing_error(&self) -> Option<String> {
        self.saver.timing_error()
    }

    /// Puts a new timing-file error in the status bar once; returns
    /// whether it did.
    pub(super) fn say_timing_error(&mut self) -> bool {
        let e = self.saver.timing_error();
        if e.is_none() {
            self.timing_said = None;
            return false;
        }
        if e == self.timing_said {
            return false;
        }
        self.message = e.as_ref().map(|e| format!("decisions are not timed: {e}"));
        self.timing_said = e;
        true
    }
}
