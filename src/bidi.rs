//! Which way a paragraph reads, decided once for the view and for keyboard
//! commands alike (so an arrow key moves an edge the way the text is drawn).
//!
//! The Unicode rule (first strong character) makes an Arabic paragraph that
//! opens with a Latin name ("CNN ...", "iPhone ...") read left to right, which
//! no Arabic reader expects. Kashif therefore decides per document: in a
//! mostly-Arabic document every paragraph holding any right-to-left letter
//! reads right to left; a paragraph with no RTL letter at all (an English
//! quote, a URL) keeps left to right.

use unicode_bidi::{BidiClass, bidi_class};

/// Right-to-left mark: prefixed to a paragraph to make it RTL.
pub const RLM: char = '\u{200F}';

/// `Some(true)` for a right-to-left letter, `Some(false)` for a
/// left-to-right one, `None` for everything without a strong direction.
pub fn strong(c: char) -> Option<bool> {
    match bidi_class(c) {
        BidiClass::R | BidiClass::AL => Some(true),
        BidiClass::L => Some(false),
        _ => None,
    }
}

/// Whether the document as a whole reads right to left: at least as many
/// RTL letters as LTR ones.
pub fn document_is_rtl(text: &str) -> bool {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for c in text.chars() {
        match strong(c) {
            Some(true) => rtl += 1,
            Some(false) => ltr += 1,
            None => {}
        }
    }
    rtl >= ltr && rtl > 0
}

/// How a paragraph is laid out: its direction, and whether an RLM must be
/// prefixed to get that direction from the first-strong rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParagraphDirection {
    pub rtl: bool,
    pub needs_rlm: bool,
}

pub fn paragraph_direction(paragraph: &str, document_rtl: bool) -> ParagraphDirection {
    let first = paragraph.chars().find_map(strong);
    let has_rtl = || paragraph.chars().any(|c| strong(c) == Some(true));
    match first {
        Some(true) => ParagraphDirection {
            rtl: true,
            needs_rlm: false,
        },
        Some(false) if document_rtl && has_rtl() => ParagraphDirection {
            rtl: true,
            needs_rlm: true,
        },
        Some(false) => ParagraphDirection {
            rtl: false,
            needs_rlm: false,
        },
        // No strong letter (digits, punctuation, empty): follow the document.
        None => ParagraphDirection {
            rtl: document_rtl,
            needs_rlm: document_rtl,
        },
    }
}

/// Whether the paragraph holding char `at` of `text` reads right to left,
/// as [`paragraph_direction`] lays it out.
pub fn paragraph_at_is_rtl(text: &str, at: usize) -> bool {
    let byte = text.char_indices().nth(at).map_or(text.len(), |(b, _)| b);
    let start = text[..byte].rfind('\n').map_or(0, |i| i + 1);
    let end = text[byte..].find('\n').map_or(text.len(), |i| byte + i);
    let paragraph = &text[start..end];
    // Only a paragraph that does not open right to left needs the whole
    // document's direction: skip that scan in the common case.
    paragraph.chars().find_map(strong) == Some(true)
        || paragraph_direction(paragraph, document_is_rtl(text)).rtl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_paragraph_is_rtl_without_mark() {
        let d = paragraph_direction("(واشنطن) اقتربت أرمينيا", true);
        assert_eq!(
            d,
            ParagraphDirection {
                rtl: true,
                needs_rlm: false
            }
        );
    }

    #[test]
    fn latin_first_word_in_arabic_document_still_reads_rtl() {
        let d = paragraph_direction("CNN قالت إن", true);
        assert_eq!(
            d,
            ParagraphDirection {
                rtl: true,
                needs_rlm: true
            }
        );
    }

    #[test]
    fn pure_latin_paragraph_stays_ltr() {
        let d = paragraph_direction("Reuters, 2023.", true);
        assert!(!d.rtl);
        assert!(!d.needs_rlm);
    }

    #[test]
    fn english_document_follows_first_strong() {
        assert!(!document_is_rtl("Hello world, مرحبا"));
        let d = paragraph_direction("Hello مرحبا", false);
        assert!(!d.rtl);
    }

    #[test]
    fn paragraph_at_a_char() {
        let t = "CNN قالت إن أرمينيا\nReuters, 2023.\n\u{200F}BBC";
        assert!(paragraph_at_is_rtl(t, 1));
        assert!(!paragraph_at_is_rtl(t, 22));
        assert!(paragraph_at_is_rtl(t, t.chars().count()));
    }

    #[test]
    fn arrow_keys_see_the_direction_the_view_draws() {
        // An Arabic paragraph opening with a Latin word reads right to left
        // in an Arabic document; one with no Arabic letter left to right.
        let t = "CNN قالت إن أرمينيا وأذربيجان\n« أرمينيا » Armenia\nReuters\n\u{200F}BBC";
        assert!(paragraph_at_is_rtl(t, 5));
        assert!(paragraph_at_is_rtl(t, 33));
        assert!(!paragraph_at_is_rtl(t, 52));
        assert!(paragraph_at_is_rtl(t, t.chars().count()));
        assert!(paragraph_at_is_rtl("123 ... قال", 1));
    }

    #[test]
    fn digits_only_paragraph_follows_document() {
        let d = paragraph_direction("2023 - 11", true);
        assert!(d.rtl && d.needs_rlm);
        assert!(!paragraph_direction("", false).rtl);
    }
}
