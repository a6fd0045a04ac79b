//! No clutter after decisions (issue 24): proposals that contradict what the
//! annotator confirmed go at once, and "annotate all" leaves out occurrences
//! that are part of a longer name.

mod workflow_support;

use std::sync::Arc;

use kashif::workflow::{Command, Scope, Session};
use workflow_support::*;

const A: &str =
    "في خريف عام 2020 التقى علييف وباشينيان. وقال نيكول باشينيان إن باشينيان سيزور باكو";
const B: &str = "أعلن نيكول باشينيان أمس";

fn session(dir: &std::path::Path) -> Session {
    let mut s = open_docs(dir, &[("a", A), ("b", B)]);
    s.set_proposer(Arc::new(FakeProposer::new(&[
        ("عام 2020", "DATE", 0.9),
        ("علييف وباشينيان", "PER", 0.8),
        ("نيكول باشينيان", "PER", 0.9),
    ])));
    s.wait_for_proposals();
    ok(&mut s, Command::Open("b".into()));
    s.wait_for_proposals();
    ok(&mut s, Command::Open("a".into()));
    s
}

fn pending(s: &Session) -> Vec<String> {
    s.current_annotations()
        .unwrap()
        .proposals
        .iter()
        .map(|p| p.text.clone())
        .collect()
}

fn create(s: &mut Session, needle: &str, nth: usize, label: &str) {
    let (a, b) = range_of(A, needle, nth);
    ok(s, Command::Select { start: a, end: b });
    ok(s, Command::CreateFromSelection(label.into()));
}

#[test]
fn proposals_inside_an_entity_of_their_label_or_spanning_two_go_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    assert!(
        pending(&s).contains(&"عام 2020".to_string()),
        "{:?}",
        pending(&s)
    );
    assert!(pending(&s).contains(&"علييف وباشينيان".to_string()));

    create(&mut s, "خريف عام 2020", 0, "DATE");
    assert!(
        !pending(&s).contains(&"عام 2020".to_string()),
        "{:?}",
        pending(&s)
    );
    assert_proposal_invariants(&s, "after the date");

    create(&mut s, "علييف", 0, "PER");
    // One person inside it is not enough to drop it...
    assert!(pending(&s).contains(&"علييف وباشينيان".to_string()));
    create(&mut s, "باشينيان", 0, "PER");
    // ...two are.
    assert!(!pending(&s).contains(&"علييف وباشينيان".to_string()));
    assert_proposal_invariants(&s, "after two persons");
    assert_disk_matches(&s, &dir.path().join("ann"));

    // Undoing the second person brings the proposal back.
    ok(&mut s, Command::Undo);
    assert!(pending(&s).contains(&"علييف وباشينيان".to_string()));
}

#[test]
fn annotate_all_leaves_out_occurrences_inside_longer_names_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    // A confirmed longer name in a: نيكول باشينيان.
    create(&mut s, "نيكول باشينيان", 0, "PER");
    let preview = s.preview_annotate_all("باشينيان", "PER", Scope::Corpus);
    // a: after و (inside the pending «علييف وباشينيان»: left out), inside
    // the entity (left out), after إن (new); b: inside the pending
    // full-name proposal (left out).
    assert_eq!(preview.occurrences, 4, "{preview:?}");
    assert_eq!(preview.new, 1, "{preview:?}");
    let left: Vec<(&str, &str, bool)> = preview
        .left_out
        .iter()
        .map(|l| (l.doc_id.as_str(), l.inside.as_str(), l.proposed))
        .collect();
    assert_eq!(
        left,
        [
            ("a", "علييف وباشينيان", true),
            ("a", "نيكول باشينيان", false),
            ("b", "نيكول باشينيان", true)
        ]
    );
    ok(
        &mut s,
        Command::AnnotateAll {
            text: "باشينيان".into(),
            label: "PER".into(),
            scope: Scope::Corpus,
        },
    );
    let a = s.current_annotations().unwrap();
    let lone = range_of(A, "باشينيان", 2);
    assert!(a.entities.iter().any(|e| (e.start, e.end) == lone));
    let inner = range_of(A, "باشينيان", 1);
    assert!(
        a.entities.iter().all(|e| (e.start, e.end) != inner),
        "{:?}",
        a.entities
    );
    let b = s.annotations(1).unwrap();
    assert!(b.entities.is_empty(), "{:?}", b.entities);
    assert!(b.proposals.iter().any(|p| p.text == "نيكول باشينيان"));
    assert_disk_matches(&s, &dir.path().join("ann"));
}
