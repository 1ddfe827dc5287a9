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
