//! The UI folder's shape, read from the sources: no module of `src/ui`
//! imports another in a circle that crosses folders, the three modes
//! (annotate, review, adjudicate) never import one another, and the shared
//! layers (`text`, `article_view`, `backend`) import nothing above them.
//!
//! Imports are read with a small scanner: `use` trees and inline
//! `crate::ui::…` / `super::…` / `self::…` paths, comments and string
//! literals skipped, inline `mod name { … }` blocks (tests) tracked so their
//! `super` resolves where Rust resolves it. Each path is resolved to the file
//! that defines its longest module prefix. Circles between a folder's own
//! files (a `mod.rs` and its children) are Rust's ordinary parent/child
//! structure and allowed; a circle that leaves a folder is not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modes: none may import another.
const MODES: [&str; 3] = ["annotate", "review", "adjudicate"];

/// Shared layers and the only top-level units each may import.
const SHARED: [(&str, &[&str]); 3] = [("text", &[]), ("backend", &[]), ("article_view", &["text"])];

/// A module path under `crate::ui` (`["review", "ui"]`); the root is `[]`.
type ModPath = Vec<String>;

fn at(c: &[char], k: usize) -> char {
    c.get(k).copied().unwrap_or('\0')
}

/// Replaces comments and the contents of string and char literals with
/// spaces, so braces and paths inside them are not read as code.
fn clean(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && at(&c, i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && at(&c, i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(&c, i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(&c, i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if (c[i] == 'r' || (c[i] == 'b' && at(&c, i + 1) == 'r'))
            && !c
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && {
                let s = if c[i] == 'b' { i + 2 } else { i + 1 };
                let mut k = s;
                while c.get(k) == Some(&'#') {
                    k += 1;
                }
                c.get(k) == Some(&'"')
            }
        {
            // Raw string: r#"…"#.
            i += if c[i] == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c[i] == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            'raw: while i < c.len() {
                if c[i] == '"' && (0..hashes).all(|h| c.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break 'raw;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && (at(&c, i + 2) == '\'' || at(&c, i + 1) == '\\') {
            // A char literal ('{', '\n', '\u{202B}'); a lifetime has no
            // closing quote right after one char.
            i += 1;
            while i < c.len() && c[i] != '\'' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn tokens(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphanumeric() || c[i] == '_' {
            let s = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[s..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else if c[i].is_whitespace() {
            i += 1;
        } else {
            out.push(c[i].to_string());
            i += 1;
        }
    }
    out
}

/// Expands one `use` tree (the tokens between `use` and `;`) into paths.
fn use_paths(t: &[String], prefix: &[String], out: &mut Vec<Vec<String>>) {
    // Split on top-level commas.
    let mut parts: Vec<&[String]> = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, tok) in t.iter().enumerate() {
        match tok.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            "," if depth == 0 => {
                parts.push(&t[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&t[start..]);
    for part in parts {
        let mut path = prefix.to_vec();
        let mut k = 0;
        while k < part.len() {
            let tok = part[k].as_str();
            match tok {
                "::" => {}
                "{" => {
                    // The group runs to the matching close brace.
                    let mut d = 0;
                    let mut end = k;
                    for (j, x) in part.iter().enumerate().skip(k) {
                        if x == "{" {
                            d += 1;
                        } else if x == "}" {
                            d -= 1;
                            if d == 0 {
                                end = j;
                                break;
                            }
                        }
                    }
                    use_paths(&part[k + 1..end], &path, out);
                    path.clear();
                    break;
                }
                "as" => break,
                "self" if !path.is_empty() => {}
                "*" => break,
                _ => path.push(tok.to_string()),
            }
            k += 1;
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
}

/// One file's references: (the module they are written in, the path).
fn references(src: &str, file_mod: &ModPath) -> Vec<(ModPath, Vec<String>)> {
    let t = tokens(&clean(src));
    let mut out = Vec::new();
    // Inline modules: (path, brace depth inside them).
    let mut stack: Vec<(ModPath, usize)> = vec![(file_mod.clone(), 0)];
    let mut depth = 0usize;
    let mut i = 0;
    while i < t.len() {
        let here = stack.last().map(|s| s.0.clone()).unwrap_or_default();
        let prev = if i > 0 { t[i - 1].as_str() } else { "" };
        match t[i].as_str() {
            "mod" if t.get(i + 2).is_some_and(|x| x == "{") => {
                let mut p = here.clone();
                p.push(t[i + 1].clone());
                depth += 1;
                stack.push((p, depth));
                i += 3;
                continue;
            }
            "{" => depth += 1,
            "}" => {
                if stack.len() > 1 && stack.last().is_some_and(|s| s.1 == depth) {
                    stack.pop();
                }
                depth = depth.saturating_sub(1);
            }
            "use" if prev != "::" => {
                let end = t[i..]
                    .iter()
                    .position(|x| x == ";")
                    .map_or(t.len(), |e| i + e);
                let mut paths = Vec::new();
                use_paths(&t[i + 1..end], &[], &mut paths);
                out.extend(paths.into_iter().map(|p| (here.clone(), p)));
                i = end + 1;
                continue;
            }
            "crate" | "super" | "self"
                if prev != "::" && t.get(i + 1).is_some_and(|x| x == "::") =>
            {
                let mut p = vec![t[i].clone()];
                let mut k = i + 1;
                while t.get(k).is_some_and(|x| x == "::")
                    && t.get(k + 1)
                        .is_some_and(|x| x.chars().all(|c| c.is_alphanumeric() || c == '_'))
                {
                    p.push(t[k + 1].clone());
                    k += 2;
                }
                out.push((here.clone(), p));
                i = k;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The module a path names, as an absolute path under `crate::ui`; `None`
/// for paths outside the UI or relative to a child module (same folder).
fn absolute(here: &ModPath, path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    let mut at: Vec<String>;
    let mut rest = path;
    match first {
        "crate" => {
            if path.get(1).map(String::as_str) != Some("ui") {
                return None;
            }
            at = Vec::new();
            rest = &path[2..];
        }
        "super" | "self" => {
            at = here.clone();
            while let Some(s) = rest.first() {
                match s.as_str() {
                    "super" => {
                        at.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    at.extend(rest.iter().cloned());
    Some(at)
}

/// The sources under `root`, keyed by module path.
fn read_tree(root: &Path) -> BTreeMap<ModPath, String> {
    fn walk(dir: &Path, base: &ModPath, out: &mut BTreeMap<ModPath, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                let mut b = base.clone();
                b.push(name);
                walk(&p, &b, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                let mut m = base.clone();
                if stem != "mod" {
                    m.push(stem.to_string());
                }
                let src =
                    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                out.insert(m, src);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &Vec::new(), &mut out);
    out
}

/// The top-level unit a module belongs to (`review` for `review::ui`).
fn unit(m: &ModPath) -> String {
    m.first().cloned().unwrap_or_else(|| "(ui root)".into())
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "ui".into()
    } else {
        format!("ui::{}", m.join("::"))
    }
}

/// Every rule broken by the tree, one line each.
fn problems(tree: &BTreeMap<ModPath, String>) -> Vec<String> {
    let mut bad = Vec::new();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (file, src) in tree {
        edges.entry(file.clone()).or_default();
        for (here, path) in references(src, file) {
            let Some(abs) = absolute(&here, &path) else {
                continue;
            };
            // The file defining the longest module prefix.
            let target = (0..=abs.len())
                .rev()
                .map(|n| abs[..n].to_vec())
                .find(|p| tree.contains_key(p))
                .unwrap_or_default();
            if target.is_empty() {
                // `crate::ui` itself (`pub(in crate::ui)`) names no item.
                if !file.is_empty() && !abs.is_empty() {
                    bad.push(format!(
                        "{} imports `{}` through the ui root; import it from its module",
                        name(file),
                        path.join("::")
                    ));
                }
                continue;
            }
            if target != *file {
                edges.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    for (from, tos) in &edges {
        let u = unit(from);
        for to in tos {
            let v = unit(to);
            if u == v {
                continue;
            }
            if MODES.contains(&u.as_str()) && MODES.contains(&v.as_str()) {
                bad.push(format!(
                    "mode {} imports mode {} ({} -> {})",
                    u,
                    v,
                    name(from),
                    name(to)
                ));
            }
            if let Some((_, allowed)) = SHARED.iter().find(|(s, _)| *s == u)
                && !allowed.contains(&v.as_str())
            {
                bad.push(format!(
                    "shared {} imports {} ({} -> {})",
                    u,
                    v,
                    name(from),
                    name(to)
                ));
            }
        }
    }
    for scc in strongly_connected(&edges) {
        let units: BTreeSet<String> = scc.iter().map(unit).collect();
        if units.len() > 1 {
            bad.push(format!(
                "circle across folders: {}",
                scc.iter().map(name).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    bad
}

/// Tarjan's strongly connected components (those of more than one module).
fn strongly_connected(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct T<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on: BTreeSet<&'a ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a ModPath) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        let edges = t.edges;
        for w in edges.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let l = t.low[w].min(t.low[v]);
                t.low.insert(v, l);
            } else if t.on.contains(w) {
                let l = t.index[w].min(t.low[v]);
                t.low.insert(v, l);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_ui_folders_import_in_layers() {
    let tree = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"));
    for m in MODES.iter().chain(SHARED.iter().map(|(s, _)| s)) {
        assert!(
            tree.keys().any(|k| unit(k) == *m),
            "src/ui has no {m}: update this test with the folders"
        );
    }
    let bad = problems(&tree);
    assert!(bad.is_empty(), "src/ui:\n{}", bad.join("\n"));
}

fn tree_of(files: &[(&str, &str)]) -> BTreeMap<ModPath, String> {
    files
        .iter()
        .map(|(m, src)| {
            let p: ModPath = m
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            (p, src.to_string())
        })
        .collect()
}

#[test]
fn the_checker_sees_circles_and_mode_imports() {
    // The shape the UI had before it was regrouped: review and gold import
    // each other.
    let circle = tree_of(&[
        ("", ""),
        ("model", "use super::gold::GoldState;"),
        (
            "gold",
            "use super::review::Review;\nuse super::model::AppModel;",
        ),
        ("review", "use super::gold::AnnotatorFiles;"),
    ]);
    let bad = problems(&circle);
    assert!(
        bad.iter()
            .any(|b| b.contains("circle across folders") && b.contains("ui::review")),
        "{bad:?}"
    );
    // A mode importing another, written inline in a function.
    let modes = tree_of(&[
        ("", ""),
        ("review", ""),
        ("adjudicate", "fn f() { crate::ui::review::side(); }"),
    ]);
    assert_eq!(
        problems(&modes),
        vec!["mode adjudicate imports mode review (ui::adjudicate -> ui::review)"]
    );
    // Shared text reaching up into a mode, through a nested `use` group.
    let shared = tree_of(&[
        ("", ""),
        ("annotate", ""),
        ("text", ""),
        (
            "text::layout",
            "use crate::ui::{annotate::{self, X}, text::fonts};",
        ),
        ("text::fonts", ""),
    ]);
    assert_eq!(
        problems(&shared),
        vec!["shared text imports annotate (ui::text::layout -> ui::annotate)"]
    );
    // Parent and child of one folder may use each other; a test module's
    // `super` is its own file; strings and comments are not code.
    let fine = tree_of(&[
        ("", ""),
        (
            "review",
            "pub mod ui;\nuse self::ui::x;\n// use crate::ui::annotate::X;",
        ),
        (
            "review::ui",
            "use super::Review;\nconst S: &str = \"crate::ui::annotate::X {\";\nmod tests { use super::*; }",
        ),
        (
            "annotate",
            "fn f() { let c = '{'; }\nuse crate::ui::review::Review;",
        ),
    ]);
    assert_eq!(
        problems(&fine),
        vec!["mode annotate imports mode review (ui::annotate -> ui::review)"]
    );
    // Through the root facade.
    let root = tree_of(&[
        ("", "pub use app::App;"),
        ("app", ""),
        ("text", "use crate::ui::App;"),
    ]);
    assert_eq!(
        problems(&root),
        vec!["ui::text imports `crate::ui::App` through the ui root; import it from its module"]
    );
}
