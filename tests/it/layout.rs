//! The layout DESIGN.md fixes, checked: `src/` folders by domain, and `core/` (the
//! fast path) free of the HTTP and SQL layers.

use std::path::Path;

use crate::harness::repo_path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// No file under `src/{dir}` uses any of `forbidden`.
fn does_not_use(dir: &str, forbidden: &[&str]) {
    let mut files = Vec::new();
    rust_files(&repo_path(&format!("src/{dir}")), &mut files);
    assert!(files.len() >= 3, "{dir} exists and has modules");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in forbidden {
                let used = code.contains(&format!("use {f}"))
                    || code.contains(&format!("{f}::"))
                    || code.contains(&format!("use ::{f}"));
                assert!(
                    !used,
                    "{}:{}: {dir} must not use {f}: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

#[test]
fn core_does_not_import_io_layers() {
    does_not_use(
        "core",
        &[
            "axum",
            "sqlx",
            "hyper",
            "tokio::net",
            "reqwest",
            "crate::store",
            "crate::api",
            "crate::plane",
            "crate::sync",
            "crate::playback",
        ],
    );
}

/// Demo data is written through the plane and the store's functions.
#[test]
fn demo_data_holds_no_sql() {
    does_not_use("demo", &["sqlx"]);
}

/// The playback use case never reaches the store (it answers from memory)
/// nor renders HTTP.
#[test]
fn playback_does_not_reach_the_store_or_http() {
    does_not_use(
        "playback",
        &[
            "axum",
            "sqlx",
            "hyper",
            "crate::store",
            "crate::api",
            "crate::plane",
            "crate::sync",
        ],
    );
}

#[test]
fn the_fixed_layout_exists() {
    for p in [
        "Cargo.toml",
        "src",
        "benches",
        "loadtest/Cargo.toml",
        "config/default.toml",
        "config/single-node.example.toml",
        "config/cluster.example.toml",
        "tests",
        "Dockerfile",
        "README.md",
        "ARCHITECTURE.md",
        "docs",
        "src/core",
        "src/store",
        "src/sync",
        "src/api",
        "src/api/opf",
        "src/api/rocket",
        "src/plane",
        "src/playback",
        "src/demo",
        "src/core/query",
        "src/config.rs",
        "src/app.rs",
        "src/main.rs",
    ] {
        assert!(repo_path(p).exists(), "{p} is missing");
    }
}

#[test]
fn architecture_maps_every_src_folder() {
    let arch = std::fs::read_to_string(repo_path("ARCHITECTURE.md")).unwrap();
    let mut dirs = Vec::new();
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && path.file_name().unwrap() != "migrations" {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
                walk(&path, base, out);
            }
        }
    }
    walk(&repo_path("src"), &repo_path(""), &mut dirs);
    for d in dirs {
        assert!(
            arch.contains(&format!("`{d}/`")),
            "ARCHITECTURE.md does not map `{d}/`"
        );
    }
}

/// DESIGN.md invariant 9, the store half: every SQL statement under
/// `src/store` names `tenant_id` (a `{CONSTANT}` in it is read from the
/// file's `const`), except those on the tenant table itself (keyed by the
/// tenant's id), on the change feed (which spans tenants by design), the
/// the lock and notify calls that touch no table, and the bulk writer's
/// statement, whose table and columns are given (`Inserter::new` refuses
/// columns without `tenant_id`).
#[test]
fn every_store_query_is_scoped_by_tenant() {
    let mut files = Vec::new();
    rust_files(&repo_path("src/store"), &mut files);
    let mut checked = 0;
    for file in files {
        let display = file.display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests' throwaway tables are not the store's queries.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for sql in sql_literals(code) {
            checked += 1;
            let sql = resolve_constants(&sql, code);
            let exempt = [
                "FROM tenants",
                "INTO tenants",
                "UPDATE tenants",
                "FROM changes",
            ]
            .iter()
            .any(|t| sql.contains(t))
                || sql.starts_with("SELECT pg_")
                || (display.ends_with("store/bulk.rs")
                    && sql.starts_with("INSERT INTO <unresolved>"));
            assert!(
                exempt || sql.contains("tenant_id"),
                "{display}: a query without tenant_id: {sql}"
            );
        }
    }
    assert!(
        checked >= 100,
        "only {checked} queries found: is the scan still right?"
    );
}

/// The string literals of `code` that start with an SQL verb.
fn sql_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let literal = &code[start..end.min(code.len())];
        if ["SELECT", "UPDATE", "DELETE", "INSERT", "WITH"]
            .iter()
            .any(|verb| literal.starts_with(verb))
        {
            out.push(literal.to_owned());
        }
        i = end + 1;
    }
    out
}

/// `sql` with each `{NAME}` replaced by the file's `const NAME: &str`.
fn resolve_constants(sql: &str, code: &str) -> String {
    let mut out = sql.to_owned();
    while let Some(open) = out.find('{') {
        let Some(close) = out[open..].find('}').map(|c| c + open) else {
            break;
        };
        let name = &out[open + 1..close];
        // `const NAME: &str =` then, maybe after a line break, the literal.
        let value = code
            .split(&format!("const {name}: &str ="))
            .nth(1)
            .and_then(|rest| rest.split('"').nth(1))
            .unwrap_or("<unresolved>")
            .to_owned();
        out.replace_range(open..=close, &value);
    }
    out
}
