//! Export, review and adjudication driven through the real window
//! (egui_kittest) on real files in a temporary folder, checked against the
//! CLI and the library.

mod ui_support;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::annotation::{DocAnnotations, Origin, Span, Status};
use kashif::corpus::Corpus;
use kashif::eval::{self, DocPair, MarkKind};
use kashif::formats::Format;
use kashif::schema::Schema;
use kashif::store::{self, Store};
use kashif::ui::dialogs::save_picker::SavePicker;
use kashif::ui::{AppModel, Command, KashifApp};
use kashif::workbench_files::FsBackend;
use ui_support::NoPicker;

const A: &str = "قال أنتوني بلينكين في واشنطن إن جامعة القاهرة و Siyasət مع أرمينيا";
const B: &str = "وصل الرئيس إلى موسكو يوم ٩ نوفمبر 2020 مع 𝒜 وَبِالْعِرَاقِ";
const C: &str = "نص لم يكتمل عن بروكسل";

/// `label` on the first `needle` of `text` (the `nth` char offset variant
/// when the needle is found inside a longer one).
fn span(text: &str, needle: &str, label: &str) -> Span {
    let b = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let start = text[..b].chars().count();
    Span {
        start,
        end: start + needle.chars().count(),
        label: label.into(),
        origin: Origin::Manual,
        text: needle.into(),
        proposed: None,
    }
}

/// The tail `needle` of the first `whole` in `text`.
fn inner(text: &str, whole: &str, needle: &str, label: &str) -> Span {
    let w = span(text, whole, label);
    let skip = whole.chars().count() - needle.chars().count();
    Span {
        start: w.start + skip,
        text: needle.into(),
        ..w
    }
}

fn amina() -> [(&'static str, Status, Vec<Span>); 3] {
    [
        (
            "a",
            Status::Done,
            vec![
                span(A, "أنتوني بلينكين", "PER"),
                span(A, "واشنطن", "LOC"),
                span(A, "جامعة القاهرة", "ORG"),
                inner(A, "جامعة القاهرة", "القاهرة", "LOC"),
                span(A, "أرمينيا", "LOC"),
            ],
        ),
        (
            "b",
            Status::Done,
            vec![
                span(B, "موسكو", "LOC"),
                span(B, "٩ نوفمبر 2020", "DATE"),
                span(B, "𝒜", "MISC"),
                inner(B, "وَبِالْعِرَاقِ", "الْعِرَاقِ", "LOC"),
            ],
        ),
        ("c", Status::InProgress, vec![span(C, "بروكسل", "LOC")]),
    ]
}

fn badr() -> [(&'static str, Status, Vec<Span>); 2] {
    [
        (
            "a",
            Status::Done,
            vec![
                span(A, "أنتوني بلينكين", "PER"), // hit
                span(A, "جامعة القاهرة", "LOC"),  // label mismatch (gold ORG)
                span(A, "Siyasət", "MISC"),       // false positive
                span(A, "أرمينيا", "LOC"),        // hit; واشنطن is missed
            ],
        ),
        (
            "b",
            Status::Done,
            vec![
                span(B, "موسكو", "LOC"),
                span(B, "نوفمبر 2020", "DATE"),
                span(B, "𝒜", "MISC"),
                inner(B, "وَبِالْعِرَاقِ", "الْعِرَاقِ", "LOC"),
            ],
        ),
    ]
}

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
    corpus: PathBuf,
    annotations: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let corpus = root.join("corpus");
    let annotations = root.join("annotations");
    std::fs::create_dir_all(&corpus).unwrap();
    for (id, text) in [("a", A), ("b", B), ("c", C)] {
        std::fs::write(corpus.join(format!("{id}.txt")), text).unwrap();
    }
    let c = Corpus::load(&corpus).unwrap();
    let doc = |id: &str| c.documents.iter().find(|d| d.id == id).unwrap();
    let save = |name: &str, files: &[(&str, Status, Vec<Span>)]| {
        let store = Store::open(&annotations, name).unwrap();
        for (id, status, entities) in files {
            let ann = DocAnnotations {
                status: *status,
                entities: entities.clone(),
                ..Default::default()
            };
            store.save(doc(id), &ann).unwrap();
        }
    };
    save("amina", &amina());
    save("badr", &badr());
    Setup {
        _dir: dir,
        root,
        corpus,
        annotations,
    }
}

/// Exports land in `<folder>/gui-<format>`.
struct FolderSave(PathBuf);
impl SavePicker for FolderSave {
    fn pick_target(&mut self, format: Format) -> Option<PathBuf> {
        Some(self.0.join(format!("gui-{}", format.name())))
    }
}

impl Setup {
    fn harness(&self) -> Harness<'static, KashifApp> {
        let backend = FsBackend {
            annotations_dir: self.annotations.clone(),
            schema: Schema::builtin(),
        };
        let mut model = AppModel::new(Schema::builtin(), Box::new(backend));
        model.apply(Command::SetAnnotator("amina".into()));
        model.apply(Command::OpenFolder(self.corpus.clone()));
        assert_eq!(model.docs.len(), 3);
        let app = KashifApp::new(model, Box::new(NoPicker))
            .with_save_picker(Box::new(FolderSave(self.root.clone())));
        ui_support::harness(app, 1400.0, 900.0)
    }

    fn kashif(&self, args: &[&str]) -> std::process::Output {
        let out = Process::new(env!("CARGO_BIN_EXE_kashif"))
            .args(args)
            .arg("--corpus")
            .arg(&self.corpus)
            .arg("--annotations")
            .arg(&self.annotations)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kashif {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

fn click(h: &mut Harness<'_, KashifApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Every file under `dir` (or `dir` itself when a file) with its bytes.
fn files(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if path.is_file() {
        out.push((PathBuf::new(), std::fs::read(path).unwrap()));
        return out;
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(path).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn export_from_the_gui_writes_the_cli_bytes_in_every_format() {
    let s = setup();
    let mut h = s.harness();
    click(&mut h, "File");
    click(&mut h, "Export…");
    for f in Format::ALL {
        click(&mut h, f.name());
        let mut cli = vec!["export", "--format", f.name(), "--annotator", "amina"];
        if f == Format::Conll {
            h.get_by_label_contains("split clitics").click();
            h.run();
            cli.push("--split-clitics");
        }
        if f == Format::LabelStudio {
            // b holds a char outside the BMP: UTF-16 offsets differ there
            h.get_by_label("offsets in UTF-16 units (JavaScript tools)")
                .click();
            h.run();
            cli.extend(["--offsets", "utf16"]);
        }
        click(&mut h, "Export…");
        let gui_out = s.root.join(format!("gui-{}", f.name()));
        let cli_out = s.root.join(format!("cli-{}", f.name()));
        let out = s.kashif(&[&cli[..], &["--out", cli_out.to_str().unwrap()]].concat());
        let gui = files(&gui_out);
        assert!(!gui.is_empty(), "{}: the GUI wrote nothing", f.name());
        assert_eq!(
            gui,
            files(&cli_out),
            "{}: GUI and CLI bytes differ",
            f.name()
        );
        // the same warnings, shown to the user
        let cli_warnings: Vec<String> = String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter_map(|l| l.strip_prefix("warning: ").map(str::to_string))
            .collect();
        let outcome = h.state().model.gold.export.clone().unwrap();
        assert!(outcome.ok, "{}", outcome.summary);
        assert_eq!(outcome.warnings, cli_warnings, "{}", f.name());
        if !cli_warnings.is_empty() {
            h.get_by_label_contains("warning(s): spans this format cannot hold");
        }
        // the summary line names two documents: c is not marked done
        assert!(
            outcome.summary.starts_with("exported 2 document(s)"),
            "{}",
            outcome.summary
        );
        assert!(h.query_all_by_label(&outcome.summary).count() >= 1);
    }
    // CoNLL cannot hold the nested القاهرة: the user is told
    let conll = &h.state().model.gold.export;
    assert!(conll.is_some());
}

fn start_review(h: &mut Harness<'_, KashifApp>) {
    click(h, "Mode");
    click(h, "Review…");
    click(h, "Compare");
    assert!(
        h.state().model.gold.review.is_some(),
        "{}",
        h.state().model.message
    );
}

#[test]
fn review_marks_a_hit_a_false_positive_a_miss_and_a_mismatch() {
    let s = setup();
    let mut h = s.harness();
    start_review(&mut h);
    // the review opened document a
    assert_eq!(h.state().model.current, Some(0));
    h.get_by_label("TP PER: أنتوني بلينكين");
    h.get_by_label("TP LOC: أرمينيا");
    h.get_by_label("FP MISC: Siyasət");
    h.get_by_label("ORG as LOC: جامعة القاهرة");
    h.get_by_label("proposed MISS LOC: واشنطن");
    h.get_by_label("proposed MISS LOC: القاهرة");
    let review = h.state().model.gold.review.as_ref().unwrap();
    let kinds: Vec<(usize, usize, MarkKind)> = review
        .marks(0)
        .unwrap()
        .iter()
        .map(|m| (m.start, m.end, m.kind))
        .collect();
    let at = |n: &str| span(A, n, "X");
    let q = inner(A, "جامعة القاهرة", "القاهرة", "X");
    let pos = |s: Span, k| (s.start, s.end, k);
    assert_eq!(
        kinds,
        [
            pos(at("أنتوني بلينكين"), MarkKind::Hit),
            pos(at("واشنطن"), MarkKind::Miss),
            pos(at("جامعة القاهرة"), MarkKind::LabelMismatch),
            pos(q, MarkKind::Miss),
            pos(at("Siyasət"), MarkKind::FalsePositive),
            pos(at("أرمينيا"), MarkKind::Hit),
        ]
    );
    // partial matching: the shorter date in b is a hit there, a miss and a
    // false positive under strict matching
    let strict_b: Vec<MarkKind> = review.marks(1).unwrap().iter().map(|m| m.kind).collect();
    assert!(strict_b.contains(&MarkKind::FalsePositive));
    click(&mut h, "partial");
    let review = h.state().model.gold.review.as_ref().unwrap();
    assert!(
        review
            .marks(1)
            .unwrap()
            .iter()
            .all(|m| m.kind == MarkKind::Hit)
    );
    // A document the review does not cover says why in the article's place.
    h.state_mut().model.apply(Command::OpenDocument(2));
    h.run();
    h.get_by_label_contains("c is not compared: amina has no file for it");
}

#[test]
fn review_figures_are_those_of_evaluate_and_of_kashif_eval() {
    let s = setup();
    let mut h = s.harness();
    start_review(&mut h);
    let report = h.state().model.gold.review.as_ref().unwrap().report.clone();
    // the library on the same files
    let c = Corpus::load(&s.corpus).unwrap();
    let read = |name: &str, id: &str| {
        let doc = c.documents.iter().find(|d| d.id == id).unwrap();
        store::read(&s.annotations, name, doc, &Schema::builtin())
            .unwrap()
            .unwrap()
            .annotations
            .entities
    };
    let (ga, pa, gb, pb) = (
        read("amina", "a"),
        read("badr", "a"),
        read("amina", "b"),
        read("badr", "b"),
    );
    let expected = eval::evaluate(&[
        DocPair {
            id: "a",
            gold: &ga,
            pred: &pa,
        },
        DocPair {
            id: "b",
            gold: &gb,
            pred: &pb,
        },
    ]);
    assert_eq!(report, expected);
    // the CLI's JSON
    let out = s.kashif(&["eval", "--gold", "amina", "--pred", "badr", "--json"]);
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gui = serde_json::to_value(&report).unwrap();
    for key in [
        "documents",
        "strict",
        "partial",
        "per_document",
        "confusions",
    ] {
        assert_eq!(gui[key], cli[key], "{key}");
    }
    // the agreement line is `kashif agree`'s (both have a and b marked done)
    let out = s.kashif(&["agree", "amina", "badr", "--json"]);
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let agreement = &h.state().model.gold.review.as_ref().unwrap().agreement;
    assert_eq!(serde_json::to_value(agreement).unwrap(), cli[0]);
    // and the table shows them
    let f3 = kashif::ui::review::ui::f3;
    for (label, c) in &report.strict.per_label {
        assert!(
            h.query_all_by_label(label).count() >= 2,
            "{label} in both tables"
        );
        assert!(h.query_all_by_label(&f3(c.f1())).count() >= 1);
    }
    assert!(h.query_all_by_label(&f3(report.strict.micro.f1)).count() >= 1);
    assert!(
        h.query_all_by_label(&f3(report.partial.macro_avg.f1))
            .count()
            >= 1
    );
    // worked out by hand: a has tp 2 (PER, أرمينيا), fp 2 (LOC جامعة
    // القاهرة, MISC), fn 3 (واشنطن, ORG جامعة القاهرة, القاهرة); b has tp 3,
    // fp 1 and fn 1 (the shorter date)
    assert_eq!(
        (
            report.strict.total.tp,
            report.strict.total.fp,
            report.strict.total.fn_
        ),
        (5, 3, 4)
    );
    // partial: the shorter date now hits, and the predicted LOC جامعة
    // القاهرة overlaps gold's nested LOC القاهرة, so it hits that one
    assert_eq!(
        (
            report.partial.total.tp,
            report.partial.total.fp,
            report.partial.total.fn_
        ),
        (7, 1, 2)
    );
}

#[test]
fn adjudication_with_one_key_per_conflict_writes_the_gold_file() {
    let s = setup();
    let mut h = s.harness();
    click(&mut h, "Mode");
    click(&mut h, "Adjudicate…");
    click(&mut h, "Start");
    let adj = h.state().model.gold.adjudication.as_ref().unwrap();
    assert_eq!(adj.conflict_count(), 4);
    // 1: واشنطن (amina only) → keep; 2: ORG جامعة القاهرة + LOC القاهرة
    // vs LOC جامعة القاهرة → right; 3: Siyasət (badr only) → neither;
    // 4: the two dates → both
    for key in [Key::Num1, Key::Num2, Key::Num0, Key::Num3] {
        h.key_press(key);
        h.run();
    }
    assert_eq!(
        h.state()
            .model
            .gold
            .adjudication
            .as_ref()
            .unwrap()
            .undecided_count(),
        0
    );
    click(&mut h, "Save 2 document(s) as gold");
    assert!(
        h.state()
            .model
            .message
            .starts_with("saved 2 document(s) as gold"),
        "{}",
        h.state().model.message
    );
    let c = Corpus::load(&s.corpus).unwrap();
    let gold = |id: &str| {
        let doc = c.documents.iter().find(|d| d.id == id).unwrap();
        assert!(store::file_path(&s.annotations, "gold", id).is_file());
        let ann = store::read(&s.annotations, "gold", doc, &Schema::builtin())
            .unwrap()
            .unwrap()
            .annotations;
        assert_eq!(ann.status, Status::Done);
        ann.entities
            .iter()
            .map(|s| (s.start, s.end, s.label.clone(), s.text.clone()))
            .collect::<Vec<_>>()
    };
    let t = |s: Span| (s.start, s.end, s.label, s.text);
    assert_eq!(
        gold("a"),
        [
            t(span(A, "أنتوني بلينكين", "PER")),
            t(span(A, "واشنطن", "LOC")),
            t(span(A, "جامعة القاهرة", "LOC")),
            t(span(A, "أرمينيا", "LOC")),
        ]
    );
    assert_eq!(
        gold("b"),
        [
            t(span(B, "موسكو", "LOC")),
            t(span(B, "٩ نوفمبر 2020", "DATE")),
            t(span(B, "نوفمبر 2020", "DATE")),
            t(span(B, "𝒜", "MISC")),
            t(inner(B, "وَبِالْعِرَاقِ", "الْعِرَاقِ", "LOC")),
        ]
    );
    // c: badr has no file for it, so it is not in gold
    assert!(!store::file_path(&s.annotations, "gold", "c").exists());
}

/// A native dialog that cannot open: answers "nothing" at once, as rfd's
/// portal backend does with no desktop file-chooser service.
struct NoDialog;
impl SavePicker for NoDialog {
    fn pick_target(&mut self, _: Format) -> Option<PathBuf> {
        None
    }
}

/// A dialog the user cancels (slower than any failure to open).
struct Cancelled;
impl SavePicker for Cancelled {
    fn pick_target(&mut self, _: Format) -> Option<PathBuf> {
        std::thread::sleep(kashif::ui::dialogs::export::DIALOG_FAILED_WITHIN * 2);
        None
    }
}

#[test]
fn export_without_a_file_chooser_falls_back_to_a_path_field_and_says_where() {
    let s = setup();
    let mut h = s.harness();
    h.state_mut().gold_ui.picker = Box::new(NoDialog);
    click(&mut h, "File");
    click(&mut h, "Export…");
    click(&mut h, "conll");
    click(&mut h, "Export…");
    // The dialog did not open: the path field takes over, with its default.
    h.get_by_label_contains("file chooser could not open");
    let dialog = h.state().gold_ui.export.clone().unwrap();
    let date = kashif::ui::dialogs::export::today();
    assert_eq!(dialog.target, format!("exports/conll-{date}.conll"));
    // The user types a path; Export writes there and says so.
    let target = s.root.join("out/gold.conll");
    h.state_mut()
        .gold_ui
        .export
        .as_mut()
        .unwrap()
        .set_target(target.to_str().unwrap());
    h.run();
    click(&mut h, "Export");
    let outcome = h.state().model.gold.export.clone().unwrap();
    assert!(outcome.ok, "{}", outcome.summary);
    assert!(target.is_file());
    assert!(
        outcome.summary.contains(target.to_str().unwrap()),
        "{}",
        outcome.summary
    );
    // ...in the status line too.
    assert_eq!(h.state().model.message, outcome.summary);

    // A path that cannot be written: the error is the status line.
    let blocked = s.root.join("out/gold.conll/inside.conll");
    h.state_mut()
        .gold_ui
        .export
        .as_mut()
        .unwrap()
        .set_target(blocked.to_str().unwrap());
    h.run();
    click(&mut h, "Export");
    let outcome = h.state().model.gold.export.clone().unwrap();
    assert!(!outcome.ok);
    assert!(
        outcome.summary.contains("gold.conll"),
        "{}",
        outcome.summary
    );
    assert_eq!(h.state().model.message, outcome.summary);
}

#[test]
fn a_cancelled_file_chooser_writes_nothing_and_says_so() {
    let s = setup();
    let mut h = s.harness();
    h.state_mut().gold_ui.picker = Box::new(Cancelled);
    click(&mut h, "File");
    click(&mut h, "Export…");
    click(&mut h, "Export…");
    h.get_by_label("Export cancelled: nothing written.");
    assert!(!h.state().gold_ui.export.as_ref().unwrap().native_failed);
    assert!(h.state().model.gold.export.is_none());
}

/// Issue 13, item 5: the review of extraction runs the proposer afresh with
/// the shipped knowledge only, so an annotator's own gold, even sitting in
/// their files as memory proposals, cannot raise the score; its figures are
/// `kashif eval --pred proposals`'s. The pending proposals stay a source to
/// look at, and say they carry memory.
#[test]
fn extraction_review_cannot_be_raised_by_the_documents_own_gold() {
    use kashif::annotation::{Proposal, Source};
    use kashif::ui::model::gold::GoldCommand;
    use kashif::ui::review::ReviewSource;

    let s = setup();
    let model = |s: &Setup| {
        let backend = FsBackend {
            annotations_dir: s.annotations.clone(),
            schema: Schema::builtin(),
        };
        let mut m = AppModel::new(Schema::builtin(), Box::new(backend));
        m.apply(Command::SetAnnotator("amina".into()));
        m.apply(Command::OpenFolder(s.corpus.clone()));
        m
    };
    let review = |m: &mut AppModel, pred: ReviewSource| {
        m.apply(Command::Gold(GoldCommand::StartReview {
            gold: ReviewSource::Annotator("amina".into()),
            pred,
            all: false,
        }));
        let r = m
            .gold
            .review
            .take()
            .unwrap_or_else(|| panic!("{}", m.message));
        r.report
    };
    let mut m = model(&s);
    let before = review(&mut m, ReviewSource::Extraction);
    assert!(ReviewSource::Extraction.name().contains("no memory"));

    // amina's files now also hold her gold as pending memory proposals.
    let c = Corpus::load(&s.corpus).unwrap();
    let store = Store::open(&s.annotations, "amina").unwrap();
    for doc in &c.documents {
        let Some(mut l) = store::read(&s.annotations, "amina", doc, &Schema::builtin()).unwrap()
        else {
            continue;
        };
        l.annotations.proposals = l
            .annotations
            .entities
            .iter()
            .map(|e| Proposal {
                start: e.start,
                end: e.end,
                label: e.label.clone(),
                text: e.text.clone(),
                confidence: 1.0,
                source: Source::Memory,
            })
            .collect();
        store.save(doc, &l.annotations).unwrap();
    }
    let mut m = model(&s);
    let after = review(&mut m, ReviewSource::Extraction);
    assert_eq!(
        after, before,
        "the document's own gold changed the extraction score"
    );
    // The pending proposals are scored as they are: memory, so perfect.
    let pending = review(&mut m, ReviewSource::Proposals("amina".into()));
    assert_eq!(pending.strict.micro.f1, 1.0);
    assert!(after.strict.micro.f1 < 1.0);
    assert!(
        ReviewSource::Proposals("amina".into())
            .name()
            .contains("memory")
    );

    // Figures of `kashif eval --pred proposals`.
    let out = s.kashif(&["eval", "--gold", "amina", "--pred", "proposals", "--json"]);
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gui = serde_json::to_value(&after).unwrap();
    for key in ["documents", "strict", "partial", "per_document"] {
        assert_eq!(gui[key], cli[key], "{key}");
    }
}

/// Issue 25, point 8: the review panel lists names labelled differently
/// across the annotators, each place a button that opens its document with
/// the place selected.
#[test]
fn review_lists_inconsistent_names_and_each_place_jumps_to_its_document() {
    use kashif::eval::FindingKind;
    let s = setup();
    let mut h = s.harness();
    start_review(&mut h);
    let review = h.state().model.gold.review.as_ref().unwrap();
    let f = review
        .lead
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Labels && f.text == "جامعة القاهرة")
        .unwrap_or_else(|| panic!("{:?}", review.lead.findings))
        .clone();
    let badr = f
        .places
        .iter()
        .find(|p| p.annotator == "badr")
        .unwrap()
        .clone();
    assert_eq!(badr.label.as_deref(), Some("LOC"));
    // Both annotators' rates are there too.
    assert_eq!(review.lead.decisions.len(), 2);
    h.state_mut().model.apply(Command::OpenDocument(1));
    h.run();
    assert_eq!(h.state().model.current, Some(1));
    // The review panel scrolls: bring the place into view, then click it.
    let place = format!("badr/a {}..{} LOC", badr.start, badr.end);
    h.get_by_label(&place).scroll_to_me();
    h.run();
    click(&mut h, &place);
    assert_eq!(h.state().model.current, Some(0));
    assert_eq!(h.state().model.selection, Some((badr.start, badr.end)));
}

/// Issue 25, point 2: the review panel shows αu per label as the line
/// `kashif agree` prints under its table.
#[test]
fn the_review_panel_shows_alpha_u_per_label_as_kashif_agree() {
    let s = setup();
    let mut h = s.harness();
    start_review(&mut h);
    let out = s.kashif(&["agree", "amina", "badr"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("alpha_u by label: ").map(|(_, r)| r.trim()))
        .unwrap_or_else(|| panic!("no per-label line in {stdout}"));
    assert!(line.contains("LOC "), "{line}");
    h.get_by_label(&format!("alpha_u by label: {line}"));
}

/// Issue 25, point 2: adjudication writes only what was decided. A document
/// one annotator left in progress is listed with the reason and not written
/// until the lead includes it; the table shows each reading's label,
/// boundaries and Arabic text, and a boundary-only conflict says so;
/// "the right reading for every remaining conflict" is one undo step;
/// Ctrl+S saves; the summary line counts what the table lists.
#[test]
fn adjudication_writes_only_documents_both_finished_unless_included() {
    let s = setup();
    // badr has not finished b.
    let c = Corpus::load(&s.corpus).unwrap();
    let doc_b = c.documents.iter().find(|d| d.id == "b").unwrap();
    let store = Store::open(&s.annotations, "badr").unwrap();
    let mut file = store::read(&s.annotations, "badr", doc_b, &Schema::builtin())
        .unwrap()
        .unwrap()
        .annotations;
    file.status = Status::InProgress;
    store.save(doc_b, &file).unwrap();
    drop(store);

    let mut h = s.harness();
    click(&mut h, "Mode");
    click(&mut h, "Adjudicate…");
    click(&mut h, "Start");
    let adj = h.state().model.gold.adjudication.as_ref().unwrap();
    assert_eq!(adj.docs.len(), 1, "only a is done by both");
    assert_eq!(adj.conflict_count(), 3);
    // Listed with the reason, in the panel.
    h.get_by_label("b: not done by every annotator (badr: in progress)");
    h.get_by_label("c: not done by every annotator (amina: in progress; badr: no file)");
    // The summary line counts what the table shows: one document group,
    // three conflicts, two left out.
    h.get_by_label(
        "amina and badr into gold: 1 document(s) (1 with conflicts), 2 agreed entities merged, \
         0 of 3 conflict(s) decided; 2 document(s) left out",
    );
    h.get_by_label("a — 3 conflict(s), 3 undecided");
    // Each reading with label, boundaries and text.
    let w = span(A, "واشنطن", "LOC");
    h.get_by_label(&format!("1 LOC {}..{} واشنطن", w.start, w.end));
    assert!(h.query_all_by_label("2 (nothing marked)").count() >= 1);
    let jam = span(A, "جامعة القاهرة", "LOC");
    h.get_by_label(&format!("2 LOC {}..{} جامعة القاهرة", jam.start, jam.end));

    // Ctrl+2: badr's reading everywhere left; one Ctrl+Z takes it all back.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Num2);
    h.run();
    assert_eq!(undecided(&h), 0);
    h.get_by_label("a — 3 conflict(s), 0 undecided");
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(undecided(&h), 3);
    // 1 on the first (واشنطن), then badr's for the two left.
    h.key_press(Key::Num1);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Num2);
    h.run();
    assert_eq!(undecided(&h), 0);

    // Ctrl+S saves a only, also after a click in the table (a clicked
    // row holds egui's focus; the keys still work).
    h.get_by_label(&format!("1 LOC {}..{} واشنطن", w.start, w.end))
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    let message = h.state().model.message.clone();
    assert!(
        message.starts_with("saved 1 document(s) as gold")
            && message.contains("2 not done by both annotators not saved"),
        "{message}"
    );
    assert!(store::file_path(&s.annotations, "gold", "a").is_file());
    assert!(!store::file_path(&s.annotations, "gold", "b").exists());
    assert!(!store::file_path(&s.annotations, "gold", "c").exists());

    // The lead includes b by name: its date conflict is boundary-only.
    click(&mut h, "include");
    let adj = h.state().model.gold.adjudication.as_ref().unwrap();
    assert_eq!(adj.docs.len(), 2);
    assert_eq!(
        adj.skipped.len(),
        1,
        "c cannot be included: no file of badr"
    );
    let long = span(B, "٩ نوفمبر 2020", "DATE");
    let short = span(B, "نوفمبر 2020", "DATE");
    h.get_by_label(&format!(
        "1 DATE {}..{} ٩ نوفمبر 2020",
        long.start, long.end
    ));
    h.get_by_label(&format!(
        "2 DATE {}..{} نوفمبر 2020",
        short.start, short.end
    ));
    assert!(h.query_all_by_label("boundaries").count() >= 1);
    // The current conflict is b's: 1 keeps amina's date.
    h.key_press(Key::Num1);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    let doc_b = c.documents.iter().find(|d| d.id == "b").unwrap();
    let gold_b = store::read(&s.annotations, "gold", doc_b, &Schema::builtin())
        .unwrap()
        .unwrap()
        .annotations;
    assert_eq!(gold_b.status, Status::Done);
    assert!(gold_b.entities.iter().any(|e| e.text == "٩ نوفمبر 2020"));
    assert!(gold_b.entities.iter().all(|e| e.text != "نوفمبر 2020"));
}

fn undecided(h: &Harness<'_, KashifApp>) -> usize {
    h.state()
        .model
        .gold
        .adjudication
        .as_ref()
        .unwrap()
        .undecided_count()
}

/// Issue 24, point 7: the review panel shows each annotator's time per
/// entity, entities per hour and shares from their timing file: the line
/// `kashif stats` prints, a table per day and a plot; a bad line of the
/// file is listed with file:line.
#[test]
fn the_review_panel_shows_the_time_per_entity_as_kashif_stats() {
    let s = setup();
    let timing = s.annotations.join("amina").join(".kashif-timing.tsv");
    std::fs::write(
        &timing,
        "# kashif timing 1\n\
         1796500000000\ta\taccept\tLOC\t1\t7\t10.000\n\
         1796500010000\ta\tcorrect-label\tPER\t9\t20\t20.000\n\
         1796500030000\ta\tdraw\tORG\t30\t40\t30.000\n\
         1796500030000\ta\tdraw\tORG\n",
    )
    .unwrap();
    let mut h = s.harness();
    start_review(&mut h);
    let review = h.state().model.gold.review.as_ref().unwrap();
    let t = review
        .timing
        .iter()
        .find(|t| t.annotator == "amina")
        .unwrap_or_else(|| panic!("{:?}", review.timing));
    assert_eq!(t.total.seconds_per_entity(), Some(20.0));
    assert_eq!(t.total.entities_per_hour(), Some(180.0));
    let bad = format!("{}:5: 4 field(s), expected 7; skipped", timing.display());
    assert!(review.problems.contains(&bad), "{:?}", review.problems);
    let out = s.kashif(&["stats", "--annotator", "amina"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("  time: "))
        .unwrap_or_else(|| panic!("no time line in {stdout}"));
    assert!(
        line.contains("180.0 entities/hour, 20.0 s/entity"),
        "{line}"
    );
    h.get_by_label(&format!("amina: {line}"));
    // The day's row: entities, per hour, s/entity, shares.
    h.get_by_label("2026-12-05");
    h.get_by_label("seconds per entity, per day");
}

/// Issue 25, point 2: the stacked (curation) view. V (or the side panel's
/// toggle) shows each line of the current conflict's document with one row
/// of boxes per annotator and the gold row; a box only one annotator has is
/// marked as a disagreement; a click on a box makes its conflict current.
#[test]
fn stacked_view_shows_one_row_of_boxes_per_annotator() {
    let s = setup();
    let mut h = s.harness();
    click(&mut h, "Mode");
    click(&mut h, "Adjudicate…");
    click(&mut h, "Start");
    assert!(
        h.query_by_label("amina LOC واشنطن").is_none(),
        "article first"
    );
    h.key_press(Key::V);
    h.run();
    assert!(h.state().model.gold.adjudication.as_ref().unwrap().stacked);
    let description = |h: &Harness<'_, KashifApp>, label: &str| {
        h.get_by_label(label).accesskit_node().description()
    };
    // amina alone marked واشنطن; badr alone Siyasət: disagreements.
    let disagreement = Some(kashif::ui::adjudicate::stacked::DISAGREEMENT.to_string());
    assert_eq!(description(&h, "amina LOC واشنطن"), disagreement);
    assert_eq!(description(&h, "badr MISC Siyasət"), disagreement);
    assert_eq!(description(&h, "amina ORG جامعة القاهرة"), disagreement);
    assert_eq!(description(&h, "badr LOC جامعة القاهرة"), disagreement);
    // Both marked the person and Armenia alike: in every row, unmarked.
    for who in ["amina", "badr", "gold"] {
        assert_eq!(description(&h, &format!("{who} PER أنتوني بلينكين")), None);
        assert_eq!(description(&h, &format!("{who} LOC أرمينيا")), None);
    }
    // Undecided conflicts hold a place in the gold row.
    h.get_by_label("gold undecided واشنطن");
    h.get_by_label("gold undecided Siyasət");
    // Each annotator's row reads right to left, in text order: the person
    // right of Washington, right of Armenia.
    let x = |h: &Harness<'_, KashifApp>, label: &str| h.get_by_label(label).rect().center().x;
    assert!(x(&h, "amina PER أنتوني بلينكين") > x(&h, "amina LOC واشنطن"));
    assert!(x(&h, "amina LOC واشنطن") > x(&h, "amina LOC أرمينيا"));
    // The rows are stacked: amina's above badr's above gold.
    let y = |h: &Harness<'_, KashifApp>, label: &str| h.get_by_label(label).rect().center().y;
    assert!(y(&h, "amina PER أنتوني بلينكين") < y(&h, "badr PER أنتوني بلينكين"));
    assert!(y(&h, "badr PER أنتوني بلينكين") < y(&h, "gold PER أنتوني بلينكين"));

    // A click on badr's Siyasət makes its conflict (the third) current.
    click(&mut h, "badr MISC Siyasət");
    let current =
        |h: &Harness<'_, KashifApp>| h.state().model.gold.adjudication.as_ref().unwrap().current;
    assert_eq!(current(&h), 2);
    h.get_by_label("conflict 3 of 4 —");
    // The side panel's keys decide it: neither; gold loses its placeholder.
    click(&mut h, "amina ORG جامعة القاهرة");
    assert_eq!(current(&h), 1);
    h.key_press(Key::Num1);
    h.run();
    h.get_by_label("gold ORG جامعة القاهرة");
    h.get_by_label("gold LOC القاهرة");
    assert!(h.query_by_label("gold undecided جامعة القاهرة").is_none());

    // The side panel's toggle, and V, switch back to the article.
    click(&mut h, "stacked view (V)");
    assert!(!h.state().model.gold.adjudication.as_ref().unwrap().stacked);
    assert!(h.query_by_label("amina LOC واشنطن").is_none());
    h.key_press(Key::V);
    h.run();
    h.get_by_label("amina LOC واشنطن");
}

/// The stacked view of a long document draws only the lines in view and
/// follows the current conflict: its line is scrolled into view, lines far
/// from it are not drawn (no boxes of theirs in the accessibility tree).
#[test]
fn stacked_view_draws_the_lines_in_view_and_follows_the_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let annotations = dir.path().join("annotations");
    std::fs::create_dir_all(&corpus).unwrap();
    let text: String = (0..150)
        .map(|i| format!("قال المتحدث إن الوفد وصل إلى المدينة رقم {i} أمس.\n"))
        .collect();
    std::fs::write(corpus.join("long.txt"), &text).unwrap();
    let c = Corpus::load(&corpus).unwrap();
    let doc = &c.documents[0];
    let city = |i: usize, label: &str| span(&text, &format!("المدينة رقم {i} "), label);
    let trim = |s: Span| Span {
        end: s.end - 1,
        text: s.text.trim_end().to_string(),
        ..s
    };
    // Both: PER on line 0 (agreed); badr alone: ORG on line 5; amina
    // alone: LOC on line 120.
    for (who, entities) in [
        ("amina", vec![trim(city(0, "PER")), trim(city(120, "LOC"))]),
        ("badr", vec![trim(city(0, "PER")), trim(city(5, "ORG"))]),
    ] {
        let store = Store::open(&annotations, who).unwrap();
        let ann = DocAnnotations {
            status: Status::Done,
            entities,
            ..Default::default()
        };
        store.save(doc, &ann).unwrap();
    }
    let backend = FsBackend {
        annotations_dir: annotations.clone(),
        schema: Schema::builtin(),
    };
    let mut model = AppModel::new(Schema::builtin(), Box::new(backend));
    model.apply(Command::SetAnnotator("amina".into()));
    model.apply(Command::OpenFolder(corpus.clone()));
    let mut h = ui_support::harness(KashifApp::new(model, Box::new(NoPicker)), 1400.0, 900.0);
    click(&mut h, "Mode");
    click(&mut h, "Adjudicate…");
    click(&mut h, "Start");
    assert_eq!(
        h.state()
            .model
            .gold
            .adjudication
            .as_ref()
            .unwrap()
            .conflict_count(),
        2
    );
    h.key_press(Key::V);
    h.run();
    h.run();
    // The first conflict (line 5) in view; line 120 far below, not drawn.
    h.get_by_label("badr ORG المدينة رقم 5");
    assert!(h.query_by_label("amina LOC المدينة رقم 120").is_none());
    // N: the next conflict; the view follows it to line 120.
    h.key_press(Key::N);
    h.run();
    h.run();
    h.get_by_label("amina LOC المدينة رقم 120");
    assert!(h.query_by_label("badr ORG المدينة رقم 5").is_none());
    assert!(h.query_by_label("amina PER المدينة رقم 0").is_none());
}
