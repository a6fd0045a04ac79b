//! Re-anchoring: finding where a span's text went after its document changed.

use crate::text::CharIndex;

/// The char offset of the occurrence of `needle` in `text` nearest to
/// `old_start` (the earlier one on a tie), or `None` if it does not occur.
pub fn nearest(text: &str, index: &CharIndex, needle: &str, old_start: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut best: Option<usize> = None;
    let mut from = 0;
    // Overlapping occurrences count too ("ااا" in "اااا"), so step by one char.
    while let Some(b) = text.get(from..).and_then(|t| t.find(needle)) {
        let byte = from + b;
        let c = index.char_of(byte);
        if best.is_none_or(|x| c.abs_diff(old_start) < x.abs_diff(old_start)) {
            best = Some(c);
        }
        if c > old_start {
            break; // later occurrences are only farther away
        }
        from = byte + text[byte..].chars().next().map_or(1, char::len_utf8);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, needle: &str, old: usize) -> Option<usize> {
        nearest(text, &CharIndex::new(text), needle, old)
    }

    #[test]
    fn picks_the_nearest_occurrence() {
        let t = "مصر ثم مصر ثم مصر";
        assert_eq!(find(t, "مصر", 0), Some(0));
        assert_eq!(find(t, "مصر", 6), Some(7));
        assert_eq!(find(t, "مصر", 13), Some(14));
        assert_eq!(find(t, "ليبيا", 3), None);
    }

    #[test]
    fn ties_go_to_the_earlier() {
        assert_eq!(find("اب اب", "اب", 1), Some(0));
    }
}
