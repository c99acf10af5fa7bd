//! The house's size rules, checked on the source itself so that they stay true: no file
//! in `src/` or `crates/` over 450 lines, and in the whole tree (tests included) at most
//! three functions over 90 lines and none over 110 (a flat dispatch `match` may be long,
//! with a comment saying why). Functions are found by parsing (`syn`), not by a pattern.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

const MAX_FILE_LINES: usize = 450;
const LONG_FUNCTION: usize = 90;
const MAX_LONG_FUNCTIONS: usize = 3;
const MAX_FUNCTION: usize = 110;

/// Every Rust file under the given folders of the repository.
fn rust_files(folders: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack: Vec<PathBuf> = folders.iter().map(|f| root.join(f)).collect();
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("target") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A function's place and its length in lines, signature to closing brace.
#[derive(Debug)]
struct Function {
    place: String,
    lines: usize,
}

/// Collects the functions of one file: free functions, methods, and trait defaults.
struct Functions<'a> {
    file: &'a str,
    found: Vec<Function>,
}

impl Functions<'_> {
    /// From `fn` to the closing brace: doc comments and attributes do not count.
    fn note(&mut self, sig: &syn::Signature, body: &syn::Block) {
        let start = sig.fn_token.span.start().line;
        let end = body.brace_token.span.close().end().line;
        let name = &sig.ident;
        self.found.push(Function {
            place: format!("{}:{start} {name}", self.file),
            lines: end - start + 1,
        });
    }
}

impl<'ast> Visit<'ast> for Functions<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.note(&f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.note(&f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(body) = &f.default {
            self.note(&f.sig, body);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

fn functions(folders: &[&str]) -> Vec<Function> {
    let mut all = Vec::new();
    for path in rust_files(folders) {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = relative(&path);
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut visitor = Functions {
            file: &file,
            found: Vec::new(),
        };
        visitor.visit_file(&parsed);
        all.extend(visitor.found);
    }
    all.sort_by_key(|f| std::cmp::Reverse(f.lines));
    all
}

#[test]
fn no_source_file_is_over_450_lines() {
    let long: Vec<String> = rust_files(&["src", "crates"])
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path).unwrap().lines().count();
            (lines > MAX_FILE_LINES).then(|| format!("{} ({lines} lines)", relative(path)))
        })
        .collect();
    assert!(long.is_empty(), "split these along their seams: {long:#?}");
}

#[test]
fn at_most_three_functions_are_over_90_lines_and_none_over_110() {
    let all = functions(&["src", "crates", "tests", "benches"]);
    assert!(
        all.len() > 1000,
        "the parser found only {} functions",
        all.len()
    );
    let long: Vec<&Function> = all.iter().filter(|f| f.lines > LONG_FUNCTION).collect();
    let too_long = long.len() > MAX_LONG_FUNCTIONS || long.iter().any(|f| f.lines > MAX_FUNCTION);
    let long: Vec<String> = long
        .iter()
        .map(|f| format!("{} ({} lines)", f.place, f.lines))
        .collect();
    assert!(
        !too_long,
        "at most {MAX_LONG_FUNCTIONS} functions over {LONG_FUNCTION} lines and none over \
         {MAX_FUNCTION}; split these along their seams: {long:#?}"
    );
}
