//! Normalisation for matching, with a map back to the original text.
//!
//! News text spells the same name many ways (أذربيجان / اذربيجان, with or
//! without vowel marks, with tatweel). Matching happens on a folded form; the
//! offset map lets every match be reported as chars of the original text.

/// A normalised string and, for each of its chars, where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// `map[i]` is the original char offset of normalised char `i`;
    /// `map[len]` is the original char length, so ranges map with one rule.
    map: Vec<usize>,
}

impl Normalized {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn into_string(self) -> String {
        self.text
    }

    /// Number of chars in the normalised text.
    pub fn char_len(&self) -> usize {
        self.map.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.char_len() == 0
    }

    /// Original char offset of normalised offset `i` (`0..=char_len()`), or
    /// `None` past the end.
    pub fn original_offset(&self, i: usize) -> Option<usize> {
        self.map.get(i).copied()
    }

    /// The original chars that normalised chars `start..end` came from.
    ///
    /// The end reaches up to the next kept char, so marks dropped after the
    /// last char (a vowel on the final letter) stay inside the range and the
    /// range normalises back to exactly `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start > end {
            return None;
        }
        Some((self.original_offset(start)?, self.original_offset(end)?))
    }
}

/// Whether `c` is an Arabic letter (not a mark, digit or punctuation).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c,
        '\u{0620}'..='\u{063F}'
        | '\u{0641}'..='\u{064A}'
        | '\u{066E}'..='\u{066F}'
        | '\u{0671}'..='\u{06D3}'
        | '\u{06D5}'
        | '\u{06EE}'..='\u{06EF}'
        | '\u{06FA}'..='\u{06FC}'
        | '\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08C9}')
}

/// Whether `c` is an Arabic combining mark or tatweel: a part of a word that
/// normalisation drops.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
        | '\u{08CA}'..='\u{08FF}')
}

/// The folded form of one char, or `None` when matching should ignore it.
///
/// Hamza-carrying alefs and wasla fold to bare alef, alef maqsura to yeh,
/// teh marbuta to heh (writers confuse these freely); marks, tatweel and
/// invisible direction/joiner controls are dropped; Persian yeh and keheh
/// fold to their Arabic forms; Arabic-Indic digits fold to ASCII digits so
/// `٢٠٢٣` matches `2023`; Latin folds to lower case when that stays one char.
pub fn normalize_char(c: char) -> Option<char> {
    if is_arabic_mark(c) {
        return None;
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | '\u{0672}' | '\u{0673}' => 'ا',
        'ى' | 'ی' | 'ې' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        '\u{0660}'..='\u{0669}' => digit(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => digit(c as u32 - 0x06F0),
        '\u{200B}'..='\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => {
            return None;
        }
        c if c.is_uppercase() => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        }
        c => c,
    })
}

fn digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

/// Normalises `text` for matching and records where each char came from.
pub fn normalize(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() / 2 + 1);
    let mut n = 0;
    for (i, c) in text.chars().enumerate() {
        if let Some(f) = normalize_char(c) {
            out.push(f);
            map.push(i);
        }
        n = i + 1;
    }
    map.push(n);
    Normalized { text: out, map }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::slice_chars;
    use proptest::prelude::*;

    #[test]
    fn folds_letters_and_drops_marks() {
        assert_eq!(normalize("أذربيجان").as_str(), "اذربيجان");
        assert_eq!(normalize("إبراهيم").as_str(), "ابراهيم");
        assert_eq!(normalize("آرتساخ").as_str(), "ارتساخ");
        assert_eq!(normalize("مستشفى").as_str(), "مستشفي");
        assert_eq!(normalize("وزارة").as_str(), "وزاره");
        assert_eq!(normalize("مُتَّحِدَة").as_str(), "متحده");
        assert_eq!(normalize("الولايات المتّحدة").as_str(), "الولايات المتحده");
        assert_eq!(normalize("بـلينكن").as_str(), "بلينكن");
        assert_eq!(normalize("ٱلله").as_str(), "الله");
        assert_eq!(normalize("١٥ تشرين ٢٠٢٣").as_str(), "15 تشرين 2023");
        assert_eq!(normalize("Siyasət CNN").as_str(), "siyasət cnn");
        assert_eq!(normalize("\u{200F}واشنطن").as_str(), "واشنطن");
    }

    #[test]
    fn map_points_back_to_original() {
        let src = "قالَ بلينكين";
        let n = normalize(src);
        assert_eq!(n.as_str(), "قال بلينكين");
        // "قال" covers the trailing fatha; the space comes after it.
        assert_eq!(n.original_range(0, 3), Some((0, 4)));
        assert_eq!(n.original_offset(3), Some(4));
        let end = n.char_len();
        assert_eq!(n.original_range(4, end), Some((5, 12)));
        assert_eq!(n.original_range(2, 1), None);
        assert_eq!(n.original_offset(end + 1), None);
    }

    fn arabicish() -> impl Strategy<Value = String> {
        let pool: Vec<char> = "أإآٱاىيةهبتثوزرلمن \u{064E}\u{064F}\u{0650}\u{0651}\u{0652}\u{0670}\u{0640}\u{0610}\u{200F}٠١٩AbÇ.،"
            .chars()
            .collect();
        proptest::collection::vec(proptest::sample::select(pool), 0..40)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn map_is_monotone_and_inside(s in arabicish()) {
            let n = normalize(&s);
            let orig_len = s.chars().count();
            let len = n.char_len();
            prop_assert_eq!(n.original_offset(len), Some(orig_len));
            for i in 0..len {
                let (a, b) = (n.original_offset(i).unwrap(), n.original_offset(i + 1).unwrap());
                prop_assert!(a < b, "strictly increasing at {}", i);
                prop_assert!(a < orig_len);
            }
        }

        #[test]
        fn ranges_round_trip(s in arabicish(), x in 0usize..50, y in 0usize..50) {
            let n = normalize(&s);
            let len = n.char_len();
            let (a, b) = (x.min(y).min(len), x.max(y).min(len));
            let (oa, ob) = n.original_range(a, b).unwrap();
            let piece = slice_chars(&s, oa, ob).unwrap();
            let again = normalize(piece);
            prop_assert_eq!(again.as_str(), slice_chars(n.as_str(), a, b).unwrap());
        }

        #[test]
        fn arbitrary_text_never_breaks_the_map(s in any::<String>()) {
            let n = normalize(&s);
            prop_assert_eq!(n.original_offset(n.char_len()), Some(s.chars().count()));
            let again = normalize(n.as_str());
            prop_assert_eq!(again.as_str(), n.as_str());
        }
    }
}
