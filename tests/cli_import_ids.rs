//! `kashif import` never puts a record on a document it cannot tell is its
//! own, never makes a name a record of the files or the corpus already has,
//! and never starts an annotator folder that macOS would merge with another
//! (found by a fresh tester, 2026-12-07).

mod cli_support;

use std::path::Path;
use std::process::Output;

/// `kashif ARGS` on `root`'s `corpus` and `ann` folders, its output shown.
fn kashif(root: &Path, args: &[&str]) -> Output {
    let out = cli_support::kashif(args, &root.join("corpus"), &root.join("ann"));
    eprintln!(
        "kashif {args:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `kashif import --format doccano --add-texts --annotator WHO FILE`, with
/// `extra` options, on `root`'s folders.
fn import_doccano(root: &Path, who: &str, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", "--format", "doccano", "--add-texts"];
    args.extend_from_slice(extra);
    args.extend(["--annotator", who, file.to_str().unwrap()]);
    kashif(root, &args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const TEXT: &str = "قال أحمد إن بغداد هادئة";

/// Two documents with one text: a CoNLL export without ids cannot say which
/// is which, so importing it refuses both records naming the documents,
/// and puts neither's entities on the other.
#[test]
fn a_text_two_documents_share_is_refused_without_ids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("corpus")).unwrap();
    let file = root.join("two.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"id\":\"p\",\"text\":\"{TEXT}\",\"label\":[[4,8,\"PER\"]]}}\n{{\"id\":\"q\",\"text\":\"{TEXT}\",\"label\":[[12,17,\"LOC\"]]}}\n"
        ),
    )
    .unwrap();
    let out = import_doccano(root, "carl", &file, &["--status", "done"]);
    assert!(out.status.success());
    let conll = root.join("carl.conll");
    let out = kashif(
        root,
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "carl",
            "--out",
            conll.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let out = kashif(
        root,
        &[
            "import",
            "--format",
            "conll",
            "--annotator",
            "dan",
            conll.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(
        err.matches("the text is that of 2 corpus documents (\"p\", \"q\")")
            .count(),
        2,
        "{err}"
    );
    let written: Vec<_> = std::fs::read_dir(root.join("ann/dan"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
                .collect()
        })
        .unwrap_or_default();
    assert!(written.is_empty(), "{written:?}");
}

/// Records without an id get names no corpus document or record has; a
/// record whose id the corpus lacks but whose text it has is placed there
/// with a `changed:` line.
#[test]
fn made_names_skip_taken_ones_and_a_text_match_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("corpus")).unwrap();
    std::fs::write(root.join("corpus/d-1.txt"), "في بغداد").unwrap();
    std::fs::write(root.join("corpus/D-2.txt"), "في دمشق").unwrap();
    let file = root.join("d.jsonl");
    std::fs::write(
        &file,
        "{\"text\":\"في حلب\",\"label\":[[3,6,\"LOC\"]]}\n\
         {\"text\":\"في حمص\",\"label\":[[3,6,\"LOC\"]]}\n\
         {\"id\":\"d-3\",\"text\":\"في عمان\",\"label\":[[3,7,\"LOC\"]]}\n\
         {\"id\":\"base\",\"text\":\"في بغداد\",\"label\":[[3,8,\"LOC\"]]}\n",
    )
    .unwrap();
    let out = import_doccano(root, "amina", &file, &[]);
    assert!(out.status.success());
    let err = stderr(&out);
    for id in ["d-3", "d-4", "d-5"] {
        assert!(
            root.join(format!("ann/amina/{id}.ron")).exists(),
            "{id}: {err}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(root.join("corpus/d-1.txt")).unwrap(),
        "في بغداد"
    );
    assert!(
        err.contains("document \"base\": no corpus document has this id; placed on \"d-1\""),
        "{err}"
    );
    assert!(root.join("ann/amina/d-1.ron").exists());
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("1 record(s) placed by their text"),
        "{summary}"
    );
}

/// An annotator name equal but for case or composition to an existing
/// folder's is refused; nothing is written under a second folder.
#[test]
fn an_annotator_folder_differing_only_in_case_is_not_made() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("corpus")).unwrap();
    std::fs::create_dir_all(root.join("ann/amina")).unwrap();
    std::fs::create_dir_all(root.join("ann/zo\u{e9}")).unwrap();
    let file = root.join("x.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"x\",\"text\":\"في بغداد\",\"label\":[[3,8,\"LOC\"]]}\n",
    )
    .unwrap();
    for who in ["Amina", "zoe\u{301}"] {
        let out = import_doccano(root, who, &file, &[]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains("only in case or Unicode composition"), "{err}");
        assert!(!root.join("ann").join(who).exists(), "{who}");
    }
}

/// `stats` shows an id with a trailing space quoted, so it does not look
/// like the id without it.
#[test]
fn stats_tells_ids_apart_that_differ_in_spaces_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("ann")).unwrap();
    std::fs::create_dir(root.join("corpus")).unwrap();
    std::fs::write(root.join("corpus/trail.txt"), "في بغداد").unwrap();
    std::fs::write(root.join("corpus/trail .txt"), "في دمشق").unwrap();
    std::fs::create_dir_all(root.join("ann/amina")).unwrap();
    let out = kashif(root, &["stats"]);
    let rows = String::from_utf8_lossy(&out.stdout);
    assert!(rows.contains("\"trail \""), "{rows}");
    assert!(
        rows.lines().any(|l| l.trim_start().starts_with("trail ")),
        "{rows}"
    );
}
