//! The real-world import cases of `../shared/cases/import/` (copied
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

/// The char range of `needle` in `text` (its `nth` occurrence, from 0).
fn find_nth(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let b = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} not in {text}"))
        .0;
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

const CASE_16: &str = "16-webanno-tsv3-inception-stacked";

#[test]
fn case_16_webanno_tsv_refused_as_conll_read_as_webanno() {
    let file = fixture(CASE_16, "inception-export.tsv");
    let r = fresh();
    let out = r.import("conll", &[], std::slice::from_ref(&file));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(r.docs("t").is_empty());
    assert!(
        out.stderr
            .contains("inception-export.tsv:1: this is WebAnno TSV 3.x (INCEpTION/WebAnno)")
            && out.stderr.contains("--format webanno"),
        "{}",
        out.stderr
    );
    // Read in its own shape: #Text= lines, UTF-16 offsets after the emoji,
    // the sub-token row, the stacked LOC in the ORG.
    for format in ["webanno", "auto"] {
        let r = fresh();
        let out = r.import(format, &[], std::slice::from_ref(&file));
        assert_eq!(out.code, 0, "{}", out.all());
        let (_, text, status, ents) = r.only_doc();
        assert_eq!(status, Status::Done);
        assert_eq!(text.chars().count(), 111);
        assert!(text.starts_with("(واشنطن) 😊 اقتربت") && text.contains(".\nوقال"));
        assert_eq!(
            ents,
            vec![
                e(1, 7, "LOC", "واشنطن"),
                e(18, 25, "LOC", "أرمينيا"),
                e(27, 35, "LOC", "أذربيجان"),
                e(56, 70, "PER", "أنتوني بلينكين"),
                e(74, 87, "ORG", "جامعة القاهرة"),
                e(80, 87, "LOC", "القاهرة"),
            ]
        );
        slices_hold(&text, &ents);
        assert!(out.stdout.contains("read as WebAnno TSV"), "{}", out.stdout);
        // The knowledge-base identifiers are reported, not dropped in silence.
        assert!(
            out.stderr.contains("identifier value(s)") && out.stderr.contains("Q61"),
            "{}",
            out.stderr
        );
        if format == "auto" {
            assert!(out.stdout.contains("detected as WebAnno"), "{}", out.stdout);
        }
    }
    // Written back for INCEpTION, and read again to the same entities.
    let r = fresh();
    assert_eq!(
        r.import("webanno", &[], std::slice::from_ref(&file)).code,
        0
    );
    let (_, text, _, ents) = r.only_doc();
    let exp = r.root.join("back");
    let out = r.kashif(
        &[
            "export",
            "--format",
            "webanno",
            "--annotator",
            "t",
            "--out",
            exp.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let tsv = std::fs::read_to_string(exp.join("inception-export.tsv")).unwrap();
    assert!(tsv.starts_with("#FORMAT=WebAnno TSV 3.3\n"), "{tsv}");
    assert!(tsv.contains("ORG[") && tsv.contains("|LOC["), "{tsv}");
    assert!(tsv.contains("\tأذربيجان\t"), "sub-token row\n{tsv}");
    let again = fresh();
    let out = again.import("webanno", &[], std::slice::from_ref(&exp));
    assert_eq!(out.code, 0, "{}", out.all());
    let (_, text2, _, ents2) = again.only_doc();
    assert_eq!(text2, text);
    assert_eq!(ents2, ents);
}

#[test]
fn uima_cas_files_are_refused_by_name() {
    let r = fresh();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("doc.json");
    std::fs::write(
        &json,
        "{\"%TYPES\": {}, \"%FEATURE_STRUCTURES\": [], \"%VIEWS\": {}}",
    )
    .unwrap();
    let xmi = dir.join("doc.xmi");
    std::fs::write(
        &xmi,
        "<?xml version=\"1.0\"?><xmi:XMI xmlns:xmi=\"http://www.omg.org/XMI\"></xmi:XMI>",
    )
    .unwrap();
    for (format, f) in [
        ("doccano", &json),
        ("auto", &json),
        ("conll", &xmi),
        ("auto", &xmi),
    ] {
        let out = r.import(format, &[], std::slice::from_ref(f));
        assert_eq!(out.code, 2, "{}", out.all());
        assert!(out.stderr.contains("UIMA CAS"), "{}", out.stderr);
        assert!(out.stderr.contains("--format webanno"), "{}", out.stderr);
    }
    assert!(r.docs("t").is_empty());
}

#[test]
fn case_18_wojood_nested_columns_read_as_nested_entities() {
    let file = fixture("18-wojood-nested-multitag", "wojood-nested-train.txt");
    let r = fresh();
    let schema = r.root.join("labels.ron");
    std::fs::write(&schema, kashif::schema::DEFAULT_SCHEMA).unwrap();
    let out = r.import(
        "conll",
        &["--add-labels", "--schema", schema.to_str().unwrap()],
        std::slice::from_ref(&file),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let (_, text, _, ents) = r.only_doc();
    assert_eq!(text.chars().count(), 383);
    assert!(text.contains("#ERROR!"));
    slices_hold(&text, &ents);
    let got: Vec<(usize, usize, &str)> = ents.iter().map(|x| (x.0, x.1, x.2.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (9, 14, "ORG"),
            (49, 68, "ORG"),
            (63, 68, "PER"),
            (115, 153, "OCC"),
            (122, 144, "ORG"),
            (148, 153, "GPE"),
            (171, 175, "CARDINAL"),
            (178, 182, "DATE"),
            (187, 212, "GPE"),
            (213, 236, "ORG"),
            (246, 259, "GPE"),
            (264, 287, "OCC"),
            (269, 287, "ORG"),
            (275, 287, "GPE"),
            (288, 313, "DATE"),
            (335, 361, "WEBSITE"),
            (370, 377, "ORDINAL"),
        ]
    );
    assert!(out.stdout.contains("nesting level"), "{}", out.stdout);
    // Without --add-labels the labels outside the schema are reported and
    // counted, the others imported.
    let r = fresh();
    let out = r.import("conll", &[], std::slice::from_ref(&file));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout.contains("unknown label \"GPE\": 4"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unknown label \"OCC\": 2"),
        "{}",
        out.stdout
    );
    let (_, _, _, ents) = r.only_doc();
    assert_eq!(ents.len(), 8, "{ents:?}");
    // Written back in the nested shape: the same lines of tags.
    let r = fresh();
    let schema = r.root.join("labels.ron");
    std::fs::write(&schema, kashif::schema::DEFAULT_SCHEMA).unwrap();
    let args = ["--add-labels", "--schema", schema.to_str().unwrap()];
    assert_eq!(
        r.import("conll", &args, std::slice::from_ref(&file)).code,
        0
    );
    let back = r.root.join("back.conll");
    let out = r.kashif(
        &[
            "export",
            "--format",
            "conll-nested",
            "--annotator",
            "t",
            "--schema",
            schema.to_str().unwrap(),
            "--out",
            back.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let written = std::fs::read_to_string(&back).unwrap();
    assert!(written.contains("البيرة I-OCC I-ORG I-GPE\n"), "{written}");
    assert!(written.contains("الأسد I-ORG B-PER\n"), "{written}");
}

const CASE_20: &str = "20-hf-datasets-tokens-ner-tags";

#[test]
fn case_20_hugging_face_rows_named_when_refused_read_as_hf() {
    let ints = fixture(CASE_20, "wikiann-ar-train.jsonl");
    let strings = fixture(CASE_20, "string-tags.jsonl");
    for format in ["spacy", "doccano"] {
        for f in [&ints, &strings] {
            let r = fresh();
            let out = r.import(format, &[], std::slice::from_ref(f));
            assert_eq!(out.code, 2, "{}", out.all());
            assert!(
                out.stderr
                    .contains("Hugging Face datasets token-classification rows")
                    && out.stderr.contains("--format hf"),
                "{}",
                out.stderr
            );
            assert!(r.docs("t").is_empty());
        }
    }
    // Integer tags need their names.
    let r = fresh();
    let out = r.import("hf", &[], std::slice::from_ref(&ints));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("wikiann-ar-train.jsonl:1:") && out.stderr.contains("--labels"),
        "{}",
        out.stderr
    );
    let text = "جامعة القاهرة هي أقدم جامعة في مصر\n''' نجيب محفوظ ''' : روائي مصري وُلد عام 1911\nالساعة 12:30 في دمشق ، سوريا";
    let want = |t: &str| {
        let mut v = Vec::new();
        for (needle, n, label) in [
            ("جامعة القاهرة", 0, "ORG"),
            ("مصر", 0, "LOC"),
            ("نجيب محفوظ", 0, "PER"),
            ("دمشق", 0, "LOC"),
            ("سوريا", 0, "LOC"),
        ] {
            let (s, en) = find_nth(t, needle, n);
            v.push(e(s, en, label, needle));
        }
        v.sort();
        v
    };
    let labels = "O,B-PER,I-PER,B-ORG,I-ORG,B-LOC,I-LOC";
    for (f, extra) in [(&strings, vec![]), (&ints, vec!["--labels", labels])] {
        let r = fresh();
        let out = r.import("hf", &extra, std::slice::from_ref(f));
        assert_eq!(out.code, 0, "{}", out.all());
        let (_, got_text, _, mut ents) = r.only_doc();
        assert_eq!(got_text, text);
        ents.sort();
        assert_eq!(ents, want(text));
        assert_eq!(ents.last().map(|x| (x.0, x.1)), Some((104, 109)));
        assert!(
            out.stdout.contains("Hugging Face datasets rows"),
            "{}",
            out.stdout
        );
    }
    // dataset_info.json beside the file gives the names.
    let r = fresh();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&ints, dir.join("train.jsonl")).unwrap();
    let names: Vec<String> = labels.split(',').map(|l| format!("\"{l}\"")).collect();
    std::fs::write(
        dir.join("dataset_info.json"),
        format!("{{\"features\": {{\"ner_tags\": {{\"feature\": {{\"names\": [{}], \"_type\": \"ClassLabel\"}}, \"_type\": \"Sequence\"}}}}}}", names.join(", ")),
    )
    .unwrap();
    let out = r.import("auto", &[], &[dir.join("train.jsonl")]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("dataset_info.json"), "{}", out.stdout);
    assert_eq!(r.only_doc().3.len(), 5);
    // Written back as rows, read again to the same entities.
    let back = r.root.join("back.jsonl");
    let out = r.kashif(
        &[
            "export",
            "--format",
            "hf",
            "--annotator",
            "t",
            "--out",
            back.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let rows = std::fs::read_to_string(&back).unwrap();
    assert_eq!(rows.lines().count(), 3, "{rows}");
    assert!(rows.contains("\"ner_tags\":[\"B-ORG\",\"I-ORG\""), "{rows}");
    let again = fresh();
    assert_eq!(again.import("hf", &[], &[back]).code, 0);
    // The text comes back as tokens joined by spaces (the quote marks are
    // tokens of their own): the same entities on it.
    let (_, back_text, _, mut ents) = again.only_doc();
    ents.sort();
    assert_eq!(ents, want(&back_text));
}

#[test]
fn case_21_spacy_iob_refused_as_conll_read_as_iob() {
    for file in ["train.iob", "train-2col.iob"] {
        let f = fixture("21-spacy-iob-pipe-format", file);
        let r = fresh();
        let out = r.import("conll", &[], std::slice::from_ref(&f));
        assert_eq!(out.code, 2, "{}", out.all());
        assert!(
            out.stderr
                .contains(&format!("{file}:1: this is spaCy .iob"))
                && out.stderr.contains("--format iob"),
            "{}",
            out.stderr
        );
        assert!(r.docs("t").is_empty());
        for format in ["iob", "auto"] {
            let r = fresh();
            let out = r.import(format, &[], std::slice::from_ref(&f));
            assert_eq!(out.code, 0, "{}", out.all());
            let (_, text, _, ents) = r.only_doc();
            assert_eq!(text.chars().count(), 91);
            assert_eq!(
                ents,
                vec![
                    e(6, 26, "PER", "الملك عبدالله الثاني"),
                    e(35, 47, "ORG", "البنك الدولي"),
                    e(51, 56, "LOC", "عمّان"),
                    e(73, 79, "LOC", "الأردن"),
                ]
            );
            assert!(out.stdout.contains("spaCy .iob"), "{}", out.stdout);
        }
    }
}

const CASE_23: &str = "23-legacy-encodings-cp1256-utf16";

#[test]
fn case_23_cp1256_refused_with_the_fix_utf16_decoded() {
    let want_text =
        "فرانكفورت ( د ب أ ) أعلن اتحاد الصناعات الألمانية اليوم أن الاقتصاد الألماني سينمو .";
    let want = vec![
        e(0, 9, "LOC", "فرانكفورت"),
        e(25, 49, "ORG", "اتحاد الصناعات الألمانية"),
    ];
    let cp = fixture(CASE_23, "anercorp-cp1256.txt");
    let r = fresh();
    let out = r.import("conll", &[], std::slice::from_ref(&cp));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("anercorp-cp1256.txt:1:1: not UTF-8")
            && out.stderr.contains("byte offset 0")
            && out.stderr.contains("Windows-1256")
            && out.stderr.contains("iconv -f WINDOWS-1256 -t UTF-8"),
        "{}",
        out.stderr
    );
    assert!(r.docs("t").is_empty());
    let r = fresh();
    let out = r.import(
        "conll",
        &["--encoding", "windows-1256"],
        std::slice::from_ref(&cp),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let (_, text, _, ents) = r.only_doc();
    assert_eq!(text, want_text);
    assert_eq!(ents, want);
    assert!(out.stdout.contains("windows-1256"), "{}", out.stdout);
    // Notepad's "Unicode": decoded, and said (never called binary).
    let u16 = fixture(CASE_23, "notepad-unicode.conll");
    for format in ["conll", "auto"] {
        let r = fresh();
        let out = r.import(format, &[], std::slice::from_ref(&u16));
        assert_eq!(out.code, 0, "{}", out.all());
        assert!(!out.all().contains("binary"), "{}", out.all());
        assert!(
            out.stdout.contains("UTF-16 (LE, BOM FF FE"),
            "{}",
            out.stdout
        );
        let (_, text, _, ents) = r.only_doc();
        assert_eq!(text, want_text);
        assert_eq!(ents, want);
    }
}

#[test]
fn boms_in_the_middle_of_joined_files_are_removed_and_reported() {
    let r = fresh();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("joined.conll");
    let one = "\u{FEFF}-DOCSTART- O\n\nقال O\nبلينكين B-PER\n\n";
    let two = "\u{FEFF}-DOCSTART- O\n\nفي O\nبغداد B-LOC\n";
    std::fs::write(&f, format!("{one}{two}")).unwrap();
    let out = r.import("conll", &[], std::slice::from_ref(&f));
    assert_eq!(out.code, 0, "{}", out.all());
    let docs = r.docs("t");
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert!(
        docs.iter()
            .all(|d| !d.1.contains('\u{FEFF}') && !d.1.contains("DOCSTART"))
    );
    assert!(
        out.stderr.contains("joined.conll:6: byte order mark"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("byte order marks in the middle of a file removed: 1"),
        "{}",
        out.stdout
    );
}

#[test]
fn auto_names_each_files_shape_and_why() {
    let r = fresh();
    let files = vec![
        fixture("05-conll2003-iob1-docstart", "conll2003-iob1.conll"),
        fixture("21-spacy-iob-pipe-format", "train.iob"),
        fixture(CASE_20, "string-tags.jsonl"),
        fixture("07-doccano-export-variants", "b-current-label.jsonl"),
        fixture(CASE_16, "inception-export.tsv"),
    ];
    let out = r.import("auto", &[], &files);
    assert_eq!(out.code, 0, "{}", out.all());
    for want in [
        "conll2003-iob1.conll: read as CoNLL (IOB1 tags; CoNLL-2003 layout",
        "train.iob: read as spaCy .iob",
        "string-tags.jsonl: read as Hugging Face datasets rows",
        "b-current-label.jsonl: read as doccano",
        "inception-export.tsv: read as WebAnno TSV",
    ] {
        assert!(out.stdout.contains(want), "{want}\n{}", out.stdout);
    }
    assert_eq!(
        out.stdout.matches("detected as").count(),
        5,
        "{}",
        out.stdout
    );
}

/// A chunk (or POS) column beside the NER column is never read as a
/// nesting level of entities (a tester's `token B-NP B-LOC` file became NP
/// and VP "entities"): the NER column is read and the summary says which;
/// a file of chunk tags alone is refused naming the file, line and option.
#[test]
fn chunk_columns_are_not_entities() {
    let r = fresh();
    let f = r.root.join("chunks-ner.conll");
    std::fs::write(
        &f,
        "قال B-VP O\nأنتوني B-NP B-PER\nبلينكين I-NP I-PER\nفي B-PP O\nالقاهرة B-NP B-LOC\n",
    )
    .unwrap();
    for format in ["conll", "auto", "conll-nested"] {
        let r = fresh();
        let out = r.import(format, &[], std::slice::from_ref(&f));
        assert_eq!(out.code, 0, "{format}: {}", out.all());
        let (_, text, _, ents) = r.only_doc();
        assert_eq!(text, "قال أنتوني بلينكين في القاهرة");
        let got: Vec<(usize, usize, &str)> =
            ents.iter().map(|x| (x.0, x.1, x.2.as_str())).collect();
        assert_eq!(got, [(4, 18, "PER"), (22, 29, "LOC")], "{format}");
        assert!(out.stdout.contains("NER tag in column 3"), "{}", out.stdout);
    }
    let chunks = r.root.join("chunks.conll");
    std::fs::write(&chunks, "قال VBD B-VP\nأنتوني NNP B-NP\nبلينكين NNP I-NP\n").unwrap();
    let out = r.import("conll", &[], std::slice::from_ref(&chunks));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("chunks.conll:1:") && out.stderr.contains("--tag-column"),
        "{}",
        out.stderr
    );
    assert!(r.docs("t").is_empty());
}

/// Vague errors a tester met, each now naming the file (and line or place),
/// what is wrong and what to do: `--tag-column 3` on a two-column file; a
/// `dataset_info.json` beside Hugging Face rows in the list form (read) or
/// in a form that gives no names (named); options the format has no use
/// for; a corpus folder that is not there.
#[test]
fn errors_name_the_file_the_place_and_the_fix() {
    let r = fresh();
    let two = r.root.join("two.conll");
    std::fs::write(&two, "قال O\nبلينكين B-PER\n").unwrap();
    let out = r.import("conll", &["--tag-column", "3"], std::slice::from_ref(&two));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr
            .contains("two.conll:1: --tag-column 3, but no line has 3 columns")
            && out.stderr.contains("give --tag-column 2"),
        "{}",
        out.stderr
    );
    // An option the format has no use for is refused, not ignored.
    let out = r.import("hf", &["--tag-column", "3"], std::slice::from_ref(&two));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("--tag-column is for CoNLL"),
        "{}",
        out.stderr
    );
    let out = r.import(
        "conll",
        &["--labels", "O,B-PER"],
        std::slice::from_ref(&two),
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("--labels names the integer tags"),
        "{}",
        out.stderr
    );
    // So is --offsets for a format read by tokens, whatever its unit; with
    // --format auto the file is read and a note says it had no effect.
    for (format, unit) in [
        ("conll", "utf16"),
        ("hf", "chars"),
        ("conll-nested", "utf16"),
    ] {
        let out = r.import(format, &["--offsets", unit], std::slice::from_ref(&two));
        assert_eq!(out.code, 2, "{format}: {}", out.all());
        assert!(
            out.stderr.contains(&format!(
                "--format {format} has no char offsets (it is read by tokens)"
            )),
            "{}",
            out.stderr
        );
    }
    let fresh_r = fresh();
    let out = fresh_r.import("auto", &["--offsets", "utf16"], std::slice::from_ref(&two));
    assert!(
        out.stderr
            .contains("which has no char offsets: --offsets had no effect on it"),
        "{}",
        out.all()
    );
    // dataset_info.json in the list form (the dataset card's) is read.
    let ints = fixture(CASE_20, "wikiann-ar-train.jsonl");
    let labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"];
    let by_id: Vec<String> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| format!("\"{i}\": \"{l}\""))
        .collect();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&ints, dir.join("train.jsonl")).unwrap();
    let info = dir.join("dataset_info.json");
    std::fs::write(
        &info,
        format!(
            "{{\"features\": [{{\"name\": \"tokens\", \"sequence\": \"string\"}}, {{\"name\": \"ner_tags\", \"sequence\": {{\"class_label\": {{\"names\": {{{}}}}}}}}}]}}",
            by_id.join(", ")
        ),
    )
    .unwrap();
    let out = r.import("hf", &[], &[dir.join("train.jsonl")]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(r.only_doc().3.len(), 5);
    // A list with no names for ner_tags: the error names dataset_info.json,
    // what it lacks, and --labels.
    let r = fresh();
    std::fs::write(&info, r#"[{"name": "tokens"}, {"name": "langs"}]"#).unwrap();
    let out = r.import("hf", &[], &[dir.join("train.jsonl")]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr
            .contains("dataset_info.json: the integer ner_tags of")
            && out.stderr.contains("none a feature named \"ner_tags\"")
            && out.stderr.contains("--labels"),
        "{}",
        out.stderr
    );
    // A corpus folder that is not there, for every command that reads one.
    for args in [
        vec!["stats"],
        vec!["validate"],
        vec![
            "export",
            "--format",
            "conll",
            "--annotator",
            "t",
            "--out",
            "x",
        ],
        vec!["import", "--format", "conll", "--annotator", "t"],
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kashif"));
        cmd.args(&args)
            .arg("--corpus")
            .arg(r.root.join("no-such-corpus"))
            .arg("--annotations")
            .arg(&r.annotations);
        if args[0] == "import" {
            cmd.arg(&two);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            err.contains("--corpus: ")
                && err.contains(
                    "no-such-corpus: no such folder: a corpus is a folder of .txt articles"
                ),
            "{args:?}: {err}"
        );
    }
}

/// A row without the tag column (`--tag-column 4`, one line of three
/// columns) is read as O and listed with its place; the summary no longer
/// ends "everything in the files came in" as if nothing had changed (the
/// entity it cut short: found by a tester).
#[test]
fn a_row_short_of_its_tag_is_listed_and_the_summary_says_so() {
    let r = fresh();
    let f = r.root.join("ragged.conll");
    std::fs::write(
        &f,
        "التقى VBD B-VP O\nالملك NN B-NP B-PER\nعبدالله NNP I-NP\nفي IN B-PP O\n",
    )
    .unwrap();
    let out = r.import("conll", &["--tag-column", "4"], std::slice::from_ref(&f));
    assert!(out.all().contains("ragged.conll:3"), "{}", out.all());
    assert!(out.stdout.contains("read as O"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("everything in the files came in\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("changed where listed above"),
        "{}",
        out.stdout
    );
}

/// The older `datasets` layout's `dataset_infos.json` (plural, one info per
/// config) beside integer rows gives the names too (a tester's copy was
/// not read, and the error named only `dataset_info.json`).
#[test]
fn dataset_infos_json_of_the_older_layout_gives_the_names() {
    let r = fresh();
    let ints = fixture(CASE_20, "wikiann-ar-train.jsonl");
    let labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"];
    let names: Vec<String> = labels.iter().map(|l| format!("\"{l}\"")).collect();
    let dir = r.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&ints, dir.join("train.jsonl")).unwrap();
    std::fs::write(
        dir.join("dataset_infos.json"),
        format!(
            "{{\"ar\": {{\"features\": {{\"ner_tags\": {{\"feature\": {{\"names\": [{}], \"_type\": \"ClassLabel\"}}, \"_type\": \"Sequence\"}}}}}}}}",
            names.join(", ")
        ),
    )
    .unwrap();
    let out = r.import("hf", &[], &[dir.join("train.jsonl")]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(r.only_doc().3.len(), 5);
}

/// A part-of-speech column written as IOB (`B-VERB`, `B-NOUN_PROP`) beside
/// the NER column is refused without calling its labels entity types (a
/// tester was told "labels mixed with entity types (line 1: B-VERB)"),
/// with the fix; `--tag-column 3` then reads the entities.
#[test]
fn an_iob_pos_column_is_not_called_entity_types() {
    let r = fresh();
    let f = r.root.join("iobpos.conll");
    std::fs::write(
        &f,
        "قال B-VERB O\nأنتوني B-NOUN_PROP B-PERS\nبلينكين I-NOUN_PROP I-PERS\nفي B-PREP O\nالقاهرة B-NOUN_PROP B-LOC\n",
    )
    .unwrap();
    let out = r.import("conll", &[], std::slice::from_ref(&f));
    assert_ne!(out.code, 0, "{}", out.all());
    assert!(
        !out.stderr.contains("mixed with entity types")
            && out.stderr.contains("iobpos.conll:")
            && out.stderr.contains("--tag-column"),
        "{}",
        out.stderr
    );
    let r = fresh();
    let out = r.import("conll", &["--tag-column", "3"], std::slice::from_ref(&f));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(r.only_doc().3.len(), 2);
}
