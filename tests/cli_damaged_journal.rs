//! A damaged edit journal on the command line: commands that only read
//! (export, eval, agree) stop with the damage named and say nothing else
//! (no "nothing to export" as if the annotator had annotated nothing);
//! `kashif propose`, which writes the annotator's files, keeps the journal
//! aside and goes on, as `import` and the workbench do (its refusal used to
//! send the user to run `propose`: found by a tester).

mod cli_support;

use cli_support::kashif;

use std::fs;
use std::path::{Path, PathBuf};

use kashif::annotation::{DocAnnotations, Span, Status};
use kashif::corpus::Corpus;
use kashif::store::{AnnotationFile, JOURNAL_NAME, Journal};

/// Two documents done with one entity each, journaled for "amina"; a
/// record after them, and one byte of the second record flipped (damage no
/// crash explains: a record follows it). The journal's path.
fn damaged(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let corpus = dir.join("corpus");
    let ann = dir.join("ann");
    fs::create_dir_all(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "قال بلينكين في الرياض").unwrap();
    fs::write(corpus.join("b.txt"), "زار أنتوني القاهرة").unwrap();
    let c = Corpus::load(&corpus).unwrap();
    let folder = ann.join("amina");
    fs::create_dir_all(&folder).unwrap();
    let done = |start, end, label: &str| DocAnnotations {
        status: Status::Done,
        entities: vec![Span::new(
            start,
            end,
            label,
            kashif::annotation::Origin::Manual,
        )],
        ..Default::default()
    };
    {
        let (mut j, _) = Journal::open(&folder).unwrap();
        let a = &c.documents[0];
        j.append(&[AnnotationFile::new(&a.id, a.text_hash(), "amina", &{
            let mut d = done(4, 11, "PER");
            d.entities[0].text = "بلينكين".into();
            d
        })])
        .unwrap();
        let b = &c.documents[1];
        j.append(&[AnnotationFile::new(&b.id, b.text_hash(), "amina", &{
            let mut d = done(11, 18, "LOC");
            d.entities[0].text = "القاهرة".into();
            d
        })])
        .unwrap();
        j.append(&[AnnotationFile::new(&a.id, a.text_hash(), "amina", &{
            let mut d = done(4, 11, "PER");
            d.entities[0].text = "بلينكين".into();
            d
        })])
        .unwrap();
    }
    let journal = folder.join(JOURNAL_NAME);
    let mut bytes = fs::read(&journal).unwrap();
    let first = 8 + u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    bytes[first + 12] ^= 0x01;
    fs::write(&journal, &bytes).unwrap();
    (corpus, ann, journal)
}

fn kept_aside(folder: &Path) -> Vec<String> {
    fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kashif-journal.damaged-"))
        .collect()
}

#[test]
fn readers_stop_naming_the_damage_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, ann, journal) = damaged(dir.path());
    let before = fs::read(&journal).unwrap();
    let out_file = dir.path().join("gold.conll");
    let runs: [&[&str]; 3] = [
        &[
            "export",
            "--annotator",
            "amina",
            "--format",
            "conll",
            "--out",
            out_file.to_str().unwrap(),
        ],
        &["eval", "--gold", "amina", "--pred", "proposals"],
        &["agree", "amina", "amina"],
    ];
    for args in runs {
        let out = kashif(args, &corpus, &ann);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert!(
            err.contains(&journal.display().to_string()) && err.contains("damaged at byte"),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("nothing to export") && !err.contains("no documents"),
            "{args:?} says more than the damage: {err}"
        );
    }
    assert!(!out_file.exists(), "nothing exported");
    assert_eq!(
        fs::read(&journal).unwrap(),
        before,
        "readers change nothing"
    );
}

#[test]
fn propose_keeps_the_journal_aside_says_so_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, ann, _) = damaged(dir.path());
    let out = kashif(
        &["propose", "--annotator", "amina", "--tagger", "fast"],
        &corpus,
        &ann,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning:") && err.contains("damaged"),
        "the damage is said: {err}"
    );
    assert_eq!(kept_aside(&ann.join("amina")).len(), 1, "{err}");
    // The record before the damage was replayed: a is done with its
    // entity, so export now reads and writes it.
    let gold = dir.path().join("gold.conll");
    let out = kashif(
        &[
            "export",
            "--annotator",
            "amina",
            "--format",
            "conll",
            "--out",
            gold.to_str().unwrap(),
        ],
        &corpus,
        &ann,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conll = fs::read_to_string(&gold).unwrap();
    assert!(
        conll.contains("بلينكين\tB-PER") || conll.contains("بلينكين B-PER"),
        "{conll}"
    );
}
