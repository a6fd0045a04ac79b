//! Why an import file cannot be used, with where in the file.

use std::path::{Path, PathBuf};

/// A bad import file: its path, the line (1-based; 0 when the whole file is
/// at fault), the column when known, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct FormatError {
    pub path: PathBuf,
    pub line: usize,
    pub col: Option<usize>,
    pub message: String,
}

impl FormatError {
    pub fn new(path: &Path, line: usize, message: impl Into<String>) -> FormatError {
        FormatError {
            path: path.to_path_buf(),
            line,
            col: None,
            message: message.into(),
        }
    }

    pub fn at(path: &Path, line: usize, col: usize, message: impl Into<String>) -> FormatError {
        FormatError {
            col: Some(col),
            ..FormatError::new(path, line, message)
        }
    }

    /// A serde_json error, shifted by the line and column where the parsed
    /// slice starts inside the file (`line0` 1-based, `col0` 1-based).
    pub(crate) fn json(
        path: &Path,
        e: &serde_json::Error,
        line0: usize,
        col0: usize,
    ) -> FormatError {
        let (l, c) = (e.line(), e.column());
        // serde_json reports line 0 for errors that are not about a place.
        if l == 0 {
            return FormatError::new(path, line0, strip_position(e));
        }
        let col = if l == 1 {
            col0 + c.saturating_sub(1)
        } else {
            c
        };
        FormatError::at(path, line0 + l - 1, col, strip_position(e))
    }

    fn describe(&self) -> String {
        let p = self.path.display();
        match (self.line, self.col) {
            (0, _) => format!("{p}: {}", self.message),
            (l, None) => format!("{p}:{l}: {}", self.message),
            (l, Some(c)) => format!("{p}:{l}:{c}: {}", self.message),
        }
    }
}

/// serde_json's message without its own " at line L column C" suffix, which
/// would be wrong once shifted.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Line and column (both 1-based, column in chars) of byte offset `at`.
pub(crate) fn line_col(contents: &str, at: usize) -> (usize, usize) {
    let before = &contents[..at.min(contents.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Line numbers (1-based) of increasing byte offsets into one text, each
/// counted from the last: a file's records numbered in one pass (a count
/// from the start for each record made a 20,000-record import quadratic).
#[derive(Debug, Default)]
pub(crate) struct LineCounter {
    at: usize,
    newlines: usize,
}

impl LineCounter {
    /// The line of byte `offset`; offsets before the last one asked for
    /// count from the start again.
    pub(crate) fn line_at(&mut self, contents: &str, offset: usize) -> usize {
        let offset = offset.min(contents.len());
        if offset < self.at {
            *self = LineCounter::default();
        }
        self.newlines += contents.as_bytes()[self.at..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = offset;
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_column() {
        let p = Path::new("x.jsonl");
        assert_eq!(
            FormatError::at(p, 3, 7, "bad").to_string(),
            "x.jsonl:3:7: bad"
        );
        assert_eq!(FormatError::new(p, 3, "bad").to_string(), "x.jsonl:3: bad");
        assert_eq!(FormatError::new(p, 0, "bad").to_string(), "x.jsonl: bad");
    }

    #[test]
    fn line_col_counts_chars() {
        let s = "ab\nسلام x";
        let mut lines = LineCounter::default();
        for at in [0, 3, 5, s.len(), 1] {
            assert_eq!(lines.line_at(s, at), line_col(s, at).0, "{at}");
        }
        assert_eq!(line_col(s, 0), (1, 1));
        let x = s.find('x').unwrap();
        assert_eq!(line_col(s, x), (2, 6));
    }
}
