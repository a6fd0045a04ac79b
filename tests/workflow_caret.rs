//! Annotating from the keyboard alone (issue 24): the caret moves by word in
//! the direction the arrows point, Shift+arrows extend the selection, a
//! label key labels it, Escape clears; the boundary keys fix a proposal
//! before it is accepted; the clitic rule knows the corpus and gazetteers.

mod workflow_support;

use std::sync::Arc;

use kashif::annotation::{Origin, Source};
use kashif::workflow::{Command, FocusKind, Key, Modifiers as M, Outcome, Session};
use workflow_support::*;

const A: &str =
    "قال أنتوني بلينكين في واشنطن إن ويريفان والأذربيجاني قريبان.\nSiyasət wrote from Baku today";
const B: &str = "زار الوزير يريفان وبيروت";

fn selected(s: &Session) -> Option<String> {
    let (a, b) = s.selection()?;
    Some(
        s.current_document()
            .unwrap()
            .text
            .chars()
            .skip(a)
            .take(b - a)
            .collect(),
    )
}

fn session(dir: &std::path::Path) -> Session {
    open_docs(dir, &[("a", A), ("b", B)])
}

#[test]
fn arrows_move_a_caret_by_word_mirrored_in_rtl_and_a_number_labels_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let km = keymap();
    // Nothing placed: in a right-to-left paragraph Left goes toward the end
    // of the text, so the caret starts on the first word.
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("قال"));
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("أنتوني"));
    // Right goes back in Arabic.
    press(&mut s, &km, M::NONE, Key::Right).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("قال"));
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    // Shift+Left extends by a word; Shift+Right shrinks back.
    press(&mut s, &km, M::SHIFT, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("أنتوني بلينكين"));
    press(&mut s, &km, M::SHIFT, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("أنتوني بلينكين في"));
    press(&mut s, &km, M::SHIFT, Key::Right).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("أنتوني بلينكين"));
    let caret = s.caret().unwrap();
    assert_eq!(caret.bar(), caret.head.1, "the bar is at the growing end");
    // 1 labels the selection PER, drawn by hand.
    press(&mut s, &km, M::NONE, Key::Char('1')).unwrap();
    let ann = s.current_annotations().unwrap();
    assert_eq!(ann.entities.len(), 1);
    assert_eq!(ann.entities[0].text, "أنتوني بلينكين");
    assert_eq!(ann.entities[0].label, "PER");
    assert_eq!(ann.entities[0].origin, Origin::Manual);
    assert_disk_matches(&s, &dir.path().join("ann"));
    // The new entity is focused; Left steps off it onto the next word.
    assert_eq!(s.focus().unwrap().kind, FocusKind::Entity);
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("في"));
    assert!(s.focus().is_none());
    // Backward past the first word: nothing happens, nothing breaks.
    for _ in 0..5 {
        let _ = press(&mut s, &km, M::NONE, Key::Right).unwrap();
    }
    assert_eq!(selected(&s).as_deref(), Some("قال"));
    assert!(matches!(
        press(&mut s, &km, M::NONE, Key::Right).unwrap(),
        Outcome::Nothing(_)
    ));
    // Escape clears caret and selection.
    press(&mut s, &km, M::NONE, Key::Escape).unwrap();
    assert_eq!((s.caret(), s.selection()), (None, None));
}

#[test]
fn in_a_left_to_right_paragraph_right_goes_forward() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let km = keymap();
    let text = A.to_string();
    let (a, _) = range_of(&text, "Siyasət", 0);
    ok(&mut s, Command::CaretAt(a));
    assert_eq!(selected(&s).as_deref(), Some("Siyasət"));
    press(&mut s, &km, M::NONE, Key::Right).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("wrote"));
    press(&mut s, &km, M::SHIFT, Key::Right).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("wrote from"));
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("Siyasət"));
    // Left from the first word of the Latin paragraph goes back into the
    // Arabic one, onto its last word (the full stop is no word).
    press(&mut s, &km, M::NONE, Key::Left).unwrap();
    assert_eq!(selected(&s).as_deref(), Some("قريبان"));
}

#[test]
fn keyboard_selection_leaves_out_clitics_the_corpus_and_gazetteers_know() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let text = A.to_string();
    let at = |w: &str| range_of(&text, w, 0).0;
    // First mention in this document; the gazetteers know يريفان.
    ok(&mut s, Command::CaretAt(at("ويريفان")));
    assert_eq!(selected(&s).as_deref(), Some("يريفان"));
    ok(&mut s, Command::CaretAt(at("والأذربيجاني")));
    assert_eq!(selected(&s).as_deref(), Some("الأذربيجاني"));
    // A name that starts with و stays whole.
    ok(&mut s, Command::CaretAt(at("واشنطن")));
    assert_eq!(selected(&s).as_deref(), Some("واشنطن"));
    // Document b: بيروت is known whole, so وبيروت loses only its و.
    ok(&mut s, Command::Open("b".into()));
    let b = B.to_string();
    ok(&mut s, Command::CaretAt(range_of(&b, "وبيروت", 0).0));
    assert_eq!(selected(&s).as_deref(), Some("بيروت"));
    // A mouse selection goes through the same rule, and Shift+arrows go on
    // from it.
    let (x, y) = range_of(&b, "الوزير يريفان", 0);
    ok(&mut s, Command::Select { start: x, end: y });
    assert_eq!(s.caret().unwrap().words(), (x, y));
}

#[test]
fn boundary_keys_fix_a_focused_proposal_into_a_corrected_entity() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let km = keymap();
    s.set_proposer(Arc::new(FakeProposer::new(&[("أنتوني", "PER", 0.7)])));
    s.wait_for_proposals();
    press(&mut s, &km, M::NONE, Key::Tab).unwrap();
    assert_eq!(s.focus().unwrap().kind, FocusKind::Proposal);
    // Shift+Left in Arabic moves the end one word further: the proposal
    // becomes an entity, recorded as corrected, and stays focused.
    press(&mut s, &km, M::SHIFT, Key::Left).unwrap();
    let ann = s.current_annotations().unwrap();
    assert!(ann.proposals.iter().all(|p| p.text != "أنتوني"));
    assert_eq!(ann.entities.len(), 1);
    let e = &ann.entities[0];
    assert_eq!(e.text, "أنتوني بلينكين");
    assert_eq!(e.label, "PER");
    assert_eq!(e.origin, Origin::Corrected(Source::Gazetteer));
    assert!(ann.rejected.is_empty(), "fixing is not rejecting");
    let f = s.focus().unwrap();
    assert_eq!(
        (f.kind, f.start, f.end),
        (FocusKind::Entity, e.start, e.end)
    );
    assert_disk_matches(&s, &dir.path().join("ann"));
    // One undo step brings the proposal back.
    ok(&mut s, Command::Undo);
    let ann = s.current_annotations().unwrap();
    assert!(ann.entities.is_empty());
    assert!(ann.proposals.iter().any(|p| p.text == "أنتوني"));
    assert_disk_matches(&s, &dir.path().join("ann"));
    // Alt+Shift on a proposal and an edge drag (Resize) do the same.
    ok(&mut s, Command::ClearSelection);
    press(&mut s, &km, M::NONE, Key::Tab).unwrap();
    press(&mut s, &km, M::ALT_SHIFT, Key::Right).unwrap();
    let e = &s.current_annotations().unwrap().entities[0];
    assert_eq!(e.text, "قال أنتوني");
    assert_eq!(e.origin, Origin::Corrected(Source::Gazetteer));
    ok(&mut s, Command::Undo);
    ok(&mut s, Command::ClearSelection);
    press(&mut s, &km, M::NONE, Key::Tab).unwrap();
    let (a, b) = range_of(A, "أنتوني بلينكين", 0);
    ok(&mut s, Command::Resize { start: a, end: b });
    let e = &s.current_annotations().unwrap().entities[0];
    assert_eq!(
        (e.text.as_str(), e.origin),
        ("أنتوني بلينكين", Origin::Corrected(Source::Gazetteer))
    );
    assert_disk_matches(&s, &dir.path().join("ann"));
}

#[test]
fn alt_arrows_go_through_the_search_results() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let km = keymap();
    let out = ok(
        &mut s,
        Command::Search {
            query: "يريفان".into(),
            scope: kashif::workflow::Scope::Corpus,
        },
    );
    assert_eq!(out, Outcome::Found(2));
    let hits = s.search_hits().to_vec();
    let at = |s: &Session| {
        (
            s.current_document().unwrap().id.clone(),
            s.selection().unwrap(),
        )
    };
    let hit = |k: usize| (hits[k].doc_id.clone(), (hits[k].start, hits[k].end));
    press(&mut s, &km, M::ALT, Key::Down).unwrap();
    assert_eq!(at(&s), hit(0));
    press(&mut s, &km, M::ALT, Key::Down).unwrap();
    assert_eq!(at(&s), hit(1));
    assert_eq!(s.current_document().unwrap().id, "b");
    // Past the last it wraps to the first; Alt+Up goes back.
    press(&mut s, &km, M::ALT, Key::Down).unwrap();
    assert_eq!(at(&s), hit(0));
    press(&mut s, &km, M::ALT, Key::Up).unwrap();
    assert_eq!(at(&s), hit(1));
    // The keys work while the search box has the keyboard, too.
    assert!(
        km.action(kashif::workflow::Chord::new(M::ALT, Key::Down), true)
            .is_some()
    );
}

/// The corpus words the clitic rule knows are gathered by a thread of their
/// own from open, not in the first frame that draws an article (0.5-0.8 s
/// at 20,000 documents); a selection made at once still sees them.
#[test]
fn the_corpus_words_are_gathered_off_the_frame_from_open() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let t = std::time::Instant::now();
    while !s.corpus_words_ready() {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "never gathered"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
