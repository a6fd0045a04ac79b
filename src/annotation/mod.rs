//! What an annotator decided about one document, and the edits that change it.

mod document;
mod edit;
mod history;
mod span;

pub use document::{DocAnnotations, Status};
pub use edit::{Edit, EditError};
pub use history::History;
pub use span::{Origin, Proposal, Rejected, Source, Span};
