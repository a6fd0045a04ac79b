//! Random edit sequences: undoing them all gives back the original, and
//! redoing them all replays them exactly.

use kashif::annotation::{DocAnnotations, Edit, History, Origin, Proposal, Source, Span, Status};
use kashif::text::CharIndex;
use proptest::prelude::*;

const TEXT: &str = "قالَ بلينكين (Blinken) في ١٥ تشرين الثاني 𝒜 إن أرمينيا وأذربيجان اقتربتا.";
const LABELS: [&str; 3] = ["PER", "LOC", "ORG"];

/// An abstract step; indices pick among what exists when it runs.
#[derive(Debug, Clone)]
enum Step {
    Add(usize, usize, usize),
    Remove(usize),
    Relabel(usize, usize),
    Resize(usize, usize, usize),
    Propose(usize, usize, usize),
    Accept(usize, Option<usize>),
    Reject(usize),
    Status(u8),
    Bulk(Vec<(usize, usize, usize)>),
}

fn step() -> impl Strategy<Value = Step> {
    let n = TEXT.chars().count();
    let range = (0..n, 1..6usize, 0..LABELS.len());
    prop_oneof![
        range.clone().prop_map(|(s, l, k)| Step::Add(s, l, k)),
        (0..8usize).prop_map(Step::Remove),
        (0..8usize, 0..LABELS.len()).prop_map(|(i, k)| Step::Relabel(i, k)),
        (0..8usize, 0..n, 1..6usize).prop_map(|(i, s, l)| Step::Resize(i, s, l)),
        range.clone().prop_map(|(s, l, k)| Step::Propose(s, l, k)),
        (0..4usize, proptest::option::of(0..LABELS.len())).prop_map(|(i, k)| Step::Accept(i, k)),
        (0..4usize).prop_map(Step::Reject),
        (0..3u8).prop_map(Step::Status),
        proptest::collection::vec(range, 1..4).prop_map(Step::Bulk),
    ]
}

fn span(s: usize, l: usize, k: usize) -> Span {
    Span {
        start: s,
        end: s + l,
        label: LABELS[k].into(),
        origin: Origin::Manual,
        text: String::new(),
        proposed: None,
    }
}

fn to_edit(step: &Step, doc: &DocAnnotations) -> Option<Edit> {
    let ent = |i: usize| doc.entities.get(i % doc.entities.len().max(1)).cloned();
    let prop = |i: usize| doc.proposals.get(i % doc.proposals.len().max(1)).cloned();
    Some(match *step {
        Step::Add(s, l, k) => Edit::Add(span(s, l, k)),
        Step::Remove(i) => Edit::Remove(ent(i)?),
        Step::Relabel(i, k) => Edit::Relabel {
            span: ent(i)?,
            label: LABELS[k].into(),
        },
        Step::Resize(i, s, l) => Edit::Resize {
            span: ent(i)?,
            start: s,
            end: s + l,
        },
        Step::Propose(s, l, k) => {
            let text = kashif::text::slice_chars(TEXT, s, s + l)?.to_string();
            Edit::Propose(Proposal {
                start: s,
                end: s + l,
                label: LABELS[k].into(),
                text,
                confidence: 0.5,
                source: Source::Model,
            })
        }
        Step::Accept(i, k) => Edit::accept(&prop(i)?, k.map(|k| LABELS[k])),
        Step::Reject(i) => Edit::reject(&prop(i)?),
        Step::Status(s) => {
            Edit::SetStatus([Status::Todo, Status::InProgress, Status::Done][s as usize])
        }
        Step::Bulk(ref v) => Edit::Batch(
            v.iter()
                .map(|&(s, l, k)| Edit::Add(span(s, l, k)))
                .collect(),
        ),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn undo_all_restores_and_redo_all_replays(steps in proptest::collection::vec(step(), 0..40)) {
        let idx = CharIndex::new(TEXT);
        let mut doc = DocAnnotations::default();
        let mut history = History::default();
        let original = doc.clone();
        let mut applied = 0;
        let mut states = vec![doc.clone()];
        for s in &steps {
            let Some(edit) = to_edit(s, &doc) else { continue };
            let before = doc.clone();
            match history.apply(&mut doc, TEXT, &idx, edit) {
                Ok(()) => {
                    applied += 1;
                    states.push(doc.clone());
                }
                // A refused edit leaves everything as it was.
                Err(_) => prop_assert_eq!(&doc, &before),
            }
            // Entities stay valid: inside the text, text matches, no duplicates.
            for (i, e) in doc.entities.iter().enumerate() {
                prop_assert_eq!(idx.slice(TEXT, e.start, e.end), Some(e.text.as_str()));
                prop_assert!(!doc.entities[..i].iter().any(|o| o.same_entity(e)));
            }
        }
        let last = doc.clone();
        for k in (0..applied).rev() {
            prop_assert!(history.undo(&mut doc, TEXT, &idx));
            prop_assert_eq!(&doc, &states[k]);
        }
        prop_assert!(!history.undo(&mut doc, TEXT, &idx));
        prop_assert_eq!(&doc, &original);
        for state in &states[1..] {
            prop_assert!(history.redo(&mut doc, TEXT, &idx));
            prop_assert_eq!(&doc, state);
        }
        prop_assert!(!history.redo(&mut doc, TEXT, &idx));
        prop_assert_eq!(&doc, &last);
    }
}
