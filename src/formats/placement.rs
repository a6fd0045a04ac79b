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

/// A document id usable as a relative path below the corpus folder, on
/// every system the corpus may be shared to ([`id_problem`]).
pub fn is_safe_id(id: &str) -> bool {
    id_problem(id).is_none()
}

/// Why `id` cannot name a new text file below the corpus folder, on this
/// system or on one a corpus is shared to (Windows, macOS, through git):
/// empty, absolute, a backslash or control char, a part that is empty,
/// `.`, `..` or hidden; a char Windows file names cannot hold (`<>:"|?*`),
/// a part ending in a dot or space (Windows drops them) or a device name
/// (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, with any
/// extension, in any case: Microsoft's "Naming Files, Paths, and
/// Namespaces"); or an invisible char (Unicode general category Cf:
/// bidi marks, zero-width chars, a BOM), which makes two ids that look
/// the same. `None` when it can.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("it is empty".into());
    }
    if id.starts_with('/') {
        return Some("it is an absolute path".into());
    }
    if let Some(c) = id.chars().find(|&c| c == '\\' || c.is_control()) {
        return Some(format!("it holds {}", describe(c)));
    }
    if let Some(c) = id.chars().find(|&c| crate::corpus::is_invisible(c)) {
        return Some(format!(
            "it holds the invisible {} (an id that looks like another)",
            describe(c)
        ));
    }
    if let Some(c) = id.chars().find(|c| "<>:\"|?*".contains(*c)) {
        return Some(format!("it holds {c:?}, which Windows file names cannot"));
    }
    for part in id.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.starts_with('.') {
            return Some(format!("its part {part:?} is empty, hidden or a step up"));
        }
        if part.ends_with('.') || part.ends_with(' ') {
            return Some(format!(
                "its part {part:?} ends in a dot or space, which Windows drops"
            ));
        }
        let stem = part.split('.').next().unwrap_or(part).trim_end();
        let upper = stem.to_ascii_uppercase();
        let device = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
            || (upper.len() == 4
                && (upper.starts_with("COM") || upper.starts_with("LPT"))
                && upper.as_bytes()[3].is_ascii_digit()
                && upper.as_bytes()[3] != b'0');
        if device {
            return Some(format!("its part {part:?} is a device name on Windows"));
        }
    }
    None
}

/// A char as `U+XXXX` with its escape, for messages.
fn describe(c: char) -> String {
    format!("U+{:04X} ({c:?})", c as u32)
}

/// Places every imported document: on the corpus document with its id when
/// the texts agree, else on the one with the identical text, else on the one
/// whose text differs only in layout ([`is_layout`]); otherwise as a new text
/// when `add_texts` (named by its id, or `<file stem>-<n>` with the first `n`
/// that no corpus document, new text or record of the files names), or
/// refused. A text several corpus documents share places no record without
/// its id: it is refused naming them (a CoNLL file exported without ids
/// put one document's entities on its twin). A corpus document (or new id)
/// receives at most one imported document.
pub fn place(docs: &[ImportedDoc], corpus: &Corpus, add_texts: bool) -> Vec<Placement> {
    // Every corpus document with a text: a text several documents share
    // cannot tell which one a record without its id annotates.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_skeleton: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in corpus.documents.iter().enumerate() {
        by_text.entry(d.text.as_str()).or_default().push(i);
        by_skeleton.entry(skeleton(&d.text)).or_default().push(i);
    }
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
    // Ids the files give: a name made for a document without one skips
    // them (and the corpus's, and other new ones), or a later record's own
    // id would find its document taken.
    let given: std::collections::HashSet<String> = docs
        .iter()
        .filter_map(|d| d.id.as_deref().map(crate::corpus::clash_key))
        .collect();
    let mut new_by_text: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let named = d.id.as_deref().and_then(index_of);
        let on = |i: usize| Some((i, d.spans_on(&corpus.documents[i].text)?));
        // The one document with the text, or every one when several have it.
        let lookup = |same: Option<&Vec<usize>>| match same?.as_slice() {
            [i] => on(*i).map(Ok),
            many => Some(Err(many.to_vec())),
        };
        let found = named
            .and_then(on)
            .map(Ok)
            .or_else(|| lookup(by_text.get(d.text.as_str())))
            .or_else(|| lookup(by_skeleton.get(&skeleton(&d.text))));
        let placement = match (found, named) {
            (Some(Ok((i, spans))), _) => Placement::Existing { doc: i, spans },
            (Some(Err(many)), _) => {
                let mut ids: Vec<String> = many
                    .iter()
                    .take(5)
                    .map(|&i| format!("\"{}\"", corpus.documents[i].id))
                    .collect();
                if many.len() > 5 {
                    ids.push("…".into());
                }
                Placement::Refused(format!(
                    "the text is that of {} corpus documents ({}), so which one it annotates cannot be told; give the record its document's id (a CoNLL export names them with --conll-ids)",
                    many.len(),
                    ids.join(", ")
                ))
            }
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
                    let stem = d
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    loop {
                        unnamed += 1;
                        let made = format!("{stem}-{unnamed}");
                        let key = crate::corpus::clash_key(&made);
                        if !by_case.contains_key(&key)
                            && !new_by_case.contains_key(&key)
                            && !given.contains(&key)
                        {
                            break made;
                        }
                    }
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
                } else if let Some(why) = id_problem(&id) {
                    Placement::Refused(format!("the id {id:?} cannot name a file: {why}"))
                } else {
                    new_by_case.insert(case, id.clone());
                    new_by_text
                        .entry(d.text.clone())
                        .or_insert_with(|| id.clone());
                    Placement::New {
                        id,
                        text: d.text.clone(),
                        spans: d.spans.clone(),
                    }
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

    #[test]
    fn ids_that_cannot_name_a_file_everywhere_are_told_why() {
        for ok in ["a", "sub/b", "تقرير 1", "a.b", "COM0", "CONSOLE", "x/com10"] {
            assert_eq!(id_problem(ok), None, "{ok:?}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("/abs", "absolute"),
            ("a\\b", "U+005C"),
            ("a\u{1}", "U+0001"),
            ("تقرير\u{200f}", "invisible U+200F"),
            ("\u{feff}x", "invisible U+FEFF"),
            ("x\u{202e}y", "invisible U+202E"),
            ("a/../b", "step up"),
            (".hidden", "hidden"),
            ("q?", "Windows"),
            ("col:on", "Windows"),
            ("pi|pe", "Windows"),
            ("dq\"", "Windows"),
            ("trail.", "dot or space"),
            ("sub /x", "dot or space"),
            ("CON", "device"),
            ("nul.txt", "device"),
            ("sub/Lpt1.foo", "device"),
            ("com9", "device"),
        ] {
            let got = id_problem(bad);
            assert!(
                got.as_deref().is_some_and(|m| m.contains(why)),
                "{bad:?}: {got:?}"
            );
        }
    }

    /// A record without its id whose text several corpus documents share
    /// is refused naming them; with its id it goes to that one.
    #[test]
    fn a_text_several_documents_share_needs_the_id() {
        let c = corpus(&[("p", "في بغداد"), ("q", "في بغداد"), ("r", "في دمشق")]);
        let got = place(
            &[
                doc(None, "في بغداد", &[(3, 8)]),
                doc(Some("q"), "في بغداد", &[(3, 8)]),
                doc(Some("base"), "في بغداد", &[(3, 8)]),
                doc(None, "في دمشق", &[(3, 7)]),
            ],
            &c,
            true,
        );
        for g in &got[..1].iter().chain(&got[2..3]).collect::<Vec<_>>() {
            assert!(
                matches!(g, Placement::Refused(m) if m.contains("that of 2 corpus documents (\"p\", \"q\")")),
                "{g:?}"
            );
        }
        assert!(
            matches!(&got[1], Placement::Existing { doc: 1, .. }),
            "{:?}",
            got[1]
        );
        assert!(
            matches!(&got[3], Placement::Existing { doc: 2, .. }),
            "{:?}",
            got[3]
        );
    }

    /// A name made for a record without an id is none that the corpus, a
    /// new text or a record of the files has (equal but for case too).
    #[test]
    fn made_names_skip_the_ones_taken() {
        let c = corpus(&[("f-1", "في بغداد"), ("F-2", "في دمشق")]);
        let got = place(
            &[
                doc(None, "في حلب", &[(3, 6)]),
                doc(None, "في حمص", &[(3, 6)]),
                doc(Some("f-3"), "في عمان", &[(3, 7)]),
            ],
            &c,
            true,
        );
        let ids: Vec<&str> = got
            .iter()
            .map(|g| match g {
                Placement::New { id, .. } => id.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ids, ["f-4", "f-5", "f-3"]);
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
