//! Word edges, for moving an entity boundary by one word and for keeping
//! "annotate all occurrences" on whole words.
//!
//! Words are the tokens of [`crate::arabic::tokenize`]. A start edge may also
//! sit after a proclitic (`و` `ب` `ل` ...): the guidelines leave those out of
//! entities, so moving a start forward stops there first.

use crate::arabic::{segment, splits, tokenize};

/// Which boundary of an entity moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    Start,
    End,
}

/// A logical direction: toward the end of the text or toward its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Forward,
    Backward,
}

/// A screen side, as an arrow key names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    /// The logical direction an arrow means in a paragraph: in a right-to-left
    /// paragraph Left goes toward the end of the text, in a left-to-right one
    /// toward its start.
    pub fn logical(self, rtl: bool) -> Direction {
        match (self, rtl) {
            (Side::Left, true) | (Side::Right, false) => Direction::Forward,
            (Side::Right, true) | (Side::Left, false) => Direction::Backward,
        }
    }
}

/// Token ranges of a text plus the places where an entity may start.
#[derive(Debug, Clone, Default)]
pub struct WordEdges {
    /// `(start, end)` of every token, in order.
    pub tokens: Vec<(usize, usize)>,
    /// Sorted, deduplicated: token starts and after-proclitic starts.
    starts: Vec<usize>,
    /// Sorted token ends.
    ends: Vec<usize>,
    /// Sorted, deduplicated: token starts and the start after every
    /// proclitic reading of a word (`وباشينيان` → after و and after وب),
    /// for matching occurrences.
    clitic_starts: Vec<usize>,
}

impl WordEdges {
    pub fn new(text: &str) -> WordEdges {
        let toks = tokenize(text);
        let mut starts = Vec::with_capacity(toks.len() * 2);
        let mut tokens = Vec::with_capacity(toks.len());
        let mut clitic_starts = Vec::with_capacity(toks.len() * 2);
        for t in &toks {
            tokens.push((t.start, t.end));
            starts.push(t.start);
            clitic_starts.push(t.start);
            let split = segment(t.text);
            if !split.is_whole() {
                starts.push(t.start + split.entity_start);
                clitic_starts.extend(splits(t.text).iter().map(|s| t.start + s.entity_start));
            }
        }
        starts.sort_unstable();
        starts.dedup();
        clitic_starts.sort_unstable();
        clitic_starts.dedup();
        let ends = tokens.iter().map(|t| t.1).collect();
        WordEdges {
            tokens,
            starts,
            ends,
            clitic_starts,
        }
    }

    /// Whether an entity may start at `c`: a token start or just after a
    /// proclitic of the word.
    pub fn is_start(&self, c: usize) -> bool {
        self.starts.binary_search(&c).is_ok()
    }

    /// Whether an occurrence may start at `c`: a token start or after any
    /// proclitic reading of the word (`وباشينيان` has `باشينيان` after و even
    /// though the longest reading strips وب).
    pub fn is_occurrence_start(&self, c: usize) -> bool {
        self.clitic_starts.binary_search(&c).is_ok()
    }

    pub fn is_end(&self, c: usize) -> bool {
        self.ends.binary_search(&c).is_ok()
    }

    /// The range after moving `edge` of `start..end` one word in `dir`;
    /// `None` when there is no word that way or the range would be empty.
    pub fn move_edge(
        &self,
        start: usize,
        end: usize,
        edge: Edge,
        dir: Direction,
    ) -> Option<(usize, usize)> {
        match (edge, dir) {
            (Edge::Start, Direction::Backward) => {
                let i = self.starts.partition_point(|&s| s < start);
                Some((*self.starts.get(i.checked_sub(1)?)?, end))
            }
            (Edge::Start, Direction::Forward) => {
                let i = self.starts.partition_point(|&s| s <= start);
                let s = *self.starts.get(i)?;
                (s < end).then_some((s, end))
            }
            (Edge::End, Direction::Forward) => {
                let i = self.ends.partition_point(|&e| e <= end);
                Some((start, *self.ends.get(i)?))
            }
            (Edge::End, Direction::Backward) => {
                let i = self.ends.partition_point(|&e| e < end);
                let e = *self.ends.get(i.checked_sub(1)?)?;
                (e > start).then_some((start, e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // و أذربيجان | تشرين | الثاني
    const TEXT: &str = "وأذربيجان في تشرين الثاني";

    #[test]
    fn start_stops_after_the_conjunction() {
        let w = WordEdges::new(TEXT);
        assert!(w.is_start(0) && w.is_start(1) && !w.is_start(2));
        // Entity covers the whole word with و: moving the start forward drops it.
        assert_eq!(
            w.move_edge(0, 9, Edge::Start, Direction::Forward),
            Some((1, 9))
        );
        // And back again includes it.
        assert_eq!(
            w.move_edge(1, 9, Edge::Start, Direction::Backward),
            Some((0, 9))
        );
    }

    #[test]
    fn end_moves_by_whole_words() {
        let w = WordEdges::new(TEXT);
        // "تشرين" is 13..18, "الثاني" 19..25.
        assert_eq!(
            w.move_edge(13, 18, Edge::End, Direction::Forward),
            Some((13, 25))
        );
        assert_eq!(
            w.move_edge(13, 25, Edge::End, Direction::Backward),
            Some((13, 18))
        );
        // Cannot shrink to nothing or move past the text.
        assert_eq!(w.move_edge(13, 18, Edge::End, Direction::Backward), None);
        assert_eq!(w.move_edge(19, 25, Edge::End, Direction::Forward), None);
        assert_eq!(w.move_edge(13, 18, Edge::Start, Direction::Forward), None);
    }

    #[test]
    fn arrows_mirror_in_rtl() {
        assert_eq!(Side::Left.logical(true), Direction::Forward);
        assert_eq!(Side::Left.logical(false), Direction::Backward);
        assert_eq!(Side::Right.logical(true), Direction::Backward);
        assert_eq!(Side::Right.logical(false), Direction::Forward);
    }
}
