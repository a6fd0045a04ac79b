//! Proposing entities: the learned tagger (features, lexicon, model,
//! training) and IOB2 token files.

pub mod bundled;
pub mod context;
pub mod features;
pub mod iob;
pub mod lexicon;
pub mod model;
pub mod textprep;
pub mod train;
