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
    /// Loads every `.txt` file under `root`, subfolders included.
    ///
    /// Only an unreadable `root` is an error; bad files are collected in
    /// [`Corpus::errors`] and the rest loads.
    pub fn load(root: &Path) -> Result<Corpus, CorpusError> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        walk(root, &mut files, &mut errors).map_err(|e| CorpusError::Unreadable {
            path: root.to_path_buf(),
            reason: e.to_string(),
        })?;
        files.sort();
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

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<CorpusError>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if let Err(e) = walk(&path, files, errors) {
                errors.push(CorpusError::Unreadable {
                    path,
                    reason: e.to_string(),
                });
            }
        } else if path.extension().is_some_and(|e| e == "txt") {
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
    fn missing_folder_is_an_error() {
        assert!(Corpus::load(Path::new("/no/such/folder")).is_err());
    }
}
