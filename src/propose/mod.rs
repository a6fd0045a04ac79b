//! Proposing entities: gazetteers, rules and dates (each turns text into
//! `Proposal`s with its own `Source`), the learned tagger (features,
//! lexicon, model, training) and IOB2 token files.

pub mod accurate;
pub mod base;
pub mod bundled;
pub mod clusters;
pub mod context;
pub mod conventions;
mod crf;
pub mod dates;
pub mod features;
pub mod gazetteer;
pub mod gold;
pub mod iob;
pub mod lexicon;
pub mod model;
pub mod proposer;
pub mod recall;
pub mod repeat;
pub mod rules;
pub mod train;
pub mod words;
