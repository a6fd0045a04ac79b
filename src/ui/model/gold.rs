//! Everything past annotating: exporting gold labels, reviewing one source
//! against another, adjudicating two annotators into `gold`. Its commands are
//! applied by [`AppModel`] like every other; files go through the backend.

use std::path::PathBuf;

use super::AppModel;
use crate::annotation::{DocAnnotations, Status};
use crate::corpus::Document;
use crate::eval::{self, Choice};
use crate::formats::{self, DocSpans, ExportOptions, Format};
use crate::ui::adjudicate::Adjudicating;
use crate::ui::review::{Review, ReviewSource};

/// The annotator the adjudication writes.
pub const GOLD: &str = "gold";

/// What the middle of the window is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Annotate,
    Review,
    Adjudicate,
}

/// What to export: whose documents, which ones, in which format.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportChoices {
    pub format: Format,
    /// Empty until the annotators are known.
    pub annotator: String,
    /// Every annotated document, not only those marked done.
    pub all: bool,
    /// CoNLL only.
    pub split_clitics: bool,
    /// CoNLL only: `# id = …` lines instead of `-DOCSTART-`.
    pub conll_ids: bool,
    /// JSON formats only: offsets in UTF-16 code units.
    pub utf16: bool,
}

impl Default for ExportChoices {
    fn default() -> Self {
        ExportChoices {
            format: Format::Conll,
            annotator: String::new(),
            all: false,
            split_clitics: false,
            conll_ids: false,
            utf16: false,
        }
    }
}

/// An export the user asked for, with the target already picked.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub choices: ExportChoices,
    pub path: PathBuf,
}

/// How the last export went, for the user to read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportOutcome {
    pub ok: bool,
    /// One line, as `kashif export` prints it (or why nothing was written).
    pub summary: String,
    /// What the format could not hold, and problems in the files read.
    pub warnings: Vec<String>,
}

/// Commands of the export, review and adjudication modes.
#[derive(Debug, Clone, PartialEq)]
pub enum GoldCommand {
    /// Re-list the annotators that have files (for the dialogs).
    RefreshAnnotators,
    Export(ExportRequest),
    StartReview {
        gold: ReviewSource,
        pred: ReviewSource,
        all: bool,
    },
    /// Which matching the article's marks follow.
    MarkMode(eval::Mode),
    StartAdjudication {
        a: String,
        b: String,
    },
    /// Decide the current conflict and move on to the next undecided one.
    Decide(Choice),
    /// Decide every conflict not decided yet with this choice (one
    /// annotator's reading for all that remain): one undo step.
    DecideRemaining(Choice),
    /// Take the last decision step back.
    UndoDecision,
    /// The lead includes skipped document `i` (app index) by name, although
    /// not every annotator marked it done.
    IncludeDocument(usize),
    /// Make conflict number `n` (over all documents) the current one.
    GoToConflict(usize),
    /// Show (`true`) or hide the stacked view of the adjudication: every
    /// annotator's entities as rows of boxes under each line of the text.
    StackedView(bool),
    SaveGold,
    SetMode(Mode),
}

/// The state of these modes.
#[derive(Debug, Default)]
pub struct GoldState {
    pub mode: Mode,
    pub annotators: Vec<String>,
    pub review: Option<Review>,
    pub adjudication: Option<Adjudicating>,
    pub export: Option<ExportOutcome>,
}

impl AppModel {
    pub(super) fn apply_gold(&mut self, cmd: GoldCommand) {
        match cmd {
            GoldCommand::RefreshAnnotators => {
                self.gold.annotators = self.backend_and_docs().0.annotators();
            }
            GoldCommand::Export(req) => {
                let outcome = self.export(&req);
                self.message = outcome.summary.clone();
                self.gold.export = Some(outcome);
            }
            GoldCommand::StartReview { gold, pred, all } => {
                let schema = self.schema.clone();
                let (backend, docs) = self.backend_and_docs();
                match Review::load(backend, docs, gold, pred, all, &schema) {
                    Ok(r) => {
                        self.message = format!(
                            "review: {} against {}, {} document(s)",
                            r.pred.name(),
                            r.gold.name(),
                            r.docs.len()
                        );
                        if let Some(first) = r.docs.first() {
                            self.current = Some(first.index);
                        }
                        self.gold.review = Some(r);
                        self.gold.mode = Mode::Review;
                    }
                    Err(e) => self.message = e,
                }
            }
            GoldCommand::MarkMode(m) => {
                if let Some(r) = &mut self.gold.review {
                    r.mark_mode = m;
                }
            }
            GoldCommand::StartAdjudication { a, b } => {
                let (backend, docs) = self.backend_and_docs();
                match Adjudicating::load(backend, docs, &a, &b) {
                    Ok(adj) => {
                        let c = adj.counts();
                        self.message = format!(
                            "adjudicating {a} and {b}: {} document(s), {} conflict(s); {} left out (not done by both)",
                            c.documents, c.conflicts, c.skipped
                        );
                        self.gold.adjudication = Some(adj);
                        self.gold.mode = Mode::Adjudicate;
                        self.show_current_conflict();
                    }
                    Err(e) => self.message = e,
                }
            }
            GoldCommand::Decide(choice) => {
                if let Some(adj) = &mut self.gold.adjudication {
                    adj.decide(choice);
                }
                self.show_current_conflict();
            }
            GoldCommand::DecideRemaining(choice) => {
                if let Some(adj) = &mut self.gold.adjudication {
                    let n = adj.decide_remaining(choice);
                    self.message = format!(
                        "decided {n} remaining conflict(s): {}",
                        match choice {
                            Choice::A => format!("{}'s reading", adj.a),
                            Choice::B => format!("{}'s reading", adj.b),
                            Choice::Both => "both readings".into(),
                            Choice::Neither => "neither reading".into(),
                        }
                    );
                }
                self.show_current_conflict();
            }
            GoldCommand::UndoDecision => {
                if let Some(adj) = &mut self.gold.adjudication {
                    self.message = if adj.undo() {
                        "undid the last decision".into()
                    } else {
                        "no decision to undo".into()
                    };
                }
                self.show_current_conflict();
            }
            GoldCommand::IncludeDocument(i) => {
                if let Some(adj) = &mut self.gold.adjudication {
                    let id = self.docs.get(i).map_or("?", |d| d.document.id.as_str());
                    self.message = match adj.include(i) {
                        Ok(()) => format!("{id} included in the adjudication"),
                        Err(e) => format!("{id}: {e}"),
                    };
                }
                self.show_current_conflict();
            }
            GoldCommand::GoToConflict(n) => {
                if let Some(adj) = &mut self.gold.adjudication
                    && n < adj.conflict_count()
                {
                    adj.current = n;
                }
                self.show_current_conflict();
            }
            GoldCommand::StackedView(on) => {
                if let Some(adj) = &mut self.gold.adjudication {
                    adj.stacked = on;
                }
            }
            GoldCommand::SaveGold => self.save_gold(),
            GoldCommand::SetMode(m) => {
                let ready = match m {
                    Mode::Annotate => true,
                    Mode::Review => self.gold.review.is_some(),
                    Mode::Adjudicate => self.gold.adjudication.is_some(),
                };
                if ready && self.gold.mode != m {
                    // A message of the mode left (a review's figures, an
                    // adjudication's count) does not belong to the next one.
                    self.message.clear();
                    self.gold.mode = m;
                }
            }
        }
    }

    /// Opens the document of the current conflict with the conflict selected.
    fn show_current_conflict(&mut self) {
        let Some(adj) = &self.gold.adjudication else {
            return;
        };
        if let Some((doc, c)) = adj.current_conflict() {
            let index = adj.docs[doc].index;
            let range = (c.start, c.end);
            self.current = Some(index);
            self.selection = Some(range);
            self.focused = None;
        }
    }

    /// Exports with the same library functions as `kashif export`.
    fn export(&mut self, request: &ExportRequest) -> ExportOutcome {
        let req = &request.choices;
        let (backend, docs) = self.backend_and_docs();
        let refs: Vec<&Document> = docs.iter().map(|d| &*d.document).collect();
        let files = match backend.read_annotator(&req.annotator, &refs) {
            Ok(f) => f,
            Err(e) => {
                return ExportOutcome {
                    ok: false,
                    summary: format!("export failed: {e}"),
                    warnings: Vec::new(),
                };
            }
        };
        let chosen: Vec<(&Document, &DocAnnotations)> = refs
            .iter()
            .zip(&files.annotations)
            .filter_map(|(d, a)| a.as_ref().map(|a| (*d, a)))
            .filter(|(_, a)| req.all || a.status == Status::Done)
            .collect();
        let mut warnings = files.problems.clone();
        if chosen.is_empty() {
            return ExportOutcome {
                ok: false,
                summary: format!(
                    "nothing to export: {} has no documents {}",
                    req.annotator,
                    if req.all {
                        "annotated"
                    } else {
                        "marked done (tick “all annotated documents” for the others)"
                    }
                ),
                warnings,
            };
        }
        let spans: Vec<DocSpans> = chosen
            .iter()
            .map(|(d, a)| DocSpans {
                id: &d.id,
                text: &d.text,
                spans: &a.entities,
            })
            .collect();
        let options =
            ExportOptions::for_format(req.format, req.split_clitics, req.conll_ids, req.utf16);
        let exported = formats::export(req.format, &spans, options);
        warnings.extend(exported.warnings.iter().map(|w| w.to_string()));
        let entities: usize = spans.iter().map(|d| d.spans.len()).sum();
        match backend.write_export(&request.path, &exported) {
            Ok(n) => ExportOutcome {
                ok: true,
                summary: format!(
                    "exported {} document(s), {entities} entities, as {} to {} ({n} file(s)); {} warning(s)",
                    spans.len(),
                    req.format.name(),
                    request.path.display(),
                    exported.warnings.len()
                ),
                warnings,
            },
            Err(e) => ExportOutcome {
                ok: false,
                summary: format!("export failed: {e}"),
                warnings,
            },
        }
    }

    /// Writes every fully decided document as the `gold` annotator's.
    fn save_gold(&mut self) {
        let Some(adj) = &self.gold.adjudication else {
            self.message = "nothing to save: no adjudication open".into();
            return;
        };
        let ready = adj.gold_documents();
        let undecided = adj.docs.len() - ready.len();
        let skipped = adj.skipped.len();
        let (backend, docs) = self.backend_and_docs();
        let out: Vec<(&Document, DocAnnotations)> = ready
            .into_iter()
            .map(|(i, ann)| (&*docs[i].document, ann))
            .collect();
        let result = if out.is_empty() {
            Ok(0)
        } else {
            backend.save_annotations(GOLD, &out)
        };
        self.message = match result {
            Ok(n) => format!(
                "saved {n} document(s) as {GOLD}{}{}",
                if undecided > 0 {
                    format!("; {undecided} with undecided conflicts not saved")
                } else {
                    String::new()
                },
                if skipped > 0 {
                    format!("; {skipped} not done by both annotators not saved (listed)")
                } else {
                    String::new()
                }
            ),
            Err(e) => format!("cannot save {GOLD}: {e}"),
        };
        if self.annotator.as_deref() == Some(GOLD) {
            self.apply(super::Command::SetAnnotator(GOLD.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::annotation::Span;
    use crate::formats::Exported;
    use crate::schema::Schema;
    use crate::ui::backend::{AnnotatorFiles, Backend, DocEntry, Loaded};
    use crate::ui::model::Command;

    type Saved = std::rc::Rc<std::cell::RefCell<Vec<(String, String, usize)>>>;

    /// Annotators' files in memory; saves are recorded.
    struct Memory {
        files: BTreeMap<String, BTreeMap<String, DocAnnotations>>,
        saved: Saved,
    }

    impl Backend for Memory {
        fn open_folder(&mut self, _: &Path, _: Option<&str>) -> Result<Loaded, String> {
            let documents = ["a", "b"]
                .iter()
                .map(|id| DocEntry {
                    document: std::sync::Arc::new(Document {
                        id: id.to_string(),
                        text: "قال أنتوني بلينكين في واشنطن".into(),
                        path: PathBuf::from(id),
                    }),
                    annotations: Default::default(),
                    problems: Vec::new(),
                })
                .collect();
            Ok(Loaded {
                documents,
                errors: Vec::new(),
            })
        }
        fn annotators(&mut self) -> Vec<String> {
            self.files.keys().cloned().collect()
        }
        fn read_annotator(
            &mut self,
            who: &str,
            docs: &[&Document],
        ) -> Result<AnnotatorFiles, String> {
            let files = self.files.get(who).ok_or(format!("no {who}"))?;
            Ok(AnnotatorFiles {
                annotations: docs.iter().map(|d| files.get(&d.id).cloned()).collect(),
                problems: Vec::new(),
            })
        }
        fn write_export(&mut self, _: &Path, _: &Exported) -> Result<usize, String> {
            Ok(1)
        }
        fn save_annotations(
            &mut self,
            who: &str,
            docs: &[(&Document, DocAnnotations)],
        ) -> Result<usize, String> {
            for (d, a) in docs {
                self.saved
                    .borrow_mut()
                    .push((who.to_string(), d.id.clone(), a.entities.len()));
            }
            Ok(docs.len())
        }
    }

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    fn model(saved: Saved) -> AppModel {
        let ann = |status, entities| DocAnnotations {
            status,
            entities,
            ..Default::default()
        };
        let mut files = BTreeMap::new();
        files.insert(
            "x".to_string(),
            BTreeMap::from([
                ("a".to_string(), ann(Status::Todo, vec![sp(4, 18, "PER")])),
                ("b".to_string(), ann(Status::Todo, vec![sp(22, 28, "LOC")])),
            ]),
        );
        files.insert(
            "y".to_string(),
            BTreeMap::from([
                ("a".to_string(), ann(Status::Done, vec![sp(4, 18, "PER")])),
                ("b".to_string(), ann(Status::Done, vec![sp(22, 28, "ORG")])),
            ]),
        );
        let mut m = AppModel::new(Schema::builtin(), Box::new(Memory { files, saved }));
        m.apply(Command::OpenFolder(PathBuf::from("corpus")));
        m
    }

    #[test]
    fn export_of_nothing_done_says_so() {
        let mut m = model(Saved::default());
        let req = |all| ExportRequest {
            choices: ExportChoices {
                format: Format::Spacy,
                annotator: "x".into(),
                all,
                ..ExportChoices::default()
            },
            path: PathBuf::from("out.jsonl"),
        };
        m.apply(Command::Gold(GoldCommand::Export(req(false))));
        let out = m.gold.export.clone().unwrap();
        assert!(!out.ok);
        assert!(
            out.summary.starts_with("nothing to export: x"),
            "{}",
            out.summary
        );
        m.apply(Command::Gold(GoldCommand::Export(req(true))));
        let out = m.gold.export.clone().unwrap();
        assert!(out.ok, "{}", out.summary);
        assert!(
            out.summary
                .starts_with("exported 2 document(s), 2 entities")
        );
    }

    #[test]
    fn gold_keeps_documents_with_undecided_conflicts_back() {
        let saved = Saved::default();
        let mut m = model(saved.clone());
        m.apply(Command::Gold(GoldCommand::StartAdjudication {
            a: "x".into(),
            b: "y".into(),
        }));
        assert_eq!(m.gold.mode, Mode::Adjudicate);
        // x has not finished either document: nothing is adjudicated, both
        // are listed with the reason, and saving writes nothing.
        let adj = m.gold.adjudication.as_ref().unwrap();
        assert!(adj.docs.is_empty());
        let reasons: Vec<&str> = adj.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons, ["not done by every annotator (x: todo)"; 2]);
        m.apply(Command::Gold(GoldCommand::SaveGold));
        assert!(saved.borrow().is_empty());
        assert!(
            m.message
                .contains("2 not done by both annotators not saved"),
            "{}",
            m.message
        );
        // The lead includes both by name.
        m.apply(Command::Gold(GoldCommand::IncludeDocument(1)));
        m.apply(Command::Gold(GoldCommand::IncludeDocument(0)));
        assert!(m.gold.adjudication.as_ref().unwrap().skipped.is_empty());
        // a agrees everywhere; b has one conflict, shown at once
        assert_eq!(m.current, Some(1));
        assert_eq!(m.selection, Some((22, 28)));
        m.apply(Command::Gold(GoldCommand::SaveGold));
        assert_eq!(*saved.borrow(), [("gold".to_string(), "a".to_string(), 1)]);
        assert!(
            m.message.contains("1 with undecided conflicts not saved"),
            "{}",
            m.message
        );
        m.apply(Command::Gold(GoldCommand::Decide(Choice::Both)));
        m.apply(Command::Gold(GoldCommand::SaveGold));
        assert_eq!(
            saved.borrow().last(),
            Some(&("gold".to_string(), "b".to_string(), 2))
        );
    }

    #[test]
    fn a_review_of_an_unknown_source_leaves_the_mode() {
        let mut m = model(Saved::default());
        m.apply(Command::Gold(GoldCommand::StartReview {
            gold: crate::ui::review::ReviewSource::Annotator("nobody".into()),
            pred: crate::ui::review::ReviewSource::Annotator("x".into()),
            all: true,
        }));
        assert_eq!(m.gold.mode, Mode::Annotate);
        assert_eq!(m.message, "no nobody");
        m.apply(Command::Gold(GoldCommand::SetMode(Mode::Review)));
        assert_eq!(m.gold.mode, Mode::Annotate, "no review to show");
    }
}
