//! The workbench's key-to-frame speed on a long article:
//! `cargo bench --bench wire`.
//!
//! The whole window (documents, tools, article, status bar) over a real
//! editing session with autosave, on one document of the seeds repeated to
//! 100,000 chars with 2,000 entities (1,500 saved, 500 proposals). For each
//! kind of key press: the time from handing egui the key event to the
//! tessellated frame that shows its effect (CPU; the GPU upload is not
//! counted). Then: frames that ran while autosave was writing the file,
//! against frames that did not, to show saving never stalls a frame.
//! Last, the document is marked done, which retrains the shipped model on
//! its base data plus this gold on a background thread (issue 13, item 4):
//! key presses go on meanwhile, and their frames are reported beside those
//! after it finished, to show retraining never blocks a frame. Then the
//! accurate tier (issue 12; its files from `$KASHIF_ENCODER` or
//! assets/encoder) loads and proposes for the whole article in the
//! background while Tab goes on: frames while it loads, while it works, the
//! one frame that takes its answer in (replacing the document's machine
//! proposals), and after.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{annotations, article, ms, stats};
use egui::{Event, Key, Modifiers, Pos2, RawInput, Rect, vec2};
use kashif::annotation::DocAnnotations;
use kashif::annotation::Status;
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::store::Store;
use kashif::ui::backend::{Backend, Loaded};
use kashif::ui::dialogs::picker::FolderPicker;
use kashif::ui::text::fonts::install_egui_fonts;
use kashif::ui::{AppModel, Command, KashifApp};
use kashif::workflow::{
    self, AccurateProposer, Base, Focus, LearnStatus, ModelProposer, Proposer, SaveTiming, Session,
    Tier, TierStatus,
};

const WIDTH: f32 = 1600.0;
const HEIGHT: f32 = 1000.0;
const ANNOTATOR: &str = "bench";

struct Bench {
    annotations: std::path::PathBuf,
}

impl Backend for Bench {
    fn open_folder(&mut self, dir: &Path, _: Option<&str>) -> Result<Loaded, String> {
        Err(format!("{}: the bench only opens sessions", dir.display()))
    }

    fn open_session(&mut self, dir: &Path, annotator: &str) -> Result<Session, String> {
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        // A short debounce so the file is written often while keys run.
        let timing = SaveTiming {
            debounce: Duration::from_millis(20),
            retry: Duration::from_millis(200),
        };
        let mut session = Session::open_with(
            corpus,
            Schema::builtin(),
            &self.annotations,
            annotator,
            timing,
        )
        .map_err(|e| e.to_string())?;
        // The workbench's learner: marking done retrains in the background
        // (no proposer, so the measured proposals stay the bench's own).
        let model = kashif::propose::bundled::load().map_err(|e| e.to_string())?;
        session.set_learner(Arc::new(ModelProposer::with_base(
            kashif::propose::proposer::Proposer::new(Arc::new(model)),
            Base::Shipped,
        )));
        Ok(session)
    }
}

struct NoPicker;
impl FolderPicker for NoPicker {
    fn pick_folder(&mut self) -> Option<std::path::PathBuf> {
        None
    }
}

struct Window {
    ctx: egui::Context,
    app: KashifApp,
    /// Frames that overlapped an autosave write, and those that did not.
    during_write: Vec<f64>,
    no_write: Vec<f64>,
}

impl Window {
    /// One frame with these events: egui pass over the whole window plus
    /// tessellation. Returns its duration.
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(WIDTH, HEIGHT))),
            events,
            ..Default::default()
        };
        let writing_before = self.session().writing();
        let t = Instant::now();
        let app = &mut self.app;
        let out = self.ctx.run_ui(raw, |ui| app.ui(ui));
        let _ = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        let d = t.elapsed();
        if writing_before || self.session().writing() {
            self.during_write.push(ms(d));
        } else {
            self.no_write.push(ms(d));
        }
        d
    }

    fn key(&mut self, mods: Modifiers, key: Key) -> f64 {
        let ev = Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: mods,
        };
        ms(self.frame(vec![ev]))
    }

    fn session(&self) -> &Session {
        self.app.model.session.as_ref().expect("session")
    }

    fn run(&mut self, c: workflow::Command) {
        self.app.model.apply(Command::Work(c));
    }

    /// Focuses the `k`-th proposal or entity (not timed), then lets the view
    /// scroll there.
    fn focus(&mut self, proposal: bool, k: usize) {
        let ann = self.session().current_annotations().expect("doc");
        let f = if proposal {
            Focus::proposal(&ann.proposals[k % ann.proposals.len()])
        } else {
            Focus::entity(&ann.entities[k % ann.entities.len()])
        };
        self.run(workflow::Command::Focus(f));
        self.frame(vec![]);
        self.frame(vec![]);
    }
}

fn report(name: &str, v: Vec<f64>) {
    let n = v.len();
    let (med, p95, max) = stats(v);
    println!("{name:<44} n={n:<4} median {med:6.2} ms  p95 {p95:6.2} ms  max {max:6.2} ms");
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("kashif-wire-bench-{}", std::process::id()));
    let corpus = tmp.join("corpus");
    let annotations = tmp.join("annotations");
    std::fs::create_dir_all(&corpus).expect("temp folder");
    let text = article();
    std::fs::write(corpus.join("long.txt"), &text).expect("write article");
    let ann = annotations_for(&corpus, &annotations, &text);
    println!(
        "article: {} chars, {} entities + {} proposals; window {WIDTH}x{HEIGHT}",
        text.chars().count(),
        ann.entities.len(),
        ann.proposals.len()
    );

    let mut model = AppModel::new(
        Schema::builtin(),
        Box::new(Bench {
            annotations: annotations.clone(),
        }),
    );
    model.apply(Command::SetAnnotator(ANNOTATOR.into()));
    model.apply(Command::OpenFolder(corpus.clone()));
    let ctx = egui::Context::default();
    install_egui_fonts(&ctx);
    let mut w = Window {
        ctx,
        app: KashifApp::new(model, Box::new(NoPicker)),
        during_write: Vec::new(),
        no_write: Vec::new(),
    };
    let t = Instant::now();
    for _ in 0..3 {
        w.frame(vec![]);
    }
    println!(
        "first frames (fonts, shaping, layout): {:.0} ms",
        ms(t.elapsed())
    );
    for _ in 0..20 {
        w.frame(vec![]);
    }
    w.during_write.clear();
    w.no_write.clear();

    let none = Modifiers::NONE;
    let n = 150;
    let mut tab = Vec::new();
    for _ in 0..n {
        tab.push(w.key(none, Key::Tab));
        w.frame(vec![]);
    }
    assert!(w.session().focus().is_some(), "Tab focused nothing");
    report("Tab (focus next, scrolls into view)", tab);

    let (mut enter, mut reject, mut undo, mut redo) = (vec![], vec![], vec![], vec![]);
    for k in 0..n {
        w.focus(true, k * 7);
        let before = w
            .session()
            .current_annotations()
            .map_or(0, |a| a.entities.len());
        enter.push(w.key(none, Key::Enter));
        let after = w
            .session()
            .current_annotations()
            .map_or(0, |a| a.entities.len());
        assert_eq!(after, before + 1, "Enter accepted nothing");
        undo.push(w.key(Modifiers::COMMAND, Key::Z));
        redo.push(w.key(Modifiers::COMMAND, Key::Y));
        w.run(workflow::Command::Undo);
        w.focus(true, k * 7 + 3);
        reject.push(w.key(none, Key::X));
        w.run(workflow::Command::Undo);
    }
    report("Enter (accept the focused proposal)", enter);
    report("X (reject the focused proposal)", reject);
    report("Ctrl+Z (undo)", undo);
    report("Ctrl+Y (redo)", redo);

    let (mut relabel, mut grow, mut shrink, mut delete) = (vec![], vec![], vec![], vec![]);
    for k in 0..n {
        w.focus(false, k * 11);
        relabel.push(w.key(none, if k % 2 == 0 { Key::Num2 } else { Key::Num3 }));
        grow.push(w.key(Modifiers::SHIFT, Key::ArrowLeft));
        shrink.push(w.key(Modifiers::SHIFT, Key::ArrowRight));
        delete.push(w.key(none, Key::Delete));
        w.run(workflow::Command::Undo);
    }
    report("2/3 (relabel the focused entity)", relabel);
    report("Shift+Left (end edge one word on)", grow);
    report("Shift+Right (end edge one word back)", shrink);
    report("Delete (the focused entity)", delete);

    let mut create = Vec::new();
    for k in 0..n {
        let ann = w.session().current_annotations().expect("doc");
        let e = &ann.entities[(k * 13) % ann.entities.len()];
        let (s, end) = (e.start, e.end);
        w.run(workflow::Command::Focus(Focus::entity(e)));
        w.run(workflow::Command::DeleteFocused);
        w.run(workflow::Command::Select { start: s, end });
        w.frame(vec![]);
        w.frame(vec![]);
        create.push(w.key(none, Key::Num4));
    }
    report("4 (create an entity from the selection)", create);

    // Retraining: mark the document done, then keep pressing Tab while the
    // model retrains on the shipped base data plus this document's gold.
    w.run(workflow::Command::SetStatus(Status::Done));
    let t = Instant::now();
    let (mut training, mut after) = (Vec::new(), Vec::new());
    while after.len() < n && t.elapsed() < Duration::from_secs(300) {
        let busy = w.session().learn_status() == LearnStatus::Training;
        let d = w.key(none, Key::Tab);
        if busy {
            training.push(d);
        } else {
            after.push(d);
        }
    }
    let status = w.session().learn_status();
    report("Tab while the model retrains", training.clone());
    report("Tab after it finished", after);
    println!(
        "retraining (base data + this document's gold) ran for {} frames; now: {status:?}",
        training.len()
    );

    accurate_tier(&mut w, n);

    let writes = w.session().writes();
    report("frames while autosave was writing", w.during_write.clone());
    report("frames while it was not", w.no_write.clone());
    println!("autosave wrote the file {writes} times during the key presses");
    let t = Instant::now();
    w.session().flush().expect("flush");
    println!("final flush: {:.1} ms", ms(t.elapsed()));
    drop(w);
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The accurate tier loads, then proposes for the article, while Tab is
/// pressed: frames by phase, and the one that merged its answer.
fn accurate_tier(w: &mut Window, n: usize) {
    let dir = kashif::propose::accurate::default_dir();
    let model = kashif::propose::bundled::load().expect("shipped model");
    let base = Arc::new(ModelProposer::with_base(
        kashif::propose::proposer::Proposer::new(Arc::new(model)),
        Base::Nothing,
    ));
    let session = w.app.model.session.as_mut().expect("session");
    let before = session
        .current_annotations()
        .map_or(0, |a| a.proposals.len());
    let from = dir.clone();
    session.load_accurate(move || {
        AccurateProposer::load(&from, base)
            .map(|p| Arc::new(p) as Arc<dyn Proposer>)
            .map_err(|e| e.to_string())
    });
    let none = Modifiers::NONE;
    let t = Instant::now();
    let (mut loading, mut working, mut after) = (Vec::new(), Vec::new(), Vec::new());
    let mut merged: Option<(f64, Duration)> = None;
    let mut loaded_at = None;
    while after.len() < n && t.elapsed() < Duration::from_secs(600) {
        let phase = w.session().tier_status();
        let d = w.key(none, Key::Tab);
        let now = w.session().tier_status();
        if loaded_at.is_none() && phase == TierStatus::Loading && now != TierStatus::Loading {
            loaded_at = Some(t.elapsed());
        }
        match phase {
            TierStatus::Loading => loading.push(d),
            TierStatus::Working if now == TierStatus::Accurate => merged = Some((d, t.elapsed())),
            TierStatus::Working => working.push(d),
            TierStatus::FastOnly(why) => {
                println!("accurate tier not measured: {why} (dir {})", dir.display());
                return;
            }
            _ => after.push(d),
        }
    }
    for (name, v) in [
        ("Tab while the encoder loads", loading),
        ("Tab while the accurate tier works", working.clone()),
        ("Tab after its answer is in", after),
    ] {
        if v.is_empty() {
            println!("{name:<44} n=0");
        } else {
            report(name, v);
        }
    }
    let s = w.session();
    let words = s
        .current_document()
        .map_or(0, |d| d.text.split_whitespace().count());
    let now = s.current_annotations().map_or(0, |a| a.proposals.len());
    if let Some(l) = loaded_at {
        println!("encoder loaded after {:.0} ms (frames went on)", ms(l));
    }
    match merged {
        Some((frame, at)) => println!(
            "accurate answer for {words} words in after {:.1} s ({} frames meanwhile); \
             the frame taking it in: {frame:.2} ms; proposals {before} -> {now}; tier {:?}",
            at.as_secs_f64(),
            working.len(),
            s.proposal_tier(0).unwrap_or(Tier::Fast),
        ),
        None => println!("the accurate tier did not answer within 600 s"),
    }
}

/// Writes the bench's annotations as the annotator's file (then releases
/// the store so the session can take its lock).
fn annotations_for(corpus: &Path, dir: &Path, text: &str) -> DocAnnotations {
    let ann = annotations(text);
    let c = Corpus::load(corpus).expect("corpus");
    let store = Store::open(dir, ANNOTATOR).expect("store");
    store.save(&c.documents[0], &ann).expect("save");
    drop(store);
    ann
}
