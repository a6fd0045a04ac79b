//! Splitting text into words, numbers and punctuation, with char offsets.
//!
//! Entity spans start and end on token edges (or inside a token, after a
//! proclitic), so every proposer works on these tokens. Whitespace is skipped.

use super::normalize::{is_arabic_letter, is_arabic_mark};

/// What a token is made of; rules look at kinds (a date needs numbers, a
/// name stops at punctuation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Arabic letters with their marks and tatweel.
    Arabic,
    /// Letters of any other script (`Siyasət`, `CNN`).
    Latin,
    /// Digits (Western, Arabic-Indic or Persian), with inner `.` `,` `٫` `٬`.
    Number,
    /// Any other visible char, one per token: `، ؛ ؟ “ ” « » ( ) / -` ...
    Punct,
}

/// One token: chars `start..end` of the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    pub text: &'a str,
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
}

fn is_number_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{066B}' | '\u{066C}')
}

fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn is_arabic_word_char(c: char) -> bool {
    is_arabic_letter(c) || is_arabic_mark(c)
}

fn is_other_letter(c: char) -> bool {
    !is_arabic_word_char(c) && (c.is_alphabetic() || is_latin_mark(c))
}

fn is_latin_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Tokenizes `text`; offsets are char offsets into `text`.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if is_invisible(c) {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if is_arabic_word_char(c) {
            while i < chars.len() && is_arabic_word_char(chars[i].1) {
                i += 1;
            }
            TokenKind::Arabic
        } else if is_other_letter(c) {
            // An apostrophe between two letters is the word's own
            // (`l'Aube`, `O'Brien`, `rock’n’roll`): French and English
            // names in Arabic news kept whole, not cut into `l`, `'`,
            // `Aube` (the proposer had tagged `Aube` alone).
            while i < chars.len() {
                let d = chars[i].1;
                if is_other_letter(d) {
                    i += 1;
                } else if matches!(d, '\'' | '\u{2019}')
                    && chars
                        .get(i + 1)
                        .is_some_and(|&(_, n)| is_other_letter(n) && !is_latin_mark(n))
                {
                    i += 2;
                } else {
                    break;
                }
            }
            TokenKind::Latin
        } else if is_digit(c) {
            while i < chars.len() {
                let d = chars[i].1;
                let inner_sep =
                    is_number_separator(d) && chars.get(i + 1).is_some_and(|&(_, n)| is_digit(n));
                if is_digit(d) {
                    i += 1;
                } else if inner_sep {
                    i += 2;
                } else {
                    break;
                }
            }
            TokenKind::Number
        } else {
            i += 1;
            TokenKind::Punct
        };
        tokens.push(Token {
            start,
            end: i,
            kind,
            text: &text[byte_at(start)..byte_at(i)],
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::TokenKind::*;
    use super::*;
    use crate::text::slice_chars;

    fn kinds(text: &str) -> Vec<(&str, TokenKind)> {
        tokenize(text).iter().map(|t| (t.text, t.kind)).collect()
    }

    #[test]
    fn seed_sentence_with_quotes_and_parentheses() {
        let s = "(واشنطن) اقتربت أرمينيا وأذربيجان يوم الخميس ، “تناول الجانبان”.";
        assert_eq!(
            kinds(s),
            vec![
                ("(", Punct),
                ("واشنطن", Arabic),
                (")", Punct),
                ("اقتربت", Arabic),
                ("أرمينيا", Arabic),
                ("وأذربيجان", Arabic),
                ("يوم", Arabic),
                ("الخميس", Arabic),
                ("،", Punct),
                ("“", Punct),
                ("تناول", Arabic),
                ("الجانبان", Arabic),
                ("”", Punct),
                (".", Punct),
            ]
        );
    }

    #[test]
    fn latin_words_and_arabic_indic_digits() {
        assert_eq!(kinds("Siyasət"), vec![("Siyasət", Latin)]);
        assert_eq!(
            kinds("(Siyasət) في ٩ أكتوبر 2020؟"),
            vec![
                ("(", Punct),
                ("Siyasət", Latin),
                (")", Punct),
                ("في", Arabic),
                ("٩", Number),
                ("أكتوبر", Arabic),
                ("2020", Number),
                ("؟", Punct),
            ]
        );
    }

    #[test]
    fn an_apostrophe_between_latin_letters_is_the_word_s_own() {
        assert_eq!(
            kinds("Demain Dès l'Aube و O’Brien"),
            vec![
                ("Demain", Latin),
                ("Dès", Latin),
                ("l'Aube", Latin),
                ("و", Arabic),
                ("O’Brien", Latin),
            ]
        );
        // Quotes around a word, or an apostrophe at its end, stay marks.
        assert_eq!(
            kinds("'Aube' l' 'رجلين'"),
            vec![
                ("'", Punct),
                ("Aube", Latin),
                ("'", Punct),
                ("l", Latin),
                ("'", Punct),
                ("'", Punct),
                ("رجلين", Arabic),
                ("'", Punct),
            ]
        );
    }

    #[test]
    fn numbers_keep_inner_separators_only() {
        assert_eq!(
            kinds("٣٫٥ ١٬٠٠٠ 6.5 1,200."),
            vec![
                ("٣٫٥", Number),
                ("١٬٠٠٠", Number),
                ("6.5", Number),
                ("1,200", Number),
                (".", Punct),
            ]
        );
        assert_eq!(
            kinds("2020، 44"),
            vec![("2020", Number), ("،", Punct), ("44", Number)]
        );
    }

    #[test]
    fn every_quote_and_mark_is_its_own_token() {
        let s = "«أ» \"ب\" 'ت' ‘ث’ ؛ أيلول/سبتمبر – بـ\"مجموعة\"";
        let texts: Vec<&str> = tokenize(s).iter().map(|t| t.text).collect();
        assert_eq!(
            texts,
            vec![
                "«",
                "أ",
                "»",
                "\"",
                "ب",
                "\"",
                "'",
                "ت",
                "'",
                "‘",
                "ث",
                "’",
                "؛",
                "أيلول",
                "/",
                "سبتمبر",
                "–",
                "بـ",
                "\"",
                "مجموعة",
                "\""
            ]
        );
    }

    #[test]
    fn marks_and_tatweel_stay_inside_words() {
        assert_eq!(
            kinds("وخلّفت مُتَّحِدَة"),
            vec![("وخلّفت", Arabic), ("مُتَّحِدَة", Arabic)]
        );
        // A digit glued to a clitic splits: "و7" is و then 7.
        assert_eq!(
            kinds("و7 مناطق"),
            vec![("و", Arabic), ("7", Number), ("مناطق", Arabic)]
        );
    }

    #[test]
    fn offsets_slice_the_token_text_on_every_seed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut last_end = 0;
            for t in tokenize(&text) {
                assert_eq!(slice_chars(&text, t.start, t.end), Some(t.text));
                assert!(t.start >= last_end && t.end > t.start);
                last_end = t.end;
                seen += 1;
            }
        }
        assert!(seen > 1000);
    }
}
