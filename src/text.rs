//! Char (Unicode scalar) offsets, the unit every span uses, and their conversions.
//!
//! Offsets everywhere in Kashif are char offsets, end exclusive, as Python slices
//! strings. Bytes stay internal; UTF-16 exists only for tools that want it.

/// A precomputed map between char offsets and byte offsets of one text.
///
/// Building it is O(n) once; every conversion after is O(1) (char → byte) or
/// O(log n) (byte → char), which matters for long articles with many spans.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of each char, plus the text length at the end.
    bytes: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        Self { bytes }
    }

    /// Number of chars in the text.
    pub fn char_len(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Byte offset of char offset `c`, or `None` past the end.
    pub fn byte_of(&self, c: usize) -> Option<usize> {
        self.bytes.get(c).copied()
    }

    /// Char offset of the char containing byte `b` (a byte inside a char maps to
    /// that char's start; the text length maps to the char length).
    pub fn char_of(&self, b: usize) -> usize {
        match self.bytes.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The text of chars `start..end`, or `None` if the range is not inside the text.
    pub fn slice<'a>(&self, text: &'a str, start: usize, end: usize) -> Option<&'a str> {
        if start > end {
            return None;
        }
        let (a, b) = (self.byte_of(start)?, self.byte_of(end)?);
        text.get(a..b)
    }
}

/// Number of chars in `text`.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// The text of chars `start..end` (end exclusive), or `None` outside the text.
pub fn slice_chars(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut it = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let a = it.nth(start)?;
    let b = if end == start {
        a
    } else {
        it.nth(end - start - 1)?
    };
    text.get(a..b)
}

/// Converts a char offset to a UTF-16 code unit offset (for tools that count so).
pub fn char_to_utf16(text: &str, c: usize) -> Option<usize> {
    let mut units = 0;
    let mut chars = text.chars();
    for _ in 0..c {
        units += chars.next()?.len_utf16();
    }
    Some(units)
}

/// Converts a UTF-16 code unit offset to a char offset; `None` if it falls
/// inside a surrogate pair or past the end.
pub fn utf16_to_char(text: &str, u: usize) -> Option<usize> {
    let mut units = 0;
    for (i, ch) in text.chars().enumerate() {
        if units == u {
            return Some(i);
        }
        units += ch.len_utf16();
        if units > u {
            return None;
        }
    }
    (units == u).then(|| char_len(text))
}

/// `n` and a noun in the right number for messages: `count(1, "proposal",
/// "proposals")` is `1 proposal`, `count(3, ...)` is `3 proposals`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The longest prefix of `text` ending at a word boundary (a space) for
/// which `fits` holds, with `…` appended when something was cut; the whole
/// text when it fits. A message is never cut inside a word, so an Arabic
/// name in it is either whole or gone (`fits` measures, e.g. in points).
/// A first word that does not fit on its own is kept cut to chars that fit.
pub fn elide_words(text: &str, mut fits: impl FnMut(&str) -> bool) -> String {
    if fits(text) {
        return text.to_string();
    }
    let mut best: Option<String> = None;
    for (b, _) in text.match_indices(' ') {
        let candidate = format!("{}…", text[..b].trim_end());
        if fits(&candidate) {
            best = Some(candidate);
        } else {
            break;
        }
    }
    best.unwrap_or_else(|| {
        let mut out = String::new();
        for c in text.chars() {
            let next = format!("{out}{c}…");
            if !fits(&next) {
                break;
            }
            out.push(c);
        }
        format!("{out}…")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "قالَ بلينكين (Blinken) 𝒜 ٢٠٢٣";

    #[test]
    fn char_index_agrees_with_chars() {
        let idx = CharIndex::new(MIXED);
        let chars: Vec<char> = MIXED.chars().collect();
        assert_eq!(idx.char_len(), chars.len());
        for s in 0..=chars.len() {
            for e in s..=chars.len() {
                let want: String = chars[s..e].iter().collect();
                assert_eq!(idx.slice(MIXED, s, e), Some(want.as_str()));
                assert_eq!(slice_chars(MIXED, s, e), Some(want.as_str()));
            }
        }
        assert_eq!(idx.slice(MIXED, 0, chars.len() + 1), None);
        assert_eq!(slice_chars(MIXED, 3, 2), None);
    }

    #[test]
    fn diacritics_are_their_own_chars() {
        // "قالَ" is ق ا ل + fatha: four scalars, the fatha is one of them.
        assert_eq!(char_len("قالَ"), 4);
        assert_eq!(slice_chars(MIXED, 3, 4), Some("\u{064E}"));
    }

    #[test]
    fn utf16_round_trip_with_astral_char() {
        let astral = MIXED.chars().position(|c| c == '𝒜').unwrap();
        assert_eq!(char_to_utf16(MIXED, astral + 1), Some(astral + 2));
        assert_eq!(utf16_to_char(MIXED, astral + 2), Some(astral + 1));
        // The middle of the surrogate pair is no char boundary.
        assert_eq!(utf16_to_char(MIXED, astral + 1), None);
        let n = char_len(MIXED);
        assert_eq!(
            utf16_to_char(MIXED, char_to_utf16(MIXED, n).unwrap()),
            Some(n)
        );
    }

    #[test]
    fn byte_to_char_inside_a_char() {
        let idx = CharIndex::new("سلام");
        assert_eq!(idx.char_of(0), 0);
        assert_eq!(idx.char_of(1), 0);
        assert_eq!(idx.char_of(2), 1);
        assert_eq!(idx.char_of(8), 4);
    }

    #[test]
    fn counts_are_pluralised() {
        assert_eq!(
            count(1, "proposal changed", "proposals changed"),
            "1 proposal changed"
        );
        assert_eq!(count(0, "proposal", "proposals"), "0 proposals");
        assert_eq!(count(12, "document", "documents"), "12 documents");
    }

    #[test]
    fn elision_cuts_at_word_boundaries() {
        let msg = "Accepted LOC «ناغورنو كاراباخ» and more";
        let fits = |n: usize| move |s: &str| s.chars().count() <= n;
        assert_eq!(elide_words(msg, fits(100)), msg);
        // 22 chars would cut inside كاراباخ: the whole word goes instead.
        let cut = elide_words(msg, fits(22));
        assert_eq!(cut, "Accepted LOC «ناغورنو…");
        assert!(!cut.contains("كار"));
        assert_eq!(elide_words("كاراباخ", fits(4)), "كار…");
    }
}
