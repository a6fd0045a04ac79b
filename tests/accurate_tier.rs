//! The accurate tier (`kashif::propose::accurate`): the shipped encoder
//! reproduces the Python model it was exported from, never crashes on text
//! it has never seen, and a missing or broken file is an error naming it.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use kashif::propose::accurate::{AccurateTagger, EncoderError, default_dir, kashif_tag};
use proptest::prelude::*;

fn tagger() -> &'static AccurateTagger {
    static T: OnceLock<AccurateTagger> = OnceLock::new();
    T.get_or_init(|| match AccurateTagger::load(&default_dir()) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    })
}

#[derive(serde::Deserialize)]
struct Fixture {
    labels: Vec<String>,
    tolerance: f32,
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    words: Vec<String>,
    logits: Vec<Vec<f32>>,
    /// The best IOB2 sequence over Python's logits (`finetune.viterbi`).
    decoded: Vec<String>,
}

/// `scripts/encoder/export_accurate.py` wrote the first-piece logits of the
/// dequantised model for these sentences (seeds, ANT news, mixed scripts);
/// the Rust encoder must give the same labels and logits within the
/// fixture's tolerance (float32 sums in another order).
#[test]
fn logits_and_labels_match_the_python_model() {
    let text = std::fs::read_to_string("tests/fixtures/accurate_logits.json").expect("fixture");
    let fx: Fixture = serde_json::from_str(&text).expect("fixture json");
    let t = tagger();
    let want_labels: Vec<String> = fx.labels.iter().map(|l| kashif_tag(l)).collect();
    assert_eq!(t.labels, want_labels);
    let sents: Vec<Vec<&str>> = fx
        .cases
        .iter()
        .map(|c| c.words.iter().map(String::as_str).collect())
        .collect();
    let got = t.word_logits(&sents).expect("logits");
    let mut worst = 0f32;
    for (case, rows) in fx.cases.iter().zip(&got) {
        assert_eq!(rows.len(), case.words.len());
        for (w, (want, have)) in case.logits.iter().zip(rows).enumerate() {
            for (a, b) in want.iter().zip(have) {
                worst = worst.max((a - b).abs());
                assert!(
                    (a - b).abs() <= fx.tolerance,
                    "{:?} word {w} ({}): python {want:?}, rust {have:?}",
                    case.words.join(" "),
                    case.words[w]
                );
            }
        }
    }
    let tagged = t.tag_sentences(&sents).expect("tags");
    for (case, tw) in fx.cases.iter().zip(&tagged) {
        // Both decode the sentence as one IOB2 sequence (Viterbi over the
        // log-softmax, the same rule and ties).
        let have: Vec<&str> = tw.tags.iter().map(|&k| t.tag_name(k)).collect();
        let want: Vec<String> = case.decoded.iter().map(|l| kashif_tag(l)).collect();
        assert_eq!(have, want, "{:?}", case.words.join(" "));
    }
    eprintln!(
        "{} sentences, largest logit difference {worst:.2e}",
        fx.cases.len()
    );
}

#[test]
fn a_sentence_longer_than_a_window_is_tagged_whole_and_in_context() {
    let t = tagger();
    let filler = "وقال المتحدث إن الاجتماع سيعقد الأسبوع المقبل لمناقشة الوضع";
    let name = "وصل الرئيس جو بايدن إلى باريس";
    let mut words: Vec<&str> = Vec::new();
    for _ in 0..60 {
        words.extend(filler.split(' '));
    }
    let at = words.len();
    words.extend(name.split(' '));
    for _ in 0..60 {
        words.extend(filler.split(' '));
    }
    let long = t.tag_sentences(&[words.clone()]).expect("long");
    let short = t
        .tag_sentences(&[name.split(' ').collect::<Vec<_>>()])
        .expect("short");
    assert_eq!(long[0].tags.len(), words.len());
    let long_names: Vec<&str> = long[0].tags[at..at + 6]
        .iter()
        .map(|&k| t.tag_name(k))
        .collect();
    let short_names: Vec<&str> = short[0].tags.iter().map(|&k| t.tag_name(k)).collect();
    assert_eq!(
        long_names, short_names,
        "the name reads the same deep in a long sentence"
    );
    assert!(short_names.contains(&"B-PER"), "{short_names:?}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    match AccurateTagger::load(dir.path()) {
        Err(e @ EncoderError::Missing { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("config.json"), "{msg}");
        }
        other => panic!("expected Missing, got {:?}", other.err()),
    }
}

#[test]
fn a_corrupt_model_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = default_dir();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(src.join(f), dir.path().join(f)).expect("copy");
    }
    // A truncated weights file.
    let bytes = std::fs::read(src.join("model.safetensors")).expect("model");
    std::fs::write(
        dir.path().join("model.safetensors"),
        &bytes[..bytes.len() / 3],
    )
    .expect("w");
    let err = AccurateTagger::load(dir.path()).err().expect("must fail");
    assert!(matches!(err, EncoderError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("model.safetensors"), "{err}");
    // A tokenizer that is not JSON.
    std::fs::write(dir.path().join("tokenizer.json"), "not json").expect("w");
    let err = AccurateTagger::load(dir.path()).err().expect("must fail");
    assert!(err.to_string().contains("tokenizer.json"), "{err}");
}

#[test]
fn the_combined_proposer_uses_the_accurate_tier_when_given() {
    use kashif::propose::proposer::{Proposer, Tier};
    let model = kashif::propose::bundled::load().expect("model");
    let acc = Arc::new(AccurateTagger::load(&default_dir()).expect("encoder"));
    let p = Proposer::new(Arc::new(model)).with_accurate(acc);
    assert_eq!(p.tier(), Tier::Accurate);
    assert_eq!(p.fast().tier(), Tier::Fast);
    let text = "قال الرئيس جو بايدن في البيت الأبيض إن مجموعة مينسك ستجتمع.";
    let props = p.propose(text);
    assert!(
        props
            .iter()
            .any(|x| x.text == "جو بايدن" && x.label == "PER"),
        "{props:?}"
    );
}

/// Words from every script the encoder may meet: Arabic, Latin, digits,
/// emoji and flags, joiners and marks, CJK, controls; empty words; sentences
/// up to ~1,500 words.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ء-ي]{1,12}",
        "[a-zA-Z]{1,15}",
        "[0-9٠-٩]{1,6}",
        Just("😀".to_string()),
        Just("🇦🇲".to_string()),
        Just("\u{200f}\u{200d}".to_string()),
        Just(String::new()),
        "[\u{4e00}-\u{4e20}]{1,4}",
        "[\u{0610}-\u{061a}\u{064b}-\u{0652}]{1,3}",
        "\\PC{1,8}",
        Just("x".repeat(300)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn unseen_text_never_crashes_and_every_word_gets_a_tag(
        sents in prop::collection::vec(prop::collection::vec(word(), 0..40), 0..4),
        long in 0usize..1500,
    ) {
        let t = tagger();
        let mut sents = sents;
        if long > 1200 {
            sents.push((0..long).map(|i| format!("كلمة{i}")).collect());
        }
        let tagged = t.tag_sentences(&sents).expect("tagging");
        prop_assert_eq!(tagged.len(), sents.len());
        for (s, tw) in sents.iter().zip(&tagged) {
            prop_assert_eq!(tw.tags.len(), s.len());
            for (&k, &c) in tw.tags.iter().zip(&tw.confidence) {
                prop_assert!(k < t.labels.len());
                prop_assert!((0.0..=1.0).contains(&c) && c.is_finite());
            }
        }
    }
}

#[test]
fn the_default_folder_is_the_source_trees_assets() {
    assert!(
        default_dir().ends_with(Path::new("assets/encoder"))
            || std::env::var_os("KASHIF_ENCODER").is_some()
    );
}
