//! The eight real-world import cases of `../shared/cases/import/` (copied
//! byte for byte into `tests/fixtures/import/`), run through `kashif import`
//! (and export where the case asks) as a new user would, each checked
//! against the right result its `case.md` gives. Plus the rules every import
//! follows: a summary, exit status 0/1/2, input files never written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kashif::annotation::Status;
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store;

fn fixture(case: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(case)
        .join(file)
}

struct Run {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    annotations: PathBuf,
    root: PathBuf,
}

/// (start, end, label, text)
type Entity = (usize, usize, String, String);

fn fresh() -> Run {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let corpus = root.join("corpus");
    let annotations = root.join("ann");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::create_dir_all(&annotations).unwrap();
    Run {
        _dir: dir,
        corpus,
        annotations,
        root,
    }
}

struct Done {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Done {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Run {
    fn kashif(&self, args: &[&str], files: &[PathBuf]) -> Done {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_kashif"))
            .args(args)
            .arg("--corpus")
            .arg(&self.corpus)
            .arg("--annotations")
            .arg(&self.annotations)
            .args(files)
            .output()
            .unwrap();
        let d = Done {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        eprintln!("kashif {args:?} {files:?} -> {}\n{}", d.code, d.all());
        d
    }

    fn import(&self, format: &str, extra: &[&str], files: &[PathBuf]) -> Done {
        let mut args = vec![
            "import",
            "--format",
            format,
            "--annotator",
            "t",
            "--add-texts",
        ];
        args.extend_from_slice(extra);
        self.kashif(&args, files)
    }

    /// Every document of the corpus with `annotator`'s file: id, text,
    /// status, entities.
    fn docs(&self, annotator: &str) -> Vec<(String, String, Status, Vec<Entity>)> {
        let c = Corpus::load(&self.corpus).unwrap();
        let schema = Schema::builtin();
        c.documents
            .iter()
            .filter_map(|d| {
                let l = store::read(&self.annotations, annotator, d, &schema).unwrap()?;
                let e = l
                    .annotations
                    .entities
                    .iter()
                    .map(|s| (s.start, s.end, s.label.clone(), s.text.clone()))
                    .collect();
                Some((d.id.clone(), d.text.clone(), l.annotations.status, e))
            })
            .collect()
    }

    fn only_doc(&self) -> (String, String, Status, Vec<Entity>) {
        let mut d = self.docs("t");
        assert_eq!(d.len(), 1, "{d:?}");
        d.remove(0)
    }
}

fn e(start: usize, end: usize, label: &str, text: &str) -> Entity {
    (start, end, label.to_string(), text.to_string())
}

/// Every entity's text is the slice of the stored text at its offsets.
fn slices_hold(text: &str, entities: &[Entity]) {
    let chars: Vec<char> = text.chars().collect();
    for (s, en, _, t) in entities {
        assert_eq!(&chars[*s..*en].iter().collect::<String>(), t);
    }
}

fn bytes_of(files: &[PathBuf]) -> Vec<Vec<u8>> {
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn case_01_brat_crlf_offsets_read_the_way_the_t_lines_fit() {
    let r = fresh();
    let files = vec![
        fixture("01-brat-crlf-arabic", "doc01.ann"),
        fixture("01-brat-crlf-arabic", "doc02.ann"),
    ];
    let before = bytes_of(&[
        fixture("01-brat-crlf-arabic", "doc01.txt"),
        fixture("01-brat-crlf-arabic", "doc02.txt"),
    ]);
    let out = r.import("brat", &[], &files);
    assert_eq!(out.code, 0, "{}", out.all());
    let want = vec![
        e(0, 7, "LOC", "القاهرة"),
        e(9, 15, "ORG", "رويترز"),
        e(25, 47, "ORG", "وزارة الخارجية المصرية"),
        e(86, 97, "PER", "سامي الخطيب"),
        e(115, 120, "LOC", "عمّان"),
        e(147, 166, "ORG", "جامعة الدول العربية"),
    ];
    let docs = r.docs("t");
    assert_eq!(docs.len(), 2);
    for (id, text, status, ents) in &docs {
        assert_eq!(ents, &want, "{id}");
        assert!(!text.contains('\r'));
        assert_eq!(*status, Status::Done);
        slices_hold(text, ents);
    }
    // The summary says which reading each file needed.
    assert!(
        out.stdout.contains("doc01.ann: read as brat")
            && out.stdout.contains("CRLF counted as one"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("CRLF counted as two"), "{}", out.stdout);
    assert!(out.stdout.contains("stored with LF"), "{}", out.stdout);
    // The user's .txt files are never rewritten.
    assert_eq!(
        before,
        bytes_of(&[
            fixture("01-brat-crlf-arabic", "doc01.txt"),
            fixture("01-brat-crlf-arabic", "doc02.txt"),
        ])
    );
    // Round trip: the exported .txt, read in text mode, slices to the surfaces.
    let exp = r.root.join("out");
    let out = r.kashif(
        &[
            "export",
            "--format",
            "brat",
            "--annotator",
            "t",
            "--all",
            "--out",
            exp.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    for id in ["doc01", "doc02"] {
        let text = std::fs::read_to_string(exp.join(format!("{id}.txt"))).unwrap();
        let chars: Vec<char> = text.replace("\r\n", "\n").chars().collect();
        let ann = std::fs::read_to_string(exp.join(format!("{id}.ann"))).unwrap();
        for line in ann.lines() {
            let cols: Vec<&str> = line.splitn(3, '\t').collect();
            let nums: Vec<usize> = cols[1]
                .split([' ', ';'])
                .skip(1)
                .map(|n| n.parse().unwrap())
                .collect();
            let s: String = chars[nums[0]..nums[1]].iter().collect();
            assert_eq!(s, cols[2]);
        }
    }
}

#[test]
fn case_01_a_t_line_that_fits_no_reading_is_an_error_not_a_shifted_span() {
    let r = fresh();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        fixture("01-brat-crlf-arabic", "doc01.txt"),
        dir.join("x.txt"),
    )
    .unwrap();
    let ann = std::fs::read_to_string(fixture("01-brat-crlf-arabic", "doc01.ann")).unwrap();
    std::fs::write(
        dir.join("x.ann"),
        ann.replace("T4\tPER 86 97", "T4\tPER 84 95"),
    )
    .unwrap();
    let out = r.import("brat", &[], &[dir.join("x.ann")]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr.contains("x.ann:4: T4: PER span 84..95 covers"),
        "{}",
        out.stderr
    );
    let (_, _, _, ents) = r.only_doc();
    assert_eq!(ents.len(), 5);
    assert!(ents.iter().all(|e| e.2 != "PER"));
}

#[test]
fn case_02_brat_fragments_merged_gap_skipped_overlap_warned() {
    let r = fresh();
    let out = r.import(
        "brat",
        &[],
        &[fixture("02-brat-discontinuous-fragments", "doc.ann")],
    );
    assert_eq!(out.code, 1, "T4 is skipped\n{}", out.all());
    let (_, text, _, ents) = r.only_doc();
    slices_hold(&text, &ents);
    assert_eq!(
        ents,
        vec![
            e(11, 24, "ORG", "الأمم\nالمتحدة"),
            e(29, 34, "LOC", "بيروت"),
            e(47, 62, "ORG", "وزارتا الخارجية"),
            e(109, 128, "ORG", "جامعة\nالدول\nالعربية"),
        ]
    );
    assert!(
        out.stderr.contains("skipped: ")
            && out
                .stderr
                .contains("doc.ann:4: T4: ORG discontinuous entity: fragments 47 53;64 70"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("2 span(s) merged from fragments"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("1 overlapping fragment(s) merged"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("skipped: 1 record(s)"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("doc.ann:6: T6"), "{}", out.stderr);
}

#[test]
fn case_04_anercorp_stream_without_blank_lines() {
    let r = fresh();
    let out = r.import(
        "conll",
        &[],
        &[fixture("04-conll-anercorp-original", "anercorp-style.txt")],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let (_, text, _, ents) = r.only_doc();
    assert_eq!(
        text,
        "عمان (د ب أ) ـ أعلن البنك المركزي الأردني أن النمو بلغ بـ2.4 في المائة . وقال المحافظ سامي الخطيب إن الوضع عظـــيم ، مشيرا إلى مدينة الزرقاء , والعقبة الأسبوع المقبل، ."
    );
    assert_eq!(
        ents,
        vec![
            e(0, 4, "LOC", "عمان"),
            e(20, 41, "ORG", "البنك المركزي الأردني"),
            e(86, 97, "PER", "سامي الخطيب"),
            e(133, 140, "LOC", "الزرقاء"),
            e(143, 150, "LOC", "والعقبة"),
        ]
    );
    // PERS mapped to the schema's PER, and said so; I-LOC after O noted by line.
    assert!(
        out.stdout.contains("PERS") && out.stdout.contains("PER"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("anercorp-style.txt:28: I-LOC"),
        "{}",
        out.stderr
    );
}

#[test]
fn case_05_conll2003_iob1_docstart_i_o_and_label_studio_export() {
    let r = fresh();
    let files = vec![
        fixture("05-conll2003-iob1-docstart", "conll2003-iob1.conll"),
        fixture("05-conll2003-iob1-docstart", "labelstudio-export.conll"),
    ];
    let out = r.import("conll", &[], &files);
    assert_eq!(out.code, 0, "{}", out.all());
    let docs = r.docs("t");
    assert_eq!(docs.len(), 3, "{docs:?}");
    let find = |start: &str| {
        docs.iter()
            .find(|d| d.1.starts_with(start))
            .unwrap_or_else(|| panic!("no document starting {start}"))
            .clone()
    };
    let d1 = find("مباريات");
    assert_eq!(d1.1, "مباريات اليوم : الأهلي الزمالك في القاهرة .");
    assert_eq!(
        d1.3,
        vec![
            e(16, 22, "ORG", "الأهلي"),
            e(23, 30, "ORG", "الزمالك"),
            e(34, 41, "LOC", "القاهرة"),
        ]
    );
    let d2 = find("قال");
    assert_eq!(d2.1, "قال مدرب المنتخب سامر النجار إن مجمع الملاعب جاهز .");
    assert_eq!(d2.3, vec![e(17, 28, "PER", "سامر النجار")]);
    for d in &docs {
        assert!(!d.1.contains("DOCSTART"));
    }
    assert!(
        out.stderr.contains("conll2003-iob1.conll:20:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("conll2003-iob1.conll:21:"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("IOB1"), "{}", out.stdout);
    let ls = find("وصل");
    assert_eq!(
        ls.1,
        "وصل الوفد السوري إلى دمشق، قادما من بيروت.\nوأكدت وكالة سانا الخبر."
    );
    assert_eq!(
        ls.3,
        vec![
            e(21, 26, "LOC", "دمشق،"),
            e(36, 42, "LOC", "بيروت."),
            e(49, 59, "ORG", "وكالة سانا"),
        ]
    );
}

const CASE_07_TEXT: &str = "أعلنت أرامكو السعودية من الرياض عن أرباح قياسية، بحسب وكالة رويترز.";

#[test]
fn case_07_doccano_export_shapes() {
    let want = vec![
        e(6, 21, "ORG", "أرامكو السعودية"),
        e(25, 31, "LOC", "الرياض"),
        e(60, 66, "ORG", "رويترز"),
    ];
    for file in [
        "a-v1-labels.jsonl",
        "b-current-label.jsonl",
        "c-relations-pretty.jsonl",
        "e-data-key-duplicates.jsonl",
    ] {
        let r = fresh();
        let out = r.import(
            "doccano",
            &[],
            &[fixture("07-doccano-export-variants", file)],
        );
        assert_eq!(out.code, 0, "{file}\n{}", out.all());
        let (_, text, _, ents) = r.only_doc();
        assert_eq!(text, CASE_07_TEXT, "{file}");
        assert_eq!(ents, want, "{file}");
        if file.starts_with('c') {
            assert!(
                out.all().contains("1 relation(s) not imported"),
                "{}",
                out.all()
            );
        }
        if file.starts_with('e') {
            assert!(
                out.stdout.contains("1 duplicate span(s) stored once"),
                "{}",
                out.stdout
            );
        }
    }
    let r = fresh();
    let out = r.import(
        "doccano",
        &[],
        &[fixture(
            "07-doccano-export-variants",
            "d-v1-annotations-ids.jsonl",
        )],
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains(
            "d-v1-annotations-ids.jsonl:1: label is a number (2) — doccano 1.x id export; re-export with label names"
        ),
        "{}",
        out.stderr
    );
    assert!(r.docs("t").is_empty());
    assert_eq!(std::fs::read_dir(&r.corpus).unwrap().count(), 0);
}

#[test]
fn case_08_doccano_utf16_offsets_detected_or_given() {
    let file = fixture("08-doccano-utf16-emoji", "doccano-export.jsonl");
    let line1 = vec![
        e(21, 24, "LOC", "جدة"),
        e(35, 48, "ORG", "الدفاع المدني"),
        e(65, 73, "LOC", "السعودية"),
    ];
    let line2 = vec![e(9, 22, "ORG", "الدفاع المدني"), e(33, 36, "LOC", "جدة")];
    for flags in [&["--offsets", "utf16"][..], &[][..]] {
        let r = fresh();
        let out = r.import("doccano", flags, std::slice::from_ref(&file));
        assert_eq!(out.code, 0, "{flags:?}\n{}", out.all());
        let docs = r.docs("t");
        assert_eq!(docs.len(), 2);
        let d1 = docs.iter().find(|d| d.1.starts_with("عاجل")).unwrap();
        let d2 = docs.iter().find(|d| d.1.starts_with("وصل")).unwrap();
        assert_eq!(d1.3, line1, "{flags:?}");
        assert_eq!(d2.3, line2, "{flags:?}");
        assert!(
            out.stdout.contains("offsets: UTF-16 units"),
            "{}",
            out.stdout
        );
        if flags.is_empty() {
            assert!(out.stdout.contains("detected"), "{}", out.stdout);
        }
        // Export in UTF-16 gives back the file's numbers.
        let exp = r.root.join("back.jsonl");
        let o = r.kashif(
            &[
                "export",
                "--format",
                "doccano",
                "--offsets",
                "utf16",
                "--annotator",
                "t",
                "--out",
                exp.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(o.code, 0);
        let back = std::fs::read_to_string(&exp).unwrap();
        assert!(
            back.contains("[[22,25,\"LOC\"],[39,52,\"ORG\"],[69,77,\"LOC\"]]"),
            "{back}"
        );
    }
    // Forced to chars, line 1 is reported (with the hint), never shifted.
    let r = fresh();
    let out = r.import(
        "doccano",
        &["--offsets", "chars"],
        std::slice::from_ref(&file),
    );
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr
            .contains("doccano-export.jsonl:1: record 1, label 3: LOC span 69..77 ends beyond the text (73 chars)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--offsets utf16"), "{}", out.stderr);
    // Its other spans would be shifted: none of line 1 is stored, and the
    // document is not written with nothing; line 2 comes in.
    assert!(
        out.stderr
            .contains("record 1, label 1: LOC 22..25: not imported"),
        "{}",
        out.stderr
    );
    let docs = r.docs("t");
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0].3, line2);
    for d in &docs {
        slices_hold(&d.1, &d.3);
        assert!(
            d.3.iter().all(|x| x.3 != "دة " && x.3 != "اع المدني تصل"),
            "{d:?}"
        );
    }
}

#[test]
fn case_12_prodigy_accept_reject_ignore_and_repeated_texts() {
    for format in ["spacy", "prodigy"] {
        let r = fresh();
        let out = r.import(
            format,
            &[],
            &[fixture("12-prodigy-jsonl-answers", "db-out.jsonl")],
        );
        assert_eq!(out.code, 0, "{}", out.all());
        let docs = r.docs("t");
        assert_eq!(docs.len(), 2, "{docs:?}");
        let a = docs.iter().find(|d| d.1.starts_with("التقى")).unwrap();
        assert_eq!(a.3, vec![e(44, 49, "LOC", "عمّان"), e(66, 69, "LOC", "غزة")]);
        let b = docs.iter().find(|d| d.1.starts_with("أعلنت")).unwrap();
        assert_eq!(
            b.3,
            vec![
                e(6, 29, "ORG", "شركة الاتصالات السعودية"),
                e(41, 47, "LOC", "الرياض")
            ]
        );
        // The ignored text is not in the corpus.
        let c = Corpus::load(&r.corpus).unwrap();
        assert!(c.documents.iter().all(|d| !d.text.starts_with("وقالت")));
        // The rejected ORG is in the rejected list, never gold.
        let doc = c
            .documents
            .iter()
            .find(|d| d.text.starts_with("التقى"))
            .unwrap();
        let l = store::read(&r.annotations, "t", doc, &Schema::builtin())
            .unwrap()
            .unwrap();
        assert_eq!(l.annotations.rejected.len(), 1);
        assert_eq!(l.annotations.rejected[0].text, "وزير الخارجية");
        assert!(
            out.stdout.contains("Prodigy reject answers"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("Prodigy ignore answers"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn case_13_spacy_v2_json_ner_annotator_and_docbin() {
    let r = fresh();
    let out = r.import(
        "spacy",
        &[],
        &[fixture("13-spacy-v2-json-and-docbin", "train.spacy")],
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr
            .contains("train.spacy: binary file (zlib-compressed, looks like a spaCy DocBin"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("DocBin().from_disk"), "{}", out.stderr);
    assert!(r.docs("t").is_empty());

    let r = fresh();
    let out = r.import(
        "spacy",
        &[],
        &[fixture("13-spacy-v2-json-and-docbin", "train_v2.json")],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let docs = r.docs("t");
    let find = |s: &str| docs.iter().find(|d| d.1.starts_with(s)).unwrap().3.clone();
    assert_eq!(
        find("وصل"),
        vec![e(27, 32, "LOC", "فيينا"), e(46, 50, "ORG", "أوبك")]
    );
    assert_eq!(find("عقدت"), vec![e(23, 28, "LOC", "الريا")]);
    assert_eq!(find("انضم"), vec![e(16, 27, "ORG", "نادي الهلال")]);
    assert!(
        out.stderr.contains("ends inside the word الرياض (23..29)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("trimmed"), "{}", out.stderr);
    assert!(
        out.stdout.contains("spaCy v2 training data"),
        "{}",
        out.stdout
    );
    // Export never writes a span with whitespace at an edge.
    let exp = r.root.join("back.jsonl");
    r.kashif(
        &[
            "export",
            "--format",
            "spacy",
            "--annotator",
            "t",
            "--out",
            exp.to_str().unwrap(),
        ],
        &[],
    );
    let back = std::fs::read_to_string(&exp).unwrap();
    assert!(back.contains("\"start\":16,\"end\":27"), "{back}");

    let r = fresh();
    let out = r.import(
        "spacy",
        &[],
        &[fixture("13-spacy-v2-json-and-docbin", "ner-annotator.json")],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let (_, text, _, ents) = r.only_doc();
    assert_eq!(text, "التقى سامي الخطيب بالسفير في بغداد.");
    assert_eq!(
        ents,
        vec![e(6, 17, "PER", "سامي الخطيب"), e(29, 34, "LOC", "بغداد")]
    );
    assert!(out.stdout.contains("NER Annotator"), "{}", out.stdout);
}

#[test]
fn unknown_labels_are_counted_skipped_renamed_or_added_to_the_schema() {
    let r = fresh();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("g.jsonl");
    std::fs::write(
        &f,
        "{\"id\": \"g1\", \"text\": \"في بغداد والموصل وأربيل\", \"label\": [[3, 8, \"GPE\"], [10, 16, \"GPE\"], [18, 23, \"LOC\"]]}\n",
    )
    .unwrap();
    let out = r.import("doccano", &[], std::slice::from_ref(&f));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout.contains("unknown label \"GPE\": 2"),
        "{}",
        out.stdout
    );
    assert_eq!(r.only_doc().3, vec![e(18, 23, "LOC", "أربيل")]);

    let r = fresh();
    let out = r.import(
        "doccano",
        &["--rename", "GPE=LOC"],
        std::slice::from_ref(&f),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(r.only_doc().3.len(), 3);

    let r = fresh();
    let schema = r.root.join("labels.ron");
    std::fs::write(&schema, kashif::schema::DEFAULT_SCHEMA).unwrap();
    let out = r.import(
        "doccano",
        &["--add-labels", "--schema", schema.to_str().unwrap()],
        std::slice::from_ref(&f),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let s = Schema::load(&schema).unwrap();
    assert!(s.contains("GPE"));
    assert!(
        out.stdout.contains("labels added to the schema: GPE"),
        "{}",
        out.stdout
    );
}

#[test]
fn exit_status_two_when_nothing_can_be_read() {
    let r = fresh();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("broken.jsonl");
    std::fs::write(&f, "{\"text\": \"في بغداد\", \"label\": [[3, 8, \"LOC\"]\n").unwrap();
    let before = std::fs::read(&f).unwrap();
    let out = r.import("doccano", &[], std::slice::from_ref(&f));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("broken.jsonl:"), "{}", out.stderr);
    assert!(out.stdout.contains("import summary"), "{}", out.stdout);
    assert_eq!(std::fs::read(&f).unwrap(), before);
}
