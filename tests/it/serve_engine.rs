//! Serve mode's incremental engine against clean builds: after every step of a random
//! sequence of creates, edits, renames and deletes, what the engine serves is byte-for-byte
//! what `pufa build` writes for the same tree (or both fail).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use crate::edits::{Edits, Rng, edit};
use pufa::build::build_to;
use pufa::pipeline::SiteSpec;
use pufa::serve::engine::Engine;

fn clean_build(site: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    match build_to(site, &dir) {
        // The manifest describes the output folder, not the site: serve has none.
        Ok(_) => Ok(snapshot(&dir)
            .into_iter()
            .filter(|(p, _)| p != pufa::output::manifest::FILE_NAME)
            .collect()),
        Err(e) => Err(e.to_string()),
    }
}

fn compare(engine: &mut Engine, site: &Path, step: usize, what: &str) {
    let expected = clean_build(site);
    match (&expected, &engine.error) {
        (Ok(files), None) => {
            engine.rebuild_search();
            let got = engine.snapshot();
            let missing: Vec<&String> = files.keys().filter(|k| !got.contains_key(*k)).collect();
            let extra: Vec<&String> = got.keys().filter(|k| !files.contains_key(*k)).collect();
            let differ: Vec<&String> = files
                .iter()
                .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
                .map(|(k, _)| k)
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty() && differ.is_empty(),
                "step {step} ({what}): missing {missing:?}, extra {extra:?}, different {differ:?}"
            );
        }
        (Err(_), Some(_)) => {}
        (Ok(_), Some(e)) => panic!("step {step} ({what}): the engine failed but a clean build works:\n{e}"),
        (Err(e), None) => panic!("step {step} ({what}): a clean build fails but the engine did not:\n{e}"),
    }
}

#[test]
fn random_edits_always_match_a_clean_build() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let mut engine = Engine::load(SiteSpec::new(&site)).expect("fixture loads");
    compare(&mut engine, &site, 0, "initial");
    let mut rng = Rng(0x5EED_1234_ABCD_0042);
    let mut edits = Edits::default();
    for step in 1..=60 {
        let Some((what, changed)) = edits.step(&mut rng, &site, step) else {
            continue;
        };
        let _ = engine.apply(&changed);
        compare(&mut engine, &site, step, &what);
    }
}

#[test]
fn a_broken_file_keeps_the_last_good_site_and_recovers() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let mut engine = Engine::load(SiteSpec::new(&site)).unwrap();
    let before = engine.snapshot();
    let p = site.join("content/cases/wuye.md");
    let good = std::fs::read_to_string(&p).unwrap();
    // Half-written: empty, then truncated YAML.
    std::fs::write(&p, "").unwrap();
    assert!(engine.apply(std::slice::from_ref(&p)).is_err());
    std::fs::write(&p, "---\ntitle: 物业\nyear: [2023\n").unwrap();
    let err = engine.apply(std::slice::from_ref(&p)).unwrap_err();
    assert!(err.to_string().contains("content/cases/wuye.md"), "{err}");
    assert_eq!(engine.snapshot(), before, "the last good site is still served");
    std::fs::write(&p, &good).unwrap();
    engine.apply(std::slice::from_ref(&p)).unwrap();
    assert!(engine.error.is_none());
    assert_eq!(engine.snapshot(), before);
}

#[test]
fn removing_content_or_config_is_an_error_not_a_panic() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let mut engine = Engine::load(SiteSpec::new(&site)).unwrap();
    let content = site.join("content");
    let moved = f.dir.path().join("content-away");
    std::fs::rename(&content, &moved).unwrap();
    let err = engine.apply(std::slice::from_ref(&content)).unwrap_err();
    assert!(err.to_string().contains("content"), "{err}");
    std::fs::rename(&moved, &content).unwrap();
    engine.apply(std::slice::from_ref(&content)).unwrap();

    let config = site.join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::remove_file(&config).unwrap();
    let err = engine.apply(std::slice::from_ref(&config)).unwrap_err();
    assert!(err.to_string().contains("config.yaml"), "{err}");
    std::fs::write(&config, text).unwrap();
    engine.apply(std::slice::from_ref(&config)).unwrap();
    assert!(engine.error.is_none());
}

#[test]
fn a_body_edit_renders_only_what_depends_on_the_page() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let mut engine = Engine::load(SiteSpec::new(&site)).unwrap();
    let p = site.join("content/cases/wuye.md");
    edit(&p, |t| format!("{t}\n\n第二段。\n"));
    let changed = engine.apply(std::slice::from_ref(&p)).unwrap();
    assert_eq!(changed.paths, vec!["cases/wuye/index.html".to_string()], "{changed:?}");
    assert!(
        changed.rendered <= 3,
        "rendered {} outputs for a body edit",
        changed.rendered
    );
    // A CSS edit is a CSS-only change.
    let css = site.join("static/css/site.css");
    std::fs::create_dir_all(css.parent().unwrap()).unwrap();
    std::fs::write(&css, "body{}").unwrap();
    let changed = engine.apply(&[css]).unwrap();
    assert!(changed.css_only, "{changed:?}");
}

#[test]
fn turning_search_off_in_the_config_stops_serving_the_old_index() {
    let f = Fixture::new(&[]);
    let site = f.site();
    let mut engine = Engine::load(SiteSpec::new(&site)).unwrap();
    engine.rebuild_search();
    assert!(!engine.search_paths().is_empty());
    let config = site.join("config.yaml");
    edit(&config, |t| format!("{t}\nsearch:\n  enabled: false\n"));
    engine.apply(std::slice::from_ref(&config)).unwrap();
    // What the serve loop sees: no search job to run, and no old index left.
    assert!(engine.search_job().is_none());
    assert!(engine.search_paths().is_empty(), "{:?}", engine.search_paths());
    compare(&mut engine, &site, 0, "search off");
}

/// A change to a file symlinked into content/ (the watcher reports the target's path) re-reads
/// the page published through the link, and a new link is picked up.
#[cfg(unix)]
#[test]
fn an_edit_to_a_symlinked_file_updates_its_page() {
    let f = Fixture::new(&[]);
    let site = f.site();
    std::fs::create_dir_all(site.join("shared")).unwrap();
    let target = site.join("shared/page.md");
    let page = "---\ntitle: 共享页面\nyear: 2023\ncase_type: 人民调解\n---\n\n第一版\n";
    std::fs::write(&target, page).unwrap();
    std::os::unix::fs::symlink("../../shared/page.md", site.join("content/cases/linked.md")).unwrap();
    let mut engine = Engine::load(SiteSpec::new(&site)).expect("fixture loads");
    let served =
        |e: &Engine| String::from_utf8_lossy(&e.get("cases/linked/index.html").unwrap().bytes().unwrap()).into_owned();
    assert!(served(&engine).contains("第一版"));
    std::fs::write(&target, page.replace("第一版", "第二版")).unwrap();
    engine.apply(std::slice::from_ref(&target)).unwrap();
    assert!(served(&engine).contains("第二版"));
    let link = site.join("content/cases/again.md");
    std::os::unix::fs::symlink("../../shared/page.md", &link).unwrap();
    engine.apply(std::slice::from_ref(&link)).unwrap();
    assert!(engine.get("cases/again/index.html").is_some());
    compare(&mut engine, &site, 1, "symlinks");
}
