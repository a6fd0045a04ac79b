//! Shared by the workbench tests: the real app (AppModel + KashifApp) on an
//! editing session over a temp corpus and annotations folder, keys and
//! gestures through egui_kittest, and checks that the files on disk equal
//! what the session holds and what the view shows.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::ui::backend::{Backend, Loaded};
use kashif::ui::{AppModel, Command, KashifApp};
use kashif::workflow::{Learner, Proposer, Session};

use super::ui_support::NoPicker;
use super::workflow_support::{self, assert_disk_matches};

/// The workflow tests' annotator and autosave timing, so the disk check
/// reads the files the sessions here write.
pub use super::workflow_support::{ANNOTATOR, FAST};

/// Opens sessions on the real store in `annotations`, with `proposer`.
pub struct TestBackend {
    pub annotations: PathBuf,
    pub proposer: Arc<dyn Proposer>,
    pub learner: Option<Arc<dyn Learner>>,
}

impl Backend for TestBackend {
    fn open_folder(&mut self, dir: &Path, _: Option<&str>) -> Result<Loaded, String> {
        // The read-only fallback: documents without annotations.
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        Ok(Loaded {
            documents: corpus
                .documents
                .into_iter()
                .map(|document| kashif::ui::DocEntry {
                    document: std::sync::Arc::new(document),
                    annotations: Default::default(),
                    problems: Vec::new(),
                })
                .collect(),
            errors: Vec::new(),
        })
    }

    fn open_session(&mut self, dir: &Path, annotator: &str) -> Result<Session, String> {
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        let mut s = Session::open_with(
            corpus,
            Schema::builtin(),
            &self.annotations,
            annotator,
            FAST,
        )
        .map_err(|e| e.to_string())?;
        s.set_proposer(self.proposer.clone());
        if let Some(l) = &self.learner {
            s.set_learner(l.clone());
        }
        Ok(s)
    }
}

/// A corpus folder with these documents.
pub fn write_corpus(dir: &Path, docs: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (id, text) in docs {
        std::fs::write(dir.join(format!("{id}.txt")), text).unwrap();
    }
}

/// The app with `ANNOTATOR`'s session open on `corpus`, in a harness,
/// proposals for the first document already in.
pub fn workbench(
    corpus: &Path,
    annotations: &Path,
    proposer: Arc<dyn Proposer>,
    size: (f32, f32),
) -> Harness<'static, KashifApp> {
    workbench_learning(corpus, annotations, proposer, None, size)
}

/// As [`workbench`], with a learner taught when documents are marked done.
pub fn workbench_learning(
    corpus: &Path,
    annotations: &Path,
    proposer: Arc<dyn Proposer>,
    learner: Option<Arc<dyn Learner>>,
    size: (f32, f32),
) -> Harness<'static, KashifApp> {
    let backend = TestBackend {
        annotations: annotations.to_path_buf(),
        proposer,
        learner,
    };
    let mut model = AppModel::new(Schema::builtin(), Box::new(backend));
    model.apply(Command::SetAnnotator(ANNOTATOR.into()));
    model.apply(Command::OpenFolder(corpus.to_path_buf()));
    let app = KashifApp::new(model, Box::new(NoPicker));
    let mut h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut KashifApp| app.ui(ui), app);
    settle(&mut h);
    h
}

pub fn session<'a>(h: &'a Harness<'_, KashifApp>) -> &'a Session {
    h.state().model.session.as_ref().expect("a session is open")
}

/// Runs frames until the app is idle, with every proposal request answered
/// (so the spinner stops and runs are deterministic).
pub fn settle(h: &mut Harness<'_, KashifApp>) {
    for _ in 0..10 {
        h.step();
        let busy = {
            let s = h.state_mut().model.session.as_mut();
            match s {
                Some(s) if s.proposing() => {
                    s.wait_for_proposals();
                    true
                }
                _ => false,
            }
        };
        if !busy {
            break;
        }
    }
    h.run();
}

pub fn key(h: &mut Harness<'_, KashifApp>, mods: egui::Modifiers, k: egui::Key) {
    h.key_press_modifiers(mods, k);
    settle(h);
}

/// Flushes, then checks every editable document's file equals the session,
/// and the view's entity and proposal nodes equal the open document's.
pub fn assert_disk_equals_shown(h: &Harness<'_, KashifApp>, annotations: &Path) {
    check_disk(h, annotations, true);
}

/// As [`assert_disk_equals_shown`], for documents longer than the view:
/// every box the view shows (those near the viewport) is in the session.
pub fn assert_disk_equals_memory(h: &Harness<'_, KashifApp>, annotations: &Path) {
    check_disk(h, annotations, false);
}

fn check_disk(h: &Harness<'_, KashifApp>, annotations: &Path, all_shown: bool) {
    let s = session(h);
    assert_disk_matches(s, annotations);
    if let Some(ann) = s.current_annotations() {
        let mut shown: Vec<String> = h
            .query_all_by_role(Role::Mark)
            .filter_map(|n| n.accesskit_node().label())
            .collect();
        let mut want: Vec<String> = ann
            .entities
            .iter()
            .map(|e| format!("{}: {}", e.label, e.text))
            .chain(
                ann.proposals
                    .iter()
                    .map(|p| format!("proposed {}: {}", p.label, p.text)),
            )
            .collect();
        shown.sort();
        want.sort();
        if all_shown {
            assert_eq!(
                shown, want,
                "the view shows other boxes than the session holds"
            );
        } else {
            for x in &shown {
                assert!(
                    want.contains(x),
                    "the view shows {x:?}, the session has no such box"
                );
            }
        }
    }
}

/// Char range of the first occurrence of `needle`.
pub fn range_of(text: &str, needle: &str) -> (usize, usize) {
    workflow_support::range_of(text, needle, 0)
}
