//! Text rendering every part of the window shares: the shipped fonts, the
//! cosmic-text layout of Arabic (bidi and line breaking together), the glyph
//! atlas that paints it through egui, text blocks for panels, word rules,
//! and the paragraph-direction helpers.

pub mod atlas;
pub mod direction;
pub mod fonts;
pub mod layout;
pub mod rows;
pub mod text_block;
pub mod words;
