//! `kashif import` of many documents writes them with one group commit:
//! every text and annotation file whole, no temporary file left, a record
//! repeated for one document written once (the first, unless --force).

use std::path::Path;
use std::process::{Command, Output};

use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store;

fn kashif(root: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .arg("--corpus")
        .arg(root.join("corpus"))
        .arg("--annotations")
        .arg(root.join("ann"))
        .output()
        .unwrap();
    eprintln!(
        "kashif {args:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file under `dir` whose name marks it as a temporary file.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            out.extend(temp_files(&e.path()));
        } else if name.starts_with(".kashif-tmp") {
            out.push(name);
        }
    }
    out
}

/// `kashif import` of doccano `file` for annotator `who`, texts added (the
/// folders come after).
fn doccano_import<'a>(who: &'a str, file: &'a str) -> [&'a str; 7] {
    [
        "import",
        "--format",
        "doccano",
        "--add-texts",
        "--annotator",
        who,
        file,
    ]
}

/// `n` doccano records `doc0000`.., each "في بغداد <i>" with LOC on بغداد
/// (chars 3..8).
fn baghdad_records(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\": \"doc{i:04}\", \"text\": \"في بغداد {i}\", \"label\": [[3, 8, \"LOC\"]]}}\n"
            )
        })
        .collect()
}

/// `n` texts in `root/corpus`, each with amina's one LOC on بغداد, and no
/// temporary file anywhere.
fn assert_each_baghdad_imported(root: &Path, n: usize) {
    assert!(temp_files(root).is_empty(), "{:?}", temp_files(root));
    let corpus = Corpus::load(&root.join("corpus")).unwrap();
    assert_eq!(corpus.documents.len(), n);
    let schema = Schema::builtin();
    for doc in &corpus.documents {
        let l = store::read(&root.join("ann"), "amina", doc, &schema)
            .unwrap()
            .unwrap_or_else(|| panic!("{}: no annotation file", doc.id));
        let e = &l.annotations.entities;
        assert_eq!(e.len(), 1, "{}", doc.id);
        assert_eq!((e[0].text.as_str(), e[0].label.as_str()), ("بغداد", "LOC"));
    }
}

#[test]
fn many_documents_import_whole_with_no_temp_file_left() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("corpus")).unwrap();
    let n = 300;
    let mut jsonl = baghdad_records(n);
    // the first document again, with another label: reported, not written
    // over
    jsonl.push_str(
        "{\"id\": \"doc0000\", \"text\": \"في بغداد 0\", \"label\": [[3, 8, \"ORG\"]]}\n",
    );
    let f = root.join("many.jsonl");
    std::fs::write(&f, jsonl).unwrap();
    let o = kashif(root, &doccano_import("amina", f.to_str().unwrap()));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("doc0000\" already receives an earlier document of these files; not imported"),
        "{err}"
    );
    assert_each_baghdad_imported(root, n);
}

/// A group commit holds a file open only while it writes it: 400 documents
/// (800 files, one flush of the file system) and 50 (100 files, each
/// flushed) import whole under a limit of 32 descriptors, where holding
/// every file open until its flush failed from the 60th under 64, and
/// batches of 32 open files lost 10 of 50 documents under 32.
#[test]
fn many_documents_import_under_a_small_descriptor_limit() {
    for n in [50, 400] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        imports_under_limit(root, n, 32);
        assert_each_baghdad_imported(root, n);
    }
}

/// Imports `n` [`baghdad_records`] into `root` under a limit of `limit`
/// open files; asserts all came in.
fn imports_under_limit(root: &Path, n: usize, limit: usize) {
    std::fs::create_dir_all(root.join("corpus")).unwrap();
    let f = root.join("many.jsonl");
    std::fs::write(&f, baghdad_records(n)).unwrap();
    // `ulimit -n` then exec: the limit holds for kashif alone.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_kashif"))
        .args(doccano_import("amina", f.to_str().unwrap()))
        .arg("--corpus")
        .arg(root.join("corpus"))
        .arg("--annotations")
        .arg(root.join("ann"))
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{n} under {limit}: {said}");
    assert!(
        said.contains(&format!("{n} of {n} document(s) imported")),
        "{said}"
    );
    assert_each_baghdad_imported(root, n);
}

/// A temporary file a crashed writer left in the corpus folder is no
/// document (no warning telling to rename it) and the next import adding
/// texts removes it, saying so; one of a running writer stays.
#[test]
fn a_crashed_writers_temporary_text_is_ignored_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let corpus = root.join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    // Above any pid Linux gives (pid_max is at most 2^22).
    let dead = corpus.join("sub").join(".kashif-tmp.4294967.x.txt");
    std::fs::write(&dead, "في بغد").unwrap();
    let alive = corpus.join(format!(".kashif-tmp.{}.y.txt", std::process::id()));
    std::fs::write(&alive, "في").unwrap();
    let loaded = Corpus::load(&corpus).unwrap();
    assert!(loaded.documents.is_empty());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let f = root.join("one.jsonl");
    std::fs::write(&f, baghdad_records(1)).unwrap();
    let o = kashif(root, &doccano_import("amina", f.to_str().unwrap()));
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("removed 1 temporary file left by an interrupted writer"),
        "{err}"
    );
    assert!(!dead.exists());
    assert!(alive.exists(), "a running writer's file stays");
}

/// Two annotators' imports of the same new texts at once: whichever writes
/// a text first, the other finds the same text there and goes on (it
/// reported "File exists" and imported nothing); nothing is overwritten.
#[test]
fn two_imports_of_the_same_new_texts_at_once_both_come_in() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("corpus")).unwrap();
    let n = 3000;
    let f = root.join("many.jsonl");
    std::fs::write(&f, baghdad_records(n)).unwrap();
    let start = |who: &str| {
        Command::new(env!("CARGO_BIN_EXE_kashif"))
            .args(doccano_import(who, f.to_str().unwrap()))
            .arg("--corpus")
            .arg(root.join("corpus"))
            .arg("--annotations")
            .arg(root.join("ann"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start("amina"), start("omar"));
    for (who, child) in [("amina", a), ("omar", b)] {
        let o = child.wait_with_output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{who}: {said}");
        assert!(
            said.contains(&format!("{n} of {n} document(s) imported")),
            "{who}: {said}"
        );
    }
    let corpus = Corpus::load(&root.join("corpus")).unwrap();
    assert_eq!(corpus.documents.len(), n);
    assert!(temp_files(root).is_empty());
}

/// A document that cannot be written is named with its record's place, and
/// the summary counts it: the text of `x/doc` cannot go under `x`, a file.
#[test]
fn a_document_that_cannot_be_written_is_named_with_its_place_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("corpus")).unwrap();
    std::fs::write(root.join("corpus").join("x"), "not a folder").unwrap();
    let f = root.join("two.jsonl");
    std::fs::write(
        &f,
        "{\"id\": \"ok\", \"text\": \"في بغداد\", \"label\": [[3, 8, \"LOC\"]]}\n\
         {\"id\": \"x/doc\", \"text\": \"في دمشق\", \"label\": [[3, 7, \"LOC\"]]}\n",
    )
    .unwrap();
    let o = kashif(root, &doccano_import("amina", f.to_str().unwrap()));
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains("two.jsonl:2: document \"x/doc\": ") && err.contains("not imported"),
        "{err}"
    );
    assert!(out.contains("1 of 2 document(s) imported"), "{out}");
    assert!(
        out.contains("failed: 1 document(s) could not be written"),
        "{out}"
    );
    assert!(temp_files(root).is_empty());
}
