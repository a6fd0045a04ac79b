//! Reading import files from disk (the format functions are pure). Input
//! files are only ever read, never written.

use std::path::{Path, PathBuf};

use super::{FileImport, Format, FormatError, ImportOptions, brat};

/// What a binary file most likely is, from its first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x78, 0x01 | 0x5e | 0x9c | 0xda, ..] => {
            Some("binary file (zlib-compressed, looks like a spaCy DocBin `.spacy` file)")
        }
        [0x1f, 0x8b, ..] => Some("binary file (gzip-compressed)"),
        [b'P', b'K', 3, 4, ..] => Some("binary file (a zip archive)"),
        _ if bytes.iter().take(4096).any(|&b| b == 0) => Some("binary file (it holds NUL bytes)"),
        _ => None,
    }
}

/// What to run instead, for a spaCy DocBin (Kashif reads text formats only).
const DOCBIN_HINT: &str = "Kashif's spacy importer reads JSONL `{\"text\", \"spans\": [{\"start\", \"end\", \"label\"}]}`; \
convert it with spaCy first: python -c \"import sys, json, spacy; from spacy.tokens import DocBin; \
nlp = spacy.blank('ar'); [print(json.dumps({'text': d.text, 'spans': [{'start': e.start_char, 'end': e.end_char, 'label': e.label_} for e in d.ents]}, ensure_ascii=False)) \
for d in DocBin().from_disk(sys.argv[1]).get_docs(nlp.vocab)]\" train.spacy > train.jsonl";

fn read_text(path: &Path) -> Result<String, FormatError> {
    let bytes =
        std::fs::read(path).map_err(|e| FormatError::new(path, 0, format!("cannot read: {e}")))?;
    if let Some(kind) = binary_kind(&bytes) {
        let hint = if kind.contains("DocBin") {
            format!(" — {DOCBIN_HINT}")
        } else {
            " — not a text export".to_string()
        };
        return Err(FormatError::new(path, 0, format!("{kind}{hint}")));
    }
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
                format!("not UTF-8 (invalid byte at offset {at}); save the file as UTF-8"),
            ))
        }
    }
}

/// The `.ann` and `.txt` paths of a brat document given by either file (or
/// by its path without extension), and its id (the file name without the
/// `.ann`/`.txt`, dots kept: `esp.train-doc-100`).
fn brat_pair(path: &Path) -> (String, PathBuf, PathBuf) {
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".ann")
        .or_else(|| name.strip_suffix(".txt"))
        .unwrap_or(&name)
        .to_string();
    (
        stem.clone(),
        path.with_file_name(format!("{stem}.ann")),
        path.with_file_name(format!("{stem}.txt")),
    )
}

/// Reads every document of one path. For brat, a path may be a folder (all
/// `.ann` files under it, ids relative to it), an `.ann` or a `.txt` file
/// (its pair is next to it, the id is the file name without extension).
pub fn read_path(
    format: Format,
    path: &Path,
    options: &ImportOptions,
) -> Vec<Result<FileImport, FormatError>> {
    if format != Format::Brat {
        let one = read_text(path).and_then(|contents| {
            let contents = contents.strip_prefix('\u{FEFF}').unwrap_or(&contents);
            super::import(format, path, contents, options)
        });
        return vec![one];
    }
    let pairs = if path.is_dir() {
        match brat::ann_files(path) {
            Ok(v) => v
                .into_iter()
                .map(|(id, ann)| {
                    let txt = ann.with_extension("txt");
                    (id, ann, txt)
                })
                .collect(),
            Err(e) => {
                return vec![Err(FormatError::new(
                    path,
                    0,
                    format!("cannot read folder: {e}"),
                ))];
            }
        }
    } else {
        vec![brat_pair(path)]
    };
    pairs
        .into_iter()
        .map(|(id, ann_path, txt_path)| {
            let ann = read_text(&ann_path)?;
            let text = read_text(&txt_path)?;
            brat::import(&id, &ann_path, &ann, &text, options)
        })
        .collect()
}

/// Reads every given path (see [`read_path`]); one result per file.
pub fn read_files(
    format: Format,
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Vec<Result<FileImport, FormatError>> {
    paths
        .iter()
        .flat_map(|p| read_path(format, p, options))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_pairs_keep_dotted_names() {
        let (id, ann, txt) = brat_pair(Path::new("d/esp.train-doc-100"));
        assert_eq!(id, "esp.train-doc-100");
        assert_eq!(ann, Path::new("d/esp.train-doc-100.ann"));
        assert_eq!(txt, Path::new("d/esp.train-doc-100.txt"));
        let (id, ann, _) = brat_pair(Path::new("akhbar.2023.v1.txt"));
        assert_eq!(id, "akhbar.2023.v1");
        assert_eq!(ann, Path::new("akhbar.2023.v1.ann"));
    }

    #[test]
    fn binary_files_are_named() {
        assert!(binary_kind(&[0x78, 0x9c, 1, 2]).unwrap().contains("DocBin"));
        assert!(binary_kind(b"{\"text\": 1}").is_none());
    }
}
