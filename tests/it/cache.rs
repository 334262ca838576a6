//! The build cache against clean builds: after every step of a random sequence of edits
//! (bodies, titles, dates, creates, deletes, renames, drafts, metrics, templates), a build that
//! reuses the cache writes exactly the output folder a build without it writes, manifest
//! included (or both fail); and it rewrites only what the edit changed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use crate::edits::{Edits, Rng, edit};

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir).into_iter().collect()
}

fn compare(site: &Path, out: &Path, step: usize, what: &str) {
    let clean = tempfile::tempdir().unwrap();
    let clean_out = clean.path().join("public");
    let expected = pufa::build::build_to(site, &clean_out).map_err(|e| e.to_string());
    let got = cached_build(site, out);
    match (&expected, &got) {
        (Ok(_), Ok(_)) => {
            let (want, have) = (files(&clean_out), files(out));
            let differ: Vec<&String> = want
                .keys()
                .chain(have.keys())
                .filter(|k| want.get(*k) != have.get(*k))
                .collect();
            assert!(
                differ.is_empty(),
                "step {step} ({what}): the cached build differs in {differ:?}"
            );
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => panic!("step {step} ({what}): the cached build failed, a clean one works:\n{e}"),
        (Err(e), Ok(_)) => panic!("step {step} ({what}): a clean build fails, the cached one did not:\n{e}"),
    }
}

#[test]
fn cached_builds_after_random_edits_match_clean_builds() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let out = f.out();
    compare(&site, &out, 0, "first build");
    let mut rng = Rng(0xCAC4_E5EE_D000_0001);
    let mut edits = Edits::default();
    for step in 1..=45 {
        let Some((what, _)) = edits.step(&mut rng, &site, step) else {
            continue;
        };
        compare(&site, &out, step, &what);
    }
    assert!(site.join(".pufa-cache").is_dir());
}

#[test]
fn a_body_edit_rewrites_the_page_and_the_search_index_only() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let out = f.out();
    cached_build(&site, &out).unwrap();
    let unchanged = cached_build(&site, &out).unwrap();
    assert_eq!(unchanged.changes.unchanged, unchanged.files, "nothing to rewrite");
    let page = site.join("content/cases/wuye.md");
    edit(&page, |t| format!("{t}\n\n补充一句。\n"));
    let r = cached_build(&site, &out).unwrap();
    let changed = &r.changes.changed;
    assert!(changed.contains(&"cases/wuye/index.html".to_string()), "{changed:?}");
    assert!(
        changed
            .iter()
            .all(|p| p == "cases/wuye/index.html" || p.starts_with("search/index/")),
        "{changed:?}"
    );
    assert!(r.changes.added.is_empty() && r.changes.removed.is_empty());
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let out = f.out();
    cached_build(&site, &out).unwrap();
    for entry in walkdir::WalkDir::new(site.join(".pufa-cache"))
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_name() == "state" {
            std::fs::write(entry.path(), b"PUFA-BUILD-CACHE\n\xff\xfe garbage").unwrap();
        }
    }
    edit(&site.join("content/cases/wuye.md"), |t| format!("{t}\n\n又一句。\n"));
    compare(&site, &out, 1, "after corrupting the cache");
}

/// A rebuild in which no indexed page changed keeps the search index's files without reading
/// the stored index: with its part file gone, the rebuild still renders nothing, and the next
/// edit builds the index again.
#[test]
fn an_unchanged_rebuild_does_not_read_the_search_index() {
    let f = Fixture::new(&[]);
    let (site, out) = (f.site(), f.out());
    let timed = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pufa"))
            .args(["build", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(&out)
            .env("PUFA_TIMINGS", "1")
            .output()
            .unwrap()
    };
    assert!(timed().status.success());
    let parts: Vec<std::path::PathBuf> = walkdir::WalkDir::new(site.join(".pufa-cache"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("search-"))
        .map(|e| e.into_path())
        .collect();
    assert_eq!(parts.len(), 1, "{parts:?}");
    std::fs::remove_file(&parts[0]).unwrap();
    let o = timed();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("plan: 0 to render"), "{}", stderr(&o));
    edit(&site.join("content/cases/wuye.md"), |t| format!("{t}\n\n补充一句。\n"));
    compare(&site, &out, 1, "an edit after the search part was lost");
}
