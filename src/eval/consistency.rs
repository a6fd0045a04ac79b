//! What a lead checks across annotators and the corpus: the same name given
//! different labels, a name annotated in one place and left bare in another,
//! how each entity was decided (acceptance and correction rates per label
//! and source), and the notes annotators left.
//!
//! Pure functions over loaded annotations; `kashif validate --consistency`,
//! `kashif stats` and the review panel show the results.

use std::collections::BTreeMap;

use crate::annotation::{Decision, DocAnnotations, Source};
use crate::arabic::name_key;
use crate::corpus::Document;
use crate::workflow::{WordEdges, whole_word_occurrences};

/// One annotator's annotations of one document, as the checks read them.
#[derive(Debug, Clone, Copy)]
pub struct Annotated<'a> {
    pub annotator: &'a str,
    pub doc: &'a Document,
    pub ann: &'a DocAnnotations,
}

/// One place of a name in a finding: chars `start..end` of document
/// `doc_id` as annotator `annotator` left it; `label` `None` when no entity
/// of that annotator covers it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub annotator: String,
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    pub label: Option<String>,
}

/// What is inconsistent about a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// Its entities carry different labels.
    Labels,
    /// It is an entity in some places and nothing in others.
    Unannotated,
}

/// One inconsistency: a normalised name ([`name_key`]), its text as first
/// seen, and every place involved (entities and bare occurrences), sorted
/// by annotator, document and offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub key: String,
    pub text: String,
    pub kind: FindingKind,
    pub places: Vec<Place>,
}

impl Finding {
    /// One line: the name, what is wrong, then each place as
    /// `annotator/document start..end LABEL` (chars, end exclusive;
    /// `none` where no entity covers it).
    pub fn line(&self) -> String {
        let what = match self.kind {
            FindingKind::Labels => {
                let mut ls: Vec<&str> = self
                    .places
                    .iter()
                    .filter_map(|p| p.label.as_deref())
                    .collect();
                ls.sort_unstable();
                ls.dedup();
                format!("labelled {}", ls.join(" and "))
            }
            FindingKind::Unannotated => "annotated in some places, not in others".to_string(),
        };
        let places: Vec<String> = self
            .places
            .iter()
            .map(|p| {
                format!(
                    "{}/{} {}..{} {}",
                    p.annotator,
                    p.doc_id,
                    p.start,
                    p.end,
                    p.label.as_deref().unwrap_or("none")
                )
            })
            .collect();
        format!("«{}» {what}: {}", self.text, places.join(", "))
    }
}

/// Every inconsistency over `docs` (every annotator's files together):
///
/// - a name (normalised: hamza forms, vowel marks, tatweel, digit style do
///   not matter) whose entities carry more than one label, anywhere;
/// - a name that is an entity somewhere and, in a document an annotator
///   has marked done (or has entities in), occurs as whole words with no
///   entity of that annotator over it. Names shorter than 2 letters are
///   left out.
///
/// A name with both problems is reported once per kind. Sorted by name.
pub fn consistency(docs: &[Annotated]) -> Vec<Finding> {
    // Name key → (text as first seen, places of entities).
    let mut names: BTreeMap<String, (String, Vec<Place>)> = BTreeMap::new();
    for d in docs {
        for e in &d.ann.entities {
            let key = name_key(&e.text);
            if key.chars().count() < 2 {
                continue;
            }
            let entry = names
                .entry(key)
                .or_insert_with(|| (e.text.trim().to_string(), Vec::new()));
            entry.1.push(Place {
                annotator: d.annotator.to_string(),
                doc_id: d.doc.id.clone(),
                start: e.start,
                end: e.end,
                label: Some(e.label.clone()),
            });
        }
    }
    let folded: Vec<String> = docs.iter().map(|d| name_key(&d.doc.text)).collect();
    let mut words: Vec<Option<WordEdges>> = docs.iter().map(|_| None).collect();
    let mut out = Vec::new();
    for (key, (text, mut places)) in names {
        places.sort();
        let mut labels: Vec<&str> = places.iter().filter_map(|p| p.label.as_deref()).collect();
        labels.sort_unstable();
        labels.dedup();
        if labels.len() > 1 {
            out.push(Finding {
                key: key.clone(),
                text: text.clone(),
                kind: FindingKind::Labels,
                places: places.clone(),
            });
        }
        let mut bare = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            if d.ann.entities.is_empty() && d.ann.status != crate::annotation::Status::Done {
                continue;
            }
            if !folded[i].contains(&key) {
                continue;
            }
            let words = words[i].get_or_insert_with(|| WordEdges::new(&d.doc.text));
            for (start, end) in whole_word_occurrences(&d.doc.text, words, &text) {
                if d.ann.entities.iter().any(|e| e.overlaps(start, end)) {
                    continue;
                }
                bare.push(Place {
                    annotator: d.annotator.to_string(),
                    doc_id: d.doc.id.clone(),
                    start,
                    end,
                    label: None,
                });
            }
        }
        if !bare.is_empty() {
            places.extend(bare);
            places.sort();
            out.push(Finding {
                key,
                text,
                kind: FindingKind::Unannotated,
                places,
            });
        }
    }
    out
}

/// How entities were decided, counted by the proposal's label (what the
/// proposer said; the entity's label for drawn and imported ones) and
/// source (`None` for drawn and imported entities).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionCounts {
    pub by: BTreeMap<(String, Option<Source>), BTreeMap<Decision, usize>>,
}

impl DecisionCounts {
    /// Counts every entity of `ann`.
    pub fn add(&mut self, ann: &DocAnnotations) {
        for e in &ann.entities {
            let label = e.proposed.as_ref().map_or(&e.label, |p| &p.label).clone();
            *self
                .by
                .entry((label, e.origin.source()))
                .or_default()
                .entry(e.decision())
                .or_insert(0) += 1;
        }
    }

    /// One row per label and source that had proposals decided on:
    /// (label, source, accepted one by one, accepted in bulk, corrected,
    /// acceptance rate, correction rate), the rates over the entities that
    /// came from proposals (0..=1).
    pub fn rows(&self) -> Vec<DecisionRow> {
        self.by
            .iter()
            .filter_map(|((label, source), m)| {
                let source = (*source)?;
                let n = |d: Decision| m.get(&d).copied().unwrap_or(0);
                let accepted = n(Decision::Accepted);
                let bulk = n(Decision::AcceptedInBulk);
                let corrected: usize = m
                    .iter()
                    .filter(|(d, _)| d.is_correction())
                    .map(|(_, c)| c)
                    .sum();
                let total = accepted + bulk + corrected;
                (total > 0).then(|| DecisionRow {
                    label: label.clone(),
                    source,
                    accepted,
                    bulk,
                    corrected,
                    acceptance: (accepted + bulk) as f64 / total as f64,
                    correction: corrected as f64 / total as f64,
                })
            })
            .collect()
    }

    /// Entities drawn by hand and imported, over all labels.
    pub fn manual_and_imported(&self) -> (usize, usize) {
        let mut out = (0, 0);
        for m in self.by.values() {
            out.0 += m.get(&Decision::Manual).copied().unwrap_or(0);
            out.1 += m.get(&Decision::Imported).copied().unwrap_or(0);
        }
        out
    }
}

/// One line of the acceptance and correction table; see
/// [`DecisionCounts::rows`].
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    pub label: String,
    pub source: Source,
    pub accepted: usize,
    pub bulk: usize,
    pub corrected: usize,
    pub acceptance: f64,
    pub correction: f64,
}

/// A note an annotator left, for the lead's list: where (`at` chars of the
/// entity, `None` for the whole document) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub annotator: String,
    pub doc_id: String,
    pub at: Option<(usize, usize)>,
    pub text: String,
}

impl NoteRow {
    /// `annotator/document[ start..end]: text`, on one line.
    pub fn line(&self) -> String {
        let at = self
            .at
            .map(|(s, e)| format!(" {s}..{e}"))
            .unwrap_or_default();
        format!(
            "{}/{}{at}: {}",
            self.annotator,
            self.doc_id,
            self.text.replace('\n', " ")
        )
    }
}

/// Every note of `docs`, in their order.
pub fn notes(docs: &[Annotated]) -> Vec<NoteRow> {
    docs.iter()
        .flat_map(|d| {
            d.ann.notes.iter().map(|n| NoteRow {
                annotator: d.annotator.to_string(),
                doc_id: d.doc.id.clone(),
                at: n.at,
                text: n.text.clone(),
            })
        })
        .collect()
}

/// What the lead sees beside a review: the consistency findings, the notes
/// and each annotator's acceptance and correction rates, over the same
/// files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadReport {
    pub findings: Vec<Finding>,
    pub notes: Vec<NoteRow>,
    /// Per annotator (in the order first met), the rows of
    /// [`DecisionCounts::rows`].
    pub decisions: Vec<(String, Vec<DecisionRow>)>,
}

/// [`consistency`], [`notes`] and the decision counts of `docs`.
pub fn lead_report(docs: &[Annotated]) -> LeadReport {
    let mut decisions: Vec<(String, DecisionCounts)> = Vec::new();
    for d in docs {
        let i = match decisions.iter().position(|(a, _)| a == d.annotator) {
            Some(i) => i,
            None => {
                decisions.push((d.annotator.to_string(), DecisionCounts::default()));
                decisions.len() - 1
            }
        };
        decisions[i].1.add(d.ann);
    }
    LeadReport {
        findings: consistency(docs),
        notes: notes(docs),
        decisions: decisions.into_iter().map(|(a, c)| (a, c.rows())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Origin, Proposed, Span, Status};

    fn doc(id: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            path: std::path::PathBuf::new(),
        }
    }

    fn span(text: &str, word: &str, nth: usize, label: &str) -> Span {
        let b = text.match_indices(word).nth(nth).unwrap().0;
        let start = text[..b].chars().count();
        Span::manual_with_text(start, start + word.chars().count(), label, word)
    }

    #[test]
    fn different_labels_and_bare_occurrences_are_found_with_every_place() {
        let a = doc("a", "زار بلينكين باكو أمس.");
        let b = doc("b", "وصل إلى باكو ثم غادر باكو.");
        let ann_a = DocAnnotations {
            entities: vec![
                span(&a.text, "باكو", 0, "LOC"),
                span(&a.text, "بلينكين", 0, "PER"),
            ],
            ..Default::default()
        };
        let ann_b = DocAnnotations {
            entities: vec![span(&b.text, "باكو", 0, "PER")],
            status: Status::Done,
            ..Default::default()
        };
        // An annotator with nothing in b and b not done: not blamed.
        let empty = DocAnnotations::default();
        let docs = [
            Annotated {
                annotator: "amina",
                doc: &a,
                ann: &ann_a,
            },
            Annotated {
                annotator: "amina",
                doc: &b,
                ann: &ann_b,
            },
            Annotated {
                annotator: "omar",
                doc: &b,
                ann: &empty,
            },
        ];
        let f = consistency(&docs);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].kind, FindingKind::Labels);
        assert_eq!(
            f[0].places
                .iter()
                .map(|p| (p.doc_id.as_str(), p.start, p.label.as_deref()))
                .collect::<Vec<_>>(),
            [("a", 12, Some("LOC")), ("b", 8, Some("PER"))]
        );
        assert_eq!(f[1].kind, FindingKind::Unannotated);
        let bare: Vec<_> = f[1].places.iter().filter(|p| p.label.is_none()).collect();
        assert_eq!(bare.len(), 1);
        assert_eq!(
            (bare[0].doc_id.as_str(), bare[0].start, bare[0].end),
            ("b", 21, 25)
        );
        assert!(
            f[1].line().contains("amina/b 21..25 none"),
            "{}",
            f[1].line()
        );
        // One consistent annotation: nothing to report.
        let ok = [Annotated {
            annotator: "amina",
            doc: &a,
            ann: &ann_a,
        }];
        assert!(consistency(&ok).is_empty());
    }

    #[test]
    fn decisions_are_counted_by_the_proposals_label_and_source() {
        let mut acc = Span::manual_with_text(0, 4, "PER", "باكو");
        acc.origin = Origin::Accepted(Source::Model);
        let mut bulk = acc.clone();
        bulk.proposed = Some(Proposed {
            start: 0,
            end: 4,
            label: "PER".into(),
            confidence: 0.89,
            bulk: true,
        });
        let mut fixed = bulk.clone();
        fixed.label = "LOC".into();
        fixed.origin = Origin::Corrected(Source::Model);
        let ann = DocAnnotations {
            entities: vec![acc, bulk, fixed, Span::manual_with_text(5, 8, "ORG", "abc")],
            ..Default::default()
        };
        let mut c = DecisionCounts::default();
        c.add(&ann);
        let rows = c.rows();
        assert_eq!(rows.len(), 1, "{rows:?}");
        let r = &rows[0];
        assert_eq!((r.label.as_str(), r.source), ("PER", Source::Model));
        assert_eq!((r.accepted, r.bulk, r.corrected), (1, 1, 1));
        assert!((r.acceptance - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(c.manual_and_imported(), (1, 0));
    }
}
