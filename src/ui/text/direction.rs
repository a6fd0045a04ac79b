//! Showing short mixed-direction strings in egui's own labels; paragraph
//! direction itself is decided in [`crate::bidi`].

use crate::bidi::strong;
pub use crate::bidi::{RLM, document_is_rtl, paragraph_direction};

/// Reorders a one-line string so egui (which shapes a run of one direction
/// correctly but places runs left to right, with no bidi) shows it in
/// reading order: the bidi runs in visual order, each run's text logical,
/// with the spaces at the edges of a right-to-left run moved to its visual
/// side. Only for one-line labels egui never wraps (the status bar): a
/// wrapped or elided string in this order comes out scrambled. Panel text
/// goes through [`super::text_block::TextBlocks`], the article through
/// cosmic-text.
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
