//! Reading the JSON shapes annotation tools write, recognised from each
//! record itself (the `--format` given only names what the user expects):
//!
//! - doccano: `{"text"|"data", "label"|"labels": [[s, e, "LOC"]]}`, or
//!   `entities`/`annotations: [{"start_offset", "end_offset", "label"}]`
//!   (relations counted, not imported; numeric label ids refused).
//! - spaCy / Prodigy: `{"text", "spans": [{"start", "end", "label"}]}`;
//!   Prodigy's `answer` decides: `accept` is gold, `reject` goes to the
//!   rejected list, `ignore` adds nothing; tasks with one text merge.
//! - spaCy v2 training data: `[[text, {"entities": [[s, e, "LOC"]]}], ...]`
//!   and NER Annotator's `{"classes", "annotations": [[text, {...}]]}`.
//! - Label Studio: tasks `{"data": {"text"}, "annotations"|"completions":
//!   [{"result": [...], "completed_by", "was_cancelled"}], "predictions"}`,
//!   and JSON-MIN `{"text", "<from_name>": [{"start", "end", "labels"}]}`.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::imported::{RawDoc, RawSpan, SpanRole, build, detect_reported};
use super::json::{Layout, doc_id, records};
use super::{FileImport, Format, FormatError, ImportOptions, Issue, IssueKind};

/// What one record turned out to be, for the summary.
#[derive(Default)]
struct Shapes(Vec<&'static str>);

impl Shapes {
    fn add(&mut self, s: &'static str) {
        if !self.0.contains(&s) {
            self.0.push(s);
        }
    }
}

fn note(path: &Path, line: usize, place: &str, tally: &str, message: String) -> Issue {
    let mut i = Issue::new(path, line, place, IssueKind::Note, message);
    i.tally = Some(tally.to_string());
    i
}

/// The record's document id ([`doc_id`]); an id given that cannot be one
/// is told in a note, and the record is named as one without an id.
fn record_id(
    id: Option<&Value>,
    meta: Option<&Value>,
    (path, line, place): (&Path, usize, &str),
    issues: &mut Vec<Issue>,
) -> Option<String> {
    doc_id(id, meta).unwrap_or_else(|why| {
        issues.push(note(
            path,
            line,
            place,
            "unusable id(s), named by the file instead",
            format!("{why}; the document is named by the file instead"),
        ));
        None
    })
}

fn skipped(path: &Path, line: usize, place: &str, message: String) -> Issue {
    Issue::new(path, line, place, IssueKind::Skipped, message)
}

fn as_offset(v: &Value) -> Option<usize> {
    v.as_u64().map(|n| n as usize)
}

/// The text of a record: `text`, or doccano's newer `data` when a string.
fn record_text(o: &serde_json::Map<String, Value>) -> Option<String> {
    o.get("text")
        .or_else(|| o.get("data").filter(|d| d.is_string()))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Reads a JSON file of any of the shapes above.
pub fn import(
    format: Format,
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut issues = Vec::new();
    let (layout, values) = records(path, contents, &mut issues)?;
    let mut shapes = Shapes::default();
    let mut docs: Vec<RawDoc> = Vec::new();
    // Prodigy tasks merge by text: index of the document of each text.
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut items: Vec<(usize, Value)> = Vec::new();
    for (line, v) in values {
        // NER Annotator: one object holding `annotations: [[text, {...}]]`.
        if let Value::Object(o) = &v
            && o.contains_key("classes")
            && let Some(Value::Array(a)) = o.get("annotations")
        {
            shapes.add("NER Annotator export");
            items.extend(a.iter().cloned().map(|x| (line, x)));
            continue;
        }
        items.push((line, v));
    }
    for (n, (line, v)) in items.into_iter().enumerate() {
        let place = format!("record {}", n + 1);
        match v {
            Value::Array(a) => {
                shapes.add("spaCy v2 training data ([text, {\"entities\": ...}])");
                match spacy_v2(&a, line, &place) {
                    Ok(d) => docs.push(d),
                    Err(m) => issues.push(skipped(path, line, &place, m)),
                }
            }
            Value::Object(o) => {
                if o.get("data").is_some_and(Value::is_object) {
                    shapes.add("Label Studio JSON");
                    label_studio(path, &o, line, n + 1, &mut docs, &mut issues)?;
                } else if o.contains_key("answer") || o.contains_key("spans") {
                    let prodigy = o.contains_key("answer");
                    shapes.add(if prodigy {
                        "Prodigy db-out JSONL"
                    } else {
                        "spaCy JSONL (text, spans)"
                    });
                    let Some(d) = spacy_record(path, &o, line, &place, &mut issues) else {
                        continue;
                    };
                    if prodigy && let Some(&i) = by_text.get(&d.text) {
                        let into = &mut docs[i];
                        into.gold |= d.gold;
                        into.spans.extend(d.spans);
                        issues.push(note(
                            path,
                            line,
                            &place,
                            "Prodigy task merged with an earlier one of the same text",
                            format!(
                                "same text as the task at line {}: merged into one document",
                                into.line
                            ),
                        ));
                        continue;
                    }
                    if prodigy {
                        by_text.insert(d.text.clone(), docs.len());
                    }
                    docs.push(d);
                } else if let Some(text) = record_text(&o) {
                    match doccano_or_min(path, &o, text, line, &place, &mut shapes, &mut issues)? {
                        Some(d) => docs.push(d),
                        None => continue,
                    }
                } else if o.contains_key("tokens") {
                    return Err(FormatError::new(
                        path,
                        line,
                        "tokens + tags rows without a text (Hugging Face datasets token-classification rows): use --format hf",
                    ));
                } else {
                    issues.push(skipped(
                        path,
                        line,
                        &place,
                        format!(
                            "no \"text\" field (keys: {}); not a record of a known shape",
                            o.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
            other => issues.push(skipped(
                path,
                line,
                &place,
                format!("expected a JSON object, found {}", kind(&other)),
            )),
        }
    }
    if docs.is_empty() && !issues.is_empty() && issues.iter().all(|i| i.kind == IssueKind::Skipped)
    {
        let first = &issues[0];
        return Err(FormatError::new(
            path,
            first.line,
            format!(
                "no record could be read ({} as {}): {}",
                layout.describe(),
                format.name(),
                first.message
            ),
        ));
    }
    let reading = detect_reported(&docs, options.offsets, path, &mut issues);
    let has_cr = docs.iter().any(|d| d.text.contains("\r\n"));
    let has_offsets = docs.iter().any(|d| !d.spans.is_empty());
    let docs = build(path, docs, reading, options, &mut issues);
    let layout_name = if layout == Layout::Object && shapes.0.is_empty() {
        Layout::Lines.describe()
    } else {
        layout.describe()
    };
    Ok(FileImport {
        docs,
        issues,
        shape: format!("{} ({layout_name})", shapes.0.join(" + ")),
        reading: has_offsets.then(|| {
            format!(
                "{}{}",
                reading.describe(has_cr),
                if options.offsets.is_some() {
                    " (--offsets)"
                } else {
                    " (detected from the records)"
                }
            )
        }),
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `[text, {"entities": [[s, e, label], ...]}]`.
fn spacy_v2(a: &[Value], line: usize, place: &str) -> Result<RawDoc, String> {
    let (Some(Value::String(text)), Some(ann)) = (a.first(), a.get(1)) else {
        return Err("expected [text, {\"entities\": [[start, end, label], ...]}]".into());
    };
    let mut d = RawDoc::new(None, text.clone(), line);
    let ents = ann.get("entities").and_then(Value::as_array);
    for (k, e) in ents.into_iter().flatten().enumerate() {
        let p = format!("{place}, entity {}", k + 1);
        match triple(e) {
            Some((s, en, l)) => d.spans.push(RawSpan::new(s, en, &l, line, p)),
            None => return Err(format!("{p}: expected [start, end, label], found {e}")),
        }
    }
    Ok(d)
}

/// `[start, end, "LABEL"]`.
fn triple(e: &Value) -> Option<(usize, usize, String)> {
    let a = e.as_array()?;
    Some((
        as_offset(a.first()?)?,
        as_offset(a.get(1)?)?,
        a.get(2)?.as_str()?.to_string(),
    ))
}

/// A spaCy / Prodigy line; `None` when it adds nothing (ignored).
fn spacy_record(
    path: &Path,
    o: &serde_json::Map<String, Value>,
    line: usize,
    place: &str,
    issues: &mut Vec<Issue>,
) -> Option<RawDoc> {
    let Some(text) = record_text(o) else {
        issues.push(skipped(path, line, place, "no \"text\" field".into()));
        return None;
    };
    let answer = o.get("answer").and_then(Value::as_str);
    let role = match answer {
        None | Some("accept") => SpanRole::Gold,
        Some("reject") => SpanRole::Rejected,
        Some("ignore") => {
            issues.push(note(
                path,
                line,
                place,
                "Prodigy ignore answers (nothing imported)",
                "answer \"ignore\": the task and its text are not imported".into(),
            ));
            return None;
        }
        Some(other) => {
            issues.push(skipped(
                path,
                line,
                place,
                format!("unknown Prodigy answer {other:?} (accept, reject or ignore)"),
            ));
            return None;
        }
    };
    let id = record_id(o.get("id"), o.get("meta"), (path, line, place), issues);
    let mut d = RawDoc::new(id, text, line);
    d.gold = role == SpanRole::Gold;
    if role == SpanRole::Rejected {
        issues.push(note(
            path,
            line,
            place,
            "Prodigy reject answers (spans kept as rejected, never gold)",
            "answer \"reject\": its spans go to the rejected list (never proposed again), not to gold".into(),
        ));
    }
    let spans = o.get("spans").and_then(Value::as_array);
    for (k, s) in spans.into_iter().flatten().enumerate() {
        let p = format!("{place}, span {}", k + 1);
        let (Some(start), Some(end), Some(label)) = (
            s.get("start").and_then(as_offset),
            s.get("end").and_then(as_offset),
            s.get("label").and_then(Value::as_str),
        ) else {
            issues.push(skipped(
                path,
                line,
                &p,
                format!("a span needs start, end and label; found {s}"),
            ));
            d.skipped += 1;
            continue;
        };
        let mut r = RawSpan::new(start, end, label, line, p);
        r.expected = s.get("text").and_then(Value::as_str).map(str::to_string);
        r.role = role;
        d.spans.push(r);
    }
    Some(d)
}

/// doccano records and Label Studio JSON-MIN (both flat, with `text`).
fn doccano_or_min(
    path: &Path,
    o: &serde_json::Map<String, Value>,
    text: String,
    line: usize,
    place: &str,
    shapes: &mut Shapes,
    issues: &mut Vec<Issue>,
) -> Result<Option<RawDoc>, FormatError> {
    let id = record_id(o.get("id"), o.get("meta"), (path, line, place), issues);
    let mut d = RawDoc::new(None, text, line);
    if o.contains_key("data") && !o.contains_key("text") {
        shapes.add("doccano JSONL (\"data\" key)");
    }
    let mut found = false;
    for (key, v) in o {
        let Some(list) = v.as_array() else { continue };
        match key.as_str() {
            "label" | "labels" if list.iter().all(Value::is_array) => {
                shapes.add(if key == "label" {
                    "doccano JSONL (\"label\" key)"
                } else {
                    "doccano JSONL (\"labels\" key)"
                });
                found = true;
                for (k, e) in list.iter().enumerate() {
                    let p = format!("{place}, {key} {}", k + 1);
                    if let Some(n) = e
                        .as_array()
                        .and_then(|a| a.get(2))
                        .filter(|x| x.is_number())
                    {
                        return Err(numeric_label(path, line, n));
                    }
                    match triple(e) {
                        Some((s, en, l)) => d.spans.push(RawSpan::new(s, en, &l, line, p)),
                        None => {
                            issues.push(skipped(
                                path,
                                line,
                                &p,
                                format!("expected [start, end, label], found {e}"),
                            ));
                            d.skipped += 1;
                        }
                    }
                }
            }
            "entities" | "annotations"
                if list.iter().all(|e| e.get("start_offset").is_some()) && !list.is_empty() =>
            {
                shapes.add(if key == "entities" {
                    "doccano JSONL (\"entities\" with relations)"
                } else {
                    "doccano 1.x JSONL (\"annotations\" key)"
                });
                found = true;
                for (k, e) in list.iter().enumerate() {
                    let p = format!("{place}, {key} {}", k + 1);
                    if let Some(n) = e.get("label").filter(|x| x.is_number()) {
                        return Err(numeric_label(path, line, n));
                    }
                    match (
                        e.get("start_offset").and_then(as_offset),
                        e.get("end_offset").and_then(as_offset),
                        e.get("label").and_then(Value::as_str),
                    ) {
                        (Some(s), Some(en), Some(l)) => {
                            d.spans.push(RawSpan::new(s, en, l, line, p))
                        }
                        _ => {
                            issues.push(skipped(
                                path,
                                line,
                                &p,
                                format!("expected start_offset, end_offset and label; found {e}"),
                            ));
                            d.skipped += 1;
                        }
                    }
                }
            }
            "relations" if !list.is_empty() => {
                issues.push(note(
                    path,
                    line,
                    place,
                    "relations (not imported)",
                    format!(
                        "{} relation(s) not imported (Kashif holds entities only)",
                        list.len()
                    ),
                ));
            }
            "relations" => {}
            _ if list
                .iter()
                .any(|e| e.get("labels").is_some() && e.get("start").is_some()) =>
            {
                // Label Studio JSON-MIN: regions under the labels' from_name.
                shapes.add("Label Studio JSON-MIN");
                found = true;
                for (k, e) in list.iter().enumerate() {
                    let p = format!("{place}, region {}", k + 1);
                    region(path, e, None, line, &p, SpanRole::Gold, &mut d, issues);
                }
            }
            _ => {}
        }
    }
    if !found {
        let empty_keys = ["label", "labels", "entities", "annotations", "spans"]
            .iter()
            .any(|k| o.get(*k).is_some_and(Value::is_array));
        if empty_keys {
            shapes.add("doccano JSONL");
        } else {
            shapes.add("doccano JSONL");
            issues.push(note(
                path,
                line,
                place,
                "records without any entity list",
                "no label/labels/entities/annotations list: the text is imported with no entities"
                    .into(),
            ));
        }
    }
    d.id = id;
    Ok(Some(d))
}

fn numeric_label(path: &Path, line: usize, n: &Value) -> FormatError {
    FormatError::new(
        path,
        line,
        format!(
            "label is a number ({n}) — doccano 1.x id export; re-export with label names (\"JSONL (text label)\"), or --rename {n}=NAME for each id"
        ),
    )
}

/// One Label Studio region (`{"value": {"start", "end", "text", "labels"}}`
/// in full exports, the value's fields at top level in JSON-MIN).
#[allow(clippy::too_many_arguments)]
fn region(
    path: &Path,
    r: &Value,
    kind: Option<&str>,
    line: usize,
    place: &str,
    role: SpanRole,
    d: &mut RawDoc,
    issues: &mut Vec<Issue>,
) {
    if let Some(k) = kind
        && k != "labels"
    {
        issues.push(note(
            path,
            line,
            place,
            "Label Studio results other than labels (not imported)",
            format!("result of type {k:?} not imported (Kashif holds entity labels only)"),
        ));
        return;
    }
    let v = r.get("value").unwrap_or(r);
    let (start, end) = (
        v.get("start").and_then(as_offset),
        v.get("end").and_then(as_offset),
    );
    let labels: Vec<&str> = v
        .get("labels")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let role = match (role, r.get("score").and_then(Value::as_f64)) {
        (SpanRole::Proposal(_), Some(s)) => SpanRole::Proposal(s as f32),
        (role, _) => role,
    };
    let (Some(start), Some(end)) = (start, end) else {
        issues.push(skipped(
            path,
            line,
            place,
            "a labels region needs value.start and value.end".into(),
        ));
        if role == SpanRole::Gold {
            d.skipped += 1;
        }
        return;
    };
    if labels.is_empty() {
        issues.push(skipped(
            path,
            line,
            place,
            format!("region {start}..{end} has no label (value.labels is empty)"),
        ));
        if role == SpanRole::Gold {
            d.skipped += 1;
        }
        return;
    }
    for l in labels {
        let mut s = RawSpan::new(start, end, l, line, place.to_string());
        s.expected = v.get("text").and_then(Value::as_str).map(str::to_string);
        s.role = role;
        d.spans.push(s);
    }
}

/// Who completed a Label Studio annotation, as a folder-safe name.
fn who(a: &Value) -> Option<String> {
    let c = a.get("completed_by")?;
    let raw = match c {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| o.get("id").map(|i| i.to_string()))?,
        _ => return None,
    };
    let clean: String = raw
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect();
    Some(clean.trim_start_matches('.').to_string()).filter(|s| !s.is_empty())
}

/// One Label Studio task: one document per annotator who completed it
/// (separate annotators, never merged), predictions as pending proposals.
fn label_studio(
    path: &Path,
    o: &serde_json::Map<String, Value>,
    line: usize,
    n: usize,
    docs: &mut Vec<RawDoc>,
    issues: &mut Vec<Issue>,
) -> Result<(), FormatError> {
    let place = format!(
        "task {}",
        o.get("id").map_or(n.to_string(), |i| i.to_string())
    );
    let data = o.get("data").and_then(Value::as_object);
    let text = data.and_then(|d| {
        d.get("text").and_then(Value::as_str).or_else(|| {
            let strings: Vec<&str> = d.values().filter_map(Value::as_str).collect();
            (strings.len() == 1).then(|| strings[0])
        })
    });
    let Some(text) = text else {
        issues.push(skipped(
            path,
            line,
            &place,
            "data has no \"text\" (nor a single string field)".into(),
        ));
        return Ok(());
    };
    let id = data.and_then(|d| {
        record_id(
            d.get("doc_id").or(d.get("id")),
            o.get("meta"),
            (path, line, &place),
            issues,
        )
    });
    let key = if o.contains_key("annotations") {
        "annotations"
    } else {
        "completions"
    };
    let anns: Vec<&Value> = o
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut live = Vec::new();
    for a in anns {
        if a.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
            issues.push(note(
                path,
                line,
                &place,
                "cancelled Label Studio annotations (not imported)",
                format!(
                    "annotation {} was cancelled (skipped): not imported",
                    a.get("id").map_or("?".to_string(), |i| i.to_string())
                ),
            ));
        } else {
            live.push(a);
        }
    }
    let mut predictions = Vec::new();
    for (pi, p) in o
        .get("predictions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let score = p.get("score").and_then(Value::as_f64).unwrap_or(1.0) as f32;
        for (ri, r) in p
            .get("result")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            predictions.push((
                format!("{place}, prediction {}, region {}", pi + 1, ri + 1),
                score,
                r,
            ));
        }
    }
    let several = live.len() > 1;
    if live.is_empty() && !predictions.is_empty() {
        issues.push(note(
            path,
            line,
            &place,
            "tasks with predictions only (imported as proposals, not done)",
            "only predictions: imported as pending proposals, not as gold; the document is not marked done".into(),
        ));
    }
    if several {
        issues.push(note(
            path,
            line,
            &place,
            "tasks annotated by several people (one annotator each)",
            format!(
                "{} annotations: imported as separate annotators (NAME-<completed_by>), never merged",
                live.len()
            ),
        ));
    }
    let make = |annotation: Option<&Value>, k: usize, issues: &mut Vec<Issue>| -> RawDoc {
        let mut d = RawDoc::new(id.clone(), text.to_string(), line);
        d.gold = annotation.is_some();
        if let Some(a) = annotation {
            if several {
                d.annotator = Some(who(a).unwrap_or_else(|| format!("annotation-{}", k + 1)));
            }
            let results = a.get("result").and_then(Value::as_array);
            for (ri, r) in results.into_iter().flatten().enumerate() {
                let rid = r
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or((ri + 1).to_string(), str::to_string);
                let p = format!("{place}, annotation {}, region {rid}", k + 1);
                let kind = r.get("type").and_then(Value::as_str);
                region(path, r, kind, line, &p, SpanRole::Gold, &mut d, issues);
            }
        }
        for (p, score, r) in &predictions {
            let kind = r.get("type").and_then(Value::as_str);
            region(
                path,
                r,
                kind,
                line,
                p,
                SpanRole::Proposal(*score),
                &mut d,
                issues,
            );
        }
        d
    };
    if live.is_empty() {
        docs.push(make(None, 0, issues));
    } else {
        for (k, a) in live.into_iter().enumerate() {
            docs.push(make(Some(a), k, issues));
        }
    }
    Ok(())
}
