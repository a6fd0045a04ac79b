//! 1,000 random commands (seeded, deterministic) over the seed corpus with a
//! proposer and a learner: nothing panics, a refused command changes
//! nothing, the annotations stay well-formed, and at the end (and at
//! checkpoints) the files on disk equal memory for every document; after
//! every command the pending proposals keep the rules of
//! src/workflow/settle.rs (`assert_proposal_invariants`).

mod workflow_support;

use std::sync::Arc;

use kashif::annotation::{DocAnnotations, Status};
use kashif::text::CharIndex;
use kashif::workflow::{Command, Direction, Edge, Key, Modifiers as M, Scope, Session, Side};
use workflow_support::*;

/// xorshift64*: tiny, deterministic, good enough to pick commands.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const LABELS: [&str; 6] = ["PER", "LOC", "ORG", "MISC", "DATE", "BOGUS"];
const WORDS: [&str; 5] = ["أرمينيا", "أذربيجان", "واشنطن", "بلينكين", "موسكو"];

fn random_command(r: &mut Rng, s: &Session) -> Command {
    let len = s.current_document().map_or(0, |d| d.text.chars().count());
    let label = r.pick(&LABELS).to_string();
    match r.below(27) {
        26 => {
            let start = r.below(len + 2);
            Command::Resize {
                start,
                end: start + r.below(20),
            }
        }
        0 => Command::NextDocument,
        1 => Command::PreviousDocument,
        2 => Command::MarkDoneAndNext,
        3 => Command::SetStatus(*r.pick(&[Status::Todo, Status::InProgress, Status::Done])),
        4..=6 => {
            let start = r.below(len + 2);
            Command::Select {
                start,
                end: start + r.below(25),
            }
        }
        7 => Command::ClearSelection,
        8 | 9 => Command::FocusNext,
        10 => Command::FocusPrevious,
        11 => Command::AcceptFocused {
            label: (r.below(3) == 0).then_some(label),
        },
        12 => Command::RejectFocused,
        13 => Command::RelabelFocused(label),
        14 => Command::DeleteFocused,
        15 => Command::CreateFromSelection(label),
        16 => Command::ApplyLabel(label),
        17 => Command::MoveEdge {
            edge: *r.pick(&[Edge::Start, Edge::End]),
            direction: *r.pick(&[Direction::Forward, Direction::Backward]),
        },
        18 => Command::MoveEdgeVisual {
            edge: *r.pick(&[Edge::Start, Edge::End]),
            side: *r.pick(&[Side::Left, Side::Right]),
        },
        19 => Command::AcceptAllOfLabel(label),
        20 => Command::AcceptAllAbove(r.below(10) as f32 / 10.0),
        21 => Command::AnnotateAll {
            text: r.pick(&WORDS).to_string(),
            label,
            scope: *r.pick(&[Scope::Document, Scope::Corpus]),
        },
        22 | 23 => Command::Undo,
        24 => Command::Redo,
        _ => Command::Search {
            query: r.pick(&WORDS).to_string(),
            scope: Scope::Corpus,
        },
    }
}

/// Entities sorted, unique, inside the text and covering their `text`.
fn check_well_formed(s: &Session) {
    for (i, doc) in s.documents().iter().enumerate() {
        let a = s.annotations(i).unwrap();
        let idx = CharIndex::new(&doc.text);
        for w in a.entities.windows(2) {
            assert!(
                w[0].key() <= w[1].key(),
                "{}: entities out of order",
                doc.id
            );
            assert!(!w[0].same_entity(&w[1]), "{}: duplicate entity", doc.id);
        }
        for e in &a.entities {
            assert_eq!(
                idx.slice(&doc.text, e.start, e.end),
                Some(e.text.as_str()),
                "{}: entity text",
                doc.id
            );
            assert!(e.start < e.end);
        }
        for p in &a.proposals {
            assert!(!a.is_rejected(p), "{}: a rejected proposal is back", doc.id);
        }
    }
}

fn all(s: &Session) -> Vec<DocAnnotations> {
    (0..s.documents().len())
        .map(|i| s.annotations(i).unwrap().clone())
        .collect()
}

#[test]
fn a_thousand_random_commands() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    s.set_proposer(Arc::new(FakeProposer::new(&[
        ("أرمينيا", "LOC", 0.9),
        ("أذربيجان", "LOC", 0.7),
        ("بلينكين", "PER", 0.6),
        ("واشنطن", "ORG", 0.3),
        ("الولايات المتحدة", "LOC", 0.8),
    ])));
    s.set_learner(Arc::new(FakeLearner::default()));
    let km = keymap();
    let mut r = Rng(0x5EED_CAFE_F00D_BEEF);
    let (mut applied, mut refused) = (0, 0);
    for step in 0..1000 {
        if step % 7 == 0 {
            s.wait_for_proposals();
        }
        let before = all(&s);
        // One in four goes through the real key table.
        let result = if r.below(4) == 0 {
            let keys = [
                (M::NONE, Key::Tab),
                (M::SHIFT, Key::Tab),
                (M::NONE, Key::Enter),
                (M::NONE, Key::Char('x')),
                (M::NONE, Key::Backspace),
                (M::NONE, Key::Char('1')),
                (M::NONE, Key::Char('2')),
                (M::NONE, Key::Delete),
                (M::SHIFT, Key::Left),
                (M::ALT_SHIFT, Key::Right),
                (M::CTRL, Key::Char('z')),
                (M::CTRL, Key::Char('y')),
                (M::CTRL, Key::PageDown),
                (M::CTRL, Key::Enter),
            ];
            let (m, k) = *r.pick(&keys);
            press(&mut s, &km, m, k)
        } else {
            let cmd = random_command(&mut r, &s);
            s.apply(cmd)
        };
        match result {
            Ok(_) => applied += 1,
            Err(_) => {
                refused += 1;
                // A refused command changes no annotation (proposals may
                // have arrived just before it ran).
                let after = all(&s);
                for (b, a) in before.iter().zip(&after) {
                    assert_eq!(b.entities, a.entities, "step {step}");
                    assert_eq!(b.status, a.status, "step {step}");
                    assert_eq!(b.rejected, a.rejected, "step {step}");
                }
            }
        }
        check_well_formed(&s);
        assert_proposal_invariants(&s, &format!("step {step}"));
        // Following decisions settles other documents only where the
        // decided names are: that must leave every list as a full settle.
        let unsettled = s.unsettled();
        assert!(unsettled.is_empty(), "step {step}: {unsettled:?} unsettled");
        if step % 250 == 249 {
            assert_disk_matches(&s, dir.path());
        }
    }
    s.wait_for_proposals();
    s.wait_for_learning();
    assert_disk_matches(&s, dir.path());
    let entities: usize = all(&s).iter().map(|a| a.entities.len()).sum();
    eprintln!("soak: {applied} applied, {refused} refused, {entities} entities at the end");
    assert!(
        applied > 500 && refused > 20,
        "{applied} applied, {refused} refused"
    );
    assert!(entities > 0);
    // And a fresh session reads back exactly the same.
    drop(s);
    let again = open(seeds(), dir.path());
    assert_disk_matches(&again, dir.path());
}

/// Without a learner every annotation change is the annotator's, so undoing
/// everything gives back the start and redoing everything gives the end
/// (proposals are the machine's and are not undone).
#[test]
fn undo_everything_then_redo_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(seeds(), dir.path());
    s.set_proposer(Arc::new(FakeProposer::new(&[
        ("أرمينيا", "LOC", 0.9),
        ("أذربيجان", "LOC", 0.7),
        ("بلينكين", "PER", 0.6),
    ])));
    // Every document's proposals are in before the first command.
    for _ in 0..s.documents().len() {
        s.apply(Command::NextDocument).unwrap();
    }
    s.wait_for_proposals();
    let decisions = |s: &Session| -> Vec<_> {
        all(s)
            .into_iter()
            .map(|a| (a.entities, a.rejected, a.status))
            .collect()
    };
    let start = decisions(&s);
    let mut r = Rng(0x0DDB_A11C_0FFE_E123);
    for _ in 0..1000 {
        let cmd = match random_command(&mut r, &s) {
            // Undo and redo are exercised below, all at once.
            Command::Undo | Command::Redo => Command::FocusNext,
            c => c,
        };
        let _ = s.apply(cmd);
    }
    let end = decisions(&s);
    assert_ne!(start, end);
    let mut undone = 0;
    while s.can_undo() {
        s.apply(Command::Undo).expect("every step undoes");
        undone += 1;
    }
    assert_eq!(decisions(&s), start, "after {undone} undos");
    assert_disk_matches(&s, dir.path());
    while s.can_redo() {
        s.apply(Command::Redo).expect("every step redoes");
    }
    assert_eq!(decisions(&s), end);
    assert_disk_matches(&s, dir.path());
}
