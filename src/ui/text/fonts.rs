//! The fonts Kashif ships, loaded from bytes so the view looks the same on
//! every machine (no system fonts).

use std::sync::Arc;

use cosmic_text::{FontSystem, fontdb};

/// Noto Naskh Arabic: a readable naskh face for article text.
pub const ARABIC_FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoNaskhArabic-Regular.ttf");
/// Noto Sans: Latin, digits and punctuation embedded in articles.
pub const LATIN_FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");

/// Family name of [`ARABIC_FONT`], the article's primary face.
pub const ARABIC_FAMILY: &str = "Noto Naskh Arabic";
/// Family name of [`LATIN_FONT`].
pub const LATIN_FAMILY: &str = "Noto Sans";

/// A cosmic-text font system that knows only the shipped faces.
pub fn font_system() -> FontSystem {
    let mut db = fontdb::Database::new();
    db.load_font_source(fontdb::Source::Binary(Arc::new(ARABIC_FONT)));
    db.load_font_source(fontdb::Source::Binary(Arc::new(LATIN_FONT)));
    db.set_sans_serif_family(LATIN_FAMILY);
    db.set_serif_family(ARABIC_FAMILY);
    FontSystem::new_with_locale_and_db("ar".to_string(), db)
}

/// Gives egui's own text (panels, lists) the Arabic face as a fallback, so
/// Arabic document names and entity texts show joined letters.
pub fn install_egui_fonts(ctx: &egui::Context) {
    let mut defs = egui::FontDefinitions::default();
    defs.font_data.insert(
        ARABIC_FAMILY.to_owned(),
        Arc::new(egui::FontData::from_static(ARABIC_FONT)),
    );
    // Noto Sans after it covers Latin letters egui's default face lacks
    // (the ə of Siyasət in an entity list or a review panel).
    defs.font_data.insert(
        LATIN_FAMILY.to_owned(),
        Arc::new(egui::FontData::from_static(LATIN_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = defs.families.entry(family).or_default();
        list.push(ARABIC_FAMILY.to_owned());
        list.push(LATIN_FAMILY.to_owned());
    }
    ctx.set_fonts(defs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shipped_faces_load() {
        let fs = font_system();
        let families: Vec<String> = fs
            .db()
            .faces()
            .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
            .collect();
        assert!(families.iter().any(|f| f == ARABIC_FAMILY), "{families:?}");
        assert!(families.iter().any(|f| f == LATIN_FAMILY), "{families:?}");
    }
}
