//! The gate into "done" on the command line (issue 25, point 1): `kashif
//! import` does not mark a document done while proposals are pending in it
//! (it comes in as in progress, and says so), and `kashif validate` warns
//! about done files holding pending proposals.

mod cli_support;

use cli_support::kashif;

use std::path::{Path, PathBuf};

use kashif::annotation::{DocAnnotations, Origin, Proposal, Source, Span, Status};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store::{self, Store};

const TEXT: &str = "في بغداد وموسكو";

fn setup(dir: &Path) -> (PathBuf, PathBuf) {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), TEXT).unwrap();
    std::fs::write(corpus.join("b.txt"), "في بغداد").unwrap();
    (corpus, dir.join("ann"))
}

#[test]
fn an_import_marked_done_with_proposals_pending_comes_in_as_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, ann) = setup(dir.path());
    // Task a: an annotation and a prediction (pending); task b: only an
    // annotation, so it may be done.
    let tasks = r#"[
  {"data": {"doc_id": "a", "text": "في بغداد وموسكو"},
   "annotations": [{"result": [
     {"type": "labels", "value": {"start": 3, "end": 8, "labels": ["LOC"]}}]}],
   "predictions": [{"score": 0.7, "result": [
     {"type": "labels", "value": {"start": 10, "end": 15, "labels": ["LOC"]}}]}]},
  {"data": {"doc_id": "b", "text": "في بغداد"},
   "annotations": [{"result": [
     {"type": "labels", "value": {"start": 3, "end": 8, "labels": ["LOC"]}}]}]}
]"#;
    let file = dir.path().join("ls.json");
    std::fs::write(&file, tasks).unwrap();
    let out = kashif(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "imp",
            file.to_str().unwrap(),
        ],
        &corpus,
        &ann,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("a: 1 proposal(s) pending (first at 10..15 LOC «موسكو»); imported as in progress, not done"),
        "{stderr}"
    );
    assert!(
        stdout.contains("not done: 1 document(s) imported as in progress"),
        "{stdout}"
    );
    let c = Corpus::load(&corpus).unwrap();
    let read = |id: &str| {
        let doc = c.documents.iter().find(|d| d.id == id).unwrap();
        store::read(&ann, "imp", doc, &Schema::builtin())
            .unwrap()
            .unwrap()
            .annotations
    };
    let a = read("a");
    assert_eq!(a.status, Status::InProgress);
    assert_eq!((a.entities.len(), a.proposals.len()), (1, 1));
    assert_eq!(read("b").status, Status::Done, "nothing pending: done");

    // validate has nothing to warn about: the gate held.
    let v = kashif(&["validate"], &corpus, &ann);
    assert!(
        !String::from_utf8_lossy(&v.stdout).contains("pending"),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

#[test]
fn validate_warns_about_done_files_with_proposals_pending() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, ann) = setup(dir.path());
    let c = Corpus::load(&corpus).unwrap();
    let doc = c.documents.iter().find(|d| d.id == "a").unwrap();
    let store = Store::open(&ann, "amina").unwrap();
    let file = DocAnnotations {
        status: Status::Done,
        entities: vec![Span {
            start: 3,
            end: 8,
            label: "LOC".into(),
            origin: Origin::Manual,
            text: "بغداد".into(),
            proposed: None,
        }],
        proposals: vec![Proposal {
            start: 10,
            end: 15,
            label: "LOC".into(),
            text: "موسكو".into(),
            confidence: 0.7,
            source: Source::Model,
        }],
        ..Default::default()
    };
    store.save(doc, &file).unwrap();
    drop(store);
    let out = kashif(&["validate"], &corpus, &ann);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let path = store::file_path(&ann, "amina", "a");
    assert!(
        stdout.contains(&format!(
            "{}: warning: marked done with 1 proposal(s) pending (first at 10..15 LOC «موسكو»)",
            path.display()
        )),
        "{stdout}"
    );
    assert!(stderr.contains("0 errors, 1 warnings"), "{stderr}");
    assert!(out.status.success(), "a warning, not an error");

    // Export and eval do not take it as gold: left out, and said.
    let conll = dir.path().join("gold.conll");
    let out = kashif(
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "amina",
            "--out",
            conll.to_str().unwrap(),
        ],
        &corpus,
        &ann,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: {}: marked done with 1 proposal(s) pending",
            path.display()
        )) && stderr.contains("not gold, left out"),
        "{stderr}"
    );
    assert!(!conll.exists(), "nothing else was done: nothing exported");
    // With --all it is exported as annotated so far.
    let out = kashif(
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "amina",
            "--all",
            "--out",
            conll.to_str().unwrap(),
        ],
        &corpus,
        &ann,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&conll).unwrap().contains("B-LOC"));
}

/// A tester's case: gold imported as done, then `kashif propose` for the
/// same annotator put pending proposals into the done document, and
/// `export` then left that gold out ("no documents marked done"). A done
/// document is left as it is; a document that cannot be read is named.
#[test]
fn propose_leaves_done_documents_alone_and_names_what_it_skips() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, ann) = setup(dir.path());
    std::fs::write(corpus.join("c.txt"), "وصل إلى موسكو").unwrap();
    let docs = Corpus::load(&corpus).unwrap().documents;
    let store = Store::open(&ann, "amina").unwrap();
    let mut gold = DocAnnotations {
        status: Status::Done,
        ..Default::default()
    };
    let mut span = Span::new(3, 8, "LOC", Origin::Manual);
    span.text = "بغداد".into();
    gold.entities.push(span);
    store.save(&docs[0], &gold).unwrap();
    drop(store);
    // c's file is broken.
    std::fs::write(ann.join("amina/c.ron"), "(version: 1, document: ").unwrap();
    let before = std::fs::read_to_string(ann.join("amina/a.ron")).unwrap();
    let out = kashif(&["propose", "--annotator", "amina"], &corpus, &ann);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "code {:?}: {err}",
        out.status.code()
    );
    assert!(
        err.contains("1 document(s) marked done left as they are"),
        "{err}"
    );
    assert!(err.contains("c.ron"), "the skipped file is named: {err}");
    assert_eq!(
        std::fs::read_to_string(ann.join("amina/a.ron")).unwrap(),
        before,
        "the done document was changed"
    );
    let schema = Schema::builtin();
    let b = store::read(&ann, "amina", &docs[1], &schema)
        .unwrap()
        .unwrap();
    assert!(!b.annotations.proposals.is_empty(), "b gets its proposals");
    // The done gold exports (the broken file put aside first: export
    // refuses to run over it).
    std::fs::remove_file(ann.join("amina/c.ron")).unwrap();
    let out = kashif(
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "amina",
            "--out",
            dir.path().join("x.conll").to_str().unwrap(),
        ],
        &corpus,
        &ann,
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("exported 1 document(s), 1 entities"),
        "{said}"
    );
}

/// A tester's case: a rerun of `kashif propose` withdrew and relabelled
/// undecided proposals (as the workbench settles them) while its summary
/// counted only new ones. A proposal on a name rejected in another
/// document is withdrawn, and the summary says so.
#[test]
fn propose_says_how_many_undecided_proposals_it_withdrew() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, ann) = setup(dir.path());
    let docs = Corpus::load(&corpus).unwrap().documents;
    let store = Store::open(&ann, "amina").unwrap();
    // a: PER pending on «بغداد»; b: PER rejected on «بغداد».
    let mut a = DocAnnotations::default();
    a.proposals.push(Proposal {
        start: 3,
        end: 8,
        label: "PER".into(),
        text: "بغداد".into(),
        confidence: 0.4,
        source: Source::Model,
    });
    store.save(&docs[0], &a).unwrap();
    let b = DocAnnotations {
        rejected: vec![kashif::annotation::Rejected {
            start: 3,
            end: 8,
            label: "PER".into(),
            text: "بغداد".into(),
        }],
        ..Default::default()
    };
    store.save(&docs[1], &b).unwrap();
    drop(store);
    let out = kashif(&["propose", "--annotator", "amina"], &corpus, &ann);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let schema = Schema::builtin();
    let a = store::read(&ann, "amina", &docs[0], &schema)
        .unwrap()
        .unwrap();
    assert!(
        !a.annotations
            .proposals
            .iter()
            .any(|p| p.label == "PER" && p.start == 3),
        "{:?}",
        a.annotations.proposals
    );
    assert!(
        err.contains("1 undecided proposal(s) already in the files withdrawn"),
        "{err}"
    );
}

/// `--annotations` naming a file: every command that reads or writes the
/// annotations says so by name, and the file is left as it was (a tester
/// met a bare "Not a directory (os error 20)").
#[test]
fn an_annotations_path_that_is_a_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = setup(dir.path());
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let out_file = dir.path().join("out.conll");
    let runs: [&[&str]; 4] = [
        &["stats"],
        &["validate"],
        &["propose", "--annotator", "a", "--tagger", "fast"],
        &[
            "export",
            "--annotator",
            "a",
            "--format",
            "conll",
            "--out",
            out_file.to_str().unwrap(),
        ],
    ];
    for args in runs {
        let out = kashif(args, &corpus, &file);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            err.contains("--annotations") && err.contains("a file, not a folder"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}
