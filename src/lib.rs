//! Kashif: a native workbench for annotating named entities in Arabic news.
//!
//! The core (`corpus`, `annotation`, `store`, `schema`, `text`, and later
//! `arabic`, `propose`, `formats`, `eval`) knows nothing of the UI; `ui` knows
//! nothing of files.

pub mod annotation;
pub mod arabic;
pub mod bidi;
pub mod corpus;
pub mod eval;
pub mod formats;
pub mod heap;
pub mod propose;
pub mod schema;
pub mod store;
pub mod text;
pub mod ui;
pub mod workbench_files;
pub mod workflow;
