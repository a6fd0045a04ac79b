//! The on-disk shape of one annotation file.

use serde::{Deserialize, Serialize};

use crate::annotation::{DocAnnotations, Note, Proposal, Rejected, Span, Status};

/// The format version written; files with a larger one are refused rather
/// than misread.
pub const FORMAT_VERSION: u32 = 1;

/// One annotator's annotations of one document, as written to disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotationFile {
    pub version: u32,
    pub document: String,
    /// Hash of the document text the offsets refer to (see
    /// [`crate::corpus::text_hash`]); a mismatch triggers re-anchoring.
    pub text_hash: String,
    pub annotator: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub entities: Vec<Span>,
    #[serde(default)]
    pub detached: Vec<Span>,
    #[serde(default)]
    pub proposals: Vec<Proposal>,
    #[serde(default)]
    pub rejected: Vec<Rejected>,
    /// The annotator's comments for the lead; absent in files written
    /// before notes existed, and left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

impl AnnotationFile {
    pub fn new(document: &str, text_hash: String, annotator: &str, ann: &DocAnnotations) -> Self {
        AnnotationFile {
            version: FORMAT_VERSION,
            document: document.to_string(),
            text_hash,
            annotator: annotator.to_string(),
            status: ann.status,
            entities: ann.entities.clone(),
            detached: ann.detached.clone(),
            proposals: ann.proposals.clone(),
            rejected: ann.rejected.clone(),
            notes: ann.notes.clone(),
        }
    }

    /// The RON text: one entity per line, so diffs in git stay readable.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(2)
            .indentor("    ".to_string());
        let mut s = ron::ser::to_string_pretty(self, config)?;
        s.push('\n');
        Ok(s)
    }

    pub fn into_annotations(self) -> DocAnnotations {
        let mut ann = DocAnnotations {
            status: self.status,
            entities: self.entities,
            proposals: self.proposals,
            rejected: self.rejected,
            detached: self.detached,
            notes: self.notes,
        };
        ann.normalize_order();
        ann
    }
}
