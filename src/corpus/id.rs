//! Document ids from file paths, one rule for every file kind that names a
//! document (corpus `.txt`, store `.ron`, brat `.ann`), so they always agree.

use std::path::Path;

/// The id of the document a file stands for: its path relative to `root`,
/// without its extension, parts joined by `/` on every platform (ids are
/// written into exported files and must not depend on the OS).
pub fn doc_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path).with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The form under which two ids (or names) are one file where file names
/// ignore case and Unicode composition: lower case, then NFC. macOS's file
/// systems match names that way and Windows' ignore case, so `Doc` and
/// `doc`, or `آمال` written with U+0622 and with ا + U+0653 (both common in
/// Arabic text), are one text file and one annotation file there, while
/// Linux keeps two. Such ids are refused or reported, never both written.
pub fn clash_key(id: &str) -> String {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc()
        .normalize(&id.to_lowercase())
        .into_owned()
}

/// Whether `c` does not show: a control, or a Unicode format char (general
/// category Cf: bidi marks such as U+200F, zero-width chars, a BOM). An id
/// holding one looks like another id.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || icu_properties::CodePointMapData::<icu_properties::props::GeneralCategory>::new().get(c)
            == icu_properties::props::GeneralCategory::Format
}

/// `id` as a listing shows it: as it is, or quoted with escapes (`"trail "`,
/// `"\u{200f}x"`) when spaces at its ends, or chars that do not show
/// ([`is_invisible`]), would make it look like another id or like none in a
/// padded column.
pub fn shown_id(id: &str) -> std::borrow::Cow<'_, str> {
    if id.is_empty() || id.trim() != id || id.chars().any(is_invisible) {
        std::borrow::Cow::Owned(format!("{id:?}"))
    } else {
        std::borrow::Cow::Borrowed(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_look_like_others_are_shown_quoted() {
        assert_eq!(shown_id("a/b"), "a/b");
        assert_eq!(shown_id("تقرير 1"), "تقرير 1");
        assert_eq!(shown_id("trail "), "\"trail \"");
        assert_eq!(shown_id("  "), "\"  \"");
        assert_eq!(shown_id("\u{200f}x"), "\"\\u{200f}x\"");
        assert_ne!(shown_id("trail "), shown_id("trail"));
    }

    #[test]
    fn ids_equal_but_for_case_or_composition_clash() {
        assert_eq!(clash_key("Doc"), clash_key("doc"));
        assert_eq!(clash_key("caf\u{e9}"), clash_key("cafe\u{301}"));
        assert_eq!(clash_key("\u{622}مال"), clash_key("\u{627}\u{653}مال"));
        assert_eq!(clash_key("\u{623}حمد"), clash_key("\u{627}\u{654}حمد"));
        assert_ne!(clash_key("أحمد"), clash_key("احمد"));
        assert_ne!(clash_key("a/b"), clash_key("a_b"));
    }

    #[test]
    fn relative_path_without_extension_joined_by_slash() {
        let root = Path::new("/corpus");
        assert_eq!(doc_id(root, Path::new("/corpus/a.txt")), "a");
        assert_eq!(doc_id(root, Path::new("/corpus/sub/b.ann")), "sub/b");
        assert_eq!(doc_id(root, Path::new("/corpus/x.y.ron")), "x.y");
    }

    #[test]
    fn relative_root_works_as_an_absolute_one() {
        assert_eq!(
            doc_id(Path::new("seeds"), Path::new("seeds/d/000_x.txt")),
            "d/000_x"
        );
    }
}
