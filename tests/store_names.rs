//! One document, one file, whatever its name (issue 14): dotted, spaced,
//! Arabic and nested document ids through open, save, propose, import,
//! export and validate; a file whose `document` field is not its path's is
//! an error; a store written under the old rule (id cut at its last dot) is
//! found, moved to the right name, or reported — never lost.

use std::path::{Path, PathBuf};
use std::process::Command;

use kashif::annotation::{DocAnnotations, Origin, Span, Status};
use kashif::corpus::{Corpus, Document};
use kashif::schema::Schema;
use kashif::store::{self, Migration, Severity, Store};

/// Ids that broke the old rule or could: dots (dates, versions, brat's
/// `esp.train-doc-100`), a space, Arabic with an Arabic-Indic digit, a
/// dotted folder.
const IDS: [&str; 6] = [
    "akhbar.2023.v1",
    "akhbar.2023.v2",
    "akhbar.2023",
    "esp.train-doc-100",
    "أخبار اليوم.١",
    "arch.2024/wire.ap",
];

fn text_of(i: usize) -> String {
    format!("وصل الوفد إلى بغداد في الزيارة رقم {i}.")
}

fn corpus_dir(root: &Path) -> PathBuf {
    let c = root.join("corpus");
    for (i, id) in IDS.iter().enumerate() {
        let p = c.join(format!("{id}.txt"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text_of(i)).unwrap();
    }
    c
}

fn kashif(args: &[&str], root: &Path) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .arg("--corpus")
        .arg(root.join("corpus"))
        .arg("--annotations")
        .arg(root.join("ann"))
        .output()
        .unwrap();
    eprintln!(
        "kashif {args:?}: {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// One LOC on بغداد, and a distinct DATE per document so files cannot be
/// confused.
fn ann_for(doc: &Document, i: usize) -> DocAnnotations {
    let num = i.to_string();
    let at = doc.text.chars().count() - 1 - num.chars().count();
    DocAnnotations {
        status: Status::Done,
        entities: vec![
            Span {
                start: 14,
                end: 19,
                label: "LOC".into(),
                origin: Origin::Manual,
                text: "بغداد".into(),
                proposed: None,
            },
            Span {
                start: at,
                end: at + num.chars().count(),
                label: "DATE".into(),
                origin: Origin::Manual,
                text: num,
                proposed: None,
            },
        ],
        ..Default::default()
    }
}

#[test]
fn every_id_gets_its_own_file_through_save_open_export_import_validate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = Corpus::load(&corpus_dir(root)).unwrap();
    assert_eq!(c.documents.len(), IDS.len());
    let schema = Schema::builtin();
    let ann = root.join("ann");
    {
        let store = Store::open(&ann, "amina").unwrap();
        for doc in &c.documents {
            let i = IDS.iter().position(|x| *x == doc.id).unwrap();
            store.save(doc, &ann_for(doc, i)).unwrap();
        }
    }
    // Six files, six names, each the whole id + .ron.
    let files = store::annotation_files(&ann.join("amina"));
    let mut ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort();
    let mut want = IDS.to_vec();
    want.sort();
    assert_eq!(ids, want);
    assert!(ann.join("amina/akhbar.2023.v1.ron").exists());
    assert!(ann.join("amina/arch.2024/wire.ap.ron").exists());
    // Each loads back its own document's entities, without problems.
    for doc in &c.documents {
        let i = IDS.iter().position(|x| *x == doc.id).unwrap();
        let l = store::read(&ann, "amina", doc, &schema).unwrap().unwrap();
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.annotations.entities[1].text, i.to_string(), "{}", doc.id);
    }
    let v = kashif(&["validate"], root);
    assert!(v.status.success());
    assert!(String::from_utf8_lossy(&v.stderr).contains("0 errors, 0 warnings"));
    // Export (brat and doccano) and import back as another annotator.
    let out = root.join("brat");
    let e = kashif(
        &[
            "export",
            "--format",
            "brat",
            "--annotator",
            "amina",
            "--out",
            out.to_str().unwrap(),
        ],
        root,
    );
    assert!(e.status.success());
    assert!(out.join("akhbar.2023.v1.ann").exists());
    assert!(out.join("أخبار اليوم.١.txt").exists());
    let i = kashif(
        &[
            "import",
            "--format",
            "brat",
            "--annotator",
            "bilal",
            out.to_str().unwrap(),
        ],
        root,
    );
    assert_eq!(i.status.code(), Some(0));
    // A single dotted brat document given without its extension.
    let i = kashif(
        &[
            "import",
            "--format",
            "brat",
            "--annotator",
            "carim",
            out.join("esp.train-doc-100").to_str().unwrap(),
        ],
        root,
    );
    assert_eq!(i.status.code(), Some(0));
    let jsonl = root.join("d.jsonl");
    kashif(
        &[
            "export",
            "--format",
            "doccano",
            "--annotator",
            "amina",
            "--out",
            jsonl.to_str().unwrap(),
        ],
        root,
    );
    let i = kashif(
        &[
            "import",
            "--format",
            "doccano",
            "--annotator",
            "dina",
            jsonl.to_str().unwrap(),
        ],
        root,
    );
    assert_eq!(i.status.code(), Some(0));
    for who in ["bilal", "dina"] {
        for doc in &c.documents {
            let i = IDS.iter().position(|x| *x == doc.id).unwrap();
            let l = store::read(&ann, who, doc, &schema).unwrap().unwrap();
            assert_eq!(
                l.annotations.entities[1].text,
                i.to_string(),
                "{who} {}",
                doc.id
            );
        }
    }
    let v = kashif(&["validate"], root);
    assert!(v.status.success());
}

#[test]
fn propose_writes_one_file_per_dotted_document() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus_dir(root);
    let p = kashif(&["propose", "--annotator", "bot"], root);
    assert!(p.status.success());
    let files = store::annotation_files(&root.join("ann/bot"));
    assert_eq!(files.len(), IDS.len(), "{files:?}");
    let v = kashif(&["validate"], root);
    assert!(v.status.success());
}

#[test]
fn a_file_naming_another_document_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = Corpus::load(&corpus_dir(root)).unwrap();
    let ann = root.join("ann");
    let v1 = c.get("akhbar.2023.v1").unwrap();
    let v2 = c.get("akhbar.2023.v2").unwrap();
    Store::open(&ann, "amina")
        .unwrap()
        .save(v1, &ann_for(v1, 0))
        .unwrap();
    // Copied by hand under v2's name.
    std::fs::copy(
        ann.join("amina/akhbar.2023.v1.ron"),
        ann.join("amina/akhbar.2023.v2.ron"),
    )
    .unwrap();
    let l = store::read(&ann, "amina", v2, &Schema::builtin())
        .unwrap()
        .unwrap();
    let p = l
        .problems
        .iter()
        .find(|p| p.message.contains("names document \"akhbar.2023.v1\""))
        .expect("mismatch reported");
    assert_eq!(p.severity, Severity::Error);
    assert!(p.message.contains("\"akhbar.2023.v2\""), "{}", p.message);
    let v = kashif(&["validate"], root);
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stdout).contains("akhbar.2023.v2.ron:"));
}

/// Writes a file the way versions before issue 14 did: at the id with its
/// last `.xxx` replaced by `.ron`.
fn write_legacy(ann: &Path, annotator: &str, doc: &Document, a: &DocAnnotations) -> PathBuf {
    let path = store::legacy_file_path(ann, annotator, &doc.id).unwrap();
    let file = store::AnnotationFile::new(&doc.id, doc.text_hash(), annotator, a);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, file.to_ron().unwrap()).unwrap();
    path
}

#[test]
fn an_old_store_is_found_moved_or_reported_never_lost() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = Corpus::load(&corpus_dir(root)).unwrap();
    let ann = root.join("ann");
    let schema = Schema::builtin();
    let v2 = c.get("akhbar.2023.v2").unwrap();
    let esp = c.get("esp.train-doc-100").unwrap();
    let wire = c.get("arch.2024/wire.ap").unwrap();
    let base = c.get("akhbar.2023").unwrap();
    // The old rule wrote v1 and v2 to akhbar.2023.ron (v2 saved last), and
    // esp.train-doc-100 to esp.ron.
    let old_v2 = write_legacy(&ann, "amina", v2, &ann_for(v2, 1));
    assert_eq!(old_v2, ann.join("amina/akhbar.2023.ron"));
    let old_esp = write_legacy(&ann, "amina", esp, &ann_for(esp, 3));
    let old_wire = write_legacy(&ann, "amina", wire, &ann_for(wire, 5));
    // Read-only tools find them under the old name (with a warning)...
    let l = store::read(&ann, "amina", v2, &schema).unwrap().unwrap();
    assert_eq!(l.annotations.entities[1].text, "1");
    assert!(l.problems.iter().any(|p| p.message.contains("old rule")));
    // ...and akhbar.2023, whose right name that is, does not take them.
    assert!(store::read(&ann, "amina", base, &schema).unwrap().is_none());
    // validate says where they belong, and passes (nothing is wrong yet).
    let v = kashif(&["validate"], root);
    assert!(v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).contains("under the old name"));
    // Opening the store for writing moves each to its right name.
    {
        let store = Store::open(&ann, "amina").unwrap();
        let moved: Vec<&str> = store
            .migrated()
            .iter()
            .filter_map(|m| match m {
                Migration::Moved { document, .. } => Some(document.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(moved.len(), 3, "{:?}", store.migrated());
        assert!(moved.contains(&"akhbar.2023.v2"));
    }
    assert!(!old_v2.exists() && !old_esp.exists() && !old_wire.exists());
    let l = store::read(&ann, "amina", v2, &schema).unwrap().unwrap();
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(l.annotations.entities[1].text, "1");
    assert_eq!(
        store::read(&ann, "amina", esp, &schema)
            .unwrap()
            .unwrap()
            .annotations
            .entities[1]
            .text,
        "3"
    );
    // When the right name is taken too, both files stay and it is reported.
    let old = write_legacy(&ann, "amina", v2, &ann_for(v2, 1));
    let store = Store::open(&ann, "amina").unwrap();
    assert!(
        matches!(store.migrated(), [Migration::Conflict { document, .. }] if document == "akhbar.2023.v2"),
        "{:?}",
        store.migrated()
    );
    assert!(old.exists() && ann.join("amina/akhbar.2023.v2.ron").exists());
    assert!(
        store.migrated()[0]
            .to_string()
            .contains("both left as they are")
    );
    // Saving the document whose right name holds it never overwrites it.
    drop(store);
    std::fs::remove_file(ann.join("amina/akhbar.2023.v2.ron")).unwrap();
    let keep = write_legacy(&ann, "amina", v2, &ann_for(v2, 1));
    std::fs::write(ann.join("amina/akhbar.2023.v2.ron"), "not even RON").unwrap();
    let store = Store::open(&ann, "amina").unwrap();
    assert!(store.save(base, &ann_for(base, 2)).is_err());
    assert!(
        std::fs::read_to_string(&keep)
            .unwrap()
            .contains("akhbar.2023.v2")
    );
}
