//! The articles being annotated: loading a folder of `.txt` files.

mod id;
mod load;

pub use id::{clash_key, doc_id, is_invisible, shown_id};
pub use load::{Corpus, CorpusError, Document, MAX_FILE_BYTES, decode, text_hash};
