//! Hugging Face `datasets` token-classification rows, what people train
//! transformers from: JSONL (or a JSON array) of `{"tokens": [...],
//! "ner_tags": [...]}`, one sentence per row, tags as IOB strings or as
//! integer ClassLabel ids whose names live outside the rows (`--labels`, or
//! the dataset's `dataset_info.json`).
//!
//! Export writes one row per sentence, `{"doc_id", "tokens", "ner_tags"}`
//! with IOB2 string tags (tokens and sentences as the CoNLL export cuts
//! them; what IOB2 cannot hold is reported the same way); import groups
//! consecutive rows with one `doc_id` into a document.

use std::path::Path;

use serde_json::Value;

use super::conll::TokenReader;
use super::json::records;
use super::{DocSpans, Exported, FileImport, FormatError, ImportOptions, Issue, IssueKind, Output};

/// The key of a row's tag list: `ner_tags`, else another `*_tags` or `tags`.
fn tag_key(o: &serde_json::Map<String, Value>) -> Option<&str> {
    if o.get("ner_tags").is_some_and(Value::is_array) {
        return Some("ner_tags");
    }
    o.iter()
        .find(|(k, v)| (k.ends_with("_tags") || *k == "tags") && v.is_array())
        .map(|(k, _)| k.as_str())
}

/// The names of the integer tags of `key` in a `dataset_info.json`, in
/// every form `datasets` writes it: the object form
/// (`features.<key>.feature.names`, or `names` on the feature itself), a
/// `dataset_infos.json` keyed by config name, and the list form of the
/// dataset card (`features: [{"name": "<key>", "sequence": {"class_label":
/// {"names": {"0": "O", ...}}}}]`, `list` for `sequence` in datasets 4).
///
/// # Errors
/// A message saying what in the file is wrong and what was expected, so a
/// file that is there but unreadable is never passed over in silence.
pub fn names_from_info(json: &str, key: &str) -> Result<Vec<String>, String> {
    let v: Value = serde_json::from_str(json)
        .map_err(|e| format!("not JSON (line {}, column {}: {e})", e.line(), e.column()))?;
    let feature = find_feature(&v, key, 0)?;
    names_of(feature, key)
}

/// The feature `key` in a `dataset_info.json` value (object or list form,
/// or one level of configs).
fn find_feature<'v>(v: &'v Value, key: &str, depth: usize) -> Result<&'v Value, String> {
    let features = v.get("features").unwrap_or(v);
    match features {
        Value::Object(o) => {
            if let Some(f) = o.get(key) {
                return Ok(f);
            }
            // dataset_infos.json: {"config": {"features": ...}}
            if depth == 0 {
                for info in o.values().filter(|x| x.get("features").is_some()) {
                    if let Ok(f) = find_feature(info, key, depth + 1) {
                        return Ok(f);
                    }
                }
            }
            Err(format!(
                "no \"{key}\" feature (features there: {}); expected \"features\": {{\"{key}\": {{\"feature\": {{\"names\": [\"O\", \"B-PER\", ...]}}}}}}",
                keys_list(o.keys().map(String::as_str))
            ))
        }
        Value::Array(items) => {
            if let Some(f) = items
                .iter()
                .find(|x| x.get("name").and_then(Value::as_str) == Some(key))
            {
                return Ok(f);
            }
            // A list of infos, one per config.
            if depth == 0 {
                for info in items.iter().filter(|x| x.get("features").is_some()) {
                    if let Ok(f) = find_feature(info, key, depth + 1) {
                        return Ok(f);
                    }
                }
            }
            Err(format!(
                "a list of {} item(s), none a feature named \"{key}\" (names there: {}); expected the object form \"features\": {{\"{key}\": {{\"feature\": {{\"names\": [...]}}}}}} or the list form [{{\"name\": \"{key}\", \"sequence\": {{\"class_label\": {{\"names\": ...}}}}}}]",
                items.len(),
                keys_list(
                    items
                        .iter()
                        .filter_map(|x| x.get("name").and_then(Value::as_str))
                )
            ))
        }
        other => Err(format!(
            "\"features\" is {}, not an object or a list of features",
            json_kind(other)
        )),
    }
}

fn keys_list<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = keys.take(12).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The ClassLabel names of one feature: under `feature`, `sequence` or
/// `list` (a sequence of labels), under `class_label` (the list form), or
/// on the feature itself; a list of names, or an object of id → name.
fn names_of(feature: &Value, key: &str) -> Result<Vec<String>, String> {
    let mut at = feature;
    for _ in 0..4 {
        if let Some(n) = at.get("names") {
            return name_list(n, key);
        }
        match ["feature", "sequence", "list", "class_label"]
            .iter()
            .find_map(|k| at.get(*k).filter(|x| x.is_object()))
        {
            Some(inner) => at = inner,
            None => break,
        }
    }
    Err(format!(
        "the \"{key}\" feature has no ClassLabel \"names\" (its tags are not integer labels there: {}); expected \"{key}\": {{\"feature\": {{\"names\": [\"O\", \"B-PER\", ...], \"_type\": \"ClassLabel\"}}}}",
        {
            let t = feature.to_string();
            if t.chars().count() > 120 {
                format!("{}…", t.chars().take(120).collect::<String>())
            } else {
                t
            }
        }
    ))
}

/// Names as a list of strings, or as an object `{"0": "O", "1": ...}` with
/// every id from 0.
fn name_list(n: &Value, key: &str) -> Result<Vec<String>, String> {
    match n {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_str().map(str::to_string).ok_or_else(|| {
                    format!(
                        "the \"{key}\" names: item {i} is {}, not a string",
                        json_kind(x)
                    )
                })
            })
            .collect(),
        Value::Object(o) => {
            let mut out = vec![None; o.len()];
            for (id, name) in o {
                let i = id
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < o.len())
                    .ok_or_else(|| {
                        format!(
                            "the \"{key}\" names: key \"{id}\" is not an id from 0 to {}",
                            o.len() - 1
                        )
                    })?;
                let name = name.as_str().ok_or_else(|| {
                    format!(
                        "the \"{key}\" names: id {id} is {}, not a string",
                        json_kind(name)
                    )
                })?;
                out[i] = Some(name.to_string());
            }
            out.into_iter()
                .enumerate()
                .map(|(i, n)| n.ok_or_else(|| format!("the \"{key}\" names: no id {i}")))
                .collect()
        }
        other => Err(format!(
            "the \"{key}\" names are {}, not a list of strings",
            json_kind(other)
        )),
    }
}

/// Whether an import error is the one for integer tags without names
/// (then a `dataset_info.json` beside the file that could not give them is
/// the thing to name).
pub(crate) fn needs_names(e: &FormatError) -> bool {
    e.message.contains(NAMES_MISSING)
}

/// The words that open the hint for integer tags without names.
const NAMES_MISSING: &str = "are ClassLabel ids whose names are not in the rows";

/// The hint for integer tags without names.
fn names_hint(key: &str) -> String {
    format!(
        "integer {key} {NAMES_MISSING}: give them in id order with --labels O,B-PER,I-PER,... (as load_dataset(...).features[\"{key}\"].feature.names prints them), or put the dataset's dataset_info.json (or the older dataset_infos.json) next to the file"
    )
}

/// Reads Hugging Face rows. Each row is a sentence (tokens joined by one
/// space, rows by a newline); rows with the same `doc_id` next to each other
/// make one document (without `doc_id`, the file is one document). Other
/// fields (`id`, `langs`, `spans`, `pos_tags`) are not read.
///
/// # Errors
/// Integer tags with no names known, no readable row, or mostly invalid tags.
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut issues = Vec::new();
    let (layout, values) = records(path, contents, &mut issues)?;
    let mut reader = TokenReader::new(path);
    reader.issues.append(&mut issues);
    let mut current: Option<Option<String>> = None;
    let mut rows = 0usize;
    let mut integer = false;
    let mut key_seen = None;
    for (n, (line, v)) in values.iter().enumerate() {
        let place = format!("row {}", n + 1);
        let skip = |reader: &mut TokenReader, why: String| {
            reader
                .issues
                .push(Issue::new(path, *line, &place, IssueKind::Skipped, why));
        };
        let Some(o) = v.as_object() else {
            skip(&mut reader, "expected a JSON object".into());
            continue;
        };
        let (Some(tokens), Some(key)) = (o.get("tokens").and_then(Value::as_array), tag_key(o))
        else {
            skip(
                &mut reader,
                "expected \"tokens\" and \"ner_tags\" lists (Hugging Face token-classification rows)".into(),
            );
            continue;
        };
        key_seen.get_or_insert(key.to_string());
        let tags = o
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if tags.len() != tokens.len() {
            skip(
                &mut reader,
                format!("{} tokens but {} {key}", tokens.len(), tags.len()),
            );
            continue;
        }
        let mut names: Vec<String> = Vec::with_capacity(tags.len());
        for t in &tags {
            match t {
                Value::String(s) => names.push(s.clone()),
                Value::Number(i) => {
                    integer = true;
                    let Some(list) = &options.tag_names else {
                        return Err(FormatError::new(
                            path,
                            *line,
                            format!(
                                "Hugging Face datasets token-classification rows (tokens + {key}); {}",
                                names_hint(key)
                            ),
                        ));
                    };
                    match i.as_u64().and_then(|i| list.get(i as usize)) {
                        Some(name) => names.push(name.clone()),
                        None => {
                            return Err(FormatError::new(
                                path,
                                *line,
                                format!(
                                    "{key} id {i} has no name: the label list has {} names ({})",
                                    list.len(),
                                    list.join(",")
                                ),
                            ));
                        }
                    }
                }
                other => names.push(other.to_string()),
            }
        }
        let words: Vec<&str> = tokens.iter().filter_map(Value::as_str).collect();
        if words.len() != tokens.len() {
            skip(&mut reader, "tokens must be strings".into());
            continue;
        }
        let id = super::json::doc_id(o.get("doc_id"), None).unwrap_or_else(|why| {
            reader.issues.push(Issue::new(
                path,
                *line,
                &place,
                IssueKind::Note,
                format!("{why}; the row is read as one without a doc_id"),
            ));
            None
        });
        if current.as_ref() != Some(&id) {
            // A new id starts a document (the rows before it, if any, were
            // another one).
            if (current.is_some() && reader.has_text()) || id.is_some() {
                reader.start_doc(id.clone(), *line);
            }
            current = Some(id);
        }
        rows += 1;
        for (w, t) in words.iter().zip(&names) {
            reader.token(w, &[t.as_str()], *line);
        }
        reader.end_sentence();
    }
    if rows == 0 {
        let why = reader
            .issues
            .iter()
            .find(|i| i.kind == IssueKind::Skipped)
            .map_or("no rows".to_string(), |i| i.message.clone());
        return Err(FormatError::new(
            path,
            0,
            format!("no Hugging Face row could be read: {why}"),
        ));
    }
    let (docs, issues, scheme) = reader.finish(options)?;
    Ok(FileImport {
        docs,
        issues,
        shape: format!(
            "Hugging Face datasets rows (tokens + {}, {} tags, {scheme}; {})",
            key_seen.unwrap_or_default(),
            if integer { "integer" } else { "string" },
            layout.describe()
        ),
        reading: None,
    })
}

/// Writes one row per sentence, tokens and IOB2 string tags as the CoNLL
/// export cuts them (its warnings say what IOB2 cannot hold).
pub fn export(docs: &[DocSpans]) -> Exported {
    let mut out = String::new();
    let mut warnings = Vec::new();
    for doc in docs {
        let e = super::conll::export(std::slice::from_ref(doc), false, false);
        warnings.extend(e.warnings);
        let Output::File(conll) = e.output else {
            continue;
        };
        let mut tokens: Vec<&str> = Vec::new();
        let mut tags: Vec<&str> = Vec::new();
        let mut flush = |tokens: &mut Vec<&str>, tags: &mut Vec<&str>| {
            if tokens.is_empty() {
                return;
            }
            let row = serde_json::json!({"doc_id": doc.id, "tokens": tokens, "ner_tags": tags});
            out.push_str(&row.to_string());
            out.push('\n');
            tokens.clear();
            tags.clear();
        };
        for line in conll.lines().skip(1) {
            match line.rsplit_once(' ') {
                Some((tok, tag)) => {
                    tokens.push(tok);
                    tags.push(tag);
                }
                None => flush(&mut tokens, &mut tags),
            }
        }
        flush(&mut tokens, &mut tags);
    }
    Exported {
        output: Output::File(out),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_tags_need_names_and_string_tags_do_not() {
        let ints =
            "{\"tokens\": [\"جامعة\", \"القاهرة\", \"في\", \"مصر\"], \"ner_tags\": [3, 4, 0, 5]}\n";
        let e = import(Path::new("w.jsonl"), ints, &ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("tokens + ner_tags"), "{e}");
        assert!(e.message.contains("--labels"), "{e}");
        let names = "O,B-PER,I-PER,B-ORG,I-ORG,B-LOC,I-LOC";
        let opts = ImportOptions {
            tag_names: Some(names.split(',').map(|n| n.trim().to_string()).collect()),
            ..Default::default()
        };
        let r = import(Path::new("w.jsonl"), ints, &opts).unwrap();
        assert_eq!(r.docs[0].text, "جامعة القاهرة في مصر");
        let got: Vec<_> = r.docs[0]
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        assert_eq!(got, [(0, 13, "ORG"), (17, 20, "LOC")]);
        let strings = "{\"tokens\": [\"في\", \"مصر\"], \"ner_tags\": [\"O\", \"B-LOC\"]}\n{\"tokens\": [\"نعم\"], \"ner_tags\": [\"O\"]}\n";
        let r = import(Path::new("s.jsonl"), strings, &ImportOptions::default()).unwrap();
        assert_eq!(r.docs.len(), 1);
        assert_eq!(r.docs[0].text, "في مصر\nنعم");
        // The span readers, called directly, name the shape too.
        for e in [
            crate::formats::spacy::import(Path::new("w"), ints, &opts).unwrap_err(),
            crate::formats::doccano::import(Path::new("w"), ints, &opts).unwrap_err(),
        ] {
            assert!(e.message.contains("--format hf"), "{e}");
        }
        // An id beyond the names is an error, not a label "7".
        let bad = ints.replace('5', "7");
        assert!(import(Path::new("w.jsonl"), &bad, &opts).is_err());
    }

    #[test]
    fn dataset_info_names() {
        let info = r#"{"features": {"tokens": {"feature": {"dtype": "string"}}, "ner_tags": {"feature": {"names": ["O", "B-PER"], "_type": "ClassLabel"}, "_type": "Sequence"}}}"#;
        assert_eq!(names_from_info(info, "ner_tags").unwrap(), ["O", "B-PER"]);
        assert!(names_from_info("{}", "ner_tags").is_err());
    }

    #[test]
    fn dataset_info_in_list_form_and_per_config() {
        // The dataset card's list form (YAML turned JSON), names by id.
        let list = r#"{"features": [{"name": "tokens", "sequence": "string"}, {"name": "ner_tags", "sequence": {"class_label": {"names": {"0": "O", "1": "B-PER", "2": "I-PER"}}}}]}"#;
        assert_eq!(
            names_from_info(list, "ner_tags").unwrap(),
            ["O", "B-PER", "I-PER"]
        );
        // The whole file a list of features; datasets 4's `list`.
        let bare = r#"[{"name": "tokens", "list": "string"}, {"name": "ner_tags", "list": {"class_label": {"names": ["O", "B-LOC"]}}}]"#;
        assert_eq!(names_from_info(bare, "ner_tags").unwrap(), ["O", "B-LOC"]);
        // dataset_infos.json: one info per config.
        let configs =
            r#"{"ar": {"features": {"ner_tags": {"feature": {"names": ["O", "B-ORG"]}}}}}"#;
        assert_eq!(
            names_from_info(configs, "ner_tags").unwrap(),
            ["O", "B-ORG"]
        );
        // What cannot give names says what is wrong and what is expected.
        for (bad, want) in [
            (
                r#"[{"name": "tokens"}, {"name": "pos_tags"}]"#,
                "none a feature named \"ner_tags\" (names there: tokens, pos_tags)",
            ),
            (r#"["O", "B-PER"]"#, "none a feature named"),
            (
                r#"{"features": {"ner_tags": {"feature": {"dtype": "string"}}}}"#,
                "no ClassLabel \"names\"",
            ),
            (
                r#"{"features": [{"name": "ner_tags", "sequence": {"class_label": {"names": {"0": "O", "2": "B-PER"}}}}]}"#,
                "key \"2\" is not an id",
            ),
            ("{\"features\": ", "not JSON (line 1"),
            (r#"{"features": 3}"#, "a number"),
        ] {
            let e = names_from_info(bad, "ner_tags").unwrap_err();
            assert!(e.contains(want), "{bad}: {e}");
        }
    }
}
