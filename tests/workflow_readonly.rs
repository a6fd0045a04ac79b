//! A RON file that does not load opens its document read-only, with the
//! error, and is never overwritten, whatever the annotator tries.

mod workflow_support;

use kashif::workflow::{Command, FocusKind, Scope, WorkflowError};
use workflow_support::*;

const FIRST: &str = "000_a5568e69e50189a5";
const BROKEN: &[u8] = b"(version: 1, document: \"000_a5568e69e50189a5\", entities: [ oops";

#[test]
fn corrupt_file_opens_read_only_and_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = kashif::store::file_path(dir.path(), ANNOTATOR, FIRST);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, BROKEN).unwrap();

    let mut s = open(seeds(), dir.path());
    s.set_proposer(std::sync::Arc::new(FakeProposer::new(&[(
        "أرمينيا",
        "LOC",
        0.9,
    )])));
    ok(&mut s, Command::Open(FIRST.into()));
    s.wait_for_proposals();
    let reason = s.read_only_reason().expect("read-only").to_string();
    // The error names the file, line and column.
    assert!(reason.contains(&path.display().to_string()), "{reason}");
    assert!(reason.contains(":1:"), "{reason}");
    // No proposals are merged into a read-only document.
    assert!(s.current_annotations().unwrap().proposals.is_empty());
    let row = s.doc_list("read-only");
    assert_eq!(row.len(), 1);
    assert_eq!(row[0].id, FIRST);

    // Every kind of edit is refused up front.
    let text = s.current_document().unwrap().text.clone();
    let (a, b) = range_of(&text, "أرمينيا", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    let refused = |r: Result<_, WorkflowError>| matches!(r, Err(WorkflowError::ReadOnly { .. }));
    assert!(refused(s.apply(Command::CreateFromSelection("LOC".into()))));
    assert!(refused(s.apply(Command::ApplyLabel("LOC".into()))));
    assert!(refused(s.apply(Command::MarkDoneAndNext)));
    assert!(refused(
        s.apply(Command::SetStatus(kashif::annotation::Status::Done))
    ));
    assert!(refused(s.apply(Command::AcceptAllAbove(0.0))));
    assert!(refused(s.apply(Command::AnnotateAll {
        text: "أرمينيا".into(),
        label: "LOC".into(),
        scope: Scope::Document,
    })));
    // Corpus-wide annotation skips it and says so.
    let preview = s.preview_annotate_all("أرمينيا", "LOC", Scope::Corpus);
    assert!(preview.read_only > 0);
    ok(
        &mut s,
        Command::AnnotateAll {
            text: "أرمينيا".into(),
            label: "LOC".into(),
            scope: Scope::Corpus,
        },
    );
    assert!(s.current_annotations().unwrap().entities.is_empty());
    // Undo and redo of the corpus step never reach the broken file.
    ok(&mut s, Command::Undo);
    ok(&mut s, Command::Redo);
    assert!(!matches!(
        s.focus().map(|f| f.kind),
        Some(FocusKind::Proposal)
    ));
    s.flush().unwrap();
    drop(s);
    assert_eq!(std::fs::read(&path).unwrap(), BROKEN);
    // Other documents were saved normally.
    let other = kashif::store::file_path(dir.path(), ANNOTATOR, "001_bb659110fccb5400");
    assert!(other.exists());
}
