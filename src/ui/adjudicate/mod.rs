//! Adjudication mode's data: two annotators' files split by
//! `kashif::eval::adjudicate` into agreements (merged at once) and conflicts,
//! each decided with one key, and the `gold` documents that result.

use crate::annotation::{DocAnnotations, Span, Status};
use crate::corpus::Document;
use crate::eval::{self, Adjudication, Choice, Conflict};
use crate::ui::backend::{Backend, DocEntry};

pub mod dialog;
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

/// Two annotators being merged into gold.
#[derive(Debug, Clone)]
pub struct Adjudicating {
    pub a: String,
    pub b: String,
    pub docs: Vec<AdjDoc>,
    /// The current conflict, counted over all documents in order.
    pub current: usize,
    pub problems: Vec<String>,
    /// Both annotators' notes for the lead (every document they have a
    /// file for), listed in the panel.
    pub notes: Vec<eval::NoteRow>,
}

impl Adjudicating {
    /// Reads both annotators through the backend; every document both have
    /// a file for takes part, whatever its status.
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
        let refs: Vec<&Document> = docs.iter().map(|d| &d.document).collect();
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
        let docs: Vec<AdjDoc> = fa
            .annotations
            .iter()
            .zip(&fb.annotations)
            .enumerate()
            .filter_map(|(index, (x, y))| {
                let (x, y) = (x.as_ref()?, y.as_ref()?);
                let adjudication = eval::adjudicate(&x.entities, &y.entities);
                Some(AdjDoc {
                    index,
                    choices: vec![None; adjudication.conflicts.len()],
                    adjudication,
                })
            })
            .collect();
        if docs.is_empty() {
            return Err(format!("{a} and {b} have no document in common"));
        }
        Ok(Adjudicating {
            a: a.to_string(),
            b: b.to_string(),
            docs,
            current: 0,
            problems,
            notes,
        })
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

    /// Decides the current conflict and moves to the next undecided one
    /// (after it, wrapping around); stays when none is left.
    pub fn decide(&mut self, choice: Choice) {
        let Some((k, j)) = self.locate(self.current) else {
            return;
        };
        self.docs[k].choices[j] = Some(choice);
        let n = self.conflict_count();
        if let Some(next) = (1..n)
            .map(|step| (self.current + step) % n)
            .find(|&m| self.choice(m).is_none())
        {
            self.current = next;
        }
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

    fn doc(index: usize, a: &[Span], b: &[Span]) -> AdjDoc {
        let adjudication = eval::adjudicate(a, b);
        AdjDoc {
            index,
            choices: vec![None; adjudication.conflicts.len()],
            adjudication,
        }
    }

    #[test]
    fn deciding_walks_the_conflicts_and_builds_gold() {
        let mut adj = Adjudicating {
            a: "a".into(),
            b: "b".into(),
            docs: vec![
                doc(
                    0,
                    &[sp(0, 2, "PER"), sp(4, 6, "LOC")],
                    &[sp(0, 2, "PER"), sp(4, 6, "ORG")],
                ),
                doc(3, &[sp(1, 3, "LOC")], &[sp(5, 7, "DATE")]),
            ],
            current: 0,
            problems: vec![],
            notes: vec![],
        };
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
}
