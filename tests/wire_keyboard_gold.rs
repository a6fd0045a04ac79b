//! The keyboard path reaches the gold (issue 24, point 8, reduced): the
//! scripted annotator of `benches/session.rs` drives the real workbench on a
//! short document from the keyboard alone (Tab, Enter, a number key to
//! relabel, boundary keys to fix, Backspace to reject, caret arrows +
//! Shift+arrows + a number key to draw what the proposer missed,
//! Ctrl+Enter) and must end with exactly the gold, marked done, in at most
//! 3 keys per entity; every decision is in the timing file.

mod keyboard_driver;

use std::sync::Arc;

use kashif::annotation::{Proposal, Source};
use kashif::store::{Act, TIMING_NAME, read_timing};
use kashif::workflow::Proposer;
use keyboard_driver::{ANNOTATOR, GoldSpan, Way, drive, workbench};

const TEXT: &str =
    "قال أنتوني بلينكين في واشنطن إن وزير الخارجية الروسي سيرغي لافروف زار موسكو وباريس اليوم";

/// Char range of the first `needle` in TEXT.
fn at(needle: &str) -> (usize, usize) {
    let b = TEXT.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let s = TEXT[..b].chars().count();
    (s, s + needle.chars().count())
}

/// Proposes fixed strings: one right, one with the wrong label, one with a
/// word too many, one that is no entity.
struct Fixed;

impl Proposer for Fixed {
    fn propose(&self, _doc_id: &str, text: &str) -> Vec<Proposal> {
        if text != TEXT {
            return Vec::new();
        }
        [
            ("أنتوني بلينكين", "PER"),
            ("واشنطن", "PER"),
            ("زار موسكو", "LOC"),
            ("اليوم", "DATE"),
        ]
        .into_iter()
        .map(|(s, label)| {
            let (start, end) = at(s);
            Proposal {
                start,
                end,
                label: label.into(),
                text: s.into(),
                confidence: 0.8,
                source: Source::Gazetteer,
            }
        })
        .collect()
    }
}

fn gold(spans: &[(&str, &str)]) -> Vec<GoldSpan> {
    let mut g: Vec<GoldSpan> = spans
        .iter()
        .map(|(s, label)| {
            let (start, end) = at(s);
            GoldSpan {
                start,
                end,
                label: label.to_string(),
            }
        })
        .collect();
    g.sort();
    g
}

#[test]
fn the_keyboard_alone_reaches_the_gold_of_a_short_document() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let ann = dir.path().join("ann");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), TEXT).unwrap();
    std::fs::write(corpus.join("b.txt"), "نص آخر").unwrap();
    let gold = gold(&[
        ("أنتوني بلينكين", "PER"),
        ("واشنطن", "LOC"),
        ("سيرغي لافروف", "PER"),
        ("موسكو", "LOC"),
        ("باريس", "LOC"),
    ]);
    let mut h = workbench(&corpus, &ann, Some(Arc::new(Fixed)), (1200.0, 800.0));
    let d = drive(&mut h, &gold, 60);
    let keys: Vec<String> = d.presses.iter().map(|p| p.name()).collect();
    assert!(
        d.reached(),
        "the keyboard did not reach the gold: stuck {:?}, missing {:?}, extra {:?}, keys {keys:?}",
        d.stuck,
        d.missing,
        d.extra
    );
    println!("{} keys for {} entities: {keys:?}", keys.len(), gold.len());
    let per_entity = d.keys_per_entity(gold.len());
    assert!(per_entity <= 3.0, "{per_entity} keys per entity: {keys:?}");
    // Each way of making an entity was taken.
    let ways: Vec<Way> = d.ways.values().copied().collect();
    for w in [Way::Accepted, Way::Relabelled, Way::Fixed, Way::Drawn] {
        assert!(ways.contains(&w), "{w:?} not among {ways:?}: {keys:?}");
    }
    // Every decision is on record.
    let path = ann.join(ANNOTATOR).join(TIMING_NAME);
    drop(h);
    let file = read_timing(&path).unwrap();
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let acts: Vec<Act> = file.records.iter().map(|r| r.act).collect();
    for a in [
        Act::Accept,
        Act::CorrectLabel,
        Act::CorrectBounds,
        Act::Reject,
        Act::Draw,
        Act::Done,
    ] {
        assert!(acts.contains(&a), "{a:?} not in {acts:?}");
    }
    assert_eq!(
        acts.iter().filter(|a| a.made().is_some()).count(),
        gold.len(),
        "{acts:?}"
    );
}
