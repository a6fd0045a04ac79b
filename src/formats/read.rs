//! Reading import files from disk (the format functions are pure). Input
//! files are only ever read, never written.

use std::path::{Path, PathBuf};

use super::decode::decode;
use super::{FileImport, Format, FormatError, ImportOptions, Issue, IssueKind, brat};

/// Reads and decodes a file (see [`decode`]); `line_starts`: remove byte
/// order marks at later line starts.
fn read_text(
    path: &Path,
    options: &ImportOptions,
    line_starts: bool,
) -> Result<super::decode::Decoded, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file: check the path".to_string(),
            std::io::ErrorKind::IsADirectory => {
                "a folder: give the files in it (only brat and WebAnno TSV read folders)".into()
            }
            _ => format!("cannot read: {e}"),
        };
        FormatError::new(path, 0, why)
    })?;
    decode(path, &bytes, options.encoding.as_deref(), line_starts)
}

/// What decoding a file took, as notes of its import (the encoding also in
/// the shape, so the summary says it).
fn add_notes(path: &Path, decoded: &super::decode::Decoded, f: &mut FileImport) {
    for (line, message) in &decoded.notes {
        let mut i = Issue::new(path, *line, "", IssueKind::Note, message.clone());
        if *line > 0 {
            i.tally = Some("byte order marks in the middle of a file removed".into());
        } else {
            f.shape
                .push_str(&format!("; {}", message.split(';').next().unwrap_or("")));
        }
        f.issues.insert(0, i);
    }
}

/// The `.tsv` files under a folder (WebAnno TSV exports), sorted.
fn tsv_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            out.extend(tsv_files(&p)?);
        } else if p.extension().is_some_and(|e| e == "tsv") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Imports decoded contents as `format`; for Hugging Face rows without
/// `--labels`, the label names come from a `dataset_info.json` beside the
/// file when there is one (said in the shape), else from the older
/// `datasets` layout's `dataset_infos.json` (one info per config).
fn read_as(
    format: Format,
    path: &Path,
    decoded: &super::decode::Decoded,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let info = ["dataset_info.json", "dataset_infos.json"]
        .into_iter()
        .map(|n| path.with_file_name(n))
        .find(|p| p.is_file())
        .unwrap_or_else(|| path.with_file_name("dataset_info.json"));
    // A dataset_info.json beside the file that cannot give the names is
    // named when the rows need them, never passed over in silence.
    let names = if format == Format::Hf && options.tag_names.is_none() && info.is_file() {
        Some(
            std::fs::read_to_string(&info)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|json| super::hf::names_from_info(&json, "ner_tags")),
        )
    } else {
        None
    };
    let mut f = match names {
        Some(Err(why)) => match super::import(format, path, &decoded.text, options) {
            Err(e) if super::hf::needs_names(&e) => {
                return Err(FormatError::new(
                    &info,
                    0,
                    format!(
                        "the integer ner_tags of {} (line {}) need their names, and this file beside it cannot give them: {why}. Fix it, or give the names in id order with --labels O,B-PER,I-PER,...",
                        path.display(),
                        e.line
                    ),
                ));
            }
            Err(e) => return Err(e),
            Ok(mut f) => {
                f.issues.push(Issue::new(
                    &info,
                    0,
                    "",
                    IssueKind::Note,
                    format!("not used (the rows' tags are strings): {why}"),
                ));
                f
            }
        },
        Some(Ok(n)) => {
            let with = ImportOptions {
                tag_names: Some(n),
                ..options.clone()
            };
            let mut f = super::import(format, path, &decoded.text, &with)?;
            f.shape
                .push_str(&format!("; tag names from {}", info.display()));
            f
        }
        None => super::import(format, path, &decoded.text, options)?,
    };
    add_notes(path, decoded, &mut f);
    Ok(f)
}

/// The `.ann` and `.txt` paths of a brat document given by either file (or
/// by its path without extension), and its id (the file name without the
/// `.ann`/`.txt`, dots kept: `esp.train-doc-100`).
fn brat_pair(path: &Path) -> (String, PathBuf, PathBuf) {
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The extension in any case, as the corpus takes `.TXT` too.
    let cut = |ext: &str| {
        let n = name.len().checked_sub(ext.len())?;
        (name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case(ext)).then(|| &name[..n])
    };
    let stem = cut(".ann")
        .or_else(|| cut(".txt"))
        .unwrap_or(&name)
        .to_string();
    (
        stem.clone(),
        beside(&path.with_file_name(format!("{stem}.ann"))),
        beside(&path.with_file_name(format!("{stem}.txt"))),
    )
}

/// `path`, or when it does not exist, the file beside it whose name
/// differs only in the extension's case (`x.TXT` for `x.txt`): the pair of
/// `x.ann` written by a tool on Windows.
fn beside(path: &Path) -> PathBuf {
    if path.exists() {
        return path.to_path_buf();
    }
    let (Some(dir), Some(stem), Some(ext)) = (path.parent(), path.file_stem(), path.extension())
    else {
        return path.to_path_buf();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_stem() == Some(stem)
                && p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext) && e != ext)
        })
        .map_or_else(
            || path.to_path_buf(),
            |p| path.with_file_name(p.file_name().unwrap_or_default()),
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
    if format == Format::Webanno && path.is_dir() {
        return match tsv_files(path) {
            Ok(files) => files
                .iter()
                .flat_map(|f| read_path(format, f, options))
                .collect(),
            Err(e) => vec![Err(FormatError::new(
                path,
                0,
                format!("cannot read folder: {e}"),
            ))],
        };
    }
    if format != Format::Brat {
        let one = read_text(path, options, true).and_then(|decoded| {
            super::sniff::refuse_foreign(format, path, &decoded.text)?;
            read_as(format, path, &decoded, options)
        });
        return vec![one];
    }
    let pairs = if path.is_dir() {
        match brat::ann_files(path) {
            Ok(v) => v
                .into_iter()
                .map(|(id, ann)| {
                    let txt = beside(&ann.with_extension("txt"));
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
        // A file that is neither half of a brat pair: named by its shape
        // when it has one (`--format brat` on a CoNLL file), rather than
        // "FILE.ann: cannot read".
        let pair_half = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ann") || e.eq_ignore_ascii_case("txt"));
        if !pair_half
            && path.is_file()
            && let Ok(decoded) = read_text(path, options, true)
            && let Err(e) = super::sniff::refuse_foreign(format, path, &decoded.text)
        {
            return vec![Err(e)];
        }
        vec![brat_pair(path)]
    };
    pairs
        .into_iter()
        .map(|(id, ann_path, txt_path)| {
            let ann = read_text(&ann_path, options, true)?;
            let text = read_text(&txt_path, options, false)?;
            let mut f = brat::import(&id, &ann_path, &ann.text, &text.text, options)?;
            add_notes(&ann_path, &ann, &mut f);
            add_notes(&txt_path, &text, &mut f);
            Ok(f)
        })
        .collect()
}

/// Reads one path whose shape is detected from it (`--format auto`): a
/// folder or a `.ann` file is brat; any other file is read by the reader its
/// contents fit (see the shape rules in `docs/formats.md`), and the shape
/// says what was detected and why.
///
/// # Errors
/// (in the results) what [`read_path`] refuses, and a file whose shape is
/// unknown, not read by Kashif, or read two plausible ways.
pub fn read_path_auto(
    path: &Path,
    options: &ImportOptions,
) -> Vec<Result<FileImport, FormatError>> {
    if path.is_dir() && tsv_files(path).is_ok_and(|f| !f.is_empty()) {
        return read_path(Format::Webanno, path, options);
    }
    let brat = path.is_dir()
        || path.extension().is_some_and(|e| e == "ann")
        || (path.extension().is_some_and(|e| e == "txt") && path.with_extension("ann").is_file());
    if brat {
        let mut out = read_path(Format::Brat, path, options);
        for f in out.iter_mut().flatten() {
            f.shape = format!("{} (detected: a .ann file beside its .txt)", f.shape);
        }
        return out;
    }
    let one = read_text(path, options, true).and_then(|decoded| {
        let (format, why) = super::sniff::detect(path, &decoded.text)?;
        let mut f = read_as(format, path, &decoded, options)?;
        f.shape = format!("{} — {why}", f.shape);
        Ok(f)
    });
    vec![one]
}

/// Reads every given path with its shape detected (see [`read_path_auto`]).
pub fn read_files_auto(
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Vec<Result<FileImport, FormatError>> {
    paths
        .iter()
        .flat_map(|p| read_path_auto(p, options))
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
    fn a_pair_is_found_whatever_the_case_of_its_extensions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("up.ann"), "T1\tLOC 3 8\tبغداد\n").unwrap();
        std::fs::write(dir.path().join("up.TXT"), "في بغداد").unwrap();
        std::fs::write(dir.path().join("low.ANN"), "T1\tLOC 3 7\tدمشق\n").unwrap();
        std::fs::write(dir.path().join("low.txt"), "في دمشق").unwrap();
        let (id, _, txt) = brat_pair(&dir.path().join("up.ann"));
        assert_eq!((id.as_str(), txt), ("up", dir.path().join("up.TXT")));
        let (id, ann, _) = brat_pair(&dir.path().join("low.txt"));
        assert_eq!((id.as_str(), ann), ("low", dir.path().join("low.ANN")));
        // the folder too: both documents
        let got = read_path(Format::Brat, dir.path(), &ImportOptions::default());
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 2, "{got:?}");
        for path in [dir.path().join("up.ann"), dir.path().join("low.ANN")] {
            let got = read_path(Format::Brat, &path, &ImportOptions::default());
            assert!(got.iter().all(|r| r.is_ok()), "{path:?}: {got:?}");
            assert_eq!(got.len(), 1);
        }
    }

    #[test]
    fn a_file_of_another_shape_given_as_brat_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("out.conll");
        std::fs::write(&f, "زار O\nبلينكين B-PER\nالرياض B-LOC\n\nأمس O\n").unwrap();
        let got = read_path(Format::Brat, &f, &ImportOptions::default());
        let e = got[0].as_ref().unwrap_err();
        assert!(e.message.contains("--format conll"), "{e}");
    }
}
