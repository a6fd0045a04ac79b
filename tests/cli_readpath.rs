//! One read path (issue 25): every command that reads an annotator's files
//! sees the edits the workbench made durable in its journal, even when the
//! workbench was killed before they reached the RON files; and every
//! command ends quietly when its output pipe closes.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const TEXT: &str = "زار بلينكين أرمينيا يوم الخميس.\n";

fn kashif(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run kashif")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A corpus of one article (`seeds/a.txt`) and amina's finished gold for it:
/// LOC «أرمينيا» at 12..19.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("seeds")).unwrap();
    fs::write(p.join("seeds/a.txt"), TEXT).unwrap();
    let hash = kashif::corpus::text_hash(TEXT);
    fs::create_dir_all(p.join("annotations/amina")).unwrap();
    fs::write(
        p.join("annotations/amina/a.ron"),
        format!(
            "(\n    version: 1,\n    document: \"a\",\n    text_hash: \"{hash}\",\n    annotator: \"amina\",\n    status: Done,\n    entities: [\n        (start: 12, end: 19, label: \"LOC\", origin: Manual, text: \"أرمينيا\"),\n    ],\n)\n"
        ),
    )
    .unwrap();
    dir
}

/// Runs the real workbench binary (scripted, no window) as layla: labels
/// «أرمينيا» LOC, marks the document done, and is SIGKILLed as soon as the
/// runner reports both edits saved (journaled). Autosave is told to wait an
/// hour before writing RON files, so the edits are in the journal only.
fn edit_and_kill(p: &Path) {
    fs::write(
        p.join("session.keys"),
        "select 12 19\n2\nCtrl+d\nsleep 600000\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args([
            "gui",
            "--annotator",
            "layla",
            "--save-delay-ms",
            "3600000",
            "--script",
            "session.keys",
        ])
        .current_dir(p)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut saved = false;
    for line in out.lines() {
        if line.unwrap() == "saved 3" {
            saved = true;
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(saved, "the scripted workbench never reported line 3 saved");
    let dir = p.join("annotations/layla");
    assert!(
        !dir.join("a.ron").exists(),
        "the RON file was written: this test is about edits in the journal only"
    );
    assert!(fs::metadata(dir.join(".kashif-journal")).unwrap().len() > 0);
}

#[test]
fn every_reader_sees_the_edits_of_a_killed_workbench() {
    let dir = project();
    let p = dir.path();
    edit_and_kill(p);
    let journal = fs::read(p.join("annotations/layla/.kashif-journal")).unwrap();

    // export: the entity, in a document marked done.
    let out = kashif(
        &[
            "export",
            "--annotator",
            "layla",
            "--format",
            "conll",
            "--out",
            "layla.conll",
        ],
        p,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let conll = fs::read_to_string(p.join("layla.conll")).unwrap();
    assert!(
        conll.contains("أرمينيا B-LOC") || conll.contains("أرمينيا\tB-LOC"),
        "{conll}"
    );
    assert!(
        text(&out.stderr).contains(".kashif-journal"),
        "{}",
        text(&out.stderr)
    );

    // eval: layla's LOC scored against amina's.
    let out = kashif(&["eval", "--gold", "amina", "--pred", "layla", "--json"], p);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["documents"], 1, "{v}");
    assert_eq!(v["strict"]["total"]["tp"], 1, "{v}");

    // agree: one document done by both, the same span.
    let out = kashif(&["agree", "amina", "layla", "--json"], p);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["documents"], 1, "{v}");
    assert_eq!(v[0]["strict"]["tp"], 1, "{v}");

    // stats: done, one LOC.
    let out = kashif(&["stats", "--annotator", "layla"], p);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let row = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("a "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[1], "done", "{stdout}");
    assert!(stdout.contains("1/1 done"), "{stdout}");

    // validate: the journaled state is checked, and the journal named.
    let out = kashif(&["validate"], p);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(".kashif-journal"), "{stdout}");
    assert!(
        text(&out.stderr).contains("checked 2 annotation files"),
        "{}",
        text(&out.stderr)
    );

    // Nothing was written by any reader.
    assert!(!p.join("annotations/layla/a.ron").exists());
    assert_eq!(
        fs::read(p.join("annotations/layla/.kashif-journal")).unwrap(),
        journal
    );
}

/// `kashif stats | head -0`, for every command that prints: the command
/// ends without a panic or an error message when the reader goes away.
#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let dir = project();
    let p = dir.path();
    // Enough documents that every command prints well past a pipe's buffer.
    for i in 0..400 {
        fs::write(p.join(format!("seeds/d{i:03}.txt")), TEXT).unwrap();
    }
    let commands: [&[&str]; 5] = [
        &["stats"],
        &["eval", "--gold", "amina", "--pred", "amina", "--all"],
        &["agree", "amina", "amina", "--all"],
        &["validate"],
        &["--help"],
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kashif"))
            .args(args)
            .current_dir(p)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end at once: the command's first print meets a
        // closed pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "kashif {args:?}: {stderr}"
        );
    }
}
