//! The export, import, eval and agree commands end to end, on the seed
//! articles plus one text with diacritics, Latin and a char outside the BMP.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kashif::annotation::{DocAnnotations, Origin, Span, Status};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store::{self, Store};

const EXTRA: &str = "قالَ أنتوني بلينكين (Antony Blinken) في واشنطن إنّ 𝒜 وَبِالْعِرَاقِ.\n";

/// Entities found by plain string search, the way an annotator would mark them.
const NAMES: [(&str, &str); 12] = [
    ("أرمينيا", "LOC"),
    ("أذربيجان", "LOC"),
    ("واشنطن", "LOC"),
    ("الولايات المتحدة", "LOC"),
    ("بلينكين", "PER"),
    ("بلينكن", "PER"),
    ("موسكو", "LOC"),
    ("بروكسل", "LOC"),
    ("باشينيان", "PER"),
    ("Antony Blinken", "PER"),
    ("𝒜", "MISC"),
    ("الْعِرَاقِ", "LOC"),
];

/// start, end, label, text
type Entity = (usize, usize, String, String);

struct Setup {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    annotations: PathBuf,
    root: PathBuf,
}

fn spans_of(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (name, label) in NAMES {
        for (b, _) in text.match_indices(name) {
            let start = text[..b].chars().count();
            out.push(Span {
                start,
                end: start + name.chars().count(),
                label: label.into(),
                origin: Origin::Manual,
                text: name.into(),
                proposed: None,
            });
        }
    }
    // One nested entity, which CoNLL cannot hold.
    if let Some(b) = text.find("وزير الخارجية الأمريكي") {
        let start = text[..b].chars().count();
        for (s, e, label) in [(start, start + 22, "PER"), (start + 5, start + 13, "ORG")] {
            out.push(Span {
                start: s,
                end: e,
                label: label.into(),
                origin: Origin::Manual,
                text: kashif::text::slice_chars(text, s, e).unwrap().into(),
                proposed: None,
            });
        }
    }
    out.sort_by(|a, b| a.key().cmp(&b.key()));
    out
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let corpus = root.join("corpus");
    std::fs::create_dir_all(corpus.join("more")).unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for e in std::fs::read_dir(&seeds).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(corpus.join("more/extra.txt"), EXTRA).unwrap();
    let annotations = root.join("annotations");
    let c = Corpus::load(&corpus).unwrap();
    let store = Store::open(&annotations, "amina").unwrap();
    for doc in &c.documents {
        let status = if doc.id.starts_with("004") {
            Status::InProgress
        } else {
            Status::Done
        };
        let ann = DocAnnotations {
            status,
            entities: spans_of(&doc.text),
            ..Default::default()
        };
        store.save(doc, &ann).unwrap();
    }
    Setup {
        _dir: dir,
        corpus,
        annotations,
        root,
    }
}

impl Setup {
    fn kashif(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_kashif"))
            .args(args)
            .arg("--corpus")
            .arg(&self.corpus)
            .arg("--annotations")
            .arg(&self.annotations)
            .output()
            .unwrap();
        eprintln!(
            "kashif {args:?}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `kashif export --format <format> <flags> --annotator <annotator> --out <out>`.
    fn export(&self, format: &str, flags: &[&str], annotator: &str, out: &Path) -> Output {
        let mut args = vec!["export", "--format", format];
        args.extend_from_slice(flags);
        args.extend(["--annotator", annotator, "--out", out.to_str().unwrap()]);
        self.kashif(&args)
    }

    /// `kashif import --format <format> <flags> --annotator <annotator> <file>`.
    fn import(&self, format: &str, flags: &[&str], annotator: &str, file: &Path) -> Output {
        let mut args = vec!["import", "--format", format];
        args.extend_from_slice(flags);
        args.extend(["--annotator", annotator, file.to_str().unwrap()]);
        self.kashif(&args)
    }

    /// `annotator`'s entities per document id (origin ignored).
    fn entities(&self, annotator: &str) -> Vec<(String, Status, Vec<Entity>)> {
        let c = Corpus::load(&self.corpus).unwrap();
        let schema = Schema::builtin();
        c.documents
            .iter()
            .filter_map(|d| {
                let l = store::read(&self.annotations, annotator, d, &schema).unwrap()?;
                assert!(l.problems.is_empty(), "{:?}", l.problems);
                let e = l
                    .annotations
                    .entities
                    .iter()
                    .map(|s| (s.start, s.end, s.label.clone(), s.text.clone()))
                    .collect();
                Some((d.id.clone(), l.annotations.status, e))
            })
            .collect()
    }

    /// `annotator`'s entities in document `id`.
    fn entities_in(&self, annotator: &str, id: &str) -> Vec<Entity> {
        let docs = self.entities(annotator);
        let doc = docs.into_iter().find(|d| d.0 == id);
        doc.unwrap_or_else(|| panic!("{annotator} has no file for {id}"))
            .2
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_format_exports_and_imports_back_the_same_entities() {
    let s = setup();
    let want: Vec<_> = s
        .entities("amina")
        .into_iter()
        .filter(|(id, _, _)| !id.starts_with("004"))
        .collect();
    assert_eq!(want.len(), 5);
    for (format, file) in [
        ("brat", "brat"),
        ("doccano", "d.jsonl"),
        ("spacy", "s.jsonl"),
        ("labelstudio", "ls.json"),
    ] {
        let out = s.root.join(file);
        let o = s.export(format, &[], "amina", &out);
        assert!(o.status.success(), "{format}");
        let back = format!("{format}-back");
        let o = s.import(format, &[], &back, &out);
        assert!(o.status.success(), "{format}");
        assert_eq!(s.entities(&back), want, "{format}");
    }
    // Label Studio with UTF-16 offsets, both ways.
    let out = s.root.join("ls16.json");
    assert!(
        s.export("labelstudio", &["--offsets", "utf16"], "amina", &out)
            .status
            .success()
    );
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"start\": 58,"),
        "𝒜 counts two UTF-16 units (char offset 57)"
    );
    assert!(
        s.import("labelstudio", &["--offsets", "utf16"], "ls16", &out)
            .status
            .success()
    );
    assert_eq!(s.entities("ls16"), want);
}

#[test]
fn conll_reports_nested_spans_and_puts_the_rest_back() {
    let s = setup();
    let out = s.root.join("gold.conll");
    let o = s.export("conll", &["--split-clitics", "--all"], "amina", &out);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("warning: 000_a5568e69e50189a5: ORG") && err.contains("IOB2 keeps the longer"),
        "{err}"
    );
    let conll = std::fs::read_to_string(&out).unwrap();
    assert!(conll.contains("و O\nأذربيجان B-LOC\n"));
    assert!(conll.contains("وَ O\nبِ O\nالْعِرَاقِ B-LOC\n"));
    let o = s.import("conll", &[], "back", &out);
    assert!(o.status.success());
    let nested = |e: &Entity| e.2 == "ORG" && e.3 == "الخارجية";
    let want: Vec<_> = s
        .entities("amina")
        .into_iter()
        .map(|(id, _, e)| {
            (
                id,
                Status::Done,
                e.into_iter().filter(|x| !nested(x)).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(s.entities("back"), want);
}

#[test]
fn import_never_overwrites_without_force_and_adds_texts_only_when_asked() {
    let s = setup();
    let f = s.root.join("x.jsonl");
    std::fs::write(&f, "{\"id\": \"more/extra\", \"text\": \"قالَ أنتوني بلينكين (Antony Blinken) في واشنطن إنّ 𝒜 وَبِالْعِرَاقِ.\\n\", \"label\": [[5, 19, \"PER\"]]}\n").unwrap();
    let o = s.import("doccano", &[], "amina", &f);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("exists; not overwritten (use --force)"));
    assert_eq!(s.entities_in("amina", "more/extra").len(), 5);
    let o = s.import("doccano", &["--force"], "amina", &f);
    assert!(o.status.success());
    assert_eq!(
        s.entities_in("amina", "more/extra"),
        [(5, 19, "PER".to_string(), "أنتوني بلينكين".to_string())]
    );

    let g = s.root.join("new.jsonl");
    std::fs::write(
        &g,
        "{\"text\": \"في بغداد\", \"label\": [[3, 8, \"LOC\"]]}\n",
    )
    .unwrap();
    let o = s.import("doccano", &[], "nadia", &g);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("new.jsonl:1: document: the text is not in the corpus"),
        "{}",
        stderr(&o)
    );
    assert!(!s.corpus.join("new-1.txt").exists());
    let o = s.import("doccano", &["--add-texts"], "nadia", &g);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(s.corpus.join("new-1.txt")).unwrap(),
        "في بغداد"
    );
    assert_eq!(
        s.entities("nadia"),
        [(
            "new-1".to_string(),
            Status::Done,
            vec![(3, 8, "LOC".to_string(), "بغداد".to_string())]
        )]
    );

    let bad = s.root.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"text\": \"في بغداد\", \"label\": [[3, 8, \"CITY\"]]}\n",
    )
    .unwrap();
    let o = s.import("doccano", &[], "nadia", &bad);
    // The record is skipped (exit 1) and its document, left with nothing,
    // is not written.
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad.jsonl:1: record 1, label 1: unknown label \"CITY\""),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("every one of its 1 entity record(s) was skipped; not written"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn eval_and_agree_give_the_known_figures() {
    let s = setup();
    // bilal = amina on the done documents, with three differences in 000:
    // one entity left out, one relabelled, one shifted by a char.
    let c = Corpus::load(&s.corpus).unwrap();
    let schema = Schema::builtin();
    let bilal = Store::open(&s.annotations, "bilal").unwrap();
    let mut n_gold = 0;
    for doc in &c.documents {
        let mut ann = store::read(&s.annotations, "amina", doc, &schema)
            .unwrap()
            .unwrap()
            .annotations;
        if ann.status != Status::Done {
            continue;
        }
        n_gold += ann.entities.len();
        if doc.id.starts_with("000") {
            ann.entities.remove(0); // (واشنطن)
            ann.entities[0].label = "ORG".into();
            ann.entities[1].end -= 1;
            ann.entities[1].text.pop();
        }
        bilal.save(doc, &ann).unwrap();
    }
    drop(bilal);
    let o = s.kashif(&["eval", "--gold", "amina", "--pred", "bilal", "--json"]);
    assert!(o.status.success());
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["documents"], 5);
    let total = |mode: &str| {
        let t = &r[mode]["total"];
        (
            t["tp"].as_u64().unwrap() as usize,
            t["fp"].as_u64().unwrap() as usize,
            t["fn"].as_u64().unwrap() as usize,
        )
    };
    assert_eq!(total("strict"), (n_gold - 3, 2, 3));
    assert_eq!(total("partial"), (n_gold - 2, 1, 2));
    assert_eq!(r["confusions"][0]["gold"], "LOC");
    assert_eq!(r["confusions"][0]["pred"], "ORG");
    let p = (n_gold - 3) as f64 / (n_gold - 1) as f64;
    let rc = (n_gold - 3) as f64 / n_gold as f64;
    assert!((r["strict"]["micro"]["f1"].as_f64().unwrap() - 2.0 * p * rc / (p + rc)).abs() < 1e-9);

    let o = s.kashif(&["agree", "amina", "amina", "bilal", "--json"]);
    assert!(o.status.success());
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(a[0]["kappa_tokens"]["kappa"], 1.0);
    assert_eq!(a[0]["kappa_entity_tokens"]["kappa"], 1.0);
    assert_eq!(a[0]["documents"], 5);
    assert_eq!(a[0]["strict"]["fp"], 0);
    assert!(a[1]["kappa_tokens"]["kappa"].as_f64().unwrap() < 1.0);
    // Krippendorff's unitizing alpha beside kappa: 1 for the same files,
    // less where one annotator relabelled a span.
    assert_eq!(a[0]["alpha_u"]["alpha"], 1.0);
    let au = a[1]["alpha_u"]["alpha"].as_f64().unwrap();
    assert!(au < 1.0 && au > 0.0, "{au}");
    let o = s.kashif(&["agree", "amina", "bilal"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("alpha_u by label"), "{table}");
    let o = s.kashif(&["eval", "--gold", "amina", "--pred", "bilal"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("LOC → ORG: 1"), "{table}");
}
