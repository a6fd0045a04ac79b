//! Spans a format cannot hold, and the warnings that say so.

use crate::annotation::Span;

/// Something an export or import could not carry over exactly, named by
/// document so the user can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub doc: String,
    pub message: String,
}

impl Warning {
    pub fn new(doc: &str, message: impl Into<String>) -> Warning {
        Warning {
            doc: doc.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.doc, self.message)
    }
}

/// A span as a user reads it in a message: `LOC 12..20 "text"`.
pub(crate) fn show(s: &Span) -> String {
    format!("{} {}..{} \"{}\"", s.label, s.start, s.end, s.text)
}

/// Splits spans into a set without overlaps and the rest.
///
/// Longer spans win (then the earlier, then label order), so nested entities
/// lose to the entity that contains them: a flat format keeps the outermost
/// reading. Each dropped span comes with the kept span it collides with.
/// The kept spans are returned in text order.
pub fn outermost<'a>(spans: &[&'a Span]) -> (Vec<&'a Span>, Vec<(&'a Span, &'a Span)>) {
    let mut order: Vec<&Span> = spans.to_vec();
    order.sort_by(|a, b| {
        b.end
            .saturating_sub(b.start)
            .cmp(&a.end.saturating_sub(a.start))
            .then(a.start.cmp(&b.start))
            .then(a.label.cmp(&b.label))
    });
    let mut kept: Vec<&Span> = Vec::new();
    let mut dropped = Vec::new();
    for s in order {
        // `kept` is sorted by start and has no overlaps, so only the
        // neighbours of the insertion point can collide.
        let at = kept.partition_point(|k| k.start < s.start);
        let clash = [at.checked_sub(1), Some(at)]
            .into_iter()
            .flatten()
            .filter_map(|i| kept.get(i))
            .find(|k| k.overlaps(s.start, s.end))
            .copied();
        match clash {
            Some(k) => dropped.push((s, k)),
            None => kept.insert(at, s),
        }
    }
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    #[test]
    fn longest_wins_and_the_rest_is_reported() {
        let a = sp(0, 5, "ORG");
        let b = sp(3, 20, "LOC"); // longest
        let c = sp(21, 25, "PER");
        let d = sp(10, 12, "PER"); // nested in b
        let e = sp(21, 25, "LOC"); // same range as c, other label
        let all = [&a, &b, &c, &d, &e];
        let (kept, dropped) = outermost(&all);
        assert_eq!(kept, vec![&b, &e]);
        let lost: Vec<_> = dropped
            .iter()
            .map(|(s, k)| (s.start, s.label.as_str(), k.start))
            .collect();
        assert_eq!(lost, vec![(0, "ORG", 3), (21, "PER", 21), (10, "PER", 3)]);
    }

    #[test]
    fn touching_spans_do_not_overlap() {
        let a = sp(0, 5, "ORG");
        let b = sp(5, 9, "LOC");
        let (kept, dropped) = outermost(&[&b, &a]);
        assert_eq!(kept, vec![&a, &b]);
        assert!(dropped.is_empty());
    }
}
