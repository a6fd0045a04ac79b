//! What an annotator decided about one document, and the edits that change it.

mod document;
mod edit;
mod history;
mod span;

pub use document::{DocAnnotations, Note, Status};
pub use edit::{Edit, EditError};
pub use history::History;
pub use span::{DECIDED_CONFIDENCE, Decision, Origin, Proposal, Proposed, Rejected, Source, Span};
