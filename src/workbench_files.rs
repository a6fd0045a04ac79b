//! The files behind the workbench window: the `ui::Backend` the binary and
//! the UI tests use, over `corpus`, `store` and `formats`. The UI itself
//! never touches files; this is where its commands meet the disk.

use std::path::{Path, PathBuf};

use crate::annotation::DocAnnotations;
use crate::corpus::{Corpus, Document};
use crate::formats::{self, Exported};
use crate::schema::Schema;
use crate::store::{self, Store};
use crate::ui::backend::AnnotatorFiles;
use crate::ui::backend::{Backend, DocEntry, Loaded};

/// Annotators with a folder under `annotations_dir`.
pub fn annotators(annotations_dir: &Path) -> Vec<String> {
    store::annotators(annotations_dir)
}

/// `annotator`'s files for `docs` (read-only, no lock), problems as
/// `file:line:col: message`.
pub fn read_annotator(
    annotations_dir: &Path,
    schema: &Schema,
    annotator: &str,
    docs: &[&Document],
) -> Result<AnnotatorFiles, String> {
    store::check_annotator(annotator).map_err(|e| e.to_string())?;
    let mut out = AnnotatorFiles::default();
    let reader = store::Reader::open(annotations_dir, annotator).map_err(|e| e.to_string())?;
    for doc in docs {
        match reader.read(doc, schema) {
            Ok(Some(loaded)) => {
                out.problems
                    .extend(loaded.problems.iter().map(|p| p.to_string()));
                out.annotations.push(Some(loaded.annotations));
            }
            Ok(None) => out.annotations.push(None),
            Err(e) => {
                out.problems.push(e.to_string());
                out.annotations.push(None);
            }
        }
    }
    Ok(out)
}

/// Writes an export as `kashif export` does.
pub fn write_export(path: &Path, exported: &Exported) -> Result<usize, String> {
    formats::write_export(path, exported)
        .map(|written| written.len())
        .map_err(|e| e.to_string())
}

/// Saves whole documents as `annotator`'s, holding the store's lock while
/// writing.
pub fn save_annotations(
    annotations_dir: &Path,
    annotator: &str,
    docs: &[(&Document, DocAnnotations)],
) -> Result<usize, String> {
    let store = Store::open(annotations_dir, annotator).map_err(|e| e.to_string())?;
    for (doc, ann) in docs {
        store.save(doc, ann).map_err(|e| e.to_string())?;
    }
    Ok(docs.len())
}

/// A backend on real folders: articles with `corpus`, annotations with
/// `store`.
pub struct FsBackend {
    pub annotations_dir: PathBuf,
    pub schema: Schema,
}

impl Backend for FsBackend {
    fn open_folder(&mut self, dir: &Path, annotator: Option<&str>) -> Result<Loaded, String> {
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        let errors = corpus.errors.iter().map(|e| e.to_string()).collect();
        let refs: Vec<&Document> = corpus.documents.iter().collect();
        let files = match annotator {
            Some(a) => read_annotator(&self.annotations_dir, &self.schema, a, &refs)?,
            None => AnnotatorFiles {
                annotations: vec![None; refs.len()],
                problems: Vec::new(),
            },
        };
        let documents = corpus
            .documents
            .into_iter()
            .zip(files.annotations)
            .map(|(document, ann)| DocEntry {
                document: std::sync::Arc::new(document),
                annotations: std::sync::Arc::new(ann.unwrap_or_default()),
                problems: Vec::new(),
            })
            .collect();
        let mut errors: Vec<String> = errors;
        errors.extend(files.problems);
        Ok(Loaded { documents, errors })
    }

    fn annotators(&mut self) -> Vec<String> {
        annotators(&self.annotations_dir)
    }

    fn read_annotator(
        &mut self,
        annotator: &str,
        docs: &[&Document],
    ) -> Result<AnnotatorFiles, String> {
        read_annotator(&self.annotations_dir, &self.schema, annotator, docs)
    }

    fn read_timing(&mut self, annotator: &str) -> Result<store::TimingFile, String> {
        store::check_annotator(annotator).map_err(|e| e.to_string())?;
        store::read_timing(&store::timing_path(&self.annotations_dir, annotator))
            .map_err(|e| e.to_string())
    }

    fn write_export(&mut self, path: &Path, exported: &Exported) -> Result<usize, String> {
        write_export(path, exported)
    }

    fn save_annotations(
        &mut self,
        annotator: &str,
        docs: &[(&Document, DocAnnotations)],
    ) -> Result<usize, String> {
        save_annotations(&self.annotations_dir, annotator, docs)
    }
}
