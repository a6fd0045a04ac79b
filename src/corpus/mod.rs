//! The articles being annotated: loading a folder of `.txt` files.

mod load;

pub use load::{Corpus, CorpusError, Document, MAX_FILE_BYTES, decode, text_hash};
