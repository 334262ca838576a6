//! Serve mode's incremental engine against clean builds: after every step of a random
//! sequence of creates, edits, renames and deletes, what the engine serves is byte-for-byte
//! what `pufa build` writes for the same tree (or both fail).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use pufa::build::build_to;
use pufa::pipeline::SiteSpec;
use pufa::serve::engine::Engine;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

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

fn pages(site: &Path, section: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(site.join("content").join(section))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    v.sort();
    v
}

/// Files nothing links to by `@/` or `projects:` (safe to delete or rename).
fn unreferenced(site: &Path, candidates: Vec<PathBuf>) -> Vec<PathBuf> {
    let all: String = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    candidates
        .into_iter()
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            !all.contains(&format!("/{stem}.md"))
                && !all.contains(&format!("[{stem}]"))
                && !all.contains(&format!(" {stem}]"))
        })
        .collect()
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
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
    let topics = ["矛盾纠纷化解", "人民调解", "行政执法", "普法宣传", "新主题"];
    let mut created = 0;
    for step in 1..=60 {
        let mut op = rng.below(12);
        if pages(&site, "cases").len() < 3 && matches!(op, 0..=3 | 6 | 7 | 10) {
            op = 4;
        }
        let mut changed: Vec<PathBuf> = Vec::new();
        let what;
        match op {
            0 | 1 => {
                let p = rng.pick(&pages(&site, "cases")).clone();
                edit(&p, |t| format!("{t}\n\n新增的一段正文，第{step}步。\n"));
                what = format!("body edit {}", p.display());
                changed.push(p);
            }
            2 => {
                let p = rng.pick(&pages(&site, "cases")).clone();
                edit(&p, |t| t.replacen("title: ", &format!("title: 改{step}"), 1));
                what = format!("title edit {}", p.display());
                changed.push(p);
            }
            3 => {
                let p = rng.pick(&pages(&site, "cases")).clone();
                let y = 2021 + rng.below(4);
                edit(&p, |t| {
                    let t = t
                        .lines()
                        .filter(|l| !l.starts_with("date:"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    t.replacen(
                        "title:",
                        &format!("date: {y}-0{}-1{}\ntitle:", 1 + rng.below(8), rng.below(9)),
                        1,
                    )
                });
                what = format!("date edit {}", p.display());
                changed.push(p);
            }
            4 | 5 => {
                created += 1;
                let p = site.join(format!("content/cases/new-{created}.md"));
                let t1 = rng.pick(&topics);
                let t2 = rng.pick(&topics);
                std::fs::write(
                    &p,
                    format!(
                        "---\ntitle: 新案例{created}\nyear: {}\ncase_type: 人民调解\ntaxonomies:\n  topics: [{t1}, {t2}]\n---\n\n## 经过\n\n见[报告](@/reports/2023.md)。\n",
                        2021 + rng.below(4)
                    ),
                )
                .unwrap();
                what = format!("create {}", p.display());
                changed.push(p);
            }
            6 => {
                let cands = unreferenced(&site, pages(&site, "cases"));
                if cands.is_empty() {
                    continue;
                }
                let p = rng.pick(&cands).clone();
                std::fs::remove_file(&p).unwrap();
                what = format!("delete {}", p.display());
                changed.push(p);
            }
            7 => {
                let cands = unreferenced(&site, pages(&site, "cases"));
                if cands.is_empty() {
                    continue;
                }
                let p = rng.pick(&cands).clone();
                let to = p.with_file_name(format!("renamed-{step}.md"));
                std::fs::rename(&p, &to).unwrap();
                what = format!("rename {} → {}", p.display(), to.display());
                changed.push(p);
                changed.push(to);
            }
            8 => {
                let p = site.join("content/cases/_index.md");
                edit(&p, |t| t.replacen("title: ", "title: 新", 1));
                what = "section title".to_string();
                changed.push(p);
            }
            9 => {
                let p = rng.pick(&pages(&site, "reports")).clone();
                let v = 100 + rng.below(900);
                edit(&p, |t| {
                    let start = t.find("value: ").unwrap() + 7;
                    let end = start + t[start..].find(',').unwrap();
                    format!("{}{v}{}", &t[..start], &t[end..])
                });
                what = format!("metric edit {}", p.display());
                changed.push(p);
            }
            10 => {
                let p = rng.pick(&pages(&site, "cases")).clone();
                let draft = !std::fs::read_to_string(&p).unwrap().contains("draft: true");
                edit(&p, |t| {
                    if draft {
                        t.replacen("title:", "draft: true\ntitle:", 1)
                    } else {
                        t.replace("draft: true\n", "")
                    }
                });
                what = format!("draft toggle {}", p.display());
                changed.push(p);
            }
            _ => {
                // A template edit: the footer partial gains a line.
                let p = site.join("templates/partials/footer.html");
                let base = pufa::theme::builtin_template("partials/footer.html")
                    .unwrap()
                    .to_string();
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, format!("{base}<!-- step {step} -->\n")).unwrap();
                what = "template edit".to_string();
                changed.push(p);
            }
        }
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
