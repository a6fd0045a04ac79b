//! Arabic text tools for proposing entities: matching-oriented normalisation
//! that remembers where each char came from, a tokenizer with char offsets,
//! and proclitic segmentation that separates what an entity span must leave
//! out (conjunctions, prepositions) from what it keeps (the article ال).

mod clitics;
mod key;
mod normalize;
mod tokenize;

pub use clitics::{Split, segment, splits};
pub use key::{name_key, name_keys};
pub use normalize::{Normalized, is_arabic_letter, is_arabic_mark, normalize, normalize_char};
pub use tokenize::{Token, TokenKind, tokenize};
