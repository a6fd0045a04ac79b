//! Where things are in a RON file, so problems found after parsing (a span
//! outside the text, an unknown label) can name a line and column.
//!
//! serde does not keep positions, so this is a small scanner over the RON
//! text that knows strings, chars, comments and bracket nesting: enough to
//! find the start of each element of a top-level list such as `entities`.

use std::collections::HashMap;

/// A 1-based line and column (in chars), as editors count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Start positions of the elements of each top-level list field, by name.
pub fn list_elements(src: &str) -> HashMap<String, Vec<Pos>> {
    let mut out: HashMap<String, Vec<Pos>> = HashMap::new();
    let chars: Vec<char> = src.chars().collect();
    let (mut line, mut col) = (1, 1);
    let mut depth = 0usize;
    let mut last_ident = String::new();
    let mut current: Option<String> = None;
    // True right after `[` or `,` inside the current list: the next
    // non-blank char starts an element.
    let mut expect_element = false;
    let mut i = 0;
    let advance = |c: char, line: &mut usize, col: &mut usize| {
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let here = Pos { line, col };
        // Comments.
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                advance(chars[i], &mut line, &mut col);
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            advance(chars[i], &mut line, &mut col);
            advance(chars[i + 1], &mut line, &mut col);
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                advance(chars[i], &mut line, &mut col);
                i += 1;
            }
            for _ in 0..2 {
                if i < chars.len() {
                    advance(chars[i], &mut line, &mut col);
                    i += 1;
                }
            }
            continue;
        }
        if c.is_whitespace() {
            advance(c, &mut line, &mut col);
            i += 1;
            continue;
        }
        if expect_element && depth == 2 && c != ']' {
            if let Some(name) = &current {
                out.entry(name.clone()).or_default().push(here);
            }
            expect_element = false;
        }
        match c {
            '"' | '\'' => {
                // Skip a string or char literal, honouring escapes.
                advance(c, &mut line, &mut col);
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' {
                        advance(chars[i], &mut line, &mut col);
                        i += 1;
                    }
                    if i < chars.len() {
                        advance(chars[i], &mut line, &mut col);
                        i += 1;
                    }
                }
                if i < chars.len() {
                    advance(chars[i], &mut line, &mut col);
                    i += 1;
                }
                last_ident.clear();
                continue;
            }
            '(' | '[' | '{' => {
                depth += 1;
                if c == '[' && depth == 2 {
                    current = Some(std::mem::take(&mut last_ident));
                    out.entry(current.clone().unwrap_or_default()).or_default();
                    expect_element = true;
                }
            }
            ')' | ']' | '}' => {
                if depth == 2 && c == ']' {
                    current = None;
                    expect_element = false;
                }
                depth = depth.saturating_sub(1);
            }
            ',' if depth == 2 && current.is_some() => expect_element = true,
            c if depth == 1 && (c.is_alphanumeric() || c == '_') => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                last_ident = chars[start..i].iter().collect();
                col += i - start;
                continue;
            }
            _ => {}
        }
        advance(c, &mut line, &mut col);
        i += 1;
    }
    out
}

/// The position of the top-level field `name` (its identifier).
pub fn field(src: &str, name: &str) -> Option<Pos> {
    for (n, line) in src.lines().enumerate() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(name)
            && rest.trim_start().starts_with(':')
        {
            let col = line.chars().count() - t.chars().count() + 1;
            return Some(Pos { line: n + 1, col });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_list_elements_across_layouts() {
        let src = "(\n  version: 1,\n  entities: [\n    (start: 1, text: \"a]b\"),\n    // (start: 9)\n    (start: 2,\n     text: \"c\"), (start: 3),\n  ],\n  rejected: [],\n)\n";
        let m = list_elements(src);
        assert_eq!(
            m["entities"],
            vec![
                Pos { line: 4, col: 5 },
                Pos { line: 6, col: 5 },
                Pos { line: 7, col: 18 }
            ]
        );
        assert!(m["rejected"].is_empty());
        assert_eq!(field(src, "rejected"), Some(Pos { line: 9, col: 3 }));
    }
}
