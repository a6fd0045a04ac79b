//! The one gate into "done": a document becomes done only when no proposal
//! is pending in it. The workbench (`Session::apply`), `kashif import` and
//! `kashif validate` all ask [`check_done`], so the rule lives in one place
//! and no reader of gold meets a done document whose proposals nobody
//! decided.

use crate::annotation::{DocAnnotations, Status};

/// Why a document may not be marked done: proposals nobody decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingProposals {
    /// How many proposals are pending.
    pub pending: usize,
    /// The first of them in text order, as `start..end LABEL «text»` (char
    /// offsets, end exclusive), to name it in a report.
    pub first: String,
}

impl std::fmt::Display for PendingProposals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} proposal(s) pending (first at {})",
            self.pending, self.first
        )
    }
}

/// Whether `ann` may become done: `Err` names the pending proposals that
/// must first be accepted or rejected.
pub fn check_done(ann: &DocAnnotations) -> Result<(), PendingProposals> {
    let Some(first) = ann
        .proposals
        .iter()
        .min_by_key(|p| (p.start, std::cmp::Reverse(p.end)))
    else {
        return Ok(());
    };
    Err(PendingProposals {
        pending: ann.proposals.len(),
        first: format!(
            "{}..{} {} «{}»",
            first.start, first.end, first.label, first.text
        ),
    })
}

/// The status a document given `wanted` from outside (an import) may have:
/// `wanted` itself, or in progress instead of done while proposals are
/// pending (the reason comes with it, for the report).
pub fn gated_status(ann: &DocAnnotations, wanted: Status) -> (Status, Option<PendingProposals>) {
    if wanted != Status::Done {
        return (wanted, None);
    }
    match check_done(ann) {
        Ok(()) => (Status::Done, None),
        Err(why) => (Status::InProgress, Some(why)),
    }
}

/// A done document that holds pending proposals anyway (written by hand, by
/// an older version, or by another tool): what `kashif validate` warns about.
pub fn done_with_pending(ann: &DocAnnotations) -> Option<PendingProposals> {
    if ann.status != Status::Done {
        return None;
    }
    check_done(ann).err()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Proposal, Source};

    fn prop(start: usize, end: usize, label: &str) -> Proposal {
        Proposal {
            start,
            end,
            label: label.into(),
            text: "x".repeat(end - start),
            confidence: 0.9,
            source: Source::Model,
        }
    }

    #[test]
    fn done_needs_no_pending_proposal() {
        let mut ann = DocAnnotations::default();
        assert_eq!(check_done(&ann), Ok(()));
        ann.proposals = vec![prop(9, 12, "LOC"), prop(2, 4, "PER")];
        let why = check_done(&ann).unwrap_err();
        assert_eq!(why.pending, 2);
        assert_eq!(why.first, "2..4 PER «xx»");
        assert_eq!(
            gated_status(&ann, Status::Done),
            (Status::InProgress, Some(why.clone()))
        );
        assert_eq!(gated_status(&ann, Status::Todo), (Status::Todo, None));
        assert_eq!(done_with_pending(&ann), None, "not done: nothing to warn");
        ann.status = Status::Done;
        assert_eq!(done_with_pending(&ann), Some(why));
        ann.proposals.clear();
        assert_eq!(gated_status(&ann, Status::Done), (Status::Done, None));
        assert_eq!(done_with_pending(&ann), None);
    }
}
