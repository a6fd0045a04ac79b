//! Parallel and sharded runs of `tag` and `propose` give exactly what one
//! thread and one machine give.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn kashif() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kashif"))
}

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");

/// The seed articles as CoNLL tokens: whitespace-split, a blank line after
/// `.` and at paragraph breaks, repeated so there is work to share.
fn seeds_conll() -> String {
    let mut out = String::new();
    let mut files: Vec<_> = std::fs::read_dir(SEEDS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for para in text.split('\n') {
            for w in para.split_whitespace() {
                out.push_str(w);
                out.push('\n');
                if w.ends_with('.') {
                    out.push('\n');
                }
            }
            out.push('\n');
        }
    }
    out.repeat(3)
}

fn tag(extra: &[&str], input: &str) -> Vec<u8> {
    let mut child = kashif()
        .args(["tag", "--format", "conll"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn tag_writes_the_same_bytes_with_one_thread_and_with_many() {
    let input = seeds_conll();
    let one = tag(&["--jobs", "1"], &input);
    let text = String::from_utf8(one.clone()).unwrap();
    assert_eq!(text.lines().count(), input.lines().count());
    assert!(
        text.lines().any(|l| l.ends_with("-LOC")),
        "the seeds have places"
    );
    for jobs in ["2", "3", "8"] {
        assert!(one == tag(&["--jobs", jobs], &input), "--jobs {jobs}");
    }
    assert!(one == tag(&[], &input), "default --jobs");
    let rules_one = tag(&["--with-rules", "--jobs", "1"], &input);
    assert!(rules_one == tag(&["--with-rules", "--jobs", "4"], &input));
}

#[test]
fn tag_rejects_zero_jobs() {
    let out = kashif()
        .args(["tag", "--jobs", "0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--jobs"));
}

/// Every file under `dir`, path relative to it → bytes (lock files aside).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != ".lock") {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn propose(corpus: &Path, ann: &Path, extra: &[&str]) -> String {
    let out = kashif()
        .args(["propose", "--annotator", "bot"])
        .arg("--corpus")
        .arg(corpus)
        .arg("--annotations")
        .arg(ann)
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    err
}

#[test]
fn propose_writes_the_same_files_whatever_the_jobs_and_the_shards() {
    let dir = tempfile::tempdir().unwrap();
    // Thirteen documents: the seeds under several names, and a subfolder.
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    let mut seeds: Vec<_> = std::fs::read_dir(SEEDS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    for (k, copy) in ["a", "b", "sub/c"].iter().enumerate() {
        for (i, s) in seeds.iter().enumerate().take(4 + k % 2) {
            let text = std::fs::read_to_string(s).unwrap();
            std::fs::write(corpus.join(format!("{copy}{i}.txt")), text).unwrap();
        }
    }
    let one = dir.path().join("one");
    let all = dir.path().join("all");
    let sharded = dir.path().join("sharded");
    propose(&corpus, &one, &["--jobs", "1"]);
    propose(&corpus, &all, &[]);
    let first = propose(&corpus, &sharded, &["--shard", "0/2", "--jobs", "3"]);
    assert!(first.contains("shard 0/2"), "{first}");
    let after_first = files(&sharded).len();
    propose(&corpus, &sharded, &["--shard", "1/2"]);

    let reference = files(&one);
    assert_eq!(reference.len(), 13, "{:?}", reference.keys());
    assert!(
        (1..13).contains(&after_first),
        "both shards have documents: {after_first} of 13"
    );
    assert!(
        reference.values().any(|b| b.len() > 200),
        "proposals written"
    );
    assert!(reference == files(&all), "--jobs 1 vs every core");
    assert!(reference == files(&sharded), "shards 0/2 + 1/2 vs one run");
}

#[test]
fn a_bad_shard_is_refused_with_its_form() {
    for bad in ["2/2", "1/0", "x/3", "3"] {
        let out = kashif()
            .args(["propose", "--corpus", SEEDS, "--shard", bad])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("I/N"), "{bad}: {err}");
    }
}
