//! Review mode's data: two sources of entities over the open documents,
//! scored with `kashif::eval::evaluate` (so the figures are `kashif eval`'s)
//! and turned into marks the article view paints.

use crate::annotation::{DocAnnotations, Origin, Proposal, Span, Status};
use crate::arabic::tokenize;
use crate::corpus::Document;
use crate::eval::{self, DocPair, DocTokens, Mark, MarkKind, PairAgreement, Report};
use crate::propose::{bundled, proposer::Proposer};
use crate::schema::{Label, Schema};
use crate::ui::backend::{AnnotatorFiles, Backend, DocEntry};

pub mod dialog;
pub mod lead;
pub mod timing;
pub mod ui;

/// Where entities to compare come from. New kinds of source are one more
/// variant here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReviewSource {
    /// The entities an annotator saved.
    Annotator(String),
    /// The proposals still pending in an annotator's files. They include
    /// memory of that annotator's own decisions and whatever a retrained
    /// model learnt from them, so scored against that annotator's gold
    /// they measure memory, not extraction: for looking at what is pending.
    Proposals(String),
    /// Extraction measured honestly: the proposer run afresh on each
    /// document with the shipped model, rules, dates and gazetteers; no
    /// memory and no retraining, so no annotator's gold can reach what is
    /// scored (as `kashif eval --pred proposals`).
    Extraction,
}

impl ReviewSource {
    /// Whose files hold this source (empty for [`ReviewSource::Extraction`],
    /// which reads none).
    pub fn annotator(&self) -> &str {
        match self {
            ReviewSource::Annotator(a) | ReviewSource::Proposals(a) => a,
            ReviewSource::Extraction => "",
        }
    }

    /// As the user reads it in lists and headings; a machine source says
    /// which knowledge its proposals used.
    pub fn name(&self) -> String {
        match self {
            ReviewSource::Annotator(a) => a.clone(),
            ReviewSource::Proposals(a) => {
                format!("proposals pending for {a} (with memory of {a}'s decisions)")
            }
            ReviewSource::Extraction => {
                "extraction: shipped model, rules, dates, gazetteers (no memory, no retraining)"
                    .to_string()
            }
        }
    }

    /// The sources the open annotation folder offers.
    pub fn available(annotators: &[String]) -> Vec<ReviewSource> {
        let mut out: Vec<ReviewSource> = annotators
            .iter()
            .map(|a| ReviewSource::Annotator(a.clone()))
            .collect();
        out.push(ReviewSource::Extraction);
        out.extend(
            annotators
                .iter()
                .map(|a| ReviewSource::Proposals(a.clone())),
        );
        out
    }

    /// This source's entities in one annotation file (none for
    /// [`ReviewSource::Extraction`]: see [`extraction_spans`]).
    pub fn spans(&self, ann: &DocAnnotations) -> Vec<Span> {
        match self {
            ReviewSource::Annotator(_) => ann.entities.clone(),
            ReviewSource::Proposals(_) => ann.proposals.iter().map(proposal_span).collect(),
            ReviewSource::Extraction => Vec::new(),
        }
    }
}

/// What the shipped proposer extracts from a document, as spans of the
/// labels of `schema`: [`ReviewSource::Extraction`]. Its answer goes through
/// the one path every caller's proposals take
/// ([`crate::workflow::proposals_for_document`]: clitics, spelling variants,
/// decided labels) with nothing known (no memory, no annotator's
/// decisions), so the review scores what the workbench would propose on a
/// document nobody touched (issue 22, point 4).
pub fn extraction_spans(proposer: &Proposer, doc: &Document, schema: &Schema) -> Vec<Span> {
    let machine = proposer.propose(&doc.text);
    crate::workflow::proposals_for_document(
        std::sync::Arc::new(doc.clone()),
        &DocAnnotations::default(),
        machine,
        &crate::workflow::Knowledge::default(),
        &|k| crate::workflow::knows_name_with(proposer, k),
    )
    .iter()
    .filter(|p| schema.contains(&p.label))
    .map(proposal_span)
    .collect()
}

fn proposal_span(p: &Proposal) -> Span {
    Span {
        start: p.start,
        end: p.end,
        label: p.label.clone(),
        origin: Origin::Accepted(p.source),
        text: p.text.clone(),
        proposed: None,
    }
}

/// One compared document.
#[derive(Debug, Clone)]
pub struct ReviewDoc {
    /// Index into the app's documents.
    pub index: usize,
    pub gold: Vec<Span>,
    pub pred: Vec<Span>,
    pub strict: Vec<Mark>,
    pub partial: Vec<Mark>,
}

/// A comparison of two sources over the open documents.
#[derive(Debug, Clone)]
pub struct Review {
    pub gold: ReviewSource,
    pub pred: ReviewSource,
    /// Every document gold has a file for, not only those marked done.
    pub all: bool,
    pub docs: Vec<ReviewDoc>,
    /// Gold documents the compared source has no file for (left out, as
    /// `kashif eval` does).
    pub skipped: Vec<String>,
    pub problems: Vec<String>,
    pub report: Report,
    /// Agreement of the two sources over the compared documents (Cohen's
    /// kappa over tokens, as `kashif agree`; gold's done-filter applies).
    pub agreement: PairAgreement,
    /// The matching the article's marks follow.
    pub mark_mode: eval::Mode,
    /// For the lead, over both sides' files (every document they have a
    /// file for): names labelled inconsistently, notes, acceptance and
    /// correction rates (see [`eval::lead_report`]).
    pub lead: eval::LeadReport,
    /// The time each side's annotator took ([`eval::timing_report`] over
    /// their timing files), one report per annotator with records.
    pub timing: Vec<eval::TimingReport>,
}

impl Review {
    /// Reads both sources through the backend and scores them. Documents are
    /// chosen as `kashif eval` chooses them: gold's files (marked done unless
    /// `all`), left out when the other source has no file. `schema`: the
    /// labels extraction keeps. Errors: unreadable files, extraction as
    /// gold, the shipped model not loading, nothing to compare.
    pub fn load(
        backend: &mut dyn Backend,
        docs: &[DocEntry],
        gold: ReviewSource,
        pred: ReviewSource,
        all: bool,
        schema: &Schema,
    ) -> Result<Review, String> {
        if gold == ReviewSource::Extraction {
            return Err(format!(
                "{} cannot be the gold side: choose an annotator",
                gold.name()
            ));
        }
        let refs: Vec<&Document> = docs.iter().map(|d| &*d.document).collect();
        let gold_files = backend.read_annotator(gold.annotator(), &refs)?;
        // Extraction reads no files: every gold document has a prediction.
        let extraction = match pred {
            ReviewSource::Extraction => Some((
                Proposer::new(std::sync::Arc::new(
                    bundled::load().map_err(|e| format!("the shipped model: {e}"))?,
                )),
                schema.clone(),
            )),
            _ => None,
        };
        let pred_files = if extraction.is_some() {
            AnnotatorFiles {
                annotations: vec![Some(DocAnnotations::default()); refs.len()],
                problems: Vec::new(),
            }
        } else if pred.annotator() == gold.annotator() {
            AnnotatorFiles {
                annotations: gold_files.annotations.clone(),
                problems: Vec::new(),
            }
        } else {
            backend.read_annotator(pred.annotator(), &refs)?
        };
        let mut problems = gold_files.problems.clone();
        problems.extend(pred_files.problems.iter().cloned());
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        for (index, (g, p)) in gold_files
            .annotations
            .iter()
            .zip(&pred_files.annotations)
            .enumerate()
        {
            let Some(g) = g.as_ref().filter(|g| all || g.status == Status::Done) else {
                continue;
            };
            let Some(p) = p else {
                skipped.push(refs[index].id.clone());
                continue;
            };
            let ps = match &extraction {
                Some((proposer, schema)) => extraction_spans(proposer, refs[index], schema),
                None => pred.spans(p),
            };
            let gs = gold.spans(g);
            out.push(ReviewDoc {
                index,
                strict: eval::marks(&gs, &ps, eval::Mode::Strict),
                partial: eval::marks(&gs, &ps, eval::Mode::Partial),
                gold: gs,
                pred: ps,
            });
        }
        if out.is_empty() {
            return Err(format!(
                "nothing to review: {} has no documents {}{}",
                gold.name(),
                if all {
                    "annotated"
                } else {
                    "marked done (tick “all annotated documents”)"
                },
                if skipped.is_empty() {
                    String::new()
                } else {
                    format!(" that {} has too", pred.name())
                }
            ));
        }
        let pairs: Vec<DocPair> = out
            .iter()
            .map(|d| DocPair {
                id: &refs[d.index].id,
                gold: &d.gold,
                pred: &d.pred,
            })
            .collect();
        let report = eval::evaluate(&pairs);
        let tokens: Vec<DocTokens> = out
            .iter()
            .map(|d| DocTokens {
                tokens: tokenize(&refs[d.index].text)
                    .iter()
                    .map(|t| (t.start, t.end))
                    .collect(),
                length: refs[d.index].text.chars().count(),
                a: &d.gold,
                b: &d.pred,
            })
            .collect();
        let agreement = eval::pair_agreement(&gold.name(), &pred.name(), &tokens);
        let mut sides = vec![(gold.annotator(), &gold_files.annotations)];
        if extraction.is_none() && pred.annotator() != gold.annotator() {
            sides.push((pred.annotator(), &pred_files.annotations));
        }
        let annotated: Vec<eval::Annotated> = sides
            .iter()
            .flat_map(|&(annotator, files)| {
                files.iter().zip(&refs).filter_map(move |(a, doc)| {
                    Some(eval::Annotated {
                        annotator,
                        doc,
                        ann: a.as_ref()?,
                    })
                })
            })
            .collect();
        let lead = eval::lead_report(&annotated);
        let mut timing = Vec::new();
        for (annotator, _) in &sides {
            if annotator.is_empty() {
                continue;
            }
            match backend.read_timing(annotator) {
                Ok(file) => {
                    problems.extend(file.problems);
                    if !file.records.is_empty() {
                        timing.push(eval::timing_report(annotator, &file.records));
                    }
                }
                Err(e) => problems.push(e),
            }
        }
        Ok(Review {
            gold,
            pred,
            all,
            docs: out,
            skipped,
            problems,
            report,
            agreement,
            mark_mode: eval::Mode::Strict,
            lead,
            timing,
        })
    }

    /// The compared document at app index `index`, if it was compared.
    pub fn doc(&self, index: usize) -> Option<&ReviewDoc> {
        self.docs.iter().find(|d| d.index == index)
    }

    /// The marks of document `index` under the chosen matching.
    pub fn marks(&self, index: usize) -> Option<&[Mark]> {
        self.doc(index).map(|d| match self.mark_mode {
            eval::Mode::Strict => d.strict.as_slice(),
            eval::Mode::Partial => d.partial.as_slice(),
        })
    }
}

/// Colours of the four outcomes, chosen to read on dark and light panels
/// and to differ from one another for the common colour blindnesses
/// (blue / orange / red-purple / yellow, plus the dashed style of misses).
pub fn kind_color(kind: MarkKind) -> (u8, u8, u8) {
    match kind {
        MarkKind::Hit => (40, 150, 220),
        MarkKind::FalsePositive => (235, 120, 20),
        MarkKind::Miss => (215, 50, 90),
        MarkKind::LabelMismatch => (190, 160, 20),
    }
}

/// What the legend calls each outcome.
pub fn kind_name(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Hit => "hit (true positive)",
        MarkKind::FalsePositive => "false positive",
        MarkKind::Miss => "missed (dashed)",
        MarkKind::LabelMismatch => "label mismatch (GOLD as COMPARED)",
    }
}

/// The label a mark is shown with in the article and to screen readers:
/// `TP PER`, `FP LOC`, `MISS ORG`, `ORG as LOC`.
pub fn mark_label(m: &Mark) -> String {
    let label = |s: &Option<Span>| s.as_ref().map_or("", |s| s.label.as_str()).to_string();
    match m.kind {
        MarkKind::Hit => format!("TP {}", label(&m.pred)),
        MarkKind::FalsePositive => format!("FP {}", label(&m.pred)),
        MarkKind::Miss => format!("MISS {}", label(&m.gold)),
        MarkKind::LabelMismatch => format!("{} as {}", label(&m.gold), label(&m.pred)),
    }
}

/// Marks as something the article view paints: hits, false positives and
/// mismatches as entities, misses as (dashed) proposals, each under a label
/// of a made-up schema whose colour is the outcome's.
pub fn marks_view(marks: &[Mark]) -> (DocAnnotations, Schema) {
    let mut ann = DocAnnotations::default();
    let mut labels: Vec<Label> = Vec::new();
    for m in marks {
        let name = mark_label(m);
        if !labels.iter().any(|l| l.name == name) {
            labels.push(Label {
                name: name.clone(),
                display: kind_name(m.kind).to_string(),
                color: kind_color(m.kind),
                key: ' ',
            });
        }
        let side = m.pred.as_ref().or(m.gold.as_ref());
        let text = side.map_or(String::new(), |s| s.text.clone());
        if m.kind == MarkKind::Miss {
            ann.proposals.push(Proposal {
                start: m.start,
                end: m.end,
                label: name,
                text,
                confidence: 1.0,
                source: crate::annotation::Source::Memory,
            });
        } else {
            ann.entities.push(Span {
                start: m.start,
                end: m.end,
                label: name,
                origin: side.map_or(Origin::Manual, |s| s.origin),
                text,
                proposed: None,
            });
        }
    }
    (ann, Schema { labels })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span {
            text: format!("t{start}"),
            ..Span::manual(start, end, label)
        }
    }

    #[test]
    fn each_outcome_gets_its_own_label_and_colour() {
        let gold = [sp(0, 3, "PER"), sp(5, 8, "LOC"), sp(10, 12, "ORG")];
        let pred = [sp(0, 3, "PER"), sp(10, 12, "LOC"), sp(14, 16, "MISC")];
        let marks = eval::marks(&gold, &pred, eval::Mode::Strict);
        let (ann, schema) = marks_view(&marks);
        let names: Vec<&str> = ann.entities.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(names, ["TP PER", "ORG as LOC", "FP MISC"]);
        assert_eq!(ann.proposals.len(), 1);
        assert_eq!(ann.proposals[0].label, "MISS LOC");
        assert_eq!((ann.proposals[0].start, ann.proposals[0].end), (5, 8));
        let colours: std::collections::HashSet<_> = schema.labels.iter().map(|l| l.color).collect();
        assert_eq!(colours.len(), 4);
    }

    #[test]
    fn proposals_are_a_source() {
        let ann = DocAnnotations {
            entities: vec![sp(0, 3, "PER")],
            proposals: vec![Proposal {
                start: 4,
                end: 6,
                label: "LOC".into(),
                text: "x".into(),
                confidence: 0.5,
                source: crate::annotation::Source::Gazetteer,
            }],
            ..Default::default()
        };
        let p = ReviewSource::Proposals("amina".into());
        assert_eq!(p.annotator(), "amina");
        let s = p.spans(&ann);
        assert_eq!((s[0].start, s[0].end, s[0].label.as_str()), (4, 6, "LOC"));
        assert_eq!(ReviewSource::Annotator("amina".into()).spans(&ann).len(), 1);
        let all = ReviewSource::available(&["a".into(), "b".into()]);
        assert_eq!(all.len(), 5);
        assert!(all.contains(&ReviewSource::Extraction));
    }
}
