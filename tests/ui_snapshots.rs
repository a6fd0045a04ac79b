//! Golden images of hard seed paragraphs (digits, parentheses, quotes,
//! Latin) rendered by the article view through wgpu. Rendered headless with
//! Mesa's software renderers; the comparison tolerates small renderer
//! differences but always compares (a missing image fails the test; create
//! or refresh with `UPDATE_SNAPSHOTS=1`).
//!
//! The side panels too (document list, proposals, entities, search results,
//! the review table, the adjudication lists), with mixed Arabic, Latin and
//! digits, at a wide window (rows whole) and a narrow one (rows cut with …,
//! snippets and names wrapped): panel text goes through the article's
//! cosmic-text path, so it must read right to left, joined, in order.
//!
//! They need a graphics adapter: Mesa's software Vulkan driver (Debian
//! package `mesa-vulkan-drivers`). Without one they say so in one line and
//! pass as skipped, except under CI (`CI` set), where a missing adapter fails.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::path::Path;
use std::sync::Arc;

use eframe::egui_wgpu;
use egui_kittest::{Harness, SnapshotOptions};
use kashif::annotation::{DocAnnotations, Origin, Proposal, Source, Span, Status};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store::Store;
use kashif::ui::model::gold::GoldCommand;
use kashif::ui::review::ReviewSource;
use kashif::ui::{AppModel, ArticleInput, ArticleView, Command, KashifApp};
use kashif::workbench_files::FsBackend;
use kashif::workflow::{self, Scope};
use ui_support::NoPicker;
use wire_support::{TestBackend, settle, write_corpus};
use workflow_support::FakeProposer;

/// The packages that turn these tests on.
const PACKAGES: &str = "mesa-vulkan-drivers (Mesa's software Vulkan driver, lavapipe)";

/// Runs a future whose work is done synchronously by wgpu on native
/// platforms (adapter and device requests).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

/// Whether this machine has a graphics adapter for the snapshots (tried
/// once, with the harness's own setup, which prefers software renderers);
/// `false` means skip — never under CI, where it fails. Each test then
/// renders on its own device, as the harness does by default.
fn have_adapter() -> bool {
    static FOUND: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let setup = egui_kittest::wgpu::default_wgpu_setup();
        let instance = block_on(setup.new_instance());
        let config = egui_wgpu::WgpuConfiguration {
            wgpu_setup: setup,
            ..Default::default()
        };
        block_on(egui_wgpu::RenderState::create(
            &config,
            &instance,
            None,
            egui_wgpu::RendererOptions::default(),
        ))
        .map(drop)
        .map_err(|e| e.to_string())
    });
    match found {
        Ok(()) => true,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("no graphics adapter in CI ({e}); .ci/run installs {PACKAGES}")
        }
        Err(e) => {
            // Once, and past the test harness's output capture, so a plain
            // `cargo test` shows it.
            static TOLD: std::sync::Once = std::sync::Once::new();
            TOLD.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "ui_snapshots: skipped, no graphics adapter ({e}); install {PACKAGES} to run them"
                );
            });
            false
        }
    }
}

struct Snap {
    view: ArticleView,
    selection: Option<(usize, usize)>,
    text: String,
    annotations: DocAnnotations,
    schema: Schema,
}

fn char_at(text: &str, needle: &str) -> usize {
    text[..text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"))]
        .chars()
        .count()
}

fn span(text: &str, needle: &str, label: &str) -> Span {
    let s = char_at(text, needle);
    Span {
        start: s,
        end: s + needle.chars().count(),
        label: label.into(),
        origin: Origin::Manual,
        text: needle.into(),
        proposed: None,
    }
}

fn proposal(text: &str, needle: &str, label: &str) -> Proposal {
    let s = char_at(text, needle);
    Proposal {
        start: s,
        end: s + needle.chars().count(),
        label: label.into(),
        text: needle.into(),
        confidence: 0.7,
        source: Source::Gazetteer,
    }
}

/// Line `n` (1-based) of a seed article.
fn seed_line(id: &str, n: usize) -> String {
    let text = std::fs::read_to_string(format!("seeds/{id}.txt")).unwrap();
    text.lines().nth(n - 1).unwrap().to_string()
}

fn snapshot(name: &str, text: String, entities: Vec<Span>, proposals: Vec<Proposal>, ppp: f32) {
    snapshot_themed(
        name,
        text,
        entities,
        proposals,
        ppp,
        egui::Theme::Dark,
        None,
    );
}

fn snapshot_themed(
    name: &str,
    text: String,
    entities: Vec<Span>,
    proposals: Vec<Proposal>,
    ppp: f32,
    theme: egui::Theme,
    selection: Option<(usize, usize)>,
) {
    if !have_adapter() {
        return;
    }
    let mut entities = entities;
    entities.sort_by(|a, b| a.key().cmp(&b.key()));
    let state = Snap {
        view: ArticleView::new(),
        selection,
        text,
        annotations: DocAnnotations {
            entities,
            proposals,
            ..Default::default()
        },
        schema: Schema::builtin(),
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(560.0, 260.0))
        .with_pixels_per_point(ppp)
        .wgpu()
        .build_ui_state(
            move |ui, s: &mut Snap| {
                ui.ctx().set_theme(theme);
                let input = ArticleInput {
                    doc_id: "snap",
                    text: &s.text,
                    annotations: &s.annotations,
                    schema: &s.schema,
                    selection: s.selection,
                    focused: None,
                    caret: None,
                    lexicon: None,
                };
                s.view.ui(ui, &input);
            },
            state,
        );
    h.run();
    // Tolerant of renderer differences (anti-aliasing of box edges, glyph
    // coverage rounding), yet a moved word or a broken join fails.
    let options = SnapshotOptions::new().threshold(2.0).max_failed_pixels(150);
    h.snapshot_options(name, &options);
}

#[test]
fn snapshot_digits_and_dates_in_rtl() {
    // "... أعلنت باكو في 23 أبريل أنها أقامت أول نقطة تفتيش ..."
    let text = seed_line("000_a5568e69e50189a5", 21);
    let entities = vec![
        span(&text, "باكو", "LOC"),
        span(&text, "23 أبريل", "DATE"),
        span(&text, "أرمينيا", "LOC"),
    ];
    let proposals = vec![proposal(&text, "ممر لاتشين", "LOC")];
    snapshot("digits_dates", text, entities, proposals, 1.0);
}

#[test]
fn snapshot_tags_leave_every_hamza_visible() {
    // Names opening with a hamza on or under the alef, each a saved entity
    // or a proposal, on lines under other lines (the tag has to find room
    // in the line gap or beside the box, never over a letter), at 100 %.
    let text = "قال الرئيس إن أرمينيا ستوقع مع أنتوني بلينكين اتفاقا يرضي أوروبا ولا يغضب إيران، وإن أرمينيا وأوروبا تريدان السلام مع إيران في أقرب وقت."
        .to_string();
    let entities = vec![
        span(&text, "أرمينيا", "LOC"),
        span(&text, "أنتوني بلينكين", "PER"),
        span(&text, "أوروبا", "ORG"),
        span(&text, "إيران", "LOC"),
    ];
    let proposals = vec![
        proposal(&text, "وأوروبا", "LOC"),
        proposal(&text, "إيران في", "MISC"),
    ];
    snapshot("tags_hamza", text, entities, proposals, 1.0);
}

#[test]
fn snapshot_quotes_parentheses_and_nested_entities() {
    // "وفي 28 سبتمبر، وقع “رئيس ناغورنو كاراباخ (آرتساخ)” الانفصالي ..."
    let text = seed_line("003_0acdc6091995a434", 67);
    let entities = vec![
        span(&text, "28 سبتمبر", "DATE"),
        span(&text, "ناغورنو كاراباخ (آرتساخ)", "LOC"),
        span(&text, "آرتساخ", "LOC"),
        span(&text, "سامفيل شهرامانيان", "PER"),
    ];
    snapshot("quotes_parentheses_nested", text, entities, vec![], 1.0);
}

#[test]
fn snapshot_latin_heading_and_slashed_dates_at_2x() {
    // A Latin-only heading (left to right), then an Arabic paragraph with a
    // slashed month pair and digits, at pixels_per_point 2.
    let text = format!(
        "{}\n\n{}",
        seed_line("003_0acdc6091995a434", 1),
        seed_line("003_0acdc6091995a434", 47)
    );
    let entities = vec![
        span(&text, "Siyasət", "ORG"),
        span(&text, "15 تشرين الثاني/نوفمبر", "DATE"),
        span(&text, "ناغورنو كاراباخ", "LOC"),
    ];
    let proposals = vec![proposal(&text, "الكونغرس الأمريكي", "ORG")];
    snapshot(
        "latin_heading_slashed_dates_2x",
        text,
        entities,
        proposals,
        2.0,
    );
}

#[test]
fn snapshot_latin_first_word_reads_rtl() {
    let text = "CNN: قالت وزارة الخارجية (MFA) إن 6500 قتيل سقطوا في حرب 2020.".to_string();
    let entities = vec![
        span(&text, "CNN", "ORG"),
        span(&text, "وزارة الخارجية", "ORG"),
        span(&text, "2020", "DATE"),
    ];
    snapshot("latin_first_word_rtl", text, entities, vec![], 1.5);
}

#[test]
fn snapshot_light_theme_with_proposals() {
    let text = seed_line("002_ede75b7ff3073590", 21);
    let entities = vec![
        span(&text, "أرمينيا", "LOC"),
        span(&text, "أذربيجان", "LOC"),
    ];
    let proposals = vec![
        proposal(&text, "موسكو", "LOC"),
        proposal(&text, "6500", "MISC"),
    ];
    snapshot_themed(
        "light_theme_proposals",
        text,
        entities,
        proposals,
        1.0,
        egui::Theme::Light,
        None,
    );
}

#[test]
fn snapshot_selection_split_by_bidi_and_wrapped() {
    // Exact selection from inside the Latin word ("Siy|asət") over a line
    // wrap into "العا|صمة": on the first line the highlight covers "asət",
    // leaves "Siy" and the opening bracket out, and goes on from the closing
    // bracket (drawn left of "S", mirrored) leftwards; on the second line it
    // covers the start (right side) only.
    let text = "نشرت صحيفة أرمينيا (Siyasət) تقريرا جديدا عن المحادثات بين البلدين في العاصمة الفيدرالية الأمريكية".to_string();
    let a = char_at(&text, "Siyasət") + 3;
    let e = char_at(&text, "العاصمة") + 4;
    snapshot_themed(
        "selection_bidi_wrap",
        text,
        vec![],
        vec![],
        1.0,
        egui::Theme::Dark,
        Some((a, e)),
    );
}

#[test]
fn snapshot_entities_split_by_bidi_and_by_a_wrap() {
    // "مجلة Der" is split by the Latin run's order (two boxes, one tag);
    // "البلدين في العاصمة" wraps (a box on each line, the tag on the first).
    let text = "نشرت مجلة Der Spiegel الألمانية تقريرا عن المحادثات بين البلدين في العاصمة الفيدرالية الأمريكية".to_string();
    let entities = vec![
        span(&text, "مجلة Der", "ORG"),
        span(&text, "البلدين في العاصمة", "MISC"),
    ];
    snapshot("entities_split_bidi_wrap", text, entities, vec![], 1.0);
}

// ---- The side panels ----

/// Documents with mixed ids and texts: Arabic, Latin words, Western and
/// Arabic-Indic digits, names long enough to be cut in a narrow panel.
const PANEL_DOCS: [(&str, &str); 3] = [
    (
        "تقرير_AFP_2023_عن_مفاوضات_السلام_في_واشنطن",
        "نشرت وكالة Reuters في 23 أبريل 2023 أن وزير الخارجية أنتوني بلينكين التقى في واشنطن ممثلي منظمة الأمم المتحدة للتربية والعلم والثقافة UNESCO وصحيفة Der Spiegel الألمانية.",
    ),
    (
        "000_a5568e69e50189a5",
        "قالت CNN إن 6500 شخص تظاهروا في واشنطن يوم ٩ نوفمبر 2020 ضد قرار الكونغرس الأمريكي بشأن ناغورنو كاراباخ (آرتساخ).",
    ),
    ("مقال 12", "وصل الرئيس إلى واشنطن."),
];

fn panel_proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[
        ("وكالة Reuters", "ORG", 0.91),
        ("23 أبريل 2023", "DATE", 0.88),
        ("أنتوني بلينكين", "PER", 0.95),
        ("واشنطن", "LOC", 0.8),
        (
            "منظمة الأمم المتحدة للتربية والعلم والثقافة UNESCO",
            "ORG",
            0.7,
        ),
        ("Der Spiegel الألمانية", "ORG", 0.6),
        ("٩ نوفمبر 2020", "DATE", 0.9),
    ]))
}

fn app_harness(app: KashifApp, size: (f32, f32)) -> Harness<'static, KashifApp> {
    Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_max_steps(16)
        .wgpu()
        .build_ui_state(|ui, app: &mut KashifApp| app.ui(ui), app)
}

fn snap_app(h: &mut Harness<'_, KashifApp>, name: &str) {
    h.run();
    let options = SnapshotOptions::new().threshold(2.0).max_failed_pixels(300);
    h.snapshot_options(name, &options);
}

/// The workbench on [`PANEL_DOCS`], the first open with accepted entities
/// and pending proposals, and a corpus search for `واشنطن`.
fn workbench_panels(size: (f32, f32), name: &str) {
    if !have_adapter() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write_corpus(&corpus, &PANEL_DOCS);
    let backend = TestBackend {
        annotations: tmp.path().join("annotations"),
        proposer: panel_proposer(),
        learner: None,
    };
    let mut model = AppModel::new(Schema::builtin(), Box::new(backend));
    model.apply(Command::SetAnnotator(wire_support::ANNOTATOR.into()));
    model.apply(Command::OpenFolder(corpus.clone()));
    let mut h = app_harness(KashifApp::new(model, Box::new(NoPicker)), size);
    settle(&mut h);
    let work = |c| Command::Work(c);
    let first = PANEL_DOCS[0].0.to_string();
    h.state_mut()
        .model
        .apply(work(workflow::Command::Open(first)));
    settle(&mut h);
    for c in [
        workflow::Command::AcceptAllAbove(0.9),
        workflow::Command::AcceptAllOfLabel("DATE".into()),
        workflow::Command::Search {
            query: "واشنطن".into(),
            scope: Scope::Corpus,
        },
    ] {
        h.state_mut().model.apply(work(c));
    }
    h.state_mut().work.search_query = "واشنطن".into();
    h.state_mut().work.search_scope = Scope::Corpus;
    settle(&mut h);
    let s = h.state().model.session.as_ref().unwrap();
    let ann = s.current_annotations().unwrap();
    assert_eq!(ann.entities.len(), 3, "{:?}", ann.entities);
    assert_eq!(ann.proposals.len(), 3, "{:?}", ann.proposals);
    assert_eq!(s.search_hits().len(), 3);
    // Every edit on disk, so the status bar says "saved" at every run.
    s.flush().unwrap();
    h.run();
    snap_app(&mut h, name);
}

#[test]
fn snapshot_workbench_panels_wide() {
    // Rows whole: document ids, entity and proposal names on one line each.
    workbench_panels((1280.0, 1000.0), "panels_workbench_wide");
}

#[test]
fn snapshot_workbench_panels_narrow() {
    // 800 wide (panels of 120 and 160 points): long ids and names cut
    // with …, search snippets wrapped.
    workbench_panels((800.0, 1000.0), "panels_workbench_narrow");
}

/// Two annotators' files on [`PANEL_DOCS`], opened by the file backend.
fn two_annotators(root: &Path) -> KashifApp {
    let corpus = root.join("corpus");
    let annotations = root.join("annotations");
    write_corpus(&corpus, &PANEL_DOCS);
    let c = Corpus::load(&corpus).unwrap();
    let span = |text: &str, needle: &str, label: &str| {
        let start = char_at(text, needle);
        Span {
            start,
            end: start + needle.chars().count(),
            label: label.into(),
            origin: Origin::Manual,
            text: needle.into(),
            proposed: None,
        }
    };
    let (a, b, _) = (PANEL_DOCS[0].1, PANEL_DOCS[1].1, PANEL_DOCS[2].1);
    let files = [
        (
            "amina",
            vec![
                (
                    0,
                    vec![
                        span(a, "وكالة Reuters", "ORG"),
                        span(a, "أنتوني بلينكين", "PER"),
                        span(a, "واشنطن", "LOC"),
                        span(
                            a,
                            "منظمة الأمم المتحدة للتربية والعلم والثقافة UNESCO",
                            "ORG",
                        ),
                    ],
                ),
                (
                    1,
                    vec![
                        span(b, "CNN", "ORG"),
                        span(b, "٩ نوفمبر 2020", "DATE"),
                        span(b, "ناغورنو كاراباخ (آرتساخ)", "LOC"),
                    ],
                ),
            ],
        ),
        (
            "badr",
            vec![
                (
                    0,
                    vec![
                        span(a, "Reuters", "ORG"),
                        span(a, "أنتوني بلينكين", "PER"),
                        span(a, "واشنطن", "ORG"),
                        span(a, "Der Spiegel الألمانية", "ORG"),
                    ],
                ),
                (
                    1,
                    vec![
                        span(b, "CNN", "ORG"),
                        span(b, "٩ نوفمبر 2020", "DATE"),
                        span(b, "الكونغرس الأمريكي", "ORG"),
                    ],
                ),
            ],
        ),
    ];
    for (name, docs) in files {
        let store = Store::open(&annotations, name).unwrap();
        for (i, entities) in docs {
            let doc = c
                .documents
                .iter()
                .find(|d| d.id == PANEL_DOCS[i].0)
                .unwrap();
            let ann = DocAnnotations {
                status: Status::Done,
                entities,
                ..Default::default()
            };
            store.save(doc, &ann).unwrap();
        }
    }
    let backend = FsBackend {
        annotations_dir: annotations,
        schema: Schema::builtin(),
    };
    let mut model = AppModel::new(Schema::builtin(), Box::new(backend));
    model.apply(Command::SetAnnotator("amina".into()));
    model.apply(Command::OpenFolder(corpus));
    // The file backend opens no editing session; the banner saying so names
    // the temporary folder, which differs at every run.
    model.session_error = None;
    KashifApp::new(model, Box::new(NoPicker))
}

#[test]
fn snapshot_review_table() {
    // The per-document table's ids (one cut with …) and the left-out list.
    if !have_adapter() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app_harness(two_annotators(tmp.path()), (1100.0, 1250.0));
    h.run();
    h.state_mut()
        .model
        .apply(Command::Gold(GoldCommand::StartReview {
            gold: ReviewSource::Annotator("amina".into()),
            pred: ReviewSource::Annotator("badr".into()),
            all: false,
        }));
    assert!(
        h.state().model.gold.review.is_some(),
        "{}",
        h.state().model.message
    );
    snap_app(&mut h, "panels_review_table");
}

#[test]
fn snapshot_adjudication_lists() {
    // The conflict list's ids and both readings' names, wrapped in the
    // two narrow columns.
    if !have_adapter() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app_harness(two_annotators(tmp.path()), (1280.0, 800.0));
    h.run();
    h.state_mut()
        .model
        .apply(Command::Gold(GoldCommand::StartAdjudication {
            a: "amina".into(),
            b: "badr".into(),
        }));
    assert!(
        h.state().model.gold.adjudication.is_some(),
        "{}",
        h.state().model.message
    );
    snap_app(&mut h, "panels_adjudication");
}

#[test]
fn snapshot_adjudication_stacked_view() {
    // The stacked (curation) view: the line's text, then amina's, badr's
    // and the gold row of boxes, right to left, disagreements outlined,
    // the current conflict's boxes framed and its chars marked in the line.
    if !have_adapter() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app_harness(two_annotators(tmp.path()), (1280.0, 800.0));
    h.run();
    for c in [
        GoldCommand::StartAdjudication {
            a: "amina".into(),
            b: "badr".into(),
        },
        GoldCommand::StackedView(true),
        // واشنطن: LOC against ORG (after the first document's two).
        GoldCommand::GoToConflict(3),
    ] {
        h.state_mut().model.apply(Command::Gold(c));
    }
    assert!(
        h.state().model.gold.adjudication.is_some(),
        "{}",
        h.state().model.message
    );
    snap_app(&mut h, "panels_adjudication_stacked");
}
