//! Where imported documents belong: which corpus document each one
//! annotates, or which new text it would add.

use std::collections::HashMap;

use super::{ImportedDoc, is_layout};
use crate::annotation::Span;
use crate::corpus::Corpus;

/// The decision for one imported document.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Annotations of the corpus document at this index of
    /// `corpus.documents`, with the spans placed on its text.
    Existing { doc: usize, spans: Vec<Span> },
    /// A text the corpus lacks, to be added under this id (only when adding
    /// texts was asked for).
    New {
        id: String,
        text: String,
        spans: Vec<Span>,
    },
    /// Not imported, and why.
    Refused(String),
}

/// The text without layout chars, the key for texts a token format respaced.
fn skeleton(text: &str) -> String {
    text.chars().filter(|c| !is_layout(*c)).collect()
}

/// A document id usable as a relative path below the corpus folder.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('/')
        && !id.contains('\\')
        && !id.chars().any(char::is_control)
        && id
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.starts_with('.'))
}

/// Places every imported document: on the corpus document with its id when
/// the texts agree, else on the one with the identical text, else on the one
/// whose text differs only in layout ([`is_layout`]); otherwise as a new text
/// when `add_texts` (named by its id, or `<file stem>-<n>`), or refused. A
/// corpus document (or new id) receives at most one imported document.
pub fn place(docs: &[ImportedDoc], corpus: &Corpus, add_texts: bool) -> Vec<Placement> {
    let by_text: HashMap<&str, usize> = corpus
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.text.as_str(), i))
        .collect();
    let by_skeleton: HashMap<String, usize> = corpus
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (skeleton(&d.text), i))
        .collect();
    // By id through a map: a scan per imported document made importing
    // into a corpus of 20,000 quadratic.
    let by_id: HashMap<&str, usize> = corpus
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let index_of = |id: &str| by_id.get(id).copied();
    // Ids equal but for case or composition name one annotation file (and
    // one text file on macOS and Windows: `clash_key`): the corpus reads neither of such a pair, so
    // a new one is refused (see `Corpus::load`).
    let by_case: HashMap<String, &str> = corpus
        .documents
        .iter()
        .map(|d| (crate::corpus::clash_key(&d.id), d.id.as_str()))
        .collect();
    let mut new_by_case: HashMap<String, String> = HashMap::new();
    // (document, annotator) pairs already receiving an imported document:
    // several annotators of one task each get the document.
    let mut taken: std::collections::HashSet<(String, Option<String>)> =
        std::collections::HashSet::new();
    let mut unnamed = 0;
    let mut new_by_text: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let named = d.id.as_deref().and_then(index_of);
        let on = |i: usize| Some((i, d.spans_on(&corpus.documents[i].text)?));
        let found = named
            .and_then(on)
            .or_else(|| by_text.get(d.text.as_str()).and_then(|&i| on(i)))
            .or_else(|| by_skeleton.get(&skeleton(&d.text)).and_then(|&i| on(i)));
        let placement = match (found, named) {
            (Some((i, spans)), _) => Placement::Existing { doc: i, spans },
            (None, Some(i)) => Placement::Refused(format!(
                "the text differs from the corpus document \"{}\"",
                corpus.documents[i].id
            )),
            (None, None) if !add_texts => Placement::Refused(
                "the text is not in the corpus (adding texts was not asked for)".into(),
            ),
            (None, None) => {
                // Several annotators of one text share its new id.
                let id = d.id.clone().or_else(|| new_by_text.get(&d.text).cloned());
                let id = id.unwrap_or_else(|| {
                    unnamed += 1;
                    let stem = d
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    format!("{stem}-{unnamed}")
                });
                let case = crate::corpus::clash_key(&id);
                let same_but_case = by_case
                    .get(&case)
                    .map(|o| format!("the corpus document \"{o}\""))
                    .or_else(|| {
                        new_by_case
                            .get(&case)
                            .map(|o| format!("the new document \"{o}\" of these files"))
                    })
                    .filter(|_| {
                        by_case.get(&case) != Some(&id.as_str())
                            && new_by_case.get(&case) != Some(&id)
                    });
                if let Some(other) = same_but_case {
                    Placement::Refused(format!(
                        "the id \"{id}\" is the same, but for case or Unicode composition (NFC/NFD), as {other} (one annotation file for both, one text on macOS, and on Windows where case differs; the corpus would read neither); rename it"
                    ))
                } else if is_safe_id(&id) {
                    new_by_case.insert(case, id.clone());
                    new_by_text
                        .entry(d.text.clone())
                        .or_insert_with(|| id.clone());
                    Placement::New {
                        id,
                        text: d.text.clone(),
                        spans: d.spans.clone(),
                    }
                } else {
                    Placement::Refused(format!("the id \"{id}\" cannot name a file"))
                }
            }
        };
        let target = match &placement {
            Placement::Existing { doc, .. } => Some(corpus.documents[*doc].id.clone()),
            Placement::New { id, .. } => Some(id.clone()),
            Placement::Refused(_) => None,
        };
        match target {
            Some(t) if !taken.insert((t.clone(), d.annotator.clone())) => {
                out.push(Placement::Refused(format!(
                    "\"{t}\" already receives an earlier document of these files"
                )))
            }
            _ => out.push(placement),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::annotation::Origin;
    use crate::corpus::Document;

    fn corpus(texts: &[(&str, &str)]) -> Corpus {
        Corpus {
            root: PathBuf::from("c"),
            documents: texts
                .iter()
                .map(|(id, text)| Document {
                    id: id.to_string(),
                    text: text.to_string(),
                    path: PathBuf::from(format!("c/{id}.txt")),
                })
                .collect(),
            errors: Vec::new(),
        }
    }

    fn doc(id: Option<&str>, text: &str, spans: &[(usize, usize)]) -> ImportedDoc {
        ImportedDoc {
            id: id.map(String::from),
            text: text.to_string(),
            spans: spans
                .iter()
                .map(|&(s, e)| Span {
                    start: s,
                    end: e,
                    label: "LOC".into(),
                    origin: Origin::Imported,
                    text: crate::text::slice_chars(text, s, e)
                        .unwrap_or_default()
                        .into(),
                    proposed: None,
                })
                .collect(),
            proposals: Vec::new(),
            rejected: Vec::new(),
            annotator: None,
            gold: true,
            records: spans.len(),
            skipped: 0,
            path: Path::new("in/f.jsonl").to_path_buf(),
            line: 1,
        }
    }

    #[test]
    fn by_id_by_text_and_by_respaced_text() {
        let c = corpus(&[("a", "في بغداد"), ("b", "وأذربيجان\u{200F} هنا")]);
        let got = place(
            &[
                doc(Some("a"), "في بغداد", &[(3, 8)]),
                doc(Some("x"), "في بغداد", &[(3, 8)]),
                doc(None, "و أذربيجان هنا", &[(2, 10)]),
            ],
            &c,
            false,
        );
        assert!(matches!(&got[0], Placement::Existing { doc: 0, spans } if spans[0].start == 3));
        // The same corpus document twice: the second is refused.
        assert!(matches!(&got[1], Placement::Refused(m) if m.contains("already")));
        let Placement::Existing { doc: 1, spans } = &got[2] else {
            panic!("{:?}", got[2])
        };
        assert_eq!(
            (spans[0].start, spans[0].end, spans[0].text.as_str()),
            (1, 9, "أذربيجان")
        );
    }

    #[test]
    fn new_texts_only_when_asked_and_with_safe_ids() {
        let c = corpus(&[("a", "في بغداد")]);
        let docs = [
            doc(None, "نص جديد", &[]),
            doc(Some("../etc/passwd"), "نص آخر", &[]),
            doc(Some("a"), "نص مختلف", &[]),
            doc(None, "نص ثالث", &[]),
        ];
        let refused = place(&docs, &c, false);
        assert!(refused.iter().all(|p| matches!(p, Placement::Refused(_))));
        let got = place(&docs, &c, true);
        assert!(matches!(&got[0], Placement::New { id, .. } if id == "f-1"));
        assert!(matches!(&got[1], Placement::Refused(m) if m.contains("cannot name a file")));
        assert!(
            matches!(&got[2], Placement::Refused(m) if m.contains("differs from the corpus document \"a\""))
        );
        assert!(matches!(&got[3], Placement::New { id, .. } if id == "f-2"));
    }

    /// An id equal but for case to a corpus document's, or to an earlier
    /// new one's, is refused (the corpus would read neither of the pair);
    /// the same new id for two annotators is one document.
    #[test]
    fn ids_equal_but_for_case_are_refused() {
        let c = corpus(&[("doc", "في بغداد 15"), ("\u{622}مال", "في حمص")]);
        let mut amina = doc(Some("New"), "في دمشق", &[(3, 7)]);
        amina.annotator = Some("amina".into());
        let mut omar = doc(Some("New"), "في دمشق", &[(3, 7)]);
        omar.annotator = Some("omar".into());
        let got = place(
            &[
                doc(Some("Doc"), "في بغداد 14", &[(3, 8)]),
                amina,
                omar,
                doc(Some("new"), "في عمان", &[(3, 7)]),
                // the corpus's composed آمال, decomposed
                doc(Some("\u{627}\u{653}مال"), "في حلب", &[(3, 6)]),
            ],
            &c,
            true,
        );
        assert!(
            matches!(&got[0], Placement::Refused(m) if m.contains("but for case or Unicode composition (NFC/NFD), as the corpus document \"doc\"")),
            "{:?}",
            got[0]
        );
        assert!(matches!(&got[1], Placement::New { id, .. } if id == "New"));
        assert!(matches!(&got[2], Placement::New { id, .. } if id == "New"));
        assert!(
            matches!(&got[3], Placement::Refused(m) if m.contains("as the new document \"New\"")),
            "{:?}",
            got[3]
        );
        assert!(
            matches!(&got[4], Placement::Refused(m) if m.contains("as the corpus document \"\u{622}مال\"")),
            "{:?}",
            got[4]
        );
    }
}
