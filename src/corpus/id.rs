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

#[cfg(test)]
mod tests {
    use super::*;

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
