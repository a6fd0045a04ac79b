//! The built `kashif` binary: `validate` and `stats` exit codes and output.

use std::fs;
use std::path::Path;
use std::process::Command;

fn kashif(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run kashif")
}

/// A corpus of two articles and one good annotation file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("seeds/sub")).unwrap();
    fs::write(p.join("seeds/a.txt"), "زار بلينكين أرمينيا يوم الخميس.\n").unwrap();
    fs::write(
        p.join("seeds/sub/b.txt"),
        "قالت وكالة رويترز (Reuters) إن ٣ وزراء وصلوا.\n",
    )
    .unwrap();
    let out = kashif(&["stats"], p);
    assert!(out.status.success());
    dir
}

fn write_good(p: &Path) {
    let text = fs::read_to_string(p.join("seeds/a.txt")).unwrap();
    let hash = kashif::corpus::text_hash(&text);
    fs::create_dir_all(p.join("annotations/amina")).unwrap();
    fs::write(
        p.join("annotations/amina/a.ron"),
        format!(
            "(\n    version: 1,\n    document: \"a\",\n    text_hash: \"{hash}\",\n    annotator: \"amina\",\n    status: Done,\n    entities: [\n        (start: 4, end: 11, label: \"PER\", origin: Manual, text: \"بلينكين\"),\n        (start: 12, end: 19, label: \"LOC\", origin: Manual, text: \"أرمينيا\"),\n    ],\n)\n"
        ),
    )
    .unwrap();
}

#[test]
fn validate_passes_on_a_good_folder() {
    let dir = project();
    write_good(dir.path());
    let out = kashif(&["validate"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout, "");
}

#[test]
fn validate_fails_on_a_corrupt_file_names_it_and_leaves_it_alone() {
    let dir = project();
    write_good(dir.path());
    let bad = dir.path().join("annotations/amina/sub/b.ron");
    fs::create_dir_all(bad.parent().unwrap()).unwrap();
    let corrupt = "(\n    version: 1,\n    document: \"sub/b\",\n    entities: [\n        (start: 5 end: 9),\n    ],\n";
    fs::write(&bad, corrupt).unwrap();
    let out = kashif(&["validate"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("annotations/amina/sub/b.ron:5:"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(fs::read_to_string(&bad).unwrap(), corrupt);
}

#[test]
fn validate_fails_on_a_span_that_does_not_match_and_on_unknown_documents() {
    let dir = project();
    write_good(dir.path());
    let p = dir.path().join("annotations/amina/a.ron");
    let src = fs::read_to_string(&p)
        .unwrap()
        .replace("\"LOC\"", "\"COUNTRY\"");
    fs::write(&p, src).unwrap();
    fs::copy(&p, dir.path().join("annotations/amina/gone.ron")).unwrap();
    let out = kashif(&["validate"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("a.ron:9:9: label \"COUNTRY\""), "{stdout}");
    assert!(
        stdout.contains("gone.ron: no document \"gone\""),
        "{stdout}"
    );
}

#[test]
fn validate_reports_files_of_the_corpus_that_do_not_load() {
    let dir = project();
    fs::write(
        dir.path().join("seeds/latin1.txt"),
        [0x63, 0x61, 0x66, 0xE9],
    )
    .unwrap();
    let out = kashif(&["validate"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("latin1.txt: not UTF-8 (invalid byte at offset 3)"),
        "{stdout}"
    );
}

#[test]
fn stats_counts_by_label_and_status() {
    let dir = project();
    write_good(dir.path());
    let out = kashif(&["stats"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("a "))
        .unwrap();
    let cols: Vec<&str> = row.split_whitespace().collect();
    // a, done, PER LOC ORG MISC DATE, total, proposed
    assert_eq!(cols, ["a", "done", "1", "1", "0", "0", "0", "2", "0"]);
    assert!(stdout.contains("1/2 done"), "{stdout}");
}

#[test]
fn validate_accepts_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = kashif(&["validate"], root);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
