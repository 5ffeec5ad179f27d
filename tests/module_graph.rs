//! The crate's modules import one way, as `lib.rs` draws it: math at the bottom, then values in
//! (io), the model, the renderers (show), teaching; the fast path behind training alone. The
//! graph is read from the source: every `crate::` and `super::` path outside comments and
//! strings, each resolved to the module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name (`io::values`) → the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The source without comments and with every string literal emptied.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            ('r', Some('"' | '#')) if i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') => {
                // a raw string: r"..." or r#"..."#
                let mut j = i + 1;
                let mut hashes = 0;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    out.push(chars[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            ('"', _) => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            ('\'', _) if chars.get(i + 2) == Some(&'\'') || (chars.get(i + 1) == Some(&'\\')) => {
                // a char literal ('"', '\'', '\n'); a lifetime has no closing quote
                let close = if chars.get(i + 1) == Some(&'\\') { i + 3 } else { i + 2 };
                if chars.get(close) == Some(&'\'') {
                    i = close + 1;
                    out.push_str("' '");
                } else {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Every module of the tree under `src` with its source, by name: `crate` for lib.rs, `io` for
/// io/mod.rs, `io::values` for io/values.rs; `main` (the command line) is a crate of its own.
fn modules(src: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                let mut inner = prefix.to_vec();
                inner.push(stem);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut name = prefix.to_vec();
                if !matches!(stem.as_str(), "mod" | "lib") {
                    name.push(stem.clone());
                }
                if stem != "main" || !prefix.is_empty() {
                    let name = if name.is_empty() { "crate".to_string() } else { name.join("::") };
                    out.insert(name, std::fs::read_to_string(&path).unwrap());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, &[], &mut out);
    out
}

/// The paths a module's code names from the crate: `crate::a::b` as `a::b`, and `super::x`
/// (from module `p::q`) as `p::x`, groups `{a, b::c}` spread out.
fn paths(module: &str, code: &str) -> Vec<String> {
    let parent: Vec<&str> = if module == "crate" { vec![] } else { module.split("::").collect() };
    let mut found = Vec::new();
    for (start, _) in code.match_indices("crate::").chain(code.match_indices("super::")) {
        if start > 0 {
            let before = code[..start].chars().last().unwrap();
            if before.is_alphanumeric() || before == '_' || before == ':' {
                continue;
            }
        }
        let mut rest = &code[start..];
        let mut base: Vec<String> = Vec::new();
        if let Some(r) = rest.strip_prefix("crate::") {
            rest = r;
        } else {
            // `super` of `io::values` is `io`; of `io` (io/mod.rs, the folder itself), the crate
            let mut up = parent.clone();
            while let Some(r) = rest.strip_prefix("super::") {
                rest = r;
                up.pop();
            }
            base = up.iter().map(|s| s.to_string()).collect();
        }
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{')).unwrap_or(rest.len());
        let head = rest[..end].trim_end_matches(':');
        if let Some(group_start) = head.find('{') {
            let prefix = head[..group_start].trim_end_matches(':');
            let close = rest.find('}').unwrap_or(rest.len());
            for item in rest[group_start + 1..close].split(',') {
                let item = item.split_whitespace().next().unwrap_or("");
                if !item.is_empty() && item != "self" {
                    found.push(join(&base, &format!("{prefix}::{item}")));
                } else if item == "self" {
                    found.push(join(&base, prefix));
                }
            }
        } else {
            found.push(join(&base, head));
        }
    }
    found
}

fn join(base: &[String], path: &str) -> String {
    let mut parts = base.to_vec();
    parts.extend(path.split("::").filter(|p| !p.is_empty()).map(str::to_string));
    parts.join("::")
}

/// The import graph of the modules: each path mapped to the longest module name it starts
/// with; a module naming its own folder or itself is no edge.
fn graph(modules: &BTreeMap<String, String>) -> Graph {
    let mut names: Vec<&String> = modules.keys().filter(|n| *n != "crate").collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut graph = Graph::new();
    for (module, text) in modules {
        let code = code_only(text);
        let edges = graph.entry(module.clone()).or_default();
        for path in paths(module, &code) {
            let target = names.iter().find(|n| path == ***n || path.starts_with(&format!("{n}::")));
            if let Some(target) = target {
                let own_folder = module.starts_with(&format!("{target}::"));
                if *target != module && !own_folder {
                    edges.insert(target.to_string());
                }
            }
        }
    }
    graph
}

/// The cycles of the graph: each strongly connected component of more than one module.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    // reach[a] = every module a reaches
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|m| (m, reach(m))).collect();
    let mut components: BTreeSet<Vec<String>> = BTreeSet::new();
    for (m, r) in &reaches {
        let mut component: Vec<String> =
            r.iter().filter(|other| reaches.get(other).is_some_and(|back| back.contains(*m))).cloned().collect();
        if !component.is_empty() {
            component.sort();
            components.insert(component);
        }
    }
    components.into_iter().collect()
}

/// The layer a module sits in, by its folder: what it may import is below it.
fn layer(module: &str) -> Option<usize> {
    match module.split("::").next().unwrap() {
        "error" => Some(0),
        "math" => Some(1),
        "io" => Some(2),
        "model" | "fast" => Some(3),
        "show" => Some(4),
        "teach" => Some(5),
        _ => None, // the crate root and the prelude gather everything
    }
}

/// What breaks the one-way flow, one line each: an import from a higher layer, an import of
/// the fast path by anything but training, or the fast path reading more of the model than
/// the network.
fn upward(graph: &Graph) -> Vec<String> {
    let mut problems = Vec::new();
    for (module, edges) in graph {
        let Some(own) = layer(module) else { continue };
        for target in edges {
            let Some(theirs) = layer(target) else { continue };
            let folder = |m: &str| m.split("::").next().unwrap().to_string();
            if theirs > own {
                problems.push(format!("{module} imports {target}, a layer above it"));
            }
            if folder(target) == "fast" && folder(module) != "fast" && module != "model::train" {
                problems.push(format!("{module} imports {target}: only training reads the fast path"));
            }
            if folder(module) == "fast" && folder(target) == "model" && target != "model" && target != "model::network"
            {
                problems.push(format!("{module} imports {target}: the fast path reads the network alone"));
            }
        }
    }
    problems
}

#[test]
fn the_crate_has_no_import_cycle_and_imports_only_downward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let graph = graph(&modules);
    assert!(graph.len() > 30, "only {} modules found", graph.len());
    // the graph is read at all: the step's renderer imports the model
    assert!(graph["show::walkthrough"].contains("model"), "{:?}", graph["show::walkthrough"]);
    assert!(graph["io::values"].contains("io::check"), "super:: paths are read: {:?}", graph["io::values"]);
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
    assert_eq!(upward(&graph), Vec::<String>::new());
    // math imports nothing of the crate but the error type
    for (module, edges) in graph.iter().filter(|(m, _)| m.starts_with("math")) {
        assert!(edges.iter().all(|e| e == "error" || e.starts_with("math")), "{module}: {edges:?}");
    }
}

#[test]
fn the_check_finds_a_cycle_and_an_upward_import() {
    let module = |code: &str| code.to_string();
    let tree: BTreeMap<String, String> = [
        ("crate".to_string(), module("mod model; mod show;")),
        ("model".to_string(), module("mod step;")),
        // the step imports a renderer, which imports the step: the cycle of old
        ("model::step".to_string(), module("use crate::show::diagram::Diagram; // crate::teach in a comment")),
        ("show".to_string(), module("mod diagram;")),
        ("show::diagram".to_string(), module("use crate::model::step::Step; let s = \"crate::teach\";")),
        ("fast".to_string(), module("")),
        ("teach".to_string(), module("use super::fast;")),
    ]
    .into_iter()
    .collect();
    let graph = graph(&tree);
    assert_eq!(cycles(&graph), vec![vec!["model::step".to_string(), "show::diagram".to_string()]]);
    assert_eq!(
        upward(&graph),
        vec![
            "model::step imports show::diagram, a layer above it".to_string(),
            "teach imports fast: only training reads the fast path".to_string()
        ]
    );
    // paths in comments and strings are not imports
    assert!(!graph["model::step"].contains("teach") && !graph["show::diagram"].contains("teach"));
}
