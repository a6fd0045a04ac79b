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
pub const BASE_PARTS: &[BasePart] = &[BasePart {
    name: "ANERcorp, first 90 % of the training part (3,694 sentences)",
    conll: include_str!("../../assets/train/anercorp_train90.conll"),
    weight: 1,
    license: "CC BY-SA 4.0 (assets/train/LICENSE.md)",
}];

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
    fn the_shipped_base_is_the_first_ninety_percent_of_anercorp() {
        let s = base_sentences().expect("base data parses");
        assert_eq!(s.len(), 3_694);
        assert!(s.iter().all(|x| x.tokens.len() == x.tags.len()));
    }
}
