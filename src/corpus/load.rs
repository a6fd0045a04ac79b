//! Loading a folder of articles, one bad file never stopping the rest.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::doc_id;

/// Files larger than this are refused: no article is that long, and a wrong
/// folder (a data dump) should not freeze the workbench.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// One article. `text` is what every offset, hash and export refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path relative to the corpus folder, with `/` separators and without
    /// the `.txt` extension (`sub/article`); names its annotation files.
    pub id: String,
    pub text: String,
    pub path: PathBuf,
}

impl Document {
    /// A hash of the text, stored in annotation files to notice edited articles.
    pub fn text_hash(&self) -> String {
        text_hash(&self.text)
    }
}

/// `sha256:` and the hex digest of the text's UTF-8 bytes.
pub fn text_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Why one file (or the folder) could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    /// The corpus folder itself is not there (a typo in the path is the
    /// usual cause): said as such, not as an OS error code.
    #[error(
        "{path}: no such folder: a corpus is a folder of .txt articles; check the path (relative paths start at {cwd})"
    )]
    NoFolder { path: PathBuf, cwd: String },
    /// The corpus path is a file (an article, an export) rather than the
    /// folder of articles.
    #[error(
        "{path}: a file, not a folder: a corpus is a folder of .txt articles; give the folder (for one article, the folder it is in)"
    )]
    NotAFolder { path: PathBuf },
    #[error("{path}: not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: empty file")]
    Empty { path: PathBuf },
    #[error("{path}: {size} bytes is larger than the limit of {limit} bytes")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// A file or folder whose name cannot give a document id of its own:
    /// not UTF-8 (two such names would come out the same), hidden (starts
    /// with a dot), or an id that another file has too, or has but for case
    /// (one annotation file on macOS and Windows). Not read; rename it.
    #[error("{path}: not read: {reason}")]
    BadName { path: PathBuf, reason: String },
}

/// A loaded folder: the documents that loaded, sorted by id, and one error per
/// file that did not.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub root: PathBuf,
    pub documents: Vec<Document>,
    pub errors: Vec<CorpusError>,
}

impl Corpus {
    /// Loads every `.txt` file under `root` (the extension in any case:
    /// `.TXT` too), subfolders included. Every such file becomes exactly one
    /// document or one error naming it: names that are not UTF-8, hidden
    /// names (`.x.txt`, `...txt`, hidden folders but `.git`, `.hg`,
    /// `.svn`) and names whose ids clash
    /// (`a.txt` and `a.TXT`; `A.txt` and `a.txt`, one file on macOS and
    /// Windows) are reported, none of the clashing files read.
    ///
    /// Only an unreadable `root` is an error; bad files are collected in
    /// [`Corpus::errors`] and the rest loads.
    pub fn load(root: &Path) -> Result<Corpus, CorpusError> {
        if !root.exists() {
            return Err(CorpusError::NoFolder {
                path: root.to_path_buf(),
                cwd: std::env::current_dir()
                    .map_or_else(|_| "the current folder".into(), |d| d.display().to_string()),
            });
        }
        if !root.is_dir() {
            return Err(CorpusError::NotAFolder {
                path: root.to_path_buf(),
            });
        }
        let mut files = Vec::new();
        let mut errors = Vec::new();
        walk(root, &mut files, &mut errors).map_err(|e| CorpusError::Unreadable {
            path: root.to_path_buf(),
            reason: e.to_string(),
        })?;
        files.sort();
        let files = without_clashes(root, files, &mut errors);
        let mut documents = Vec::with_capacity(files.len());
        for path in files {
            match read_document(root, &path) {
                Ok(doc) => documents.push(doc),
                Err(e) => errors.push(e),
            }
        }
        documents.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Corpus {
            root: root.to_path_buf(),
            documents,
            errors,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Document> {
        self.documents
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.documents[i])
    }
}

/// Whether a file name has the `.txt` extension, in any case.
fn is_txt(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// Files whose document ids clash (equal, or equal but for case or Unicode
/// composition: [`crate::corpus::clash_key`]) reported
/// by name, each one of them; the others returned.
fn without_clashes(
    root: &Path,
    files: Vec<PathBuf>,
    errors: &mut Vec<CorpusError>,
) -> Vec<PathBuf> {
    let mut by_key: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for f in files {
        by_key
            .entry(crate::corpus::clash_key(&doc_id(root, &f)))
            .or_default()
            .push(f);
    }
    let mut out = Vec::new();
    for (_, group) in by_key {
        if group.len() == 1 {
            out.extend(group);
            continue;
        }
        for f in &group {
            let others: Vec<String> = group
                .iter()
                .filter(|g| *g != f)
                .map(|g| g.display().to_string())
                .collect();
            errors.push(CorpusError::BadName {
                path: f.clone(),
                reason: format!(
                    "its document id {:?} is the same, but for case, Unicode composition (NFC/NFD) or extension, as that of {} (one annotation file for both; one file on macOS, and on Windows where only case differs); rename one of them",
                    doc_id(root, f),
                    others.join(", ")
                ),
            });
        }
    }
    out.sort();
    out
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<CorpusError>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let kind = entry.file_type()?;
        let Some(name) = name.to_str() else {
            // Lossy decoding would give two such names the same id.
            if kind.is_dir() || is_txt(&path) {
                errors.push(CorpusError::BadName {
                    path,
                    reason: format!(
                        "the name {name:?} is not UTF-8 (saved by a system with another code page?), so it cannot name a document; rename it"
                    ),
                });
            }
            continue;
        };
        if crate::store::is_temp_name(name) {
            // A writer's temporary file (one running, or one a crash left
            // for the next writer to remove): never an article.
            continue;
        }
        if name.starts_with('.') {
            // Version-control folders hold no articles.
            let vcs = kind.is_dir() && matches!(name, ".git" | ".hg" | ".svn");
            if (kind.is_dir() && !vcs) || is_txt(&path) {
                errors.push(CorpusError::BadName {
                    path,
                    reason: "the name starts with a dot (hidden); rename it to include it".into(),
                });
            }
            continue;
        }
        if kind.is_dir() {
            if let Err(e) = walk(&path, files, errors) {
                errors.push(CorpusError::Unreadable {
                    path,
                    reason: e.to_string(),
                });
            }
        } else if is_txt(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn read_document(root: &Path, path: &Path) -> Result<Document, CorpusError> {
    let unreadable = |e: std::io::Error| CorpusError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(CorpusError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let text = decode(&bytes).map_err(|offset| CorpusError::NotUtf8 {
        path: path.to_path_buf(),
        offset,
    })?;
    if text.is_empty() {
        return Err(CorpusError::Empty {
            path: path.to_path_buf(),
        });
    }
    let id = doc_id(root, path);
    Ok(Document {
        id,
        text,
        path: path.to_path_buf(),
    })
}

/// The document text of a file's bytes: UTF-8, leading BOM removed, `\r\n` and
/// `\r` turned into `\n`. The error is the byte offset of the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, usize> {
    let s = std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())?;
    let s = s.strip_prefix('\u{FEFF}').unwrap_or(s);
    Ok(if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_normalises_newlines() {
        assert_eq!(
            decode("\u{FEFF}أ\r\nب\rج\n".as_bytes()).unwrap(),
            "أ\nب\nج\n"
        );
    }

    #[test]
    fn decode_reports_byte_offset() {
        let mut b = "سلام".as_bytes().to_vec();
        b.push(0xFF);
        assert_eq!(decode(&b), Err(8));
    }

    #[test]
    fn folder_with_bad_files_loads_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("a.txt"), "نص").unwrap();
        std::fs::write(root.join("sub/b.txt"), "\u{FEFF}آخر\r\n").unwrap();
        std::fs::write(root.join("bad.txt"), [0x41, 0xC3]).unwrap();
        std::fs::write(root.join("empty.txt"), "").unwrap();
        std::fs::write(root.join("notes.md"), "ignored").unwrap();
        let c = Corpus::load(root).unwrap();
        let ids: Vec<_> = c.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "sub/b"]);
        assert_eq!(c.get("sub/b").unwrap().text, "آخر\n");
        assert_eq!(c.errors.len(), 2);
        let msgs: Vec<String> = c.errors.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("bad.txt") && m.contains("offset 1"))
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("empty.txt") && m.contains("empty"))
        );
    }

    #[test]
    fn every_txt_file_is_one_document_or_reported_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "a.txt",
            "UPPER.TXT",
            ".hidden.txt",
            "...txt",
            "Same.txt",
            "same.txt",
            "b.txt",
            "b.Txt",
            // آمال composed (U+0622) and decomposed (ا + U+0653)
            "\u{622}مال.txt",
            "\u{627}\u{653}مال.txt",
        ] {
            std::fs::write(root.join(name), "نص").unwrap();
        }
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/x.txt"), "نص").unwrap();
        std::fs::create_dir(root.join(".drafts")).unwrap();
        std::fs::write(root.join(".drafts/y.txt"), "نص").unwrap();
        let c = Corpus::load(root).unwrap();
        let ids: Vec<_> = c.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["UPPER", "a"]);
        let msgs: Vec<String> = c.errors.iter().map(|e| e.to_string()).collect();
        for name in [
            ".hidden.txt",
            "...txt",
            "Same.txt",
            "same.txt",
            "b.txt",
            "b.Txt",
            ".drafts",
            "\u{622}مال.txt",
            "\u{627}\u{653}مال.txt",
        ] {
            let n = msgs
                .iter()
                .filter(|m| m.starts_with(&root.join(name).display().to_string()))
                .count();
            assert_eq!(n, 1, "{name}: {msgs:#?}");
        }
        assert_eq!(msgs.len(), 9, "{msgs:#?}");
    }

    #[cfg(unix)]
    #[test]
    fn names_not_utf8_are_refused_by_name_not_merged() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Two Arabic names in Windows-1256, as unzipped from an archive.
        for raw in [
            &b"\xe3\xd1\xc7\xd3\xe1 1.txt"[..],
            b"\xca\xd1\xd1\xed\xd1 1.txt",
        ] {
            std::fs::write(root.join(std::ffi::OsStr::from_bytes(raw)), "نص").unwrap();
        }
        std::fs::write(root.join("ok.txt"), "نص").unwrap();
        let c = Corpus::load(root).unwrap();
        let ids: Vec<_> = c.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["ok"]);
        assert_eq!(c.errors.len(), 2, "{:?}", c.errors);
        assert!(c.errors.iter().all(|e| e.to_string().contains("not UTF-8")));
    }

    #[test]
    fn missing_folder_is_an_error() {
        let e = Corpus::load(Path::new("/no/such/folder")).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "/no/such/folder: no such folder: a corpus is a folder of .txt articles"
            ),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "نص").unwrap();
        let e = Corpus::load(&file).unwrap_err();
        assert!(matches!(e, CorpusError::NotAFolder { .. }), "{e}");
        assert!(e.to_string().contains("a file, not a folder"), "{e}");
    }
}
