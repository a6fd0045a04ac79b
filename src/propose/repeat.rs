//! Names repeated in one document (issue 22): a name proposed with
//! confidence somewhere in an article is proposed at its other mentions in
//! the same article, and a person's family name alone is that person.
//!
//! Why: news names someone in full once (`فائز السراج`) and then by the
//! family name (`السراج`), which neither tier reads as a person on its own
//! (the word is also a common noun), and a tier that is unsure of one
//! mention of a name (`الغنوشي` read as ORG at 0.49 in one sentence) is sure
//! of another. One sense per discourse (Gale, Church and Yarowsky, 1992)
//! holds for names in news as in word senses, and label consistency within
//! a document is what non-local NER features exploit (Krishnan and Manning,
//! 2006). On the Libya 2017 benchmark's tuning split, 16 of the 83 names the
//! default missed after two done articles were proposed, with that label,
//! at another mention in the same article (docs/model.md).
//!
//! The rule, after overlaps are resolved ([`super::proposer::resolve`]):
//!
//! - an *anchor* is a proposal of a name label (not `DATE`) at least
//!   [`ANCHOR_CONFIDENCE`] sure; its text, and for a `PER` of two words or
//!   more its last word, are looked up in the document as the memory looks
//!   up gold names (normalised, a proclitic left out: `والسراج`); a text two
//!   anchors give different labels is left alone, and so is a common word
//!   ([`super::gazetteer`]'s stop words) on its own;
//! - a mention found gets the anchor's label, source and
//!   [`REPEAT_FACTOR`] × its confidence, unless a proposal reaching outside
//!   the mention stands there (the longest name wins), or one of the same
//!   extent is at least as sure; shorter proposals inside it go (`غازي`
//!   inside a mention of `غازي معلى`).

use std::collections::HashMap;

use crate::annotation::{Proposal, Source};

use super::gazetteer::{Gazetteer, entry_key};
use super::words::Words;

/// A proposal at least this sure is an anchor.
pub const ANCHOR_CONFIDENCE: f32 = 0.5;

/// A repeated mention's confidence, as a share of its anchor's.
pub const REPEAT_FACTOR: f32 = 0.9;

/// The proposals `kept` (resolved: disjoint) with the document's other
/// mentions of their confident names added (see the module's
/// documentation), sorted by start. Offsets are chars of the text `words`
/// were split from.
pub fn repeat_in_document(kept: Vec<Proposal>, words: &Words) -> Vec<Proposal> {
    // Anchors, surest first: (key → label, confidence, source); a key two
    // labels claim is dropped.
    let mut anchors: Vec<&Proposal> = kept
        .iter()
        .filter(|p| p.label != "DATE" && p.confidence >= ANCHOR_CONFIDENCE)
        .collect();
    if anchors.is_empty() {
        return kept;
    }
    anchors.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let mut by_key: HashMap<String, Option<(String, f32, Source)>> = HashMap::new();
    let mut claim = |key: String, p: &Proposal| {
        if key.is_empty() {
            return;
        }
        match by_key.get_mut(&key) {
            None => {
                by_key.insert(key, Some((p.label.clone(), p.confidence, p.source)));
            }
            Some(Some((label, _, _))) if *label != p.label => {
                by_key.insert(key, None);
            }
            Some(_) => {}
        }
    };
    for p in &anchors {
        let key = entry_key(&p.text);
        if p.label == "PER"
            && let Some((_, last)) = key.rsplit_once(' ')
            && last.chars().count() >= 3
        {
            claim(last.to_string(), p);
        }
        claim(key, p);
    }
    let mut names = Gazetteer::with_builtin_common_words();
    for (key, v) in &by_key {
        if let Some((label, confidence, _)) = v {
            names.add(key, label, *confidence);
        }
    }
    let mut out = kept;
    out.sort_by_key(|p| p.start);
    let mut added = Vec::new();
    for mut q in names.propose_words(words, Source::Model) {
        let Some(Some((_, confidence, source))) = by_key.get(&entry_key(&q.text)) else {
            continue;
        };
        q.source = *source;
        q.confidence = confidence * REPEAT_FACTOR;
        let from = out.partition_point(|p| p.end <= q.start);
        let over: Vec<&Proposal> = out[from..].iter().take_while(|p| p.start < q.end).collect();
        let stands = over.iter().any(|p| {
            p.start < q.start
                || p.end > q.end
                || (p.start == q.start && p.end == q.end && p.confidence >= q.confidence)
        });
        if !stands {
            added.push(q);
        }
    }
    if added.is_empty() {
        return out;
    }
    out.retain(|p| !added.iter().any(|q| p.start < q.end && q.start < p.end));
    out.extend(added);
    out.sort_by_key(|p| p.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proposal on the `nth` (from 0) occurrence of `at` in `text`.
    fn nth(text: &str, at: &str, n: usize, label: &str, confidence: f32) -> Proposal {
        let b = text.match_indices(at).nth(n).map_or(0, |(b, _)| b);
        let start = text[..b].chars().count();
        Proposal {
            start,
            end: start + at.chars().count(),
            label: label.into(),
            text: at.into(),
            confidence,
            source: Source::Model,
        }
    }

    fn repeated(text: &str, kept: Vec<Proposal>) -> Vec<Proposal> {
        repeat_in_document(kept, &Words::from_text(text))
    }

    fn texts(ps: &[Proposal]) -> Vec<(String, String)> {
        ps.iter()
            .map(|p| (p.text.clone(), p.label.clone()))
            .collect()
    }

    fn pair(t: &str, l: &str) -> (String, String) {
        (t.to_string(), l.to_string())
    }

    #[test]
    fn a_family_name_alone_is_the_person_named_in_full() {
        let text =
            "نجا فائز السراج من إطلاق نار . وقال إن موكب السراج تعرض لهجوم ونجا والسراج بخير .";
        let kept = vec![nth(text, "فائز السراج", 0, "PER", 0.9)];
        let got = repeated(text, kept);
        assert_eq!(
            texts(&got),
            [
                pair("فائز السراج", "PER"),
                pair("السراج", "PER"),
                pair("السراج", "PER"),
            ]
        );
        // A mention is a little less sure than its anchor, from its source.
        assert!((got[1].confidence - 0.81).abs() < 1e-6);
        assert_eq!(got[1].source, Source::Model);
    }

    #[test]
    fn a_sure_mention_corrects_an_unsure_one_and_a_longer_name_stands() {
        let text = "قال الغنوشي إن النهضة تدعم الحوار . وأضاف راشد الغنوشي أن الحل سياسي . غازي معلى قال . ثم قال غازي .";
        let kept = vec![
            nth(text, "الغنوشي", 0, "ORG", 0.49),
            nth(text, "راشد الغنوشي", 0, "PER", 0.95),
            nth(text, "غازي", 1, "PER", 0.92),
        ];
        let got = repeated(text, kept);
        let t = texts(&got);
        assert_eq!(t[0], pair("الغنوشي", "PER"));
        assert_eq!(got[0].start, 4);
        // The longer name stays as it was; the short one does not grow.
        assert!(t.contains(&pair("راشد الغنوشي", "PER")));
        assert!(!t.iter().any(|(x, _)| x == "غازي معلى"));
        assert_eq!(t.len(), 4, "{t:?}");
        // A sure full name replaces a short form inside its other mention.
        let text = "غازي معلى قال . ثم قال غازي معلى .";
        let kept = vec![
            nth(text, "غازي معلى", 0, "PER", 0.9),
            nth(text, "غازي", 1, "PER", 0.3),
        ];
        let got = repeated(text, kept);
        assert_eq!(
            texts(&got),
            [pair("غازي معلى", "PER"), pair("غازي معلى", "PER")]
        );
    }

    #[test]
    fn names_two_labels_claim_unsure_ones_common_words_and_dates_are_left_alone() {
        let text = "زار تونس . وفي تونس قال . ثم تونس اليوم . يوم الخميس قال . الخميس";
        let kept = vec![
            nth(text, "تونس", 0, "LOC", 0.9),
            nth(text, "تونس", 1, "ORG", 0.7),
            nth(text, "يوم الخميس", 0, "DATE", 0.9),
        ];
        let got = repeated(text, kept.clone());
        assert_eq!(texts(&got), texts(&kept));
        let unsure = vec![nth(text, "تونس", 0, "LOC", 0.4)];
        assert_eq!(texts(&repeated(text, unsure.clone())), texts(&unsure));
        // A stop word is never a one-word name of its own.
        let text = "جاء محمد قال . ثم قال";
        let kept = vec![nth(text, "محمد قال", 0, "PER", 0.9)];
        assert_eq!(texts(&repeated(text, kept.clone())), texts(&kept));
    }
}
