//! The shipped model: built into the binary, so `kashif` works from any
//! folder; a file can replace it (a retrained model).

use std::path::{Path, PathBuf};

use super::model::{Model, ModelError};

/// Where the shipped model lives in the repository.
pub const MODEL_PATH: &str = "assets/model/ner.model";

static BUILTIN: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/model/ner.model"
));

/// A model file that cannot be used, with its path.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Model { path: PathBuf, source: ModelError },
}

/// The model built into the program.
pub fn load() -> Result<Model, LoadError> {
    Model::from_bytes(BUILTIN).map_err(|source| LoadError::Model {
        path: PathBuf::from(MODEL_PATH),
        source,
    })
}

/// A model from a file.
pub fn load_file(path: &Path) -> Result<Model, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Model::from_bytes(&bytes).map_err(|source| LoadError::Model {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_loads_and_knows_the_anercorp_labels() {
        let m = load().unwrap();
        assert_eq!(m.types(), ["LOC", "MISC", "ORG", "PER"]);
        assert!(m.num_features() > 1000);
    }

    #[test]
    fn a_missing_file_names_its_path() {
        let e = load_file(Path::new("/nonexistent/x.model")).unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/x.model:"), "{e}");
    }
}
