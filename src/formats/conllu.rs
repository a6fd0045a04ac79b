//! CoNLL-U (Universal Dependencies) with named entities in the MISC column
//! (`NE=B-LOC` or `NER=B-LOC`, as Arabic and other treebanks with NER
//! layers write them). Read only.

use std::path::Path;

use super::conll::TokenReader;
use super::{FileImport, FormatError, ImportOptions, Issue, IssueKind};

/// One word line's fields that matter here.
struct Word<'a> {
    line: usize,
    /// `Some((a, b))` for a multiword token line `a-b`.
    range: Option<(usize, usize)>,
    id: usize,
    form: &'a str,
    tag: Option<&'a str>,
    space_after: bool,
}

/// The NE tag and SpaceAfter of a MISC field.
fn misc(field: &str) -> (Option<&str>, bool) {
    let mut tag = None;
    let mut space = true;
    for kv in field.split('|') {
        match kv.split_once('=') {
            Some(("NE" | "NER" | "ner" | "Ne", v)) => tag = Some(v),
            Some(("SpaceAfter", "No")) => space = false,
            _ => {}
        }
    }
    (tag, space)
}

/// A surface token of a sentence: its form, the words in it with their tags
/// (one word unless a multiword token), its line.
struct Unit<'a> {
    form: &'a str,
    words: Vec<&'a Word<'a>>,
    line: usize,
    space_after: bool,
}

/// Reads CoNLL-U: `# text =` is each sentence's text (when the tokens are
/// found in it in order; otherwise the tokens joined as `SpaceAfter=No`
/// says, reported), sentences are joined by a newline, `# newdoc id =`
/// starts a document. Multiword token lines (`3-4 وبالقاهرة`) are the
/// surface tokens; the tags of their words are placed on the words when the
/// word forms spell the token (`و` `ب` `القاهرة`), otherwise on the whole
/// token (reported). Empty nodes (`3.1`) are skipped. Words without an NE
/// key are outside entities.
///
/// # Errors
/// No word has an `NE=` or `NER=` key (nothing to import), or most tags are
/// invalid.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut reader = TokenReader::new(path);
    let mut tagged = 0usize;
    let mut rebuilt = 0usize;
    let mut sentence: Vec<Word> = Vec::new();
    let mut text: Option<(usize, String)> = None;
    let mut lines = contents.lines().enumerate();
    let mut extra = Vec::new();
    loop {
        let next = lines.next();
        let line = next.map(|(n, l)| (n + 1, l.strip_suffix('\r').unwrap_or(l)));
        match line {
            Some((n, l)) if !l.trim().is_empty() && !l.starts_with('#') => {
                let f: Vec<&str> = l.split('\t').collect();
                if f.len() != 10 {
                    extra.push(Issue::new(
                        path,
                        n,
                        "",
                        IssueKind::Skipped,
                        format!(
                            "not a CoNLL-U word line ({} TAB-separated fields, not 10)",
                            f.len()
                        ),
                    ));
                    continue;
                }
                if f[0].contains('.') {
                    continue; // an empty node: no surface text
                }
                let (tag, space_after) = misc(f[9]);
                if tag.is_some() {
                    tagged += 1;
                }
                let range = f[0]
                    .split_once('-')
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
                sentence.push(Word {
                    line: n,
                    range,
                    id: f[0].parse().unwrap_or(0),
                    form: f[1],
                    tag,
                    space_after,
                });
                continue;
            }
            Some((n, l)) if l.starts_with('#') => {
                let c = l.trim_start_matches('#').trim();
                if let Some(t) = c.strip_prefix("text").map(str::trim_start)
                    && let Some(t) = t.strip_prefix('=')
                {
                    text = Some((n, t.trim().to_string()));
                } else if let Some(rest) = c.strip_prefix("newdoc") {
                    let id = rest
                        .trim()
                        .strip_prefix("id")
                        .and_then(|r| r.trim_start().strip_prefix('='))
                        .map(|i| i.trim().to_string())
                        .filter(|i| !i.is_empty());
                    if reader.has_text() || id.is_some() {
                        reader.start_doc(id, n + 1);
                    }
                }
                continue;
            }
            _ => {}
        }
        // A blank line or the end: the sentence is complete.
        if !sentence.is_empty() {
            if flush(&mut reader, &sentence, text.take(), path, &mut extra) {
                rebuilt += 1;
            }
            sentence.clear();
        }
        text = None;
        if next.is_none() {
            break;
        }
    }
    if tagged == 0 {
        return Err(FormatError::new(
            path,
            0,
            "CoNLL-U without named entities: no word has an NE= or NER= key in its MISC column (column 10), so there is nothing to import",
        ));
    }
    let (docs, mut issues, scheme) = reader.finish(options)?;
    issues.extend(extra);
    Ok(FileImport {
        docs,
        issues,
        shape: format!(
            "CoNLL-U (NER in MISC, {scheme}; text from {})",
            if rebuilt > 0 {
                "the tokens where # text = did not match"
            } else {
                "# text = lines"
            }
        ),
        reading: None,
    })
}

/// A word's tags: its NE tag, or O.
fn tags_of<'a>(w: &Word<'a>) -> Vec<&'a str> {
    vec![w.tag.unwrap_or("O")]
}

/// Adds one sentence; returns whether its text had to be rebuilt.
fn flush(
    reader: &mut TokenReader,
    words: &[Word],
    text: Option<(usize, String)>,
    path: &Path,
    issues: &mut Vec<Issue>,
) -> bool {
    // Surface units: multiword tokens hold their words.
    let mut units: Vec<Unit> = Vec::new();
    let mut covered = 0usize;
    for w in words {
        if let Some((a, b)) = w.range {
            units.push(Unit {
                form: w.form,
                words: words
                    .iter()
                    .filter(|x| x.range.is_none() && (a..=b).contains(&x.id))
                    .collect(),
                line: w.line,
                space_after: w.space_after,
            });
            covered = b;
        } else if w.id > covered || w.id == 0 {
            units.push(Unit {
                form: w.form,
                words: vec![w],
                line: w.line,
                space_after: w.space_after,
            });
        }
    }
    // Where each unit lies in the sentence text.
    let aligned = text.as_ref().and_then(|(_, t)| {
        let mut at = 0usize; // byte offset
        let mut out = Vec::with_capacity(units.len());
        for u in &units {
            let rest = &t[at..];
            let skip = rest.len() - rest.trim_start().len();
            at += skip;
            if !t[at..].starts_with(u.form) {
                return None;
            }
            let s = t[..at].chars().count();
            out.push((s, s + u.form.chars().count()));
            at += u.form.len();
        }
        Some(out)
    });
    let rebuilt = text.is_some() && aligned.is_none();
    if let (true, Some((line, _))) = (rebuilt, &text) {
        issues.push(Issue::new(
            path,
            *line,
            "",
            IssueKind::Note,
            "# text = does not hold the tokens in order: the sentence text is rebuilt from the tokens (SpaceAfter=No kept)".into(),
        ));
    }
    let (sentence, offsets) = match (text, aligned) {
        (Some((_, t)), Some(a)) => (t, a),
        _ => {
            let mut t = String::new();
            let mut a = Vec::new();
            for (i, u) in units.iter().enumerate() {
                let s = t.chars().count();
                t.push_str(u.form);
                a.push((s, s + u.form.chars().count()));
                if u.space_after && i + 1 < units.len() {
                    t.push(' ');
                }
            }
            (t, a)
        }
    };
    if reader.has_text() {
        reader.push_text("\n");
    }
    let base = reader.push_text(&sentence);
    for (u, (s, e)) in units.iter().zip(offsets) {
        if let [w] = u.words.as_slice() {
            reader.token_at(u.form, base + s, base + e, &tags_of(w), u.line);
            continue;
        }
        let spelled: String = u.words.iter().map(|w| w.form).collect();
        if spelled == u.form {
            let mut at = base + s;
            for w in &u.words {
                let len = w.form.chars().count();
                reader.token_at(w.form, at, at + len, &tags_of(w), w.line);
                at += len;
            }
            continue;
        }
        // The words do not spell the token: its tag is its words' first
        // entity tag (B- when any word begins one).
        let word_tags: Vec<&str> = u
            .words
            .iter()
            .filter_map(|w| w.tag)
            .filter(|t| *t != "O")
            .collect();
        let tag = word_tags
            .iter()
            .find(|t| t.starts_with("B-"))
            .or(word_tags.first())
            .copied()
            .unwrap_or("O");
        if tag != "O" {
            issues.push(Issue::new(
                path,
                u.line,
                "",
                IssueKind::Changed,
                format!(
                    "the words of multiword token \"{}\" do not spell it, so their tags ({}) are read as {tag} on the whole token",
                    u.form,
                    word_tags.join(" ")
                ),
            ));
        }
        reader.token_at(u.form, base + s, base + e, &[tag], u.line);
    }
    reader.end_sentence();
    rebuilt
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# newdoc id = akhbar-1\n# sent_id = 1\n# text = وقال بلينكين في القاهرة.\n\
1\tوقال\t_\tVERB\t_\t_\t0\troot\t_\tNE=O\n\
2\tبلينكين\t_\tPROPN\t_\t_\t1\tnsubj\t_\tNE=B-PER\n\
3\tفي\t_\tADP\t_\t_\t4\tcase\t_\tNE=O\n\
4-5\tالقاهرة.\t_\t_\t_\t_\t_\t_\t_\t_\n\
4\tالقاهرة\t_\tPROPN\t_\t_\t1\tobl\t_\tNE=B-LOC\n\
5\t.\t_\tPUNCT\t_\t_\t1\tpunct\t_\tNE=O\n\
\n# text = وبالقاهرة جامعة\n\
1-3\tوبالقاهرة\t_\t_\t_\t_\t_\t_\t_\t_\n\
1\tو\t_\tCCONJ\t_\t_\t0\troot\t_\tNE=O\n\
2\tب\t_\tADP\t_\t_\t3\tcase\t_\tNE=O\n\
3\tالقاهرة\t_\tPROPN\t_\t_\t1\tobl\t_\tNER=B-LOC\n\
4\tجامعة\t_\tNOUN\t_\t_\t1\tobl\t_\t_\n";

    #[test]
    fn text_lines_multiword_tokens_and_both_keys() {
        let r = import(Path::new("a.conllu"), FILE, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs.len(), 1);
        let d = &r.docs[0];
        assert_eq!(d.id.as_deref(), Some("akhbar-1"));
        assert_eq!(d.text, "وقال بلينكين في القاهرة.\nوبالقاهرة جامعة");
        let got: Vec<_> = d
            .spans
            .iter()
            .map(|s| (s.text.as_str(), s.label.as_str()))
            .collect();
        assert_eq!(
            got,
            [("بلينكين", "PER"), ("القاهرة", "LOC"), ("القاهرة", "LOC")]
        );
        assert_eq!(d.spans[2].start, 27);
        assert!(r.issues.is_empty(), "{:?}", r.issues);
    }

    #[test]
    fn without_ne_keys_it_is_refused() {
        let f = "1\tقال\t_\tVERB\t_\t_\t0\troot\t_\t_\n";
        let e = import(Path::new("a.conllu"), f, &ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("NE="), "{e}");
    }
}
