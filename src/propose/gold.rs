//! Annotators' saved entities as training sentences, so the model can learn
//! from the project's own gold (`kashif train --with-annotations`, and the
//! background retraining).

use super::iob::Sentence;
use super::proposer::sentences;
use super::words::Words;
use crate::annotation::Span;

/// The document's sentences with IOB2 tags from its entities: a token gets
/// the label of the entity it overlaps (ANERcorp tags whole tokens, clitics
/// and all). Of overlapping entities the earlier, longer one wins.
pub fn sentences_of(text: &str, entities: &[Span]) -> Vec<Sentence> {
    let words = Words::from_text(text);
    let ws = &words.words;
    let mut tags = vec!["O".to_string(); ws.len()];
    let mut sorted: Vec<&Span> = entities.iter().collect();
    sorted.sort_by_key(|s| s.key());
    for e in sorted {
        let covered: Vec<usize> = (0..ws.len())
            .filter(|&i| ws[i].start < e.end && e.start < ws[i].end)
            .collect();
        if covered.is_empty() || covered.iter().any(|&i| tags[i] != "O") {
            continue;
        }
        for (k, &i) in covered.iter().enumerate() {
            let prefix = if k == 0 { "B" } else { "I" };
            tags[i] = format!("{prefix}-{}", e.label);
        }
    }
    sentences(text, &words)
        .into_iter()
        .map(|r| Sentence {
            tokens: ws[r.clone()].iter().map(|w| w.text.to_string()).collect(),
            tags: tags[r].to_vec(),
            line: 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_become_iob2_on_whole_tokens_per_sentence() {
        let text = "زار الرئيس وأذربيجان أمس.\nثم عاد إلى الولايات المتحدة";
        let span = Span::manual_with_text;
        // أذربيجان starts after و (char 12); الولايات المتحدة
        let az = text.find("أذربيجان").unwrap();
        let az = text[..az].chars().count();
        let us = text[..text.find("الولايات").unwrap()].chars().count();
        let got = sentences_of(
            text,
            &[
                span(az, az + 8, "LOC", "أذربيجان"),
                span(us, us + 16, "LOC", "الولايات المتحدة"),
            ],
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].tokens, ["زار", "الرئيس", "وأذربيجان", "أمس", "."]);
        assert_eq!(got[0].tags, ["O", "O", "B-LOC", "O", "O"]);
        assert_eq!(got[1].tags, ["O", "O", "O", "B-LOC", "I-LOC"]);
    }
}
