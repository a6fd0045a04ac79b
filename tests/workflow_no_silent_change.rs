//! No silent change (issue 25): a span that cannot be put back in its place
//! is kept detached and reported, never merged away; opening a document
//! (its proposals arriving) never rewrites its file; only the annotator's
//! edit does, and then nothing of the file is lost.

mod workflow_support;

use std::sync::Arc;

use kashif::schema::Schema;
use kashif::store;
use kashif::workflow::Command;
use workflow_support::*;

const TEXT: &str = "زار بلينكين أرمينيا يوم الخميس ثم غادر أرمينيا.\n";

/// A file with 3 entities, one of them past the text's end with a text
/// found only where another entity already is (the case of the issue).
fn file_with_an_entity_past_the_end(hash: &str) -> String {
    format!(
        "(\n    version: 1,\n    document: \"a\",\n    text_hash: \"{hash}\",\n    annotator: \"{ANNOTATOR}\",\n    status: InProgress,\n    entities: [\n        (start: 4, end: 11, label: \"PER\", origin: Manual, text: \"بلينكين\"),\n        (start: 12, end: 19, label: \"LOC\", origin: Manual, text: \"أرمينيا\"),\n        (start: 400, end: 407, label: \"PER\", origin: Manual, text: \"بلينكين\"),\n    ],\n)\n"
    )
}

#[test]
fn an_entity_that_cannot_be_placed_stays_detached_and_the_file_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_of(&dir.path().join("corpus"), &[("a", TEXT)]);
    let ann = dir.path().join("ann");
    let path = store::file_path(&ann, ANNOTATOR, "a");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let bytes = file_with_an_entity_past_the_end(&kashif::corpus::text_hash(TEXT));
    std::fs::write(&path, &bytes).unwrap();

    // Every reader sees three entities: two in place, one detached, reported.
    let doc = corpus.get("a").unwrap().clone();
    let loaded = store::read(&ann, ANNOTATOR, &doc, &Schema::builtin())
        .unwrap()
        .unwrap();
    assert_eq!(loaded.annotations.entities.len(), 2);
    assert_eq!(
        loaded.annotations.detached.len(),
        1,
        "{:?}",
        loaded.problems
    );
    assert!(loaded.has_errors());
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.message.contains("detached") && p.line_col.is_some()),
        "{:?}",
        loaded.problems
    );

    // Opening the document, with proposals arriving, writes nothing.
    let mut s = open(corpus.clone(), &ann);
    s.set_proposer(Arc::new(FakeProposer::new(&[("الخميس", "DATE", 0.9)])));
    ok(&mut s, Command::Open("a".into()));
    s.wait_for_proposals();
    assert!(!s.current_annotations().unwrap().proposals.is_empty());
    assert_eq!(s.current_annotations().unwrap().detached.len(), 1);
    s.flush().unwrap();
    assert_disk_matches(&s, &ann);
    drop(s);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bytes);

    // The annotator's edit writes the file, the detached span with it.
    let mut s = open(corpus, &ann);
    let (a, b) = range_of(TEXT, "الخميس", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("DATE".into()));
    s.flush().unwrap();
    drop(s);
    let loaded = store::read(&ann, ANNOTATOR, &doc, &Schema::builtin())
        .unwrap()
        .unwrap();
    assert_eq!(loaded.annotations.entities.len(), 3);
    assert_eq!(loaded.annotations.detached.len(), 1);
    assert_eq!(loaded.annotations.detached[0].text, "بلينكين");
}
