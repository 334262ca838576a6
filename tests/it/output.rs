//! The output folder: written only where pufa may, only what changed, all or nothing.
//! Folders made by other generators are refused, a symlinked output is written through,
//! the output may not sit inside what pufa reads, a killed build leaves the previous site
//! and no staging folder behind, unchanged files keep their modification time, and files
//! pufa did not make are never replaced or deleted.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use crate::common::*;

/// Every file under `dir` with its bytes and modification time.
fn files_with_times(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let bytes = std::fs::read(e.path()).unwrap();
            (rel, (bytes, e.metadata().unwrap().modified().unwrap()))
        })
        .collect()
}

fn write_all(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn staging_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pufa-staging"))
        .collect()
}

#[test]
fn folders_made_by_hugo_or_zola_are_never_written_to() {
    let hugo = [
        ("404.html", "<h1>hugo 404</h1>"),
        ("sitemap.xml", "<urlset/>"),
        ("index.html", "hugo home"),
        ("categories/index.xml", "<rss/>"),
        ("css/main.css", "body{}"),
    ];
    let zola = [
        ("404.html", "zola 404"),
        ("sitemap.xml", "<urlset/>"),
        ("robots.txt", "User-agent: *"),
        ("atom.xml", "<feed/>"),
        ("search_index.en.js", "window.searchIndex={}"),
        ("blog/first/index.html", "post"),
    ];
    for (name, made) in [("hugo", &hugo[..]), ("zola", &zola[..])] {
        let f = Fixture::new(&[]);
        let out = f.dir.path().join(name);
        write_all(&out, made);
        let before = files_with_times(&out);
        let o = pufa(f.dir.path(), &["build", "--root", "site", "--output", name]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains("不是 pufa 生成的文件") && err.contains("不会写入"),
            "{name}: {err}"
        );
        assert_eq!(files_with_times(&out), before, "{name}: its files were touched");
        assert!(staging_leftovers(f.dir.path()).is_empty());
    }
}

#[test]
fn a_symlinked_output_is_updated_through_the_link() {
    let f = Fixture::new(&[]);
    let web = f.dir.path().join("var/www/hlz");
    std::fs::create_dir_all(&web).unwrap();
    let link = f.out();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&web, &link).unwrap();
    #[cfg(not(unix))]
    return;
    assert!(f.build(&[]).status.success());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(
        web.join("index.html").is_file(),
        "the build went into the link's target"
    );
    f.write(
        "content/cases/新案例.md",
        "---\ntitle: 新案例\ncase_type: 人民调解\nyear: 2024\n---\n\n正文。\n",
    );
    assert!(f.build(&[]).status.success());
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link stays a link"
    );
    assert!(web.join("cases/新案例/index.html").is_file());
    assert!(staging_leftovers(f.dir.path()).is_empty());
    assert!(staging_leftovers(web.parent().unwrap()).is_empty());
}

#[test]
fn an_output_inside_what_pufa_reads_is_refused() {
    for inside in [
        "site/content/public",
        "site/static/public",
        "site/templates/out",
        "site",
    ] {
        let f = Fixture::new(&[]);
        let o = pufa(f.dir.path(), &["build", "--root", "site", "--output", inside]);
        assert_eq!(o.status.code(), Some(1), "{inside}");
        let err = stderr(&o);
        assert!(err.contains("输出文件夹"), "{inside}: {err}");
        if inside != "site" {
            assert!(!f.dir.path().join(inside).exists(), "{inside} was created");
        }
    }
}

#[test]
fn a_rebuild_writes_only_what_changed_and_keeps_the_rest() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let first = files_with_times(&f.out());
    std::thread::sleep(Duration::from_millis(20));
    let o = f.build(&["--changes"]);
    assert!(o.status.success());
    assert!(
        !stdout(&o).lines().any(|l| l.starts_with(['+', '~', '-'])),
        "{}",
        stdout(&o)
    );
    assert_eq!(files_with_times(&f.out()), first, "an unchanged rebuild touched files");

    // A hand-made file in the output is left alone; a page edit rewrites a few files; a
    // deleted page's file goes.
    std::fs::write(f.out().join("google1234.html"), "verification").unwrap();
    let cases: Vec<_> = std::fs::read_dir(f.site().join("content/cases"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
        .collect();
    let edited = &cases[0];
    let text = std::fs::read_to_string(edited).unwrap();
    std::fs::write(edited, format!("{text}\n\n补充一句正文。\n")).unwrap();
    let o = f.build(&["--changes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| l.starts_with('~'))
        .map(String::from)
        .collect();
    let after = files_with_times(&f.out());
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(p, v)| first.get(*p).is_some_and(|old| old.1 != v.1))
        .map(|(p, _)| p)
        .collect();
    assert!(!rewritten.is_empty() && rewritten.len() < 12, "{rewritten:?}");
    assert_eq!(
        listed.len() + 1,
        rewritten.len(),
        "the manifest is rewritten too: {listed:?} {rewritten:?}"
    );
    assert!(after.contains_key("google1234.html"));
    assert!(after.contains_key(".pufa-manifest.json"));

    let gone = edited.file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::remove_file(edited).unwrap();
    let o = f.build(&["--changes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("- cases/{gone}/index.html")),
        "{}",
        stdout(&o)
    );
    assert!(
        !f.out().join("cases").join(&gone).exists(),
        "the page and its folder are gone"
    );
    assert!(
        f.out().join("google1234.html").exists(),
        "a file pufa did not make stays"
    );
}

#[test]
fn a_file_pufa_did_not_make_is_never_replaced() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    std::fs::create_dir_all(f.out().join("cases/新案例")).unwrap();
    std::fs::write(f.out().join("cases/新案例/index.html"), "hand-made").unwrap();
    f.write(
        "content/cases/新案例.md",
        "---\ntitle: 新案例\ncase_type: 人民调解\nyear: 2024\n---\n\n正文。\n",
    );
    let before = files_with_times(&f.out());
    let o = f.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("不是 pufa 生成的，pufa 不会覆盖它"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files_with_times(&f.out()), before);
}

#[test]
fn stale_staging_folders_of_killed_builds_are_cleaned_up() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let stale = f.dir.path().join(".public.pufa-staging-424242");
    write_all(&stale, &[("tree/index.html", "half written"), ("lock", "")]);
    assert!(f.build(&[]).status.success());
    assert!(!stale.exists());
    assert!(!f.read("index.html").contains("half written"));
}

/// A site big enough that a debug build takes a while: 1,500 cases.
fn big_site(f: &Fixture) {
    let body = "本案经人民调解委员会调解，双方达成协议，纠纷得到化解。".repeat(40);
    for i in 0..1500 {
        f.write(
            &format!("content/cases/gen-{i:04}.md"),
            &format!("---\ntitle: 生成案例{i}\ncase_type: 人民调解\nyear: 2024\n---\n\n{body}\n"),
        );
    }
}

/// Every page of [`big_site`] has the new template, and the output holds exactly the files its
/// manifest lists.
fn is_the_whole_redesigned_site(out: &Path) -> bool {
    let redesigned = (0..1500).all(|i| {
        std::fs::read_to_string(out.join(format!("cases/gen-{i:04}/index.html"))).is_ok_and(|h| h.contains("改版"))
    });
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(".pufa-manifest.json")).unwrap()).unwrap();
    let listed: Vec<&String> = manifest["files"].as_object().unwrap().keys().collect();
    let on_disk: Vec<String> = files_with_times(out)
        .into_keys()
        .filter(|k| k != ".pufa-manifest.json")
        .collect();
    redesigned && listed.into_iter().eq(on_disk.iter())
}

#[test]
fn a_killed_build_leaves_the_previous_site_whole() {
    let f = Fixture::new(&[]);
    big_site(&f);
    assert!(f.build(&[]).status.success());
    let before = files_with_times(&f.out());
    // Change every page, then kill builds at different moments.
    f.write(
        "templates/case.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>改版{% endblock content %}",
    );
    for delay_ms in [50u64, 300, 900] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pufa"))
            .current_dir(f.dir.path())
            .args(["build", "--root", "site", "--output", "public"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if finished {
            break; // the machine was fast enough to finish: nothing left to interrupt
        }
        // Killed before its commit point: the old site, untouched. After it: a journal the next
        // build carries out (checked below), or, when the kill came as the commit ended, the
        // whole new site. Never a mixture.
        let committing = staging_leftovers(f.dir.path())
            .iter()
            .any(|d| f.dir.path().join(d).join("journal.json").exists());
        if !committing && files_with_times(&f.out()) != before {
            assert!(
                is_the_whole_redesigned_site(&f.out()),
                "killed at {delay_ms} ms: public/ is neither the old site nor the new one"
            );
        }
    }
    assert!(f.build(&[]).status.success());
    assert!(staging_leftovers(f.dir.path()).is_empty());
    assert!(is_the_whole_redesigned_site(&f.out()));
}
