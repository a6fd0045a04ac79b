//! Which way a paragraph reads.
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

fn strong(c: char) -> Option<bool> {
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
    fn digits_only_paragraph_follows_document() {
        let d = paragraph_direction("2023 - 11", true);
        assert!(d.rtl && d.needs_rlm);
        assert!(!paragraph_direction("", false).rtl);
    }
}

/// Reorders a one-line string so egui (which shapes a run of one direction
/// correctly but places runs left to right, with no bidi) shows it in
/// reading order: the bidi runs in visual order, each run's text logical,
/// with the spaces at the edges of a right-to-left run moved to its visual
/// side. For short panel texts (entity names, document titles); the article
/// uses cosmic-text.
pub fn egui_display_order(s: &str) -> String {
    use unicode_bidi::BidiInfo;
    if !s.chars().any(|c| strong(c) == Some(true)) || s.contains('\n') {
        return s.to_string();
    }
    let info = BidiInfo::new(s, None);
    let Some(para) = info.paragraphs.first() else {
        return s.to_string();
    };
    let (levels, runs) = info.visual_runs(para, para.range.clone());
    let mut out = String::with_capacity(s.len());
    for run in runs {
        let text = &s[run.clone()];
        if levels[run.start].is_rtl() {
            let core = text.trim();
            let lead = &text[..text.len() - text.trim_start().len()];
            let trail = &text[text.trim_end().len()..];
            out.push_str(trail);
            out.push_str(core);
            out.push_str(lead);
        } else {
            out.push_str(text);
        }
    }
    out
}

#[cfg(test)]
mod display_tests {
    use super::egui_display_order;

    #[test]
    fn runs_come_in_visual_order() {
        assert_eq!(egui_display_order("أنتوني بلينكين"), "أنتوني بلينكين");
        assert_eq!(egui_display_order("23 أبريل"), "أبريل 23");
        assert_eq!(egui_display_order("19 سبتمبر 2023"), "2023 سبتمبر 19");
        assert_eq!(egui_display_order("Paris"), "Paris");
    }
}
