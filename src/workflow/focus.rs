//! The focus: the one entity or proposal the keyboard acts on, moving in
//! reading order (logical char order, which is right to left on screen in
//! Arabic paragraphs).

use std::cmp::Reverse;

use crate::annotation::{DocAnnotations, Proposal, Span};

/// Whether the focus is on a saved entity or on a pending proposal.
/// Entities sort before proposals at the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FocusKind {
    Entity,
    Proposal,
}

/// A focused item, named by place and label rather than by index, so it
/// survives edits that shift the lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Focus {
    pub kind: FocusKind,
    pub start: usize,
    pub end: usize,
    pub label: String,
}

type Order<'a> = (usize, Reverse<usize>, &'a str, FocusKind);

impl Focus {
    pub fn entity(s: &Span) -> Focus {
        Focus {
            kind: FocusKind::Entity,
            start: s.start,
            end: s.end,
            label: s.label.clone(),
        }
    }

    pub fn proposal(p: &Proposal) -> Focus {
        Focus {
            kind: FocusKind::Proposal,
            start: p.start,
            end: p.end,
            label: p.label.clone(),
        }
    }

    /// Reading order: by start, longer first, then label, entity first.
    fn order(&self) -> Order<'_> {
        (self.start, Reverse(self.end), &self.label, self.kind)
    }

    /// The entity this focus names, if it is one and still exists.
    pub fn find_entity<'a>(&self, doc: &'a DocAnnotations) -> Option<&'a Span> {
        (self.kind == FocusKind::Entity).then_some(())?;
        doc.entities
            .iter()
            .find(|s| s.start == self.start && s.end == self.end && s.label == self.label)
    }

    /// The pending proposal this focus names, if it is one and still exists.
    pub fn find_proposal<'a>(&self, doc: &'a DocAnnotations) -> Option<&'a Proposal> {
        (self.kind == FocusKind::Proposal).then_some(())?;
        doc.proposals
            .iter()
            .find(|p| p.start == self.start && p.end == self.end && p.label == self.label)
    }

    /// The item at `index` of `doc`'s entities or proposals (views that
    /// address boxes by index convert with this and [`Focus::index_in`]).
    pub fn at(doc: &DocAnnotations, kind: FocusKind, index: usize) -> Option<Focus> {
        match kind {
            FocusKind::Entity => doc.entities.get(index).map(Focus::entity),
            FocusKind::Proposal => doc.proposals.get(index).map(Focus::proposal),
        }
    }

    /// Where the named item sits in `doc`'s entities or proposals (by kind).
    pub fn index_in(&self, doc: &DocAnnotations) -> Option<usize> {
        let same =
            |start, end, label: &str| start == self.start && end == self.end && label == self.label;
        match self.kind {
            FocusKind::Entity => doc
                .entities
                .iter()
                .position(|s| same(s.start, s.end, &s.label)),
            FocusKind::Proposal => doc
                .proposals
                .iter()
                .position(|p| same(p.start, p.end, &p.label)),
        }
    }

    /// Whether the named item still exists in `doc`.
    pub fn exists(&self, doc: &DocAnnotations) -> bool {
        self.find_entity(doc).is_some() || self.find_proposal(doc).is_some()
    }
}

/// Which items focus moves through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    All,
    ProposalsOnly,
}

/// Every item's place in reading order, without allocating.
fn candidates(doc: &DocAnnotations, items: Items) -> impl Iterator<Item = Order<'_>> {
    let entities = doc
        .entities
        .iter()
        .filter(move |_| items == Items::All)
        .map(|s| (s.start, Reverse(s.end), s.label.as_str(), FocusKind::Entity));
    let proposals = doc.proposals.iter().map(|p| {
        (
            p.start,
            Reverse(p.end),
            p.label.as_str(),
            FocusKind::Proposal,
        )
    });
    entities.chain(proposals)
}

fn from_order(o: Order<'_>) -> Focus {
    Focus {
        kind: o.3,
        start: o.0,
        end: o.1.0,
        label: o.2.to_string(),
    }
}

/// The item after `from` in reading order, wrapping to the first; the first
/// item when there is no focus. One linear pass.
pub fn next(doc: &DocAnnotations, from: Option<&Focus>, items: Items) -> Option<Focus> {
    let from = from.map(Focus::order);
    let mut after: Option<Order<'_>> = None;
    let mut first: Option<Order<'_>> = None;
    for o in candidates(doc, items) {
        if first.is_none_or(|b| o < b) {
            first = Some(o);
        }
        if from.is_some_and(|c| o > c) && after.is_none_or(|b| o < b) {
            after = Some(o);
        }
    }
    after.or(first).map(from_order)
}

/// The item before `from` in reading order, wrapping to the last; the last
/// item when there is no focus.
pub fn previous(doc: &DocAnnotations, from: Option<&Focus>, items: Items) -> Option<Focus> {
    let from = from.map(Focus::order);
    let mut before: Option<Order<'_>> = None;
    let mut last: Option<Order<'_>> = None;
    for o in candidates(doc, items) {
        if last.is_none_or(|b| o > b) {
            last = Some(o);
        }
        if from.is_some_and(|c| o < c) && before.is_none_or(|b| o > b) {
            before = Some(o);
        }
    }
    before.or(last).map(from_order)
}

/// The first item in reading order that starts at or after char `at`,
/// wrapping to the first: Tab with nothing focused starts from the first
/// item on screen (`at` = the first char shown), not from the top.
pub fn first_from(doc: &DocAnnotations, at: usize, items: Items) -> Option<Focus> {
    let mut best: Option<Order<'_>> = None;
    let mut first: Option<Order<'_>> = None;
    for o in candidates(doc, items) {
        if first.is_none_or(|b| o < b) {
            first = Some(o);
        }
        if o.0 >= at && best.is_none_or(|b| o < b) {
            best = Some(o);
        }
    }
    best.or(first).map(from_order)
}

/// The last item in reading order that starts before char `at`, wrapping
/// to the last: Shift+Tab with nothing focused (`at` = the end of the last
/// line shown).
pub fn last_before(doc: &DocAnnotations, at: usize, items: Items) -> Option<Focus> {
    let mut best: Option<Order<'_>> = None;
    let mut last: Option<Order<'_>> = None;
    for o in candidates(doc, items) {
        if last.is_none_or(|b| o > b) {
            last = Some(o);
        }
        if o.0 < at && best.is_none_or(|b| o > b) {
            best = Some(o);
        }
    }
    best.or(last).map(from_order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Source;

    fn doc() -> DocAnnotations {
        let span = Span::manual;
        let prop = |start, end, label: &str| Proposal {
            start,
            end,
            label: label.into(),
            text: String::new(),
            confidence: 0.5,
            source: Source::Rule,
        };
        DocAnnotations {
            entities: vec![span(0, 4, "PER"), span(10, 14, "LOC")],
            proposals: vec![prop(5, 8, "ORG"), prop(10, 14, "LOC")],
            ..Default::default()
        }
    }

    #[test]
    fn tab_walks_reading_order_and_wraps() {
        let d = doc();
        let mut f = None;
        let mut seen = Vec::new();
        for _ in 0..5 {
            f = next(&d, f.as_ref(), Items::All);
            let g = f.clone().unwrap();
            seen.push((g.start, g.kind));
        }
        use FocusKind::*;
        assert_eq!(
            seen,
            [
                (0, Entity),
                (5, Proposal),
                (10, Entity),
                (10, Proposal),
                (0, Entity)
            ]
        );
    }

    #[test]
    fn shift_tab_is_the_mirror() {
        let d = doc();
        let last = previous(&d, None, Items::All).unwrap();
        assert_eq!((last.start, last.kind), (10, FocusKind::Proposal));
        let back = previous(&d, Some(&last), Items::All).unwrap();
        assert_eq!((back.start, back.kind), (10, FocusKind::Entity));
        let first = next(&d, None, Items::All).unwrap();
        assert_eq!(previous(&d, Some(&first), Items::All), Some(last));
    }

    #[test]
    fn proposals_only_skips_entities() {
        let d = doc();
        let f = next(&d, None, Items::ProposalsOnly).unwrap();
        assert_eq!(f.start, 5);
        let g = next(&d, Some(&f), Items::ProposalsOnly).unwrap();
        assert_eq!((g.start, g.kind), (10, FocusKind::Proposal));
        assert!(g.find_proposal(&d).is_some());
        assert!(g.find_entity(&d).is_none());
    }

    #[test]
    fn index_round_trip() {
        let d = doc();
        for kind in [FocusKind::Entity, FocusKind::Proposal] {
            for i in 0..2 {
                let f = Focus::at(&d, kind, i).unwrap();
                assert_eq!(f.index_in(&d), Some(i));
            }
            assert_eq!(Focus::at(&d, kind, 2), None);
        }
    }

    #[test]
    fn empty_document_has_no_focus() {
        assert_eq!(next(&DocAnnotations::default(), None, Items::All), None);
    }

    #[test]
    fn tab_from_a_place_starts_at_the_first_item_there() {
        let d = doc();
        let all: Vec<Focus> = {
            let mut v = Vec::new();
            let mut f = None;
            while let Some(n) = next(&d, f.as_ref(), Items::All) {
                if v.contains(&n) {
                    break;
                }
                v.push(n.clone());
                f = Some(n);
            }
            v
        };
        let mid = all[1].start;
        assert_eq!(first_from(&d, mid, Items::All), Some(all[1].clone()));
        assert_eq!(
            first_from(&d, usize::MAX, Items::All),
            Some(all[0].clone()),
            "wraps"
        );
        assert_eq!(last_before(&d, mid, Items::All), Some(all[0].clone()));
        assert_eq!(last_before(&d, 0, Items::All), all.last().cloned());
    }
}
