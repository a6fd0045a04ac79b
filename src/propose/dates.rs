//! Dates.

use super::words::Words;
use crate::annotation::Proposal;

pub fn propose_words(_words: &Words) -> Vec<Proposal> {
    Vec::new()
}
