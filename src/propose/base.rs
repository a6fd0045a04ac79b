//! The base training data: what the shipped model was trained on and what
//! the workbench retrains on, with the annotator's gold, when documents are
//! marked done. Listed in ONE place ([`BASE_PARTS`]) so that a new corpus
//! (WikiFANE, Wojood, ...) is added by one line here.

use super::iob::{ConllError, Sentence, read_conll};

/// One part of the base training data.
pub struct BasePart {
    /// What it is, for messages.
    pub name: &'static str,
    /// The data, CoNLL layout (`token TAG` lines, blank line between sentences).
    pub conll: &'static str,
    /// How many times its sentences enter training (1 = once).
    pub weight: usize,
    /// Its license, for the about box and the docs.
    pub license: &'static str,
}

/// Every part of the base training data, in training order.
pub const BASE_PARTS: &[BasePart] = &[
    BasePart {
        name: "ANERcorp, first 90 % of the training part (3,694 sentences)",
        conll: include_str!("../../assets/train/anercorp_train90.conll"),
        weight: 1,
        license: "CC BY-SA 4.0 (assets/train/LICENSE.md)",
    },
    // Silver: ANT news labelled by two fine-tuned encoders, the sentences
    // they agree on that hold an entity, every second one (9,789 sentences,
    // 255,745 tokens; `scripts/encoder/silver_ant.py`). Held-out F1 of the
    // fast tagger 0.7125 -> 0.7545 (docs/model.md, "Silver data for the
    // fast tier").
    BasePart {
        name: "ANT news labelled by the accurate tier (9,789 sentences, silver)",
        conll: include_str!("../../assets/train/silver_ant.conll"),
        weight: 1,
        license: "CC BY-SA 4.0 (labels from a model trained on ANERcorp); text Apache-2.0 (assets/train/LICENSE-silver.md)",
    },
];

/// The base training sentences, each part repeated by its weight.
pub fn base_sentences() -> Result<Vec<Sentence>, ConllError> {
    let mut out = Vec::new();
    for part in BASE_PARTS {
        let sents = read_conll(part.conll, true)?;
        for _ in 0..part.weight {
            out.extend(sents.iter().cloned());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_base_is_the_first_ninety_percent_of_anercorp_and_the_silver_news() {
        let s = base_sentences().expect("base data parses");
        assert_eq!(s.len(), 3_694 + 9_789);
        // ANERcorp first: the held-out part of `kashif train` follows its last sentence.
        assert_eq!(s[3_693].tokens.last().map(String::as_str), Some("."));
        assert!(s.iter().all(|x| x.tokens.len() == x.tags.len()));
    }
}
