//! The label schema (`assets/labels.ron`): which labels exist, how they look,
//! and which key applies them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One entity label.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Label {
    /// Written to files and exports (`PER`).
    pub name: String,
    /// Shown to the annotator (`Person`).
    pub display: String,
    pub color: (u8, u8, u8),
    /// The key that applies this label.
    pub key: char,
}

/// The labels a project annotates with.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Schema {
    pub labels: Vec<Label>,
}

/// A schema file that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchemaError {
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path}:{line}:{col}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The schema shipped with Kashif, used when no file is given.
pub const DEFAULT_SCHEMA: &str = include_str!("../assets/labels.ron");

impl Schema {
    pub fn load(path: &Path) -> Result<Schema, SchemaError> {
        let text = std::fs::read_to_string(path).map_err(|e| SchemaError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Schema::parse(&text, path)
    }

    /// Parses and checks a schema; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Schema, SchemaError> {
        let schema: Schema = ron::from_str(text).map_err(|e| SchemaError::Syntax {
            path: path.to_path_buf(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })?;
        let invalid = |message: String| SchemaError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if schema.labels.is_empty() {
            return Err(invalid("no labels defined".into()));
        }
        for (i, l) in schema.labels.iter().enumerate() {
            if l.name.is_empty() || l.name.chars().any(|c| c.is_whitespace() || c == '-') {
                return Err(invalid(format!(
                    "label {:?}: a name must be non-empty, without spaces or '-'",
                    l.name
                )));
            }
            if let Some(o) = schema.labels[..i].iter().find(|o| o.name == l.name) {
                return Err(invalid(format!("label {:?} is defined twice", o.name)));
            }
            if let Some(o) = schema.labels[..i].iter().find(|o| o.key == l.key) {
                return Err(invalid(format!(
                    "labels {:?} and {:?} share the key {:?}",
                    o.name, l.name, l.key
                )));
            }
        }
        Ok(schema)
    }

    /// The schema shipped in `assets/labels.ron`.
    pub fn builtin() -> Schema {
        // The shipped file is checked by a test; it cannot fail at run time.
        Schema::parse(DEFAULT_SCHEMA, Path::new("assets/labels.ron"))
            .expect("the shipped label schema is valid")
    }

    pub fn get(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn by_key(&self, key: char) -> Option<&Label> {
        self.labels.iter().find(|l| l.key == key)
    }
}

/// Adds labels to a schema file (`kashif import --add-labels`): each gets
/// its name as display name, a colour from a fixed palette and the first
/// free key of `6789` then `a`–`z`. The new entries are inserted before the
/// closing `]` of the label list, so comments and layout stay; the result
/// is parsed before it replaces the file.
pub fn add_labels(path: &Path, names: &[String]) -> Result<Schema, SchemaError> {
    const PALETTE: [(u8, u8, u8); 6] = [
        (127, 140, 141),
        (22, 160, 133),
        (192, 57, 43),
        (41, 128, 185),
        (243, 156, 18),
        (142, 68, 173),
    ];
    let text = std::fs::read_to_string(path).map_err(|e| SchemaError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut schema = Schema::parse(&text, path)?;
    let invalid = |message: String| SchemaError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut lines = String::new();
    for (i, name) in names.iter().enumerate() {
        if schema.contains(name) {
            continue;
        }
        let key = "6789abcdefghijklmnopqrstuvwxyz"
            .chars()
            .find(|k| schema.by_key(*k).is_none())
            .ok_or_else(|| invalid("no free key left for a new label".into()))?;
        let color = PALETTE[i % PALETTE.len()];
        lines.push_str(&format!(
            "        (name: {name:?}, display: {name:?}, color: ({}, {}, {}), key: {key:?}), // added by kashif import --add-labels\n",
            color.0, color.1, color.2
        ));
        schema.labels.push(Label {
            name: name.clone(),
            display: name.clone(),
            color,
            key,
        });
    }
    let Some(close) = text.rfind(']') else {
        return Err(invalid("no label list `labels: [...]` to add to".into()));
    };
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let at = if text[line_start..close].trim().is_empty() {
        line_start
    } else {
        close
    };
    let mut out = String::with_capacity(text.len() + lines.len());
    out.push_str(&text[..at]);
    if at == close {
        out.push('\n');
    }
    out.push_str(&lines);
    out.push_str(&text[at..]);
    let checked = Schema::parse(&out, path)?;
    let tmp = path.with_extension("ron.kashif-tmp");
    std::fs::write(&tmp, &out)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| SchemaError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schema_has_the_five_labels() {
        let s = Schema::builtin();
        let names: Vec<_> = s.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["PER", "LOC", "ORG", "MISC", "DATE"]);
        assert_eq!(s.by_key('2').unwrap().name, "LOC");
    }

    #[test]
    fn broken_schema_names_file_and_position() {
        let err = Schema::parse(
            "(labels: [\n  (name: \"PER\", oops)\n])",
            Path::new("l.ron"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("l.ron:2:"), "{msg}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let text = r#"(labels: [
            (name: "A", display: "a", color: (0,0,0), key: '1'),
            (name: "B", display: "b", color: (0,0,0), key: '1'),
        ])"#;
        let err = Schema::parse(text, Path::new("l.ron")).unwrap_err();
        assert!(err.to_string().contains("share the key"));
    }

    #[test]
    fn labels_are_added_to_a_schema_file_keeping_its_comments() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.ron");
        std::fs::write(&p, DEFAULT_SCHEMA).unwrap();
        let s = add_labels(&p, &["GPE".to_string(), "FAC".to_string()]).unwrap();
        assert_eq!(s.get("GPE").unwrap().key, '6');
        assert_eq!(s.get("FAC").unwrap().key, '7');
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("// Kashif label schema"));
        assert_eq!(Schema::load(&p).unwrap(), s);
    }
}
