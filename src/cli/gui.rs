//! `kashif gui`: the workbench window.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use kashif::annotation::DocAnnotations;
use kashif::corpus::{Corpus, Document};
use kashif::formats::Exported;
use kashif::schema::Schema;
use kashif::store;
use kashif::ui::app::{ANNOTATOR_KEY, PANELS_KEY};
use kashif::ui::backend::AnnotatorFiles;
use kashif::ui::backend::{Backend, DocEntry, Loaded};
use kashif::ui::dialogs::picker::RfdPicker;
use kashif::ui::dialogs::save_picker::RfdSavePicker;
use kashif::ui::model::Command;
use kashif::ui::model::gold::GoldCommand;
use kashif::ui::review::ReviewSource;
use kashif::ui::{AppModel, KashifApp};
use kashif::workbench_files;
use kashif::workflow::{
    AccurateProposer, Base, Learner, LearningProposer, ModelProposer, Proposer, RulesProposer,
    SaveTiming, Session,
};

use super::common::{Folders, TaggerChoice};

#[derive(Args, Clone, Debug, Default)]
pub struct GuiArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// Annotator name; asked in the window (and remembered) when not given.
    #[arg(long)]
    pub annotator: Option<String>,
    /// Debugging aid: show the annotations of this RON file (a map from
    /// document id to annotations) instead of the annotator's files.
    #[arg(long, hide = true)]
    pub fixture: Option<PathBuf>,
    /// Open this document (its id) instead of the first one not done.
    #[arg(long)]
    pub open: Option<String>,
    /// Window size in points, `WIDTHxHEIGHT` (default 1280x800).
    #[arg(long)]
    pub size: Option<String>,
    /// CoNLL file the model is retrained on, with the gold of the documents
    /// marked done, in the background after each document marked done.
    /// Without it the model is retrained on the data the shipped model was
    /// trained on (compiled in, assets/train/).
    #[arg(long)]
    pub train_data: Option<PathBuf>,
    /// Which tier proposes. `accurate` (the default): the fast tier at once
    /// when a document opens, then the accurate tier (the fine-tuned
    /// encoder) in the background, replacing the fast tier's proposals for
    /// that document when ready; if its files do not load, the fast tier
    /// stays and the status bar says why. `fast`: the fast tier only.
    #[arg(long, value_enum)]
    pub tagger: Option<TaggerChoice>,
    /// Folder of the accurate tier's files (default: `$KASHIF_ENCODER`,
    /// else `assets/encoder` of the source tree).
    #[arg(long)]
    pub encoder: Option<PathBuf>,
    /// Debugging aid (screenshots): open with the shortcut overlay shown.
    #[arg(long, hide = true)]
    pub show_keys: bool,
    /// Debugging aid (screenshots): open with the guidelines shown.
    #[arg(long, hide = true)]
    pub show_guidelines: bool,
    /// Debugging aid (screenshots): select this char range `START..END` and
    /// focus the first proposal or entity (Tab) on start.
    #[arg(long, hide = true)]
    pub select: Option<String>,
    /// Debugging aid: start in review mode, `GOLD,COMPARED` annotators (a
    /// compared name `proposals:NAME` takes NAME's pending proposals).
    #[arg(long, hide = true)]
    pub review: Option<String>,
    /// Debugging aid: start adjudicating annotators `A,B`.
    #[arg(long, hide = true)]
    pub adjudicate: Option<String>,
    /// Testing aid: no window; run this script of key presses through the
    /// same key table, app model and session as the window, printing
    /// `ack LINE` when each line has been applied (see `cli::script`).
    #[arg(long, hide = true)]
    pub script: Option<PathBuf>,
    /// Testing aid: how long (ms) autosave waits before folding an edit
    /// from the journal into its RON file (default 250), so a test can kill
    /// the workbench while an edit is in the journal only.
    #[arg(long, hide = true)]
    pub save_delay_ms: Option<u64>,
}

/// Loads folders with `corpus` and the annotator's files with `store`
/// (or a fixture's annotations, when given).
pub(super) struct FsBackend {
    pub(super) annotations_dir: PathBuf,
    pub(super) schema: Schema,
    fixture: Option<BTreeMap<String, DocAnnotations>>,
    /// Woken by the session's background threads.
    ctx: Option<egui::Context>,
    train_data: Option<PathBuf>,
    /// The accurate tier's folder; `None`: the fast tier only.
    encoder: Option<PathBuf>,
    /// Autosave timing (`--save-delay-ms`).
    timing: SaveTiming,
    /// Whether sessions get the proposer (scripted runs go without).
    pub(super) propose: bool,
}

impl FsBackend {
    fn annotations(
        &self,
        document: &Document,
        annotator: Option<&str>,
    ) -> (DocAnnotations, Vec<String>) {
        if let Some(f) = &self.fixture {
            return (f.get(&document.id).cloned().unwrap_or_default(), Vec::new());
        }
        let Some(annotator) = annotator else {
            return (DocAnnotations::default(), Vec::new());
        };
        match store::read(&self.annotations_dir, annotator, document, &self.schema) {
            Ok(Some(loaded)) => (
                loaded.annotations,
                loaded.problems.iter().map(|p| p.to_string()).collect(),
            ),
            Ok(None) => (DocAnnotations::default(), Vec::new()),
            Err(e) => (DocAnnotations::default(), vec![e.to_string()]),
        }
    }
}

/// The proposer the workbench runs in the background, which is also its
/// learner: the shipped model with rules, dates, gazetteers and the memory
/// of gold names (`kashif::propose::proposer`), through the workflow's
/// adapter (returned too: the accurate tier is built on it). Without a
/// usable model, rules and gazetteers with the memory, and why.
/// Retrained models are kept in `<annotations>/.kashif-cache/` (a folder no
/// annotator can be named after), so a start with nothing new done loads
/// the last one instead of retraining.
fn proposer(
    train_data: Option<PathBuf>,
    annotations_dir: &Path,
) -> (Arc<dyn Proposer>, Arc<dyn Learner>, ModelBase) {
    match kashif::propose::bundled::load() {
        Ok(model) => {
            let base = train_data.map_or(Base::Shipped, Base::File);
            let p = Arc::new(
                ModelProposer::with_base(
                    kashif::propose::proposer::Proposer::new(Arc::new(model)),
                    base,
                )
                .with_cache(annotations_dir.join(".kashif-cache")),
            );
            (p.clone(), p.clone(), Ok(p))
        }
        Err(e) => {
            eprintln!("kashif: {e}; proposing with rules and gazetteers only");
            let p = Arc::new(LearningProposer::new(RulesProposer));
            (p.clone(), p, Err(e.to_string()))
        }
    }
}

/// The combined proposer the accurate tier is built on, or why there is none.
type ModelBase = Result<Arc<ModelProposer>, String>;

/// Starts loading the accurate tier from `dir` on a background thread; the
/// session keeps the fast tier and says why when it does not load.
fn load_accurate(session: &mut Session, dir: PathBuf, base: ModelBase) {
    let base = match base {
        Ok(b) => b,
        Err(e) => {
            session.accurate_unavailable(format!("no shipped model to build on ({e})"));
            return;
        }
    };
    session.load_accurate(move || match AccurateProposer::load(&dir, base) {
        Ok(p) => Ok(Arc::new(p) as Arc<dyn Proposer>),
        Err(e) => {
            eprintln!("kashif: {e}; the workbench keeps the fast tier");
            Err(e.to_string())
        }
    });
}

impl Backend for FsBackend {
    fn open_session(&mut self, dir: &Path, annotator: &str) -> Result<Session, String> {
        if self.fixture.is_some() {
            return Err("showing a fixture, not the annotator's files".to_string());
        }
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        let mut session = Session::open_with(
            corpus,
            self.schema.clone(),
            &self.annotations_dir,
            annotator,
            self.timing,
        )
        .map_err(|e| e.to_string())?;
        if let Some(ctx) = &self.ctx {
            let ctx = ctx.clone();
            session.set_waker(move || ctx.request_repaint());
        }
        if self.propose {
            let (proposer, learner, base) =
                proposer(self.train_data.clone(), &self.annotations_dir);
            session.set_proposer(proposer);
            session.set_learner(learner);
            if let Some(dir) = &self.encoder {
                load_accurate(&mut session, dir.clone(), base);
            }
        }
        Ok(session)
    }

    fn annotators(&mut self) -> Vec<String> {
        workbench_files::annotators(&self.annotations_dir)
    }

    fn read_annotator(
        &mut self,
        annotator: &str,
        docs: &[&Document],
    ) -> Result<AnnotatorFiles, String> {
        workbench_files::read_annotator(&self.annotations_dir, &self.schema, annotator, docs)
    }

    fn write_export(&mut self, path: &Path, exported: &Exported) -> Result<usize, String> {
        workbench_files::write_export(path, exported)
    }

    fn save_annotations(
        &mut self,
        annotator: &str,
        docs: &[(&Document, DocAnnotations)],
    ) -> Result<usize, String> {
        workbench_files::save_annotations(&self.annotations_dir, annotator, docs)
    }

    fn open_folder(&mut self, dir: &Path, annotator: Option<&str>) -> Result<Loaded, String> {
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        let documents = corpus
            .documents
            .into_iter()
            .map(|document| {
                let (annotations, problems) = self.annotations(&document, annotator);
                DocEntry {
                    document: std::sync::Arc::new(document),
                    annotations: std::sync::Arc::new(annotations),
                    problems,
                }
            })
            .collect();
        Ok(Loaded {
            documents,
            errors: corpus.errors.iter().map(|e| e.to_string()).collect(),
        })
    }
}

fn read_fixture(path: &Path) -> anyhow::Result<BTreeMap<String, DocAnnotations>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    ron::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: {}",
            path.display(),
            e.span.start.line,
            e.span.start.col,
            e.code
        )
    })
}

/// `--select START..END`: select that range and focus the first box.
fn start_selection(model: &mut AppModel, range: &str) {
    use kashif::workflow::Command as W;
    let parsed = range
        .split_once("..")
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
    match parsed {
        Some((start, end)) => {
            if let Some(s) = model.session.as_mut() {
                s.wait_for_proposals();
            }
            model.poll_session();
            model.apply(Command::Work(W::FocusNext));
            model.apply(Command::Work(W::Select { start, end }));
        }
        None => model.message = format!("--select {range:?}: expected START..END"),
    }
}

fn parse_size(s: &str) -> anyhow::Result<[f32; 2]> {
    let (w, h) = s
        .split_once('x')
        .with_context(|| format!("--size {s:?}: expected WIDTHxHEIGHT"))?;
    let num = |v: &str| {
        v.trim()
            .parse::<f32>()
            .with_context(|| format!("--size {s:?}: {v:?} is not a number"))
    };
    Ok([num(w)?, num(h)?])
}

pub fn run(args: GuiArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    // Before any thread starts (see kashif::heap).
    kashif::heap::configure_for_workbench();
    // Proposing and retraining run on rayon's global pool: below the
    // frame's thread (see kashif::workflow::priority).
    kashif::workflow::priority::background_global_pool();
    let fixture = args.fixture.as_deref().map(read_fixture).transpose()?;
    let size = match &args.size {
        Some(s) => parse_size(s)?,
        None => [1280.0, 800.0],
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Kashif")
            .with_inner_size(size),
        ..Default::default()
    };
    let corpus_dir = args.folders.corpus.clone();
    let schema = args.folders.schema()?;
    if let Some(a) = &args.annotator {
        store::check_annotator(a)?;
    }
    let backend = FsBackend {
        annotations_dir: args.folders.annotations.clone(),
        schema: schema.clone(),
        fixture,
        ctx: None,
        train_data: args.train_data.clone(),
        encoder: match args.tagger {
            Some(TaggerChoice::Fast) => None,
            Some(TaggerChoice::Accurate) | None => Some(
                args.encoder
                    .clone()
                    .unwrap_or_else(kashif::propose::accurate::default_dir),
            ),
        },
        propose: true,
        timing: match args.save_delay_ms {
            Some(ms) => SaveTiming {
                debounce: std::time::Duration::from_millis(ms),
                ..SaveTiming::default()
            },
            None => SaveTiming::default(),
        },
    };
    if let Some(script) = &args.script {
        return super::script::run(&args, script, backend);
    }
    // What background work freed goes back to the system (issue 26's
    // memory bound; see kashif::heap).
    kashif::heap::start_trimming(std::time::Duration::from_secs(10));
    eframe::run_native(
        "kashif",
        options,
        Box::new(move |cc| {
            kashif::ui::text::fonts::install_egui_fonts(&cc.egui_ctx);
            let mut backend = backend;
            backend.ctx = Some(cc.egui_ctx.clone());
            let mut model = AppModel::new(schema, Box::new(backend));
            let remembered = cc.storage.and_then(|s| s.get_string(ANNOTATOR_KEY));
            if let Some(name) = args.annotator.clone().or(remembered) {
                model.apply(Command::SetAnnotator(name));
            }
            model.apply(Command::OpenFolder(corpus_dir));
            if let Some(id) = &args.open {
                match model.docs.iter().position(|d| &d.document.id == id) {
                    Some(i) => model.apply(Command::OpenDocument(i)),
                    None => model.message = format!("--open {id}: no such document"),
                }
            }
            if let Some(r) = &args.select {
                start_selection(&mut model, r);
            }
            if let Some(pair) = &args.review {
                start_review(&mut model, pair);
            }
            if let Some(pair) = &args.adjudicate {
                let (a, b) = pair.split_once(',').unwrap_or((pair, ""));
                model.apply(Command::Gold(GoldCommand::StartAdjudication {
                    a: a.into(),
                    b: b.into(),
                }));
            }
            let mut app = KashifApp::new(model, Box::new(RfdPicker))
                .with_save_picker(Box::new(RfdSavePicker));
            if let Some(p) = cc.storage.and_then(|s| s.get_string(PANELS_KEY)) {
                app.work.restore_panels(&p);
            }
            app.work.show_shortcuts = args.show_keys;
            app.work.show_guidelines = args.show_guidelines;
            if let Some(n) = std::env::var_os("KASHIF_FIRST_FRAME") {
                return Ok(Box::new(FirstFrame {
                    app,
                    started,
                    told: 0,
                    tell: n
                        .to_str()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(FIRST_FRAMES_TOLD),
                }));
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// The workbench, saying on standard error when each of its first frames
/// was laid out, counted from the program's start, and how long each took
/// (with `KASHIF_FIRST_FRAME` set: to a number of frames, else
/// [`FIRST_FRAMES_TOLD`]). Issue 26 asks for a usable first frame within
/// 2 s at 20,000 documents and frames within 16 ms while annotating;
/// screenshots taken from outside cost more than they measure.
struct FirstFrame {
    app: KashifApp,
    started: std::time::Instant,
    told: usize,
    tell: usize,
}

/// How many frames [`FirstFrame`] tells of by default: egui's first pass
/// only sizes the window; the article is drawn in the next.
const FIRST_FRAMES_TOLD: usize = 3;

impl eframe::App for FirstFrame {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let t = std::time::Instant::now();
        eframe::App::ui(&mut self.app, ui, frame);
        if self.told < self.tell {
            self.told += 1;
            eprintln!(
                "kashif: frame {} laid out {:.0} ms after start, in {:.1} ms ({} documents)",
                self.told,
                self.started.elapsed().as_secs_f64() * 1000.0,
                t.elapsed().as_secs_f64() * 1000.0,
                self.app.model.docs.len()
            );
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }
}

/// `--review GOLD,COMPARED`: `proposals:NAME` names pending proposals.
fn start_review(model: &mut AppModel, pair: &str) {
    let (g, p) = pair.split_once(',').unwrap_or((pair, ""));
    let source = |s: &str| match s.strip_prefix("proposals:") {
        Some(name) => ReviewSource::Proposals(name.to_string()),
        None => ReviewSource::Annotator(s.to_string()),
    };
    let keep = model.current;
    model.apply(Command::Gold(GoldCommand::StartReview {
        gold: source(g),
        pred: source(p),
        all: true,
    }));
    if keep.is_some() && model.current != keep {
        model.current = keep;
    }
}
