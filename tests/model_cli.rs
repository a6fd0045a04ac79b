//! The model's commands end to end: `train`, `tag`, `score`, `propose`.

use std::io::Write;
use std::process::{Command, Stdio};

fn kashif() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kashif"))
}

const TOY: &str = "\
قال O\nالرئيس O\nجورج B-PERS\nبوش I-PERS\nفي O\nباريس B-LOC\n\n\
زار O\nالرئيس O\nسامي B-PERS\nلندن B-LOC\n\n\
وصل O\nوزير O\nالى O\nالقاهرة B-LOC\n\n\
قال O\nالسيد O\nجورج B-PERS\nفي O\nمصر B-LOC\n\n\
أعلن O\nاتحاد B-ORG\nالكرة I-ORG\nفي O\nمصر B-LOC\n\n";

/// `kashif tag --format conll --model MODEL EXTRA...` on `input`; its output.
fn tag(model: &std::path::Path, extra: &[&str], input: &str) -> String {
    let mut child = kashif()
        .args(["tag", "--format", "conll"])
        .args(extra)
        .arg("--model")
        .arg(model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn train_is_repeatable_and_tag_keeps_blank_lines_and_filters_labels() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("toy.conll");
    std::fs::write(&data, TOY.repeat(4)).unwrap();
    let mut models = Vec::new();
    for name in ["a.model", "b.model"] {
        let out = dir.path().join(name);
        let st = kashif()
            .args(["train", "--holdout-fraction", "0.2", "--min-count", "1"])
            .arg("--data")
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        let report = String::from_utf8_lossy(&st.stdout).to_string();
        assert!(report.contains("micro"), "{report}");
        models.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(models[0], models[1], "same data, same bytes");

    let input = "قال x y\nالرئيس\nجورج\nبوش\nفي\nباريس\n\n\nزار\nلندن\n";
    let model = dir.path().join("a.model");
    let text = tag(&model, &["--labels", "LOC"], input);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), input.lines().count(), "{text}");
    assert_eq!(lines[0], "قال O");
    assert_eq!(lines[5], "باريس B-LOC");
    assert_eq!(lines[6], "");
    assert_eq!(lines[7], "");
    assert_eq!(lines[2], "جورج O", "PER is filtered out by --labels LOC");
    assert_eq!(lines[9], "لندن B-LOC");

    // --outside-penalty trades precision for recall: a huge one leaves no O
    let plain = tag(&model, &[], input);
    assert!(plain.lines().any(|l| l.ends_with(" O")), "{plain}");
    let eager = tag(&model, &["--outside-penalty", "1e6"], input);
    assert!(
        eager
            .lines()
            .filter(|l| !l.is_empty())
            .all(|l| !l.ends_with(" O")),
        "{eager}"
    );
}

#[test]
fn score_reports_exact_span_figures_and_rejects_mismatched_files() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.conll");
    let pred = dir.path().join("pred.conll");
    std::fs::write(&gold, "a B-PER\nb I-PER\nc O\n\nd B-LOC\n").unwrap();
    std::fs::write(&pred, "a B-PER\nb O\nc O\n\nd B-LOC\n").unwrap();
    let out = kashif()
        .arg("score")
        .arg(&gold)
        .arg(&pred)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let micro = text.lines().find(|l| l.starts_with("micro")).unwrap();
    let cols: Vec<&str> = micro.split_whitespace().collect();
    assert_eq!(&cols[1..4], ["0.5000", "0.5000", "0.5000"], "{text}");
    let loc = text.lines().find(|l| l.starts_with("LOC")).unwrap();
    assert!(loc.contains("1.0000"), "{text}");

    std::fs::write(&pred, "a B-PER\nb O\n").unwrap();
    let out = kashif()
        .args(["score", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&pred)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sentences"));
}

#[test]
fn propose_writes_files_validate_accepts_and_a_rerun_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ann = dir.path().join("ann");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let run = || {
        kashif()
            .args(["propose", "--corpus", seeds, "--annotator", "bot"])
            .arg("--annotations")
            .arg(&ann)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let files = std::fs::read_dir(ann.join("bot")).unwrap().count();
    assert!(files >= 5, "{files} files");
    let v = kashif()
        .args(["validate", "--corpus", seeds])
        .arg("--annotations")
        .arg(&ann)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    let second = run();
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("\n0 new proposals"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
}
