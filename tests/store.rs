//! The RON store on real files: round trip, interrupted saves, corrupt files,
//! re-anchoring and the writer lock.

use std::fs;
use std::path::Path;

use kashif::annotation::{DocAnnotations, Edit, Origin, Proposal, Source, Span, Status};
use kashif::corpus::Document;
use kashif::schema::Schema;
use kashif::store::{self, Severity, Store, StoreError};
use kashif::text::CharIndex;

/// Arabic with diacritics, embedded Latin and digits, and a char outside the BMP.
const TEXT: &str = "وقالَ وزيرُ الخارجية أنتوني بلينكين (Antony Blinken) في 15 نوفمبر 𝒜 إن أرمينيا وأذربيجان اقتربتا.";

fn doc(text: &str) -> Document {
    Document {
        id: "sub/article".into(),
        text: text.into(),
        path: "sub/article.txt".into(),
    }
}

/// Char range of the `n`-th occurrence of `needle` (tests state places by text).
fn range_of(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).expect("needle in text");
    let idx = CharIndex::new(text);
    let s = idx.char_of(b);
    (s, s + needle.chars().count())
}

fn annotated(text: &str) -> DocAnnotations {
    let idx = CharIndex::new(text);
    let mut ann = DocAnnotations::default();
    for (needle, label) in [
        ("أنتوني بلينكين", "PER"),
        ("Antony Blinken", "PER"),
        ("15 نوفمبر", "DATE"),
        ("أرمينيا", "LOC"),
        ("أذربيجان", "LOC"),
    ] {
        let (start, end) = range_of(text, needle);
        let span = Span {
            start,
            end,
            label: label.into(),
            origin: Origin::Manual,
            text: String::new(),
            proposed: None,
        };
        Edit::Add(span).apply(&mut ann, text, &idx).unwrap();
    }
    let (start, end) = range_of(text, "الخارجية");
    let p = Proposal {
        start,
        end,
        label: "ORG".into(),
        text: "الخارجية".into(),
        confidence: 0.25,
        source: Source::Rule,
    };
    Edit::Propose(p.clone())
        .apply(&mut ann, text, &idx)
        .unwrap();
    let (start, end) = range_of(text, "𝒜");
    let q = Proposal {
        start,
        end,
        label: "MISC".into(),
        text: "𝒜".into(),
        confidence: 0.5,
        source: Source::Model,
    };
    Edit::Propose(q.clone())
        .apply(&mut ann, text, &idx)
        .unwrap();
    Edit::reject(&q).apply(&mut ann, text, &idx).unwrap();
    ann.status = Status::InProgress;
    ann
}

#[test]
fn offsets_are_chars_over_diacritics_latin_and_astral() {
    let ann = annotated(TEXT);
    let idx = CharIndex::new(TEXT);
    for s in &ann.entities {
        assert_eq!(idx.slice(TEXT, s.start, s.end), Some(s.text.as_str()));
    }
    // The fatha and damma are chars of their own, so the person starts at 21.
    let per = ann
        .entities
        .iter()
        .find(|s| s.text == "أنتوني بلينكين")
        .unwrap();
    assert_eq!((per.start, per.end), (21, 35));
    // 𝒜 is one char (two UTF-16 units, four bytes).
    assert_eq!(ann.rejected[0].end - ann.rejected[0].start, 1);
}

#[test]
fn ron_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(TEXT);
    let ann = annotated(TEXT);
    let schema = Schema::builtin();
    let store = Store::open(dir.path(), "amina").unwrap();
    store.save(&d, &ann).unwrap();
    let path = dir.path().join("amina/sub/article.ron");
    assert!(path.exists());
    let loaded = store.load(&d, &schema).unwrap().unwrap();
    assert_eq!(loaded.problems, vec![]);
    assert_eq!(loaded.annotations, ann);
    // Saving what was loaded writes the same bytes: stable files, clean diffs.
    let before = fs::read(&path).unwrap();
    store.save(&d, &loaded.annotations).unwrap();
    assert_eq!(fs::read(&path).unwrap(), before);
    let src = String::from_utf8(before).unwrap();
    assert!(src.contains("version: 1"), "{src}");
    assert!(src.contains("annotator: \"amina\""), "{src}");
}

#[test]
fn interrupted_save_leaves_old_file_and_temp_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(TEXT);
    let ann = annotated(TEXT);
    let path = {
        let store = Store::open(dir.path(), "amina").unwrap();
        store.save(&d, &ann).unwrap();
        store.path(&d.id)
    };
    let old = fs::read(&path).unwrap();
    // A crash after the temporary file was written but before the rename.
    let tmp = path.with_file_name(".kashif-tmp.4242.article.ron");
    fs::write(&tmp, b"(version: 1, document: \"sub/art").unwrap();
    // Readers ignore it...
    let schema = Schema::builtin();
    let loaded = store::read(dir.path(), "amina", &d, &schema)
        .unwrap()
        .unwrap();
    assert_eq!(loaded.annotations, ann);
    assert_eq!(fs::read(&path).unwrap(), old);
    // ...and the next writer removes it.
    let store = Store::open(dir.path(), "amina").unwrap();
    assert_eq!(store.cleaned(), std::slice::from_ref(&tmp));
    assert!(!tmp.exists());
    assert_eq!(fs::read(&path).unwrap(), old);
}

#[test]
fn corrupt_file_is_reported_with_position_and_never_touched() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(TEXT);
    let path = dir.path().join("amina/sub/article.ron");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let corrupt = "(\n    version: 1,\n    document: \"sub/article\",\n    entities: [(start: 1,, end: 2)],\n)\n";
    fs::write(&path, corrupt).unwrap();
    let schema = Schema::builtin();
    let store = Store::open(dir.path(), "amina").unwrap();
    match store.load(&d, &schema) {
        Err(StoreError::Parse { line, col, .. }) => {
            assert_eq!(line, 4);
            assert!(col > 1);
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let err = store.save(&d, &annotated(TEXT)).unwrap_err();
    assert!(
        matches!(err, StoreError::WouldOverwriteBroken { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("article.ron"));
    drop(store);
    assert_eq!(fs::read_to_string(&path).unwrap(), corrupt);
    assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn newer_format_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(TEXT);
    let path = dir.path().join("amina/sub/article.ron");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, "(version: 7, whatever: [1, 2])").unwrap();
    let err = store::read(dir.path(), "amina", &d, &Schema::builtin()).unwrap_err();
    assert!(matches!(err, StoreError::Version { found: 7, .. }), "{err}");
}

#[test]
fn reanchors_after_the_text_changed_and_keeps_what_it_cannot_place() {
    let dir = tempfile::tempdir().unwrap();
    let schema = Schema::builtin();
    let store = Store::open(dir.path(), "amina").unwrap();
    let mut first = annotated(TEXT);
    let (rs, re) = range_of(TEXT, "أذربيجان");
    first.rejected.push(kashif::annotation::Rejected {
        start: rs,
        end: re,
        label: "PER".into(),
        text: "أذربيجان".into(),
    });
    store.save(&doc(TEXT), &first).unwrap();

    // A sentence is inserted before, and "أرمينيا" is edited away.
    let new_text = format!("(واشنطن) {}", TEXT.replace("أرمينيا", "روسيا"));
    let d2 = doc(&new_text);
    let loaded = store.load(&d2, &schema).unwrap().unwrap();
    let ann = &loaded.annotations;
    let idx = CharIndex::new(&new_text);
    for s in &ann.entities {
        assert_eq!(
            idx.slice(&new_text, s.start, s.end),
            Some(s.text.as_str()),
            "{s:?}"
        );
    }
    assert_eq!(ann.entities.len(), 4);
    assert_eq!(ann.detached.len(), 1);
    assert_eq!(ann.detached[0].text, "أرمينيا");
    let errors: Vec<_> = loaded
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", loaded.problems);
    assert!(errors[0].message.contains("أرمينيا"));
    assert!(errors[0].line_col.is_some());
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.message.contains("text changed"))
    );

    // Rejections move with their text too (one left at its old offsets
    // covered other words and its name was proposed again).
    let r = ann
        .rejected
        .iter()
        .find(|r| r.text == "أذربيجان")
        .expect("the rejection is kept");
    assert_eq!(idx.slice(&new_text, r.start, r.end), Some("أذربيجان"));
    assert_ne!((r.start, r.end), (rs, re));

    // Saving keeps the detached entity in the file: nothing is dropped.
    store.save(&d2, ann).unwrap();
    let again = store.load(&d2, &schema).unwrap().unwrap();
    assert_eq!(again.annotations.detached, ann.detached);
    assert_eq!(again.annotations.entities, ann.entities);
}

#[test]
fn validation_reports_bad_spans_and_labels_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(TEXT);
    let path = dir.path().join("amina/sub/article.ron");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let (s, e) = range_of(TEXT, "أرمينيا");
    let src = format!(
        "(\n    version: 1,\n    document: \"sub/article\",\n    text_hash: \"{}\",\n    annotator: \"amina\",\n    status: Todo,\n    entities: [\n        (start: {s}, end: {e}, label: \"PLACE\", origin: Manual, text: \"أرمينيا\"),\n        (start: 500, end: 505, label: \"LOC\", origin: Manual, text: \"موسكو\"),\n    ],\n)\n",
        d.text_hash()
    );
    fs::write(&path, &src).unwrap();
    let loaded = store::read(dir.path(), "amina", &d, &Schema::builtin())
        .unwrap()
        .unwrap();
    let lines: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("article.ron:8:9:") && lines[0].contains("PLACE"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("article.ron:9:9:") && lines[1].contains("detached"),
        "{lines:?}"
    );
    assert_eq!(loaded.annotations.detached.len(), 1);
}

#[test]
fn a_second_writer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path(), "amina").unwrap();
    let err = Store::open(dir.path(), "amina").unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }));
    assert!(err.to_string().contains("another Kashif process"));
    // Another annotator's folder is independent.
    Store::open(dir.path(), "omar").unwrap();
    drop(first);
    Store::open(dir.path(), "amina").unwrap();
}

#[test]
fn annotators_and_files_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "amina").unwrap();
    store.save(&doc(TEXT), &annotated(TEXT)).unwrap();
    fs::create_dir(dir.path().join("omar")).unwrap();
    assert_eq!(store::annotators(dir.path()), ["amina", "omar"]);
    let files = store::annotation_files(&dir.path().join("amina"));
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].0, "sub/article");
    assert!(Path::new(&files[0].1).ends_with("amina/sub/article.ron"));
}

/// A journal damaged before its end (not a crash's torn tail): the
/// read-only commands refuse to read past it, naming the file and the byte;
/// the workbench replays only the records before the damage, keeps the
/// whole file aside (never deleted, never overwritten), and says so in the
/// status bar and among the folder's errors; afterwards everything reads.
#[test]
fn a_damaged_journal_is_kept_aside_said_and_never_replayed_past_the_damage() {
    use kashif::corpus::Corpus;
    use kashif::store::{AnnotationFile, JOURNAL_NAME, Journal};
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let ann = dir.path().join("ann");
    fs::create_dir_all(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "قال بلينكين في الرياض").unwrap();
    fs::write(corpus.join("b.txt"), "زار أنتوني القاهرة").unwrap();
    let c = Corpus::load(&corpus).unwrap();
    let folder = ann.join("amina");
    fs::create_dir_all(&folder).unwrap();
    let done = DocAnnotations {
        status: Status::Done,
        ..Default::default()
    };
    {
        let (mut j, _) = Journal::open(&folder).unwrap();
        for d in &c.documents {
            j.append(&[AnnotationFile::new(&d.id, d.text_hash(), "amina", &done)])
                .unwrap();
        }
        j.append(&[AnnotationFile::new(
            &c.documents[0].id,
            c.documents[0].text_hash(),
            "amina",
            &done,
        )])
        .unwrap();
    }
    let journal = folder.join(JOURNAL_NAME);
    let mut bytes = fs::read(&journal).unwrap();
    let first = 8 + u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    bytes[first + 12] ^= 0x01; // inside b's record; a third record follows
    fs::write(&journal, &bytes).unwrap();

    // Readers (export, stats, eval...) refuse, naming file, byte and fix.
    let e = store::Reader::open(&ann, "amina").unwrap_err().to_string();
    assert!(
        e.contains(&journal.display().to_string())
            && e.contains(&format!("damaged at byte {first} of {}", bytes.len()))
            && e.contains("Open the workbench"),
        "{e}"
    );
    assert_eq!(
        fs::read(&journal).unwrap(),
        bytes,
        "a reader changes nothing"
    );

    // The workbench: a is recovered from the record before the damage; b is
    // not replayed from garbage; the whole journal is kept aside.
    let s = kashif::workflow::Session::open(c.clone(), Schema::builtin(), &ann, "amina").unwrap();
    let d = s.journal_damage().expect("damage said").clone();
    assert_eq!(d.offset, first as u64);
    let kept = d.kept.clone().expect("kept aside");
    assert!(
        kept.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".kashif-journal.damaged-"),
        "{kept:?}"
    );
    assert_eq!(
        fs::read(&kept).unwrap(),
        bytes,
        "the whole file, byte for byte"
    );
    let m = s.message().unwrap_or_default().to_string();
    assert!(
        m.starts_with("Warning: ")
            && m.contains(&format!("damaged at byte {first}"))
            && m.contains(&kept.display().to_string()),
        "{m}"
    );
    let a = s.index_of(&c.documents[0].id).unwrap();
    let b = s.index_of(&c.documents[1].id).unwrap();
    assert_eq!(s.annotations(a).unwrap().status, Status::Done);
    assert_ne!(s.annotations(b).unwrap().status, Status::Done);
    drop(s);
    // The live journal holds nothing damaged any more; readers read again.
    let r = store::Reader::open(&ann, "amina").unwrap();
    assert!(r.journaled().is_empty() || !r.journaled().contains(&"b"));
    assert_eq!(fs::read(&kept).unwrap(), bytes, "never touched again");
}

/// A lock let go of a moment after the open began (a workbench killed just
/// before it restarts, still being torn down) is taken, not refused.
#[test]
fn a_lock_let_go_within_the_grace_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path(), "amina").unwrap();
    let let_go = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(first);
    });
    Store::open(dir.path(), "amina").expect("taken once let go");
    let_go.join().unwrap();
}
