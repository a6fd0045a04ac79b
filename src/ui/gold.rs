//! Everything past annotating: exporting gold labels, reviewing one source
//! against another, adjudicating two annotators into `gold`. Its commands are
//! applied by [`AppModel`] like every other; files go through the backend.

use std::path::PathBuf;

use super::adjudicate::Adjudicating;
use super::model::AppModel;
use super::review::{Review, ReviewSource};
use crate::annotation::{DocAnnotations, Status};
use crate::corpus::Document;
use crate::eval::{self, Choice};
use crate::formats::{self, DocSpans, ExportOptions, Format};

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

/// One annotator's files over the open documents, as the backend read them.
#[derive(Debug, Clone, Default)]
pub struct AnnotatorFiles {
    /// One per open document, in the same order; `None`: no file.
    pub annotations: Vec<Option<DocAnnotations>>,
    /// Problems met reading them (`file:line:col: message`).
    pub problems: Vec<String>,
}

/// An export the user asked for, with the target already picked.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub format: Format,
    pub annotator: String,
    /// Every annotated document, not only those marked done.
    pub all: bool,
    /// CoNLL only.
    pub split_clitics: bool,
    /// CoNLL only: `# id = …` lines instead of `-DOCSTART-`.
    pub conll_ids: bool,
    /// JSON formats only: offsets in UTF-16 code units.
    pub utf16: bool,
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
    /// Make conflict number `n` (over all documents) the current one.
    GoToConflict(usize),
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
                let (backend, docs) = self.backend_and_docs();
                match Review::load(backend, docs, gold, pred, all) {
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
                        self.message = format!(
                            "adjudicating {a} and {b}: {} document(s), {} conflict(s)",
                            adj.docs.len(),
                            adj.conflict_count()
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
            GoldCommand::GoToConflict(n) => {
                if let Some(adj) = &mut self.gold.adjudication
                    && n < adj.conflict_count()
                {
                    adj.current = n;
                }
                self.show_current_conflict();
            }
            GoldCommand::SaveGold => self.save_gold(),
            GoldCommand::SetMode(m) => {
                let ready = match m {
                    Mode::Annotate => true,
                    Mode::Review => self.gold.review.is_some(),
                    Mode::Adjudicate => self.gold.adjudication.is_some(),
                };
                if ready {
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
    fn export(&mut self, req: &ExportRequest) -> ExportOutcome {
        let (backend, docs) = self.backend_and_docs();
        let refs: Vec<&Document> = docs.iter().map(|d| &d.document).collect();
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
        let conll = req.format == Format::Conll;
        let json = !conll && !req.format.is_folder();
        let options = ExportOptions {
            split_clitics: req.split_clitics && conll,
            conll_ids: req.conll_ids && conll,
            offsets: if req.utf16 && json {
                formats::OffsetUnit::Utf16
            } else {
                formats::OffsetUnit::Chars
            },
        };
        let exported = formats::export(req.format, &spans, options);
        warnings.extend(exported.warnings.iter().map(|w| w.to_string()));
        let entities: usize = spans.iter().map(|d| d.spans.len()).sum();
        match backend.write_export(&req.path, &exported) {
            Ok(n) => ExportOutcome {
                ok: true,
                summary: format!(
                    "exported {} document(s), {entities} entities, as {} to {} ({n} file(s)); {} warning(s)",
                    spans.len(),
                    req.format.name(),
                    req.path.display(),
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
        let (backend, docs) = self.backend_and_docs();
        let out: Vec<(&Document, DocAnnotations)> = ready
            .into_iter()
            .map(|(i, ann)| (&docs[i].document, ann))
            .collect();
        let result = if out.is_empty() {
            Ok(0)
        } else {
            backend.save_annotations(GOLD, &out)
        };
        self.message = match result {
            Ok(n) => format!(
                "saved {n} document(s) as {GOLD}{}",
                if undecided > 0 {
                    format!("; {undecided} with undecided conflicts not saved")
                } else {
                    String::new()
                }
            ),
            Err(e) => format!("cannot save {GOLD}: {e}"),
        };
        if self.annotator.as_deref() == Some(GOLD) {
            self.apply(super::model::Command::SetAnnotator(GOLD.into()));
        }
    }
}
