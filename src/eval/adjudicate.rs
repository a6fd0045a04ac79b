//! Building one gold set from two annotators: what they agree on is merged at
//! once, the rest is grouped into conflicts for a person to decide.

use serde::Serialize;

use crate::annotation::{Span, Status};

/// Spans of the two annotators that overlap one another (directly or through
/// a chain) and were not marked identically by both; deciding one means
/// looking at all of them together. A side may be empty: the other
/// annotator marked something the first did not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// Chars covered by the conflict's spans, for showing it in the text.
    pub start: usize,
    pub end: usize,
    pub a: Vec<Span>,
    pub b: Vec<Span>,
}

/// The agreed entities and the conflicts, both in text order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjudication {
    pub agreed: Vec<Span>,
    pub conflicts: Vec<Conflict>,
}

/// Which reading of a conflict goes into the gold set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    A,
    B,
    Both,
    Neither,
}

impl Conflict {
    /// The spans a choice keeps (exact duplicates once).
    pub fn resolve(&self, choice: Choice) -> Vec<Span> {
        let mut out: Vec<Span> = match choice {
            Choice::A => self.a.clone(),
            Choice::B => self.b.clone(),
            Choice::Both => self.a.iter().chain(&self.b).cloned().collect(),
            Choice::Neither => Vec::new(),
        };
        out.sort_by(|x, y| x.key().cmp(&y.key()));
        out.dedup_by(|x, y| x.same_entity(y));
        out
    }
}

/// How the two readings of a conflict differ, so that a list can tell a
/// boundary disagreement (`DATE` against `DATE`, other edges) from a label
/// one at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// Only the first annotator marked something here.
    OnlyA,
    /// Only the second annotator marked something here.
    OnlyB,
    /// One span each, same label, other boundaries.
    Boundaries,
    /// One span each, same boundaries, other label.
    Label,
    /// One span each, other boundaries and other label.
    BoundariesAndLabel,
    /// Several spans on a side (one name split in two, or nested names).
    Split,
}

impl ConflictKind {
    /// A short name for lists (`boundaries`, `label`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ConflictKind::OnlyA => "left only",
            ConflictKind::OnlyB => "right only",
            ConflictKind::Boundaries => "boundaries",
            ConflictKind::Label => "label",
            ConflictKind::BoundariesAndLabel => "boundaries and label",
            ConflictKind::Split => "split differently",
        }
    }
}

impl Conflict {
    /// How the readings differ.
    pub fn kind(&self) -> ConflictKind {
        match (self.a.as_slice(), self.b.as_slice()) {
            (_, []) => ConflictKind::OnlyA,
            ([], _) => ConflictKind::OnlyB,
            ([x], [y]) if (x.start, x.end) == (y.start, y.end) => ConflictKind::Label,
            ([x], [y]) if x.label == y.label => ConflictKind::Boundaries,
            ([_], [_]) => ConflictKind::BoundariesAndLabel,
            _ => ConflictKind::Split,
        }
    }
}

/// Whether a document may become gold from these annotators' files: only
/// when every one of them has a file for it marked done (what nobody
/// finished is not decided, so it is not gold). `files` is each
/// annotator's name with the status of their file (`None`: no file).
/// `Err` says who did not finish, e.g. `badr: in progress; chadi: no
/// file`, for the list of documents left out.
pub fn ready_for_gold(files: &[(&str, Option<Status>)]) -> Result<(), String> {
    let missing: Vec<String> = files
        .iter()
        .filter(|(_, s)| *s != Some(Status::Done))
        .map(|(name, s)| match s {
            None => format!("{name}: no file"),
            Some(s) => format!("{name}: {}", s.as_str()),
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "not done by every annotator ({})",
            missing.join("; ")
        ))
    }
}

/// Splits two annotators' entities into agreement (same range and label;
/// `a`'s copy is kept) and conflicts.
pub fn adjudicate(a: &[Span], b: &[Span]) -> Adjudication {
    let mut agreed = Vec::new();
    let mut rest: Vec<(bool, &Span)> = Vec::new();
    let mut b_used = vec![false; b.len()];
    for s in a {
        match (0..b.len()).find(|&j| !b_used[j] && b[j].same_entity(s)) {
            Some(j) => {
                b_used[j] = true;
                agreed.push(s.clone());
            }
            None => rest.push((true, s)),
        }
    }
    rest.extend(
        b.iter()
            .zip(&b_used)
            .filter(|(_, u)| !**u)
            .map(|(s, _)| (false, s)),
    );
    // Sweep in text order; a span joins the current group when it starts
    // before the group's end.
    rest.sort_by(|x, y| x.1.key().cmp(&y.1.key()));
    let mut conflicts: Vec<Conflict> = Vec::new();
    for (from_a, s) in rest {
        if conflicts.last().is_none_or(|c| s.start >= c.end) {
            conflicts.push(Conflict {
                start: s.start,
                end: s.end,
                a: Vec::new(),
                b: Vec::new(),
            });
        }
        let last = conflicts.len() - 1;
        let group = &mut conflicts[last];
        group.end = group.end.max(s.end);
        if from_a {
            group.a.push(s.clone());
        } else {
            group.b.push(s.clone());
        }
    }
    agreed.sort_by(|x, y| x.key().cmp(&y.key()));
    Adjudication { agreed, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    #[test]
    fn agreements_merge_and_overlaps_group() {
        let a = [sp(0, 5, "PER"), sp(10, 20, "LOC"), sp(30, 35, "ORG")];
        let b = [
            sp(0, 5, "PER"),
            sp(10, 15, "LOC"),
            sp(14, 22, "ORG"),
            sp(40, 44, "DATE"),
        ];
        let r = adjudicate(&a, &b);
        assert_eq!(r.agreed, [sp(0, 5, "PER")]);
        let shape: Vec<_> = r
            .conflicts
            .iter()
            .map(|c| (c.start, c.end, c.a.len(), c.b.len()))
            .collect();
        assert_eq!(shape, [(10, 22, 1, 2), (30, 35, 1, 0), (40, 44, 0, 1)]);
        assert_eq!(
            r.conflicts[0].resolve(Choice::B),
            [sp(10, 15, "LOC"), sp(14, 22, "ORG")]
        );
        assert_eq!(r.conflicts[1].resolve(Choice::B), []);
        assert_eq!(r.conflicts[2].resolve(Choice::Both), [sp(40, 44, "DATE")]);
    }

    #[test]
    fn a_boundary_conflict_is_told_from_a_label_one() {
        let kinds = |a: &[Span], b: &[Span]| -> Vec<ConflictKind> {
            adjudicate(a, b)
                .conflicts
                .iter()
                .map(Conflict::kind)
                .collect()
        };
        use ConflictKind as K;
        assert_eq!(
            kinds(&[sp(0, 9, "DATE")], &[sp(2, 9, "DATE")]),
            [K::Boundaries]
        );
        assert_eq!(kinds(&[sp(0, 9, "ORG")], &[sp(0, 9, "LOC")]), [K::Label]);
        assert_eq!(
            kinds(&[sp(0, 9, "ORG")], &[sp(3, 9, "LOC")]),
            [K::BoundariesAndLabel]
        );
        assert_eq!(
            kinds(&[sp(0, 4, "PER"), sp(20, 24, "LOC")], &[sp(30, 34, "LOC")]),
            [K::OnlyA, K::OnlyA, K::OnlyB]
        );
        assert_eq!(
            kinds(&[sp(0, 9, "ORG"), sp(5, 9, "LOC")], &[sp(0, 9, "LOC")]),
            [K::Split]
        );
        assert_ne!(K::Boundaries.name(), K::Label.name());
    }

    #[test]
    fn only_documents_every_annotator_finished_are_ready_for_gold() {
        let done = Some(Status::Done);
        assert_eq!(ready_for_gold(&[("a", done), ("b", done)]), Ok(()));
        assert_eq!(
            ready_for_gold(&[("a", done), ("b", Some(Status::InProgress))]),
            Err("not done by every annotator (b: in progress)".into())
        );
        assert_eq!(
            ready_for_gold(&[("a", Some(Status::Todo)), ("b", None)]),
            Err("not done by every annotator (a: todo; b: no file)".into())
        );
    }

    #[test]
    fn identical_annotators_have_no_conflicts() {
        let a = [sp(0, 5, "PER"), sp(3, 9, "LOC")];
        let r = adjudicate(&a, &a);
        assert_eq!(r.agreed.len(), 2);
        assert!(r.conflicts.is_empty());
    }
}
