//! Recognising the shape of a text file from its contents, so that no
//! reader ever turns a file it does not understand into a document: a file
//! given with the wrong `--format` is refused naming what it is ("this is
//! WebAnno TSV 3.3 (INCEpTION/WebAnno); use --format webanno"), shapes Kashif
//! does not read (UIMA CAS JSON/XMI) are named with what to export instead,
//! and `--format auto` picks the reader, saying what it saw, and refuses when
//! two readings are plausible.

use std::path::Path;

use serde_json::Value;

use super::{Format, FormatError};

/// What a file looks like.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    /// The reader for it; `None`: a shape Kashif names but does not read.
    pub format: Option<Format>,
    pub name: &'static str,
    /// What in the file gave it away (with a line when there is one).
    pub why: String,
    /// The line that shows it (1-based; 0: the whole file).
    pub line: usize,
}

impl Shape {
    fn new(format: Option<Format>, name: &'static str, why: String, line: usize) -> Shape {
        Shape {
            format,
            name,
            why,
            line,
        }
    }
}

/// What to do with a UIMA CAS file instead.
const CAS_HINT: &str = "Kashif does not read UIMA CAS files: export the INCEpTION project as \
\"WebAnno TSV v3.3\" and import it with --format webanno (or export CoNLL 2002 and use --format conll)";

/// Whether the first record of a JSON file is a Hugging Face
/// token-classification row: a `tokens` list and a tag list beside it.
fn hf_row(v: &Value) -> bool {
    v.get("tokens").is_some_and(Value::is_array)
        && v.as_object().is_some_and(|o| {
            o.iter().any(|(k, x)| {
                (k == "ner_tags" || k.ends_with("_tags") || k == "tags") && x.is_array()
            })
        })
}

/// The first record of a JSON file (a JSONL line, or the first item of an
/// array), when it parses.
fn first_record(body: &str) -> Option<Value> {
    let first_line = body.lines().next().unwrap_or("");
    if let Ok(v) = serde_json::from_str::<Value>(first_line) {
        return Some(match v {
            Value::Array(mut a) if !a.is_empty() => a.swap_remove(0),
            v => v,
        });
    }
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    match stream.next()? {
        Ok(Value::Array(mut a)) if !a.is_empty() => Some(a.swap_remove(0)),
        Ok(v) => Some(v),
        Err(_) => None,
    }
}

/// The first 4 KiB of `body`, cut at a char boundary (Arabic letters are
/// two bytes: a cut inside one panicked on a long Arabic first record).
fn head_of(body: &str) -> &str {
    let mut cut = body.len().min(4096);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    &body[..cut]
}

fn json_shape(body: &str) -> Option<Shape> {
    let head = head_of(body);
    if ["\"%TYPES\"", "\"%FEATURE_STRUCTURES\"", "\"%VIEWS\""]
        .iter()
        .any(|k| head.contains(k))
    {
        return Some(Shape::new(
            None,
            "UIMA CAS JSON (INCEpTION)",
            "the \"%TYPES\" / \"%FEATURE_STRUCTURES\" / \"%VIEWS\" keys".into(),
            1,
        ));
    }
    let first = first_record(body)?;
    if hf_row(&first) {
        return Some(Shape::new(
            Some(Format::Hf),
            "Hugging Face datasets token-classification rows",
            "records with \"tokens\" and \"ner_tags\" lists".into(),
            1,
        ));
    }
    let o = match &first {
        Value::Object(o) => o,
        Value::Array(_) => {
            return Some(Shape::new(
                Some(Format::Spacy),
                "spaCy v2 training data",
                "[text, {\"entities\": ...}] records".into(),
                1,
            ));
        }
        _ => return None,
    };
    let (format, name, why) = if o.get("data").is_some_and(Value::is_object) {
        (
            Format::LabelStudio,
            "Label Studio JSON",
            "tasks with a \"data\" object",
        )
    } else if o.contains_key("answer") {
        (Format::Spacy, "Prodigy db-out JSONL", "an \"answer\" field")
    } else if o.contains_key("spans") || o.contains_key("classes") {
        (Format::Spacy, "spaCy JSONL", "\"text\" and \"spans\"")
    } else if o.contains_key("text") || o.get("data").is_some_and(Value::is_string) {
        (
            Format::Doccano,
            "doccano JSONL",
            "\"text\" with a label list",
        )
    } else {
        return None;
    };
    Some(Shape::new(Some(format), name, why.into(), 1))
}

/// Whether a line is a CoNLL-U word line: ten TAB-separated fields, the
/// first an id (`3`, a multiword range `3-4`, an empty node `3.1`).
fn conllu_line(line: &str) -> bool {
    let fields: Vec<&str> = line.split('\t').collect();
    fields.len() == 10 && {
        let id = fields[0];
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
            && id.as_bytes()[0].is_ascii_digit()
    }
}

/// Whether a line is a spaCy `.iob` sentence: every space-separated field
/// `word|TAG` or `word|POS|TAG`.
fn iob_line(line: &str) -> bool {
    let mut any = false;
    for f in line.split_whitespace() {
        any = true;
        match f.rsplit_once('|') {
            Some((w, t)) if !w.is_empty() && super::conll::parse_tag(t).is_ok() => {}
            _ => return false,
        }
    }
    any
}

/// Whether a line is a CoNLL token line: a token and a tag in the last column.
fn conll_line(line: &str) -> bool {
    let fields: Vec<&str> = line.split([' ', '\t']).filter(|f| !f.is_empty()).collect();
    fields.len() >= 2
        && fields[1..]
            .last()
            .is_some_and(|t| super::conll::parse_tag(t).is_ok())
}

/// The readings of a line-based file that fit most of its lines (80%), each
/// with its shape.
fn line_shapes(text: &str) -> Vec<Shape> {
    let data: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("# ") && !t.starts_with("-DOCSTART-") && t != "#"
        })
        .take(2000)
        .collect();
    if data.is_empty() {
        return Vec::new();
    }
    let mostly = |f: fn(&str) -> bool| {
        let n = data.iter().filter(|(_, l)| f(l)).count();
        n * 5 >= data.len() * 4
    };
    let first = |f: fn(&str) -> bool| data.iter().find(|(_, l)| f(l)).map_or(0, |(n, _)| *n);
    let mut out = Vec::new();
    if mostly(conllu_line) {
        out.push(Shape::new(
            Some(Format::Conllu),
            "CoNLL-U",
            format!(
                "ten TAB-separated columns starting with a word id (line {})",
                first(conllu_line)
            ),
            first(conllu_line),
        ));
    }
    if mostly(iob_line) && data.iter().any(|(_, l)| l.split_whitespace().count() > 1) {
        out.push(Shape::new(
            Some(Format::Iob),
            "spaCy .iob",
            format!(
                "one sentence per line of word|TAG or word|POS|TAG joined by spaces (line {})",
                first(iob_line)
            ),
            first(iob_line),
        ));
    }
    if mostly(conll_line) {
        out.push(Shape::new(
            Some(Format::Conll),
            "CoNLL",
            format!(
                "one token per line with an IOB tag (line {})",
                first(conll_line)
            ),
            first(conll_line),
        ));
    }
    out
}

/// Every shape the contents of a file fit (none: not a shape Kashif knows).
pub(crate) fn shapes(text: &str) -> Vec<Shape> {
    let body = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    let first_line = body.lines().next().unwrap_or("");
    if first_line.starts_with("#FORMAT=WebAnno TSV") {
        let line = text
            .lines()
            .position(|l| l.starts_with("#FORMAT="))
            .unwrap_or(0)
            + 1;
        return vec![Shape::new(
            Some(Format::Webanno),
            "WebAnno TSV 3.x (INCEpTION/WebAnno)",
            format!("\"{}\" on line {line}", first_line.trim_end()),
            line,
        )];
    }
    if body.starts_with("<?xml") || body.starts_with("<xmi:XMI") {
        let head = head_of(body);
        if head.contains("xmi:XMI") || head.contains("http:///uima/") {
            return vec![Shape::new(
                None,
                "UIMA CAS XMI (INCEpTION / DKPro)",
                "an xmi:XMI document".into(),
                1,
            )];
        }
        return Vec::new();
    }
    if body.starts_with('{') || body.starts_with('[') {
        return json_shape(body).into_iter().collect();
    }
    line_shapes(text)
}

/// Whether `asked` reads files of shape `found` (the JSON readers recognise
/// each other's records; CoNLL reads nested columns too).
fn reads(asked: Format, found: Format) -> bool {
    asked == found
        || (asked.is_json() && found.is_json())
        || matches!(
            (asked, found),
            (
                Format::Conll | Format::ConllNested,
                Format::Conll | Format::ConllNested
            )
        )
}

/// Refuses a file that is plainly another shape than `asked`, naming it.
///
/// # Errors
/// The shape found and the `--format` that reads it (or, for a shape
/// Kashif does not read, what to export instead).
pub(crate) fn refuse_foreign(asked: Format, path: &Path, text: &str) -> Result<(), FormatError> {
    let found = shapes(text);
    if found
        .iter()
        .any(|s| s.format.is_some_and(|f| reads(asked, f)))
    {
        return Ok(());
    }
    let Some(s) = found.first() else {
        return Ok(());
    };
    let message = match s.format {
        Some(f) => format!(
            "this is {} ({}), not {}; use --format {} (or --format auto)",
            s.name,
            s.why,
            asked.name(),
            f.name()
        ),
        None => format!("this is {} ({}); {CAS_HINT}", s.name, s.why),
    };
    Err(FormatError::new(path, s.line, message))
}

/// The reader for a file of unknown shape (`--format auto`), and what was
/// seen, for the summary.
///
/// # Errors
/// A shape Kashif does not read, none it knows, or two plausible readings.
pub(crate) fn detect(path: &Path, text: &str) -> Result<(Format, String), FormatError> {
    let found = shapes(text);
    match found.as_slice() {
        [] => Err(FormatError::new(
            path,
            0,
            "--format auto: not a shape Kashif knows (CoNLL, CoNLL-U, spaCy .iob, WebAnno TSV 3, brat, doccano, spaCy, Prodigy, Label Studio, Hugging Face rows); give --format",
        )),
        [one] => match one.format {
            Some(f) => Ok((f, format!("detected as {}: {}", one.name, one.why))),
            None => Err(FormatError::new(
                path,
                one.line,
                format!("this is {} ({}); {CAS_HINT}", one.name, one.why),
            )),
        },
        several => Err(FormatError::new(
            path,
            0,
            format!(
                "--format auto: two readings are plausible: {}; give --format",
                several
                    .iter()
                    .map(|s| format!("{} ({})", s.name, s.why))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(text: &str) -> Option<Format> {
        let s = shapes(text);
        assert!(s.len() <= 1, "{s:?}");
        s.first().and_then(|s| s.format)
    }

    #[test]
    fn each_shape_is_recognised() {
        assert_eq!(
            only("#FORMAT=WebAnno TSV 3.3\n#T_SP=x|value\n"),
            Some(Format::Webanno)
        );
        assert_eq!(
            only(
                "# text = في بغداد\n1\tفي\tفي\tADP\t_\t_\t2\tcase\t_\t_\n2\tبغداد\t_\tPROPN\t_\t_\t0\troot\t_\tNE=B-LOC\n"
            ),
            Some(Format::Conllu)
        );
        assert_eq!(only("في|O بغداد|B-LOC\nقال|VERB|O\n"), Some(Format::Iob));
        assert_eq!(only("في O\nبغداد B-LOC\n"), Some(Format::Conll));
        assert_eq!(
            only("{\"tokens\": [\"في\"], \"ner_tags\": [0]}\n"),
            Some(Format::Hf)
        );
        assert_eq!(
            only("{\"text\": \"x\", \"label\": []}\n"),
            Some(Format::Doccano)
        );
        assert_eq!(
            only("[{\"data\": {\"text\": \"x\"}, \"annotations\": []}]"),
            Some(Format::LabelStudio)
        );
        assert_eq!(only("{\"%TYPES\": {}, \"%FEATURE_STRUCTURES\": []}"), None);
        assert!(!shapes("{\"%TYPES\": {}}").is_empty());
        assert!(shapes("just some words\nand more").is_empty());
    }

    #[test]
    fn a_file_of_another_shape_is_refused_by_name() {
        let p = Path::new("x.tsv");
        let e = refuse_foreign(
            Format::Conll,
            p,
            "#FORMAT=WebAnno TSV 3.3\n\n\n#Text=x\n1-1\t0-1\tx\t_\t\n",
        )
        .unwrap_err();
        assert!(e.message.contains("WebAnno TSV 3.x"), "{e}");
        assert!(e.message.contains("--format webanno"), "{e}");
        assert_eq!(e.line, 1);
        let e = refuse_foreign(
            Format::Spacy,
            p,
            "{\"tokens\": [\"a\"], \"ner_tags\": [0]}\n",
        )
        .unwrap_err();
        assert!(e.message.contains("--format hf"), "{e}");
        let e = refuse_foreign(Format::Doccano, p, "{\"%TYPES\": {}}").unwrap_err();
        assert!(e.message.contains("UIMA CAS JSON"), "{e}");
        // Shapes a reader reads pass: the JSON readers each other's records.
        refuse_foreign(Format::Spacy, p, "{\"text\": \"x\", \"label\": []}\n").unwrap();
        refuse_foreign(Format::Conll, p, "a O\n").unwrap();
        // Unknown contents are left to the reader (which reports them).
        refuse_foreign(Format::Conll, p, "a b c\n").unwrap();
    }

    #[test]
    fn auto_says_what_and_why() {
        let (f, why) = detect(Path::new("a"), "في O\nبغداد B-LOC\n").unwrap();
        assert_eq!(f, Format::Conll);
        assert!(why.contains("one token per line"), "{why}");
        assert!(detect(Path::new("a"), "nothing here").is_err());
        // Ten TAB-separated columns with word ids whose last column is an
        // IOB tag: CoNLL-U, or CoNLL with the tag last. Refused, not guessed.
        let both =
            "1\tفي\t_\tADP\t_\t_\t2\tcase\t_\tO\n2\tبغداد\t_\tPROPN\t_\t_\t0\troot\t_\tB-LOC\n";
        let e = detect(Path::new("a"), both).unwrap_err();
        assert!(e.message.contains("two readings are plausible"), "{e}");
        assert!(
            e.message.contains("CoNLL-U") && e.message.contains("CoNLL ("),
            "{e}"
        );
    }
}
