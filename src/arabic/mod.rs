//! Arabic text tools for proposing entities: matching-oriented normalisation
//! that remembers where each char came from, a tokenizer with char offsets,
//! and proclitic segmentation that separates what an entity span must leave
//! out (conjunctions, prepositions) from what it keeps (the article ال).

mod clitics;
mod key;
mod normalize;
mod span_edges;
mod tokenize;

pub use clitics::{Lexicon, Split, clitic_skip, clitic_skip_by, segment, splits};
pub use key::{name_key, name_keys};
pub use normalize::{Normalized, is_arabic_letter, is_arabic_mark, normalize, normalize_char};
pub use span_edges::{
    Vocabulary, guideline_span, guideline_span_by, is_word_char, trim_punctuation, word_at,
};
pub use tokenize::{Token, TokenKind, tokenize};
