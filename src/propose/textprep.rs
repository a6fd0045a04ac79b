//! Stand-ins for the `arabic` module until it lands: token normalisation and
//! proclitic stripping, enough for the model's features.

/// Normalised form of one token for matching: hamza and madda forms of alef
/// become bare alef, alef maqsura becomes ya, ta marbuta becomes ha,
/// diacritics and tatweel are dropped, Arabic-Indic digits become ASCII,
/// Latin letters lower-case.
pub fn normalise_token(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let m = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0610}'..='\u{061A}' | '\u{0640}' => {
                continue;
            }
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
            c => c,
        };
        out.push(m);
    }
    if out.is_empty() { raw.to_string() } else { out }
}

/// Longest first: conjunction + preposition + article, then shorter.
const PROCLITICS: [&str; 15] = [
    "وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك",
];

/// The normalised token without its proclitics (leaving at least 2 letters).
pub fn strip_proclitic(norm: &str) -> &str {
    let letters = norm.chars().count();
    for p in PROCLITICS {
        if let Some(rest) = norm.strip_prefix(p) {
            if letters - p.chars().count() >= 2 {
                return rest;
            }
        }
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_alef_ya_ta_marbuta_and_diacritics() {
        assert_eq!(normalise_token("أحمد"), "احمد");
        assert_eq!(normalise_token("مُصْطَفَى"), "مصطفي");
        assert_eq!(normalise_token("القاهرة"), "القاهره");
        assert_eq!(normalise_token("٢٠٢٠"), "2020");
        assert_eq!(normalise_token("CNN"), "cnn");
        assert_eq!(normalise_token("ـ"), "ـ");
    }

    #[test]
    fn strips_longest_proclitic_leaving_two_letters() {
        assert_eq!(strip_proclitic("والصادرات"), "صادرات");
        assert_eq!(strip_proclitic("بالولايات"), "ولايات");
        assert_eq!(strip_proclitic("واذربيجان"), "اذربيجان");
        assert_eq!(strip_proclitic("لندن"), "ندن");
        assert_eq!(strip_proclitic("ال"), "ال");
        assert_eq!(strip_proclitic("وله"), "له");
    }
}
