//! Both tiers in one answer (issue 22): with the accurate tier on, each
//! word's tag distribution is the encoder's mixed with the fast tagger's
//! marginals at `DEFAULT_FAST_WEIGHT`. The mix must reach the tags: at
//! weight 1 they are the fast tagger's, at 0 the encoder's alone, and the
//! default lies between (closer to the fast tagger than the encoder is).

use std::sync::Arc;

use kashif::propose::accurate::{AccurateTagger, default_dir};
use kashif::propose::proposer::{DEFAULT_FAST_WEIGHT, Proposer};

/// The first seed's words, one sentence a line.
fn sentences() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string("seeds/000_a5568e69e50189a5.txt").expect("seed");
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|s| !s.is_empty())
        .collect()
}

fn agreement(a: &[Vec<String>], b: &[Vec<String>]) -> f64 {
    let (mut same, mut all) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.len(), y.len());
        same += x.iter().zip(y).filter(|(p, q)| p == q).count();
        all += x.len();
    }
    same as f64 / all.max(1) as f64
}

#[test]
fn the_fast_taggers_share_moves_the_accurate_tiers_tags_towards_its_own() {
    let model = Arc::new(kashif::propose::bundled::load().expect("shipped model"));
    let acc = Arc::new(AccurateTagger::load(&default_dir()).expect("encoder"));
    let sents = sentences();
    let words: usize = sents.iter().map(Vec::len).sum();
    assert!(words > 200, "{words} words");
    let fast: Vec<Vec<String>> = model
        .tag_document(&sents, false)
        .iter()
        .map(|t| {
            t.tags
                .iter()
                .map(|&k| model.tag_name(k).to_string())
                .collect()
        })
        .collect();
    let encoder: Vec<Vec<String>> = acc
        .tag_sentences(&sents)
        .expect("encoder")
        .iter()
        .map(|t| {
            t.tags
                .iter()
                .map(|&k| acc.tag_name(k).to_string())
                .collect()
        })
        .collect();
    let with = |w: f32| {
        Proposer::new(model.clone())
            .with_accurate(acc.clone())
            .with_fast_weight(w)
            .model_tags(&sents)
            .expect("tags")
    };
    let default = Proposer::new(model.clone())
        .with_accurate(acc.clone())
        .model_tags(&sents)
        .expect("tags");
    assert_eq!(
        default,
        with(DEFAULT_FAST_WEIGHT),
        "with_accurate sets the default share"
    );
    assert_eq!(with(0.0), encoder, "no share: the encoder alone");
    let all_fast = agreement(&with(1.0), &fast);
    assert!(
        all_fast > 0.98,
        "all the share: the fast tagger's tags ({all_fast:.3})"
    );
    let (enc, mixed) = (agreement(&encoder, &fast), agreement(&default, &fast));
    assert!(enc < 1.0, "the tiers differ on this seed");
    assert!(
        mixed > enc,
        "the default mix agrees more with the fast tagger ({mixed:.4}) than the encoder does ({enc:.4})"
    );
}
