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
///
/// A sentence holding a proposal accepted in bulk
/// ([`crate::annotation::Decision::AcceptedInBulk`]) is left out: nobody
/// looked at that guess one by one, and training on it would only teach
/// the model what it already said (evidence keeps its strength, issue 25).
pub fn sentences_of(text: &str, entities: &[Span]) -> Vec<Sentence> {
    let words = Words::from_text(text);
    let ws = &words.words;
    let mut tags = vec!["O".to_string(); ws.len()];
    let mut unchecked = vec![false; ws.len()];
    let mut sorted: Vec<&Span> = entities.iter().collect();
    sorted.sort_by_key(|s| s.key());
    for e in sorted {
        let covered: Vec<usize> = (0..ws.len())
            .filter(|&i| ws[i].start < e.end && e.start < ws[i].end)
            .collect();
        if e.decision() == crate::annotation::Decision::AcceptedInBulk {
            for &i in &covered {
                unchecked[i] = true;
            }
        }
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
        .filter(|r| !unchecked[r.clone()].contains(&true))
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

    #[test]
    fn sentences_with_a_bulk_accepted_guess_are_not_taught() {
        use crate::annotation::{Origin, Proposed, Source};
        let text = "زار الرئيس باكو أمس.\nثم عاد إلى الولايات المتحدة";
        let baku = text[..text.find("باكو").unwrap()].chars().count();
        let us = text[..text.find("الولايات").unwrap()].chars().count();
        let mut guess = Span::manual_with_text(baku, baku + 4, "PER", "باكو");
        guess.origin = Origin::Accepted(Source::Model);
        guess.proposed = Some(Proposed {
            start: baku,
            end: baku + 4,
            label: "PER".into(),
            confidence: 0.89,
            bulk: true,
        });
        let us = Span::manual_with_text(us, us + 16, "LOC", "الولايات المتحدة");
        let got = sentences_of(text, &[guess.clone(), us.clone()]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].tags, ["O", "O", "O", "B-LOC", "I-LOC"]);
        // Accepted one by one, the same entity is taught.
        guess.proposed.as_mut().unwrap().bulk = false;
        assert_eq!(sentences_of(text, &[guess, us]).len(), 2);
    }
}
