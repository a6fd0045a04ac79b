//! The annotation guidelines, shipped in `assets/guidelines.md` and compiled
//! in, so the guidelines panel needs no file at run time.

/// The guidelines as Markdown.
pub const GUIDELINES: &str = include_str!("../../assets/guidelines.md");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guidelines_cover_every_label_and_the_clitic_rule() {
        for label in crate::schema::Schema::builtin().labels {
            assert!(GUIDELINES.contains(&label.name), "{}", label.name);
        }
        assert!(GUIDELINES.contains("وأذربيجان"));
        assert!(GUIDELINES.contains("الولايات المتحدة"));
    }
}
