//! Adjudication mode's data: two annotators' files split by
//! `kashif::eval::adjudicate` into agreements (merged at once) and conflicts,
//! each decided with one key, and the `gold` documents that result.

use crate::annotation::{DocAnnotations, Span, Status};
use crate::corpus::Document;
use crate::eval::{self, Adjudication, Choice, Conflict};
use crate::ui::backend::{Backend, DocEntry};

pub mod dialog;
pub mod stacked;
pub mod ui;

/// One document both annotators have a file for.
#[derive(Debug, Clone)]
pub struct AdjDoc {
    /// Index into the app's documents.
    pub index: usize,
    pub adjudication: Adjudication,
    /// One per conflict; `None` until decided.
    pub choices: Vec<Option<Choice>>,
}

impl AdjDoc {
    /// Document `index` split into agreements and undecided conflicts.
    pub fn new(index: usize, a: &[Span], b: &[Span]) -> AdjDoc {
        let adjudication = eval::adjudicate(a, b);
        AdjDoc {
            index,
            choices: vec![None; adjudication.conflicts.len()],
            adjudication,
        }
    }

    pub fn decided(&self) -> bool {
        self.choices.iter().all(Option::is_some)
    }

    /// The entities so far: agreements and the decided conflicts, in text
    /// order.
    pub fn entities(&self) -> Vec<Span> {
        let mut out = self.adjudication.agreed.clone();
        for (c, choice) in self.adjudication.conflicts.iter().zip(&self.choices) {
            if let Some(choice) = choice {
                out.extend(c.resolve(*choice));
            }
        }
        out.sort_by(|x, y| x.key().cmp(&y.key()));
        out.dedup_by(|x, y| x.same_entity(y));
        out
    }
}

/// A document both annotators have a file for but that is not adjudicated:
/// not every annotator marked it done ([`eval::ready_for_gold`]).
#[derive(Debug, Clone)]
pub struct SkippedDoc {
    /// Index into the app's documents.
    pub index: usize,
    /// Why, e.g. `not done by every annotator (badr: in progress)`.
    pub reason: String,
    /// Both files' entities when both exist: then the lead may include the
    /// document by name ([`Adjudicating::include`]).
    files: Option<(Vec<Span>, Vec<Span>)>,
}

impl SkippedDoc {
    /// Whether the lead can include it (both annotators have a file).
    pub fn includable(&self) -> bool {
        self.files.is_some()
    }
}

/// The choices before one decision step, for undo: per document (by app
/// index) its choices, and which conflict was current.
#[derive(Debug, Clone)]
struct Snapshot {
    choices: Vec<(usize, Vec<Option<Choice>>)>,
    current: usize,
}

/// What the summary line and the conflict table both count, so they cannot
/// disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Documents adjudicated (every annotator done, or included by name).
    pub documents: usize,
    /// Documents among them with at least one conflict (one group each in
    /// the table).
    pub with_conflicts: usize,
    /// Documents left out (listed with the reason).
    pub skipped: usize,
    pub agreed: usize,
    pub conflicts: usize,
    pub decided: usize,
    /// Documents whose conflicts are all decided: what saving writes.
    pub ready: usize,
}

/// Two annotators being merged into gold.
#[derive(Debug, Clone)]
pub struct Adjudicating {
    pub a: String,
    pub b: String,
    /// The documents adjudicated, in corpus order.
    pub docs: Vec<AdjDoc>,
    /// Documents in common left out, in corpus order, with the reason.
    pub skipped: Vec<SkippedDoc>,
    /// The current conflict, counted over all documents in order.
    pub current: usize,
    pub problems: Vec<String>,
    /// Both annotators' notes for the lead (every document they have a
    /// file for), listed in the panel.
    pub notes: Vec<eval::NoteRow>,
    /// Whether the central area shows the stacked (curation) view: each
    /// line of the document with one row of entity boxes per annotator and
    /// the gold row, instead of the article with both readings overlaid.
    /// A view choice, not a decision: undo does not take it back.
    pub stacked: bool,
    /// Different for every adjudication loaded in this process, so views
    /// that keep something between frames know when it is another one.
    serial: u64,
    /// Decision steps, newest last (undo takes one back).
    history: Vec<Snapshot>,
}

impl Adjudicating {
    /// Reads both annotators through the backend. A document becomes part
    /// of the adjudication only when both marked it done
    /// ([`eval::ready_for_gold`]): what nobody finished is not gold. The
    /// others either has a file for are listed in `skipped` with the reason;
    /// the lead may include those both have a file for
    /// ([`Adjudicating::include`]). Errors: unreadable annotators, `a == b`,
    /// no document either has a file for.
    pub fn load(
        backend: &mut dyn Backend,
        docs: &[DocEntry],
        a: &str,
        b: &str,
    ) -> Result<Adjudicating, String> {
        if a == b {
            return Err(format!(
                "adjudication needs two annotators, {a} twice given"
            ));
        }
        let refs: Vec<&Document> = docs.iter().map(|d| &*d.document).collect();
        let fa = backend.read_annotator(a, &refs)?;
        let fb = backend.read_annotator(b, &refs)?;
        let mut problems = fa.problems;
        problems.extend(fb.problems);
        let mut notes = Vec::new();
        for (who, files) in [(a, &fa.annotations), (b, &fb.annotations)] {
            let annotated: Vec<eval::Annotated> = files
                .iter()
                .zip(&refs)
                .filter_map(|(x, doc)| {
                    Some(eval::Annotated {
                        annotator: who,
                        doc,
                        ann: x.as_ref()?,
                    })
                })
                .collect();
            notes.extend(eval::notes(&annotated));
        }
        let mut adj = Adjudicating {
            a: a.to_string(),
            b: b.to_string(),
            docs: Vec::new(),
            skipped: Vec::new(),
            current: 0,
            problems,
            notes,
            stacked: false,
            serial: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            history: Vec::new(),
        };
        for (index, (x, y)) in fa.annotations.iter().zip(&fb.annotations).enumerate() {
            if x.is_none() && y.is_none() {
                continue;
            }
            let status = |f: &Option<DocAnnotations>| f.as_ref().map(|f| f.status);
            let files = x
                .as_ref()
                .zip(y.as_ref())
                .map(|(x, y)| (x.entities.clone(), y.entities.clone()));
            match (
                eval::ready_for_gold(&[(a, status(x)), (b, status(y))]),
                files,
            ) {
                (Ok(()), Some((xa, yb))) => adj.docs.push(AdjDoc::new(index, &xa, &yb)),
                (Ok(()), None) => {}
                (Err(reason), files) => adj.skipped.push(SkippedDoc {
                    index,
                    reason,
                    files,
                }),
            }
        }
        if adj.docs.is_empty() && !adj.skipped.iter().any(SkippedDoc::includable) {
            return Err(format!("{a} and {b} have no document in common"));
        }
        Ok(adj)
    }

    /// Takes skipped document `index` (app index) into the adjudication: the
    /// lead decided it is worth adjudicating although not every annotator
    /// marked it done. Its first conflict becomes the current one (the
    /// current one stays when it has none). Errors: not skipped, or one
    /// annotator has no file for it.
    pub fn include(&mut self, index: usize) -> Result<(), String> {
        let k = self
            .skipped
            .iter()
            .position(|s| s.index == index)
            .ok_or_else(|| format!("document {index} is not among the skipped ones"))?;
        let Some((xa, yb)) = self.skipped[k].files.clone() else {
            return Err(format!("cannot include it: {}", self.skipped[k].reason));
        };
        let here = self
            .locate(self.current)
            .map(|(d, j)| (self.docs[d].index, j));
        self.skipped.remove(k);
        let at = self.docs.partition_point(|d| d.index < index);
        self.docs.insert(at, AdjDoc::new(index, &xa, &yb));
        self.current = self
            .number_of(index, 0)
            .or_else(|| here.and_then(|(doc, j)| self.number_of(doc, j)))
            .unwrap_or(0);
        Ok(())
    }

    /// The number (over all documents) of conflict `j` of app document `index`.
    fn number_of(&self, index: usize, j: usize) -> Option<usize> {
        let mut n = 0;
        for d in &self.docs {
            if d.index == index {
                return (j < d.adjudication.conflicts.len()).then_some(n + j);
            }
            n += d.adjudication.conflicts.len();
        }
        None
    }

    /// Which adjudication this is (see the field): a new one never has
    /// the serial of an earlier one.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// What the summary line and the table count.
    pub fn counts(&self) -> Counts {
        Counts {
            documents: self.docs.len(),
            with_conflicts: self
                .docs
                .iter()
                .filter(|d| !d.adjudication.conflicts.is_empty())
                .count(),
            skipped: self.skipped.len(),
            agreed: self.docs.iter().map(|d| d.adjudication.agreed.len()).sum(),
            conflicts: self.conflict_count(),
            decided: self.conflict_count() - self.undecided_count(),
            ready: self.docs.iter().filter(|d| d.decided()).count(),
        }
    }

    pub fn conflict_count(&self) -> usize {
        self.docs
            .iter()
            .map(|d| d.adjudication.conflicts.len())
            .sum()
    }

    pub fn undecided_count(&self) -> usize {
        self.docs
            .iter()
            .flat_map(|d| &d.choices)
            .filter(|c| c.is_none())
            .count()
    }

    /// Conflict number `n` as (document position in `docs`, conflict index).
    pub fn locate(&self, n: usize) -> Option<(usize, usize)> {
        let mut left = n;
        for (k, d) in self.docs.iter().enumerate() {
            let len = d.adjudication.conflicts.len();
            if left < len {
                return Some((k, left));
            }
            left -= len;
        }
        None
    }

    /// The current conflict with its document's position in `docs`.
    pub fn current_conflict(&self) -> Option<(usize, &Conflict)> {
        let (k, j) = self.locate(self.current)?;
        Some((k, &self.docs[k].adjudication.conflicts[j]))
    }

    /// The choice made for conflict number `n`.
    pub fn choice(&self, n: usize) -> Option<Choice> {
        let (k, j) = self.locate(n)?;
        self.docs[k].choices[j]
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            choices: self
                .docs
                .iter()
                .map(|d| (d.index, d.choices.clone()))
                .collect(),
            current: self.current,
        }
    }

    /// Decides the current conflict and moves to the next undecided one
    /// (after it, wrapping around); stays when none is left. One undo step.
    pub fn decide(&mut self, choice: Choice) {
        let Some((k, j)) = self.locate(self.current) else {
            return;
        };
        self.history.push(self.snapshot());
        self.docs[k].choices[j] = Some(choice);
        let n = self.conflict_count();
        if let Some(next) = (1..n)
            .map(|step| (self.current + step) % n)
            .find(|&m| self.choice(m).is_none())
        {
            self.current = next;
        }
    }

    /// Decides every conflict not decided yet with `choice` (one
    /// annotator's reading for all that remain): one undo step. Returns how
    /// many it decided.
    pub fn decide_remaining(&mut self, choice: Choice) -> usize {
        let before = self.snapshot();
        let mut n = 0;
        for d in &mut self.docs {
            for c in d.choices.iter_mut().filter(|c| c.is_none()) {
                *c = Some(choice);
                n += 1;
            }
        }
        if n > 0 {
            self.history.push(before);
        }
        n
    }

    /// Takes the last decision step back (a single decision or a whole
    /// "for every remaining conflict"); `false` when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(snap) = self.history.pop() else {
            return false;
        };
        for (index, choices) in snap.choices {
            if let Some(d) = self.docs.iter_mut().find(|d| d.index == index) {
                d.choices = choices;
            }
        }
        self.current = snap.current.min(self.conflict_count().saturating_sub(1));
        true
    }

    /// What `gold` gets: every document whose conflicts are all decided, as
    /// (app document index, annotations marked done).
    pub fn gold_documents(&self) -> Vec<(usize, DocAnnotations)> {
        self.docs
            .iter()
            .filter(|d| d.decided())
            .map(|d| {
                (
                    d.index,
                    DocAnnotations {
                        status: Status::Done,
                        entities: d.entities(),
                        ..Default::default()
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span::manual(start, end, label)
    }

    fn adjudicating(docs: Vec<AdjDoc>) -> Adjudicating {
        Adjudicating {
            a: "a".into(),
            b: "b".into(),
            docs,
            skipped: Vec::new(),
            current: 0,
            problems: vec![],
            notes: vec![],
            stacked: false,
            serial: 0,
            history: Vec::new(),
        }
    }

    fn three_conflicts() -> Adjudicating {
        adjudicating(vec![
            AdjDoc::new(
                0,
                &[sp(0, 2, "PER"), sp(4, 6, "LOC")],
                &[sp(0, 2, "PER"), sp(4, 6, "ORG")],
            ),
            AdjDoc::new(3, &[sp(1, 3, "LOC")], &[sp(5, 7, "DATE")]),
        ])
    }

    #[test]
    fn deciding_walks_the_conflicts_and_builds_gold() {
        let mut adj = three_conflicts();
        assert_eq!(adj.conflict_count(), 3);
        adj.decide(Choice::B);
        assert_eq!(adj.current, 1);
        assert!(adj.gold_documents().iter().any(|(i, _)| *i == 0));
        adj.decide(Choice::Neither);
        assert_eq!(adj.current, 2);
        assert!(adj.gold_documents().iter().all(|(i, _)| *i == 0));
        adj.decide(Choice::B);
        assert_eq!(adj.undecided_count(), 0);
        let gold = adj.gold_documents();
        let labels: Vec<Vec<&str>> = gold
            .iter()
            .map(|(_, a)| a.entities.iter().map(|s| s.label.as_str()).collect())
            .collect();
        assert_eq!(labels, [vec!["PER", "ORG"], vec!["DATE"]]);
        assert!(gold.iter().all(|(_, a)| a.status == Status::Done));
    }

    #[test]
    fn one_reading_for_every_remaining_conflict_is_one_undo_step() {
        let mut adj = three_conflicts();
        adj.decide(Choice::B);
        assert_eq!(adj.decide_remaining(Choice::A), 2);
        assert_eq!(adj.undecided_count(), 0);
        assert_eq!(
            (0..3).map(|n| adj.choice(n)).collect::<Vec<_>>(),
            [Some(Choice::B), Some(Choice::A), Some(Choice::A)]
        );
        assert_eq!(adj.decide_remaining(Choice::B), 0, "nothing left");
        assert!(adj.undo());
        // Both remaining undecided again; the first decision stays.
        assert_eq!(adj.undecided_count(), 2);
        assert_eq!(adj.choice(0), Some(Choice::B));
        assert!(adj.undo());
        assert_eq!(adj.undecided_count(), 3);
        assert_eq!(adj.current, 0);
        assert!(!adj.undo());
    }

    #[test]
    fn a_skipped_document_is_included_by_name_and_its_conflict_becomes_current() {
        let mut adj = three_conflicts();
        adj.current = 2; // the conflict of document 3
        adj.skipped = vec![
            SkippedDoc {
                index: 1,
                reason: "not done by every annotator (b: in progress)".into(),
                files: Some((vec![sp(0, 4, "ORG")], vec![sp(0, 4, "LOC")])),
            },
            SkippedDoc {
                index: 2,
                reason: "not done by every annotator (b: no file)".into(),
                files: None,
            },
        ];
        assert_eq!(adj.counts().skipped, 2);
        assert!(adj.gold_documents().iter().all(|(i, _)| *i != 1));
        assert!(adj.include(2).is_err(), "b has no file for it");
        adj.include(1).unwrap();
        assert_eq!(
            adj.docs.iter().map(|d| d.index).collect::<Vec<_>>(),
            [0, 1, 3]
        );
        assert_eq!(adj.conflict_count(), 4);
        assert_eq!(adj.current, 1, "the included document's conflict");
        assert_eq!(
            adj.current_conflict().map(|(k, _)| adj.docs[k].index),
            Some(1)
        );
        assert_eq!(adj.counts().skipped, 1);
        adj.decide_remaining(Choice::B);
        assert!(adj.gold_documents().iter().any(|(i, _)| *i == 1));
    }
}
