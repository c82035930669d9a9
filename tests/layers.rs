//! The library's layers, as ARCHITECTURE.md draws them, checked on the source: no module imports
//! one that imports it back (directly or through others), and every use of another layer points
//! down the stack. A new layer gets a rank in `LAYERS`; a use that points up fails here with the
//! two modules named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules from the bottom of the stack up. A module may use only layers of a lower
/// rank (and its own).
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("output", 1),
    ("db", 2),
    ("import", 3),
    ("check", 3),
    ("bulletin", 4),
    ("chart", 5),
    ("report", 6),
    ("demo", 7),
];

/// Files of the binary crate, not of the library.
fn in_binary(rel: &str) -> bool {
    rel == "main.rs" || rel == "usage.rs" || rel.starts_with("cmd/")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/check/mod.rs` → `check`, `src/check/judge.rs` → `check::judge`, `src/lib.rs` → ``.
fn module_of(rel: &str) -> String {
    let mut parts: Vec<&str> = rel.trim_end_matches(".rs").split('/').collect();
    if matches!(parts.last(), Some(&"mod") | Some(&"lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The source without comments and without the unit tests at the end of the file.
fn code_of(src: &str) -> String {
    let src = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    src.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path that starts at `crate::`, `super::` or `self::`, with `{a, b::c}` groups expanded, as
/// absolute module paths (`check::judge::Bounds`).
fn paths_in(code: &str, module: &str) -> Vec<String> {
    let parent = module.rsplit_once("::").map(|(p, _)| p).unwrap_or("");
    let mut out = Vec::new();
    for (root, base) in [("crate::", ""), ("super::", parent), ("self::", module)] {
        let mut from = 0;
        while let Some(i) = code[from..].find(root) {
            let start = from + i;
            from = start + root.len();
            if start > 0 && code[..start].ends_with(|c: char| ident_char(c) || c == ':') {
                continue;
            }
            let rest = &code[from..];
            let path_len = rest
                .find(|c: char| !(ident_char(c) || c == ':'))
                .unwrap_or(rest.len());
            let path = rest[..path_len].trim_end_matches(':');
            let prefix: Vec<&str> = [base, path].into_iter().filter(|s| !s.is_empty()).collect();
            let prefix = prefix.join("::");
            if rest[path_len..].starts_with('{') {
                let group = &rest[path_len + 1
                    ..rest[path_len..]
                        .find('}')
                        .map_or(rest.len(), |j| path_len + j)];
                for item in group.split(',') {
                    let item = item.trim().split(" as ").next().unwrap_or("").trim();
                    if !item.is_empty() && item != "self" {
                        out.push(format!("{prefix}::{item}"));
                    }
                }
            }
            out.push(prefix);
        }
    }
    // `pub use child::Item;` in a parent re-exports (and so imports) the child.
    for line in code.lines() {
        let t = line.trim_start();
        for lead in ["pub use ", "pub(crate) use "] {
            if let Some(rest) = t.strip_prefix(lead) {
                let first: String = rest.chars().take_while(|&c| ident_char(c)).collect();
                if !first.is_empty() && !["crate", "super", "self", "std"].contains(&first.as_str())
                {
                    let m = if module.is_empty() {
                        first
                    } else {
                        format!("{module}::{first}")
                    };
                    out.push(m);
                }
            }
        }
    }
    out
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve<'m>(path: &str, modules: &'m BTreeSet<String>) -> Option<&'m String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    (1..=segs.len())
        .rev()
        .find_map(|n| modules.get(&segs[..n].join("::")))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut sources = BTreeMap::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        if in_binary(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read source");
        sources.insert(module_of(&rel), code_of(&text));
    }
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (m, code) in &sources {
        let targets: BTreeSet<String> = paths_in(code, m)
            .iter()
            .filter_map(|p| resolve(p, &modules))
            .filter(|t| *t != m && !t.is_empty())
            .cloned()
            .collect();
        edges.insert(m.clone(), targets);
    }
    edges
}

/// A path from `to` back to `from`, if `from → to` closes a cycle.
fn path_back(
    edges: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    to: &str,
) -> Option<Vec<String>> {
    let mut stack = vec![vec![to.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty").clone();
        if last == from {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for next in edges.get(&last).into_iter().flatten() {
            let mut p = path.clone();
            p.push(next.clone());
            stack.push(p);
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let edges = graph();
    assert!(edges.len() > 40, "the source walk found the modules");
    let mut cycles = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            if let Some(back) = path_back(&edges, from, to) {
                cycles.push(format!("{from} -> {}", back.join(" -> ")));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn layers_only_use_the_layers_below() {
    let rank: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let layer = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let mut wrong = Vec::new();
    for (from, targets) in graph() {
        if from.is_empty() {
            continue; // lib.rs declares the layers
        }
        let Some(&r) = rank.get(layer(&from).as_str()) else {
            wrong.push(format!("{from}: its layer is not in LAYERS"));
            continue;
        };
        for to in targets {
            let (lf, lt) = (layer(&from), layer(&to));
            if lf == lt {
                continue;
            }
            match rank.get(lt.as_str()) {
                Some(&t) if t < r => {}
                _ => wrong.push(format!("{from} uses {to}")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "uses that point up the stack:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_cycle_is_found_by_the_walk() {
    // The checker itself: a parent whose child uses it back is a cycle.
    let modules: BTreeSet<String> = ["a", "a::b"].iter().map(|s| s.to_string()).collect();
    let parent = paths_in("pub use b::Thing;\nfn f() {}", "a");
    let child = paths_in("use super::{f, Other};", "a::b");
    assert_eq!(
        resolve(&parent[0], &modules).map(String::as_str),
        Some("a::b")
    );
    assert!(child
        .iter()
        .any(|p| resolve(p, &modules).map(String::as_str) == Some("a")));
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), ["a::b".to_string()].into()),
        ("a::b".to_string(), ["a".to_string()].into()),
    ]
    .into();
    assert!(path_back(&edges, "a", "a::b").is_some());
}
