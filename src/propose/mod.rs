//! Proposing entities: gazetteers, rules and dates (this file declares the
//! parts; each one turns text into `Proposal`s with its own `Source`).

pub mod dates;
pub mod gazetteer;
pub mod rules;
pub mod words;
