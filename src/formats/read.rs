//! Reading import files from disk (the format functions are pure).

use std::path::{Path, PathBuf};

use super::{Format, FormatError, ImportOptions, ImportedDoc, brat};

fn read_text(path: &Path) -> Result<String, FormatError> {
    let bytes =
        std::fs::read(path).map_err(|e| FormatError::new(path, 0, format!("cannot read: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let (line, col) =
                super::error::line_col(std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or(""), at);
            Err(FormatError::at(
                path,
                line,
                col,
                format!("not UTF-8 (invalid byte at offset {at})"),
            ))
        }
    }
}

/// Reads every document of the given files. For brat, a path may be a folder
/// (all `.ann` files under it, ids relative to it), an `.ann` or a `.txt`
/// file (its pair is next to it, the id is the file stem).
pub fn read_files(
    format: Format,
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Result<Vec<ImportedDoc>, FormatError> {
    let mut docs = Vec::new();
    for path in paths {
        if format != Format::Brat {
            let contents = read_text(path)?;
            let contents = contents.strip_prefix('\u{FEFF}').unwrap_or(&contents);
            docs.extend(super::import(format, path, contents, options)?);
            continue;
        }
        let pairs = if path.is_dir() {
            brat::ann_files(path)
                .map_err(|e| FormatError::new(path, 0, format!("cannot read folder: {e}")))?
        } else {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            vec![(stem, path.with_extension("ann"))]
        };
        for (id, ann_path) in pairs {
            let ann = read_text(&ann_path)?;
            let text = read_text(&ann_path.with_extension("txt"))?;
            docs.push(brat::import(&id, &ann_path, &ann, &text, options)?);
        }
    }
    Ok(docs)
}
