//! Issue 13, item 5: proposals scored against an annotator's gold never use
//! that gold of the same document. `kashif propose` remembers what every
//! annotator saved, but never for the document it was saved in; with
//! `--no-memory` it remembers nothing; both say which knowledge they used.

use std::fs;
use std::path::Path;
use std::process::Command;

use kashif::annotation::{DocAnnotations, Edit, Origin, Proposal, Span, Status};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store::{self, Store};
use kashif::text::CharIndex;

/// A made-up organisation no model or gazetteer knows.
const NAME: &str = "زيزفونة للتقنيات";
const X: &str = "أعلنت زيزفونة للتقنيات نتائجها السنوية أمس.";
const Y: &str = "قالت زيزفونة للتقنيات إنها ستفتح فرعا جديدا.";

fn corpus(root: &Path) -> Corpus {
    fs::create_dir_all(root.join("corpus")).unwrap();
    fs::write(root.join("corpus/x.txt"), X).unwrap();
    fs::write(root.join("corpus/y.txt"), Y).unwrap();
    Corpus::load(&root.join("corpus")).unwrap()
}

/// Amina's gold: NAME as ORG in the documents `ids`, marked done.
fn gold(root: &Path, corpus: &Corpus, ids: &[&str]) {
    let store = Store::open(&root.join("annotations"), "amina").unwrap();
    for doc in corpus
        .documents
        .iter()
        .filter(|d| ids.contains(&d.id.as_str()))
    {
        let idx = CharIndex::new(&doc.text);
        let mut ann = DocAnnotations::default();
        let b = doc.text.find(NAME).unwrap();
        let s = idx.char_of(b);
        let span = Span::new(s, s + NAME.chars().count(), "ORG", Origin::Manual);
        Edit::Add(span).apply(&mut ann, &doc.text, &idx).unwrap();
        ann.status = Status::Done;
        store.save(doc, &ann).unwrap();
    }
}

/// Runs `kashif propose` for bob; returns bob's pending proposals by
/// document and what it printed.
fn propose(root: &Path, corpus: &Corpus, extra: &[&str]) -> (Vec<Vec<Proposal>>, String) {
    let _ = fs::remove_dir_all(root.join("annotations/bob"));
    let out = Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args([
            "propose",
            "--corpus",
            "corpus",
            "--annotations",
            "annotations",
            "--annotator",
            "bob",
        ])
        .args(extra)
        .current_dir(root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    let props = corpus
        .documents
        .iter()
        .map(|d| {
            store::read(&root.join("annotations"), "bob", d, &Schema::builtin())
                .unwrap()
                .map(|l| l.annotations.proposals)
                .unwrap_or_default()
        })
        .collect();
    (props, err)
}

fn has_name(ps: &[Proposal]) -> bool {
    ps.iter().any(|p| p.text == NAME && p.label == "ORG")
}

#[test]
fn a_documents_own_gold_never_reaches_its_proposals() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = corpus(root);
    let (plain, said) = propose(root, &c, &["--no-memory"]);
    assert!(
        said.contains("knowledge:") && said.contains("no memory"),
        "{said}"
    );
    assert!(
        !has_name(&plain[0]) && !has_name(&plain[1]),
        "the model alone does not know it"
    );

    // Gold in x only: x's proposals are exactly those without memory (its
    // own gold cannot raise its score); y learns the name from x.
    gold(root, &c, &["x"]);
    let (with_x, said) = propose(root, &c, &[]);
    assert!(said.contains("each document's own never used"), "{said}");
    assert_eq!(with_x[0], plain[0]);
    assert!(has_name(&with_x[1]), "{:?}", with_x[1]);

    // --no-memory ignores all gold.
    let (none, _) = propose(root, &c, &["--no-memory"]);
    assert_eq!(none, plain);
}
