//! Growth with the corpus: `cargo bench --bench scale`.
//!
//! Builds corpora of 1,000, 10,000 and 20,000 documents from the ANT news
//! corpus (`../shared/data/ant-news/`, 10,161 articles, repeated with a
//! suffix past that; `KASHIF_SCALE_SIZES=1000,10000` picks others) and
//! prints, for each, on the real workbench driven headless (whole window,
//! egui pass plus tessellation, CPU): the time from opening the folder to
//! the first frame, frame times (p50/p99) while scrolling the document
//! list, typing in its filter and opening documents, the resident memory
//! after that, a corpus search (first hits, all hits), the annotate-all
//! preview and annotate-all across the corpus in the background (the
//! longest frame while it runs, the frame applying it, its total time, the
//! undo); then the wall times of `kashif import` (doccano, every
//! document new), `kashif propose` without and with the memory of every
//! document's gold, and `kashif export` (CoNLL). `KASHIF_SCALE_CLI=0` skips
//! the command line.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::{Duration, Instant};

use common::ms;
use egui::{Event, Modifiers, MouseWheelSource, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::ui::backend::{Backend, Loaded};
use kashif::ui::dialogs::picker::FolderPicker;
use kashif::ui::text::fonts::install_egui_fonts;
use kashif::ui::{AppModel, Command, KashifApp};
use kashif::workflow::{self, SaveTiming, Scope, Session};

const WIDTH: f32 = 1600.0;
const HEIGHT: f32 = 1000.0;

struct Bench {
    annotations: PathBuf,
}

impl Backend for Bench {
    fn open_folder(&mut self, dir: &Path, _: Option<&str>) -> Result<Loaded, String> {
        Err(format!("{}: the bench only opens sessions", dir.display()))
    }

    fn open_session(&mut self, dir: &Path, annotator: &str) -> Result<Session, String> {
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        Session::open_with(
            corpus,
            Schema::builtin(),
            &self.annotations,
            annotator,
            SaveTiming::default(),
        )
        .map_err(|e| e.to_string())
    }
}

struct NoPicker;
impl FolderPicker for NoPicker {
    fn pick_folder(&mut self) -> Option<PathBuf> {
        None
    }
}

struct Window {
    ctx: egui::Context,
    app: KashifApp,
    time: f64,
}

impl Window {
    fn frame(&mut self, events: Vec<Event>) -> f64 {
        self.time += 1.0 / 60.0;
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, egui::vec2(WIDTH, HEIGHT))),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let t = Instant::now();
        let app = &mut self.app;
        let out = self.ctx.run_ui(raw, |ui| app.ui(ui));
        let _ = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        ms(t.elapsed())
    }

    fn session_mut(&mut self) -> &mut Session {
        self.app.model.session.as_mut().expect("session")
    }
}

/// p50 and p99 of frame times.
fn p50_p99(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (p(0.5), p(0.99))
}

fn rss_mib() -> f64 {
    kashif::heap::resident_kib().map_or(0.0, |kib| kib as f64 / 1024.0)
}

/// The ANT articles as (id, text): title, blank line, text.
/// `KASHIF_ANT_TAR` names the archive elsewhere (a git worktree has no
/// `../shared` beside it); `KASHIF_ANT_DIR` an already unpacked copy.
fn ant(tmp: &Path) -> Vec<(String, String)> {
    let out = match std::env::var_os("KASHIF_ANT_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let tar = std::env::var_os("KASHIF_ANT_TAR").map_or_else(
                || {
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../shared/data/ant-news/antcorpus-v1.1.tar.gz")
                },
                PathBuf::from,
            );
            let out = tmp.join("ant");
            std::fs::create_dir_all(&out).expect("temp folder");
            let ok = Process::new("tar")
                .arg("xzf")
                .arg(&tar)
                .arg("-C")
                .arg(&out)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "cannot unpack {}", tar.display());
            out
        }
    };
    let mut files = Vec::new();
    let mut stack = vec![out];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    let between = |s: &str, tag: &str| -> Option<String> {
        let a = s.find(&format!("<{tag}>"))? + tag.len() + 2;
        let b = s[a..].find(&format!("</{tag}>"))? + a;
        Some(s[a..b].trim().to_string())
    };
    files
        .iter()
        .filter_map(|p| {
            let s = std::fs::read_to_string(p).ok()?;
            let text = format!("{}\n\n{}", between(&s, "TITLE")?, between(&s, "TEXT")?);
            let id = p.file_stem()?.to_string_lossy().into_owned();
            Some((id, text))
        })
        .collect()
}

/// The first `n` documents: the articles, then again with `-2`, `-3`...
fn docs(arts: &[(String, String)], n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let (id, text) = &arts[i % arts.len()];
            match i / arts.len() {
                0 => (id.clone(), text.clone()),
                k => (format!("{id}-{}", k + 1), text.clone()),
            }
        })
        .collect()
}

fn gui(n: usize, corpus: &Path, root: &Path) {
    let annotations = root.join("gui-annotations");
    let t = Instant::now();
    let mut model = AppModel::new(
        Schema::builtin(),
        Box::new(Bench {
            annotations: annotations.clone(),
        }),
    );
    model.apply(Command::SetAnnotator("bench".into()));
    model.apply(Command::OpenFolder(corpus.to_path_buf()));
    let ctx = egui::Context::default();
    install_egui_fonts(&ctx);
    let mut w = Window {
        ctx,
        app: KashifApp::new(model, Box::new(NoPicker)),
        time: 0.0,
    };
    w.frame(vec![]);
    let first = ms(t.elapsed());
    for _ in 0..10 {
        w.frame(vec![]);
    }
    // Scrolling the document list (the wheel over the left panel).
    let mut scroll = Vec::new();
    for _ in 0..120 {
        let ev = vec![
            Event::PointerMoved(Pos2::new(120.0, 500.0)),
            Event::MouseWheel {
                unit: MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                phase: TouchPhase::Move,
                source: MouseWheelSource::Unknown,
                modifiers: Modifiers::NONE,
            },
        ];
        scroll.push(w.frame(ev));
    }
    // Typing in the filter, a char a frame, then clearing it.
    let mut typing = Vec::new();
    let typed = "JA-sport-1";
    for k in 1..=typed.len() {
        w.app.work.doc_filter = typed[..k].to_string();
        typing.push(w.frame(vec![]));
    }
    w.app.work.doc_filter.clear();
    typing.push(w.frame(vec![]));
    // Opening documents: next document, the frame that shows it.
    let mut opening = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        w.app
            .model
            .apply(Command::Work(workflow::Command::NextDocument));
        w.frame(vec![]);
        opening.push(ms(t.elapsed()));
        w.frame(vec![]);
    }
    let rss = rss_mib();
    // Search: the index is built in the background at open.
    let t = Instant::now();
    w.session_mut().wait_for_search_index();
    let index_wait = ms(t.elapsed());
    let mut search = Vec::new();
    for q in ["تونس", "الزغباني", "وزير الخارجية"] {
        let t = Instant::now();
        w.app.model.apply(Command::Work(workflow::Command::Search {
            query: q.into(),
            scope: Scope::Corpus,
        }));
        let first_hits = ms(t.elapsed());
        let shown = w.session_mut().search_hits().len();
        w.session_mut().wait_for_search();
        let all = ms(t.elapsed());
        let hits = w.session_mut().search_hits().len();
        search.push(format!(
            "«{q}» {shown}/{hits} hits {first_hits:.0}/{all:.0} ms"
        ));
    }
    // The annotate-all preview, counted in the background: the frames
    // meanwhile, and how long until the count shows.
    let text = "سوسة";
    let t = Instant::now();
    let mut counting = Vec::new();
    while w
        .session_mut()
        .annotate_preview(text, "LOC", Scope::Corpus)
        .is_none()
    {
        counting.push(w.frame(vec![]));
        std::thread::sleep(Duration::from_millis(1));
    }
    let preview = ms(t.elapsed());
    let counting_max = counting.iter().copied().fold(0.0, f64::max);
    // Annotate-all across the corpus (one undo step), in the background:
    // frames go on (with the next document opened meanwhile, a key); the
    // longest frame while it runs, the frame that applies it, its total.
    let t = Instant::now();
    w.app
        .model
        .apply(Command::Work(workflow::Command::AnnotateAll {
            text: text.into(),
            label: "LOC".into(),
            scope: Scope::Corpus,
        }));
    let started = ms(t.elapsed());
    let mut during = Vec::new();
    let mut applying = 0.0;
    let mut k = 0;
    loop {
        let running = w.session_mut().job_running();
        let ev = if k == 3 {
            vec![Event::Key {
                key: egui::Key::PageDown,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: Modifiers::COMMAND,
            }]
        } else {
            vec![]
        };
        k += 1;
        let f = w.frame(ev);
        if !running {
            break;
        }
        if w.session_mut().job_running() {
            during.push(f);
        } else {
            // this frame's poll took the result in and applied it
            applying = f;
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let annotate_all = ms(t.elapsed());
    let during_max = during.iter().copied().fold(started, f64::max);
    let message = w.app.model.message.clone();
    // One undo takes it all back.
    let t = Instant::now();
    w.app.model.apply(Command::Work(workflow::Command::Undo));
    let undo = ms(t.elapsed());
    let (retrain_line, peak) = retraining(&mut w);
    let (s50, s99) = p50_p99(scroll);
    let (t50, t99) = p50_p99(typing);
    let (o50, o99) = p50_p99(opening);
    println!(
        "{n:>6} docs | first frame {first:7.0} ms | scroll p50/p99 {s50:5.1}/{s99:5.1} ms | filter {t50:5.1}/{t99:5.1} ms | open doc {o50:5.1}/{o99:5.1} ms | RSS {rss:5.0} MiB"
    );
    println!(
        "{n:>6} docs | index ready {index_wait:.0} ms after the frames above | search (first/all): {}",
        search.join("; "),
    );
    println!(
        "{n:>6} docs | annotate-all «{text}» preview counted in {preview:.0} ms ({} frames meanwhile, longest {counting_max:.1} ms) | job {annotate_all:.0} ms in all: {} frames while it ran, longest {during_max:.1} ms (the command's own frame {started:.1} ms), the frame applying it {applying:.1} ms | undo {undo:.0} ms | {message}",
        counting.len(),
        during.len(),
    );
    println!("{n:>6} docs | {retrain_line}");
    println!("{n:>6} docs | peak RSS while retraining {peak:5.0} MiB");
    if let Some(s) = w.app.model.session.as_ref() {
        let _ = s.flush();
    }
}

/// Peak resident memory since the last [`reset_peak`] (VmHWM).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn reset_peak() {
    // Linux: "5" resets the process's peak RSS to its current RSS.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Memory while retraining, as the workbench does it: annotate-all again
/// (redo), 20 of its documents marked done, then the shipped model's
/// proposer and learner installed (as `kashif gui` does): the learner is
/// taught the done documents and retrains on the shipped base data plus
/// them in the background while frames go on (the next document opened
/// every 10 frames). Returns what the status bar said and the peak RSS.
fn retraining(w: &mut Window) -> (String, f64) {
    w.app.model.apply(Command::Work(workflow::Command::Redo));
    let ids: Vec<String> = {
        let s = w.session_mut();
        (0..s.documents().len())
            .filter(|&i| s.annotations(i).is_some_and(|a| !a.entities.is_empty()))
            .take(20)
            .map(|i| s.documents()[i].id.clone())
            .collect()
    };
    for id in &ids {
        w.app
            .model
            .apply(Command::Work(workflow::Command::Open(id.clone())));
        w.app
            .model
            .apply(Command::Work(workflow::Command::SetStatus(
                kashif::annotation::Status::Done,
            )));
    }
    w.frame(vec![]);
    let model = match kashif::propose::bundled::load() {
        Ok(m) => m,
        Err(e) => return (format!("no shipped model: {e}"), 0.0),
    };
    let p = std::sync::Arc::new(workflow::ModelProposer::with_base(
        kashif::propose::proposer::Proposer::new(std::sync::Arc::new(model)),
        workflow::Base::Shipped,
    ));
    let before = rss_mib();
    reset_peak();
    let t = Instant::now();
    w.session_mut().set_proposer(p.clone());
    w.session_mut().set_learner(p);
    let mut frames = Vec::new();
    let mut k = 0;
    while w.session_mut().learn_status() == workflow::LearnStatus::Training {
        if k % 10 == 9 {
            w.app
                .model
                .apply(Command::Work(workflow::Command::NextDocument));
        }
        k += 1;
        frames.push(w.frame(vec![]));
        std::thread::sleep(Duration::from_millis(5));
    }
    w.frame(vec![]);
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_mib();
    let (f50, f99) = if frames.is_empty() {
        (0.0, 0.0)
    } else {
        p50_p99(frames)
    };
    let status = match w.session_mut().learn_status() {
        workflow::LearnStatus::Ready(m) | workflow::LearnStatus::Failed(m) => m,
        other => format!("{other:?}"),
    };
    (
        format!(
            "retraining ({} done documents): {secs:.1} s, RSS {before:.0} MiB before, frames meanwhile p50/p99 {f50:.1}/{f99:.1} ms | {status}",
            ids.len()
        ),
        peak,
    )
}

fn kashif(args: &[&str], corpus: &Path, annotations: &Path) -> Duration {
    let t = Instant::now();
    let out = Process::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .arg("--annotations")
        .arg(annotations)
        .output()
        .expect("run kashif");
    let d = t.elapsed();
    if !out.status.success() {
        eprintln!(
            "kashif {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    d
}

fn cli(n: usize, docs: &[(String, String)], root: &Path) {
    let corpus = root.join("cli-corpus");
    let annotations = root.join("cli-annotations");
    std::fs::create_dir_all(&corpus).expect("temp folder");
    // Gold for every document: its first word, as MISC.
    let mut jsonl = String::new();
    for (id, text) in docs {
        let end = text.chars().take_while(|c| !c.is_whitespace()).count();
        let line = serde_json::json!({"id": id, "text": text, "label": [[0, end, "MISC"]]});
        jsonl.push_str(&line.to_string());
        jsonl.push('\n');
    }
    let file = root.join("gold.jsonl");
    std::fs::write(&file, jsonl).expect("write jsonl");
    let f = file.to_str().unwrap_or_default();
    let import = kashif(
        &[
            "import",
            "--format",
            "doccano",
            "--add-texts",
            "--annotator",
            "gold",
            f,
        ],
        &corpus,
        &annotations,
    );
    let plain = kashif(
        &["propose", "--no-memory", "--annotator", "plain"],
        &corpus,
        &annotations,
    );
    let memory = kashif(&["propose", "--annotator", "memory"], &corpus, &annotations);
    let out = root.join("gold.conll");
    let export = kashif(
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "gold",
            "--out",
            out.to_str().unwrap_or_default(),
        ],
        &corpus,
        &annotations,
    );
    println!(
        "{n:>6} docs | import {:6.1} s | propose {:6.1} s, with memory {:6.1} s ({:.2}×) | export {:6.1} s",
        import.as_secs_f64(),
        plain.as_secs_f64(),
        memory.as_secs_f64(),
        memory.as_secs_f64() / plain.as_secs_f64().max(1e-9),
        export.as_secs_f64()
    );
}

fn main() {
    // The workbench's allocator settings, so RSS is what it would hold.
    kashif::heap::configure_for_workbench();
    // and its thread priorities
    kashif::workflow::priority::background_global_pool();
    if let (Ok(corpus), Ok(n)) = (
        std::env::var("KASHIF_SCALE_GUI"),
        std::env::var("KASHIF_SCALE_N"),
    ) {
        let corpus = PathBuf::from(corpus);
        let root = corpus.parent().unwrap_or(Path::new(".")).to_path_buf();
        return gui(n.parse().unwrap_or(0), &corpus, &root);
    }
    let sizes: Vec<usize> = std::env::var("KASHIF_SCALE_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10000, 20000]);
    let run_cli = std::env::var("KASHIF_SCALE_CLI").map_or(true, |v| v != "0");
    let tmp = std::env::temp_dir().join(format!("kashif-scale-bench-{}", std::process::id()));
    let arts = ant(&tmp);
    println!("ANT: {} articles; window {WIDTH}x{HEIGHT}", arts.len());
    for &n in &sizes {
        let root = tmp.join(format!("n{n}"));
        let corpus = root.join("corpus");
        std::fs::create_dir_all(&corpus).expect("temp folder");
        let docs = docs(&arts, n);
        for (id, text) in &docs {
            std::fs::write(corpus.join(format!("{id}.txt")), text).expect("write doc");
        }
        // The workbench in a process of its own, so its memory is its size's.
        let me = std::env::current_exe().expect("the bench's own path");
        let ok = Process::new(me)
            .env("KASHIF_SCALE_GUI", &corpus)
            .env("KASHIF_SCALE_N", n.to_string())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("{n} docs: the workbench run failed");
        }
        if run_cli {
            cli(n, &docs, &root);
        }
        // Each size's folders stay to the end: deleting tens of thousands
        // of files just before the next size's import slowed it threefold
        // (ext4 allocating inodes beside recently deleted ones).
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
