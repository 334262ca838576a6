//! The editor's API over HTTP against a real `pufa serve`: who may write (same origin, the
//! per-run token, the Host check, a password), atomic saves and conflicts, moves that rewrite
//! every link or are refused with the list, deletions refused while linked, and uploads that
//! cannot leave the site folder.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::*;
use crate::serve_http::{Server, start};

struct Resp {
    status: u16,
    headers: String,
    body: String,
}

impl Resp {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn send(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (h, b) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Resp {
        status: h.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0),
        headers: h.to_lowercase(),
        body: b.to_string(),
    }
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A running editor and its token.
struct Ed {
    srv: Server,
    token: String,
}

impl Ed {
    fn start(f: &Fixture, extra: &[&str]) -> Ed {
        let srv = start(f.dir.path(), extra);
        let page = send(&srv.addr, "GET", "/__pufa/edit/", &[], b"");
        let token = page
            .body
            .split("name=\"pufa-token\" content=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("")
            .to_string();
        Ed { srv, token }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.srv.addr)
    }

    fn get(&self, path: &str) -> Resp {
        send(&self.srv.addr, "GET", &format!("/__pufa/api/{path}"), &[], b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Resp {
        let origin = self.origin();
        send(
            &self.srv.addr,
            "POST",
            &format!("/__pufa/api/{path}"),
            &[
                ("Origin", &origin),
                ("X-Pufa-Token", &self.token),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    }

    fn post_json(&self, path: &str, v: serde_json::Value) -> Resp {
        self.post(path, v.to_string().as_bytes())
    }
}

fn new_case() -> serde_json::Value {
    serde_json::json!({
        "rel": "cases/新案.md",
        "values": { "title": "新案", "case_type": "人民调解", "year": "2024" },
        "body": "正文。",
        "version": null,
    })
}

#[test]
fn writes_need_this_origin_the_token_and_a_local_host_name() {
    let f = Fixture::new(&[]);
    let ed = Ed::start(&f, &[]);
    assert_eq!(ed.token.len(), 64, "the editor page carries the token");
    let body = new_case().to_string();
    let a = &ed.srv.addr;
    let origin = ed.origin();
    let attempts: Vec<Vec<(&str, &str)>> = vec![
        vec![("X-Pufa-Token", &ed.token), ("Content-Type", "application/json")],
        vec![("Origin", "http://evil.example"), ("X-Pufa-Token", &ed.token)],
        vec![("Origin", "null"), ("X-Pufa-Token", &ed.token)],
        vec![
            ("Origin", &origin),
            ("Sec-Fetch-Site", "cross-site"),
            ("X-Pufa-Token", &ed.token),
        ],
        vec![("Origin", &origin)],
        vec![("Origin", &origin), ("X-Pufa-Token", "0000")],
        vec![
            ("Host", "evil.example"),
            ("Origin", "http://evil.example"),
            ("X-Pufa-Token", &ed.token),
        ],
    ];
    for h in &attempts {
        let r = send(a, "POST", "/__pufa/api/save", h, body.as_bytes());
        assert_eq!(r.status, 403, "{h:?}: {}", r.body);
    }
    assert!(
        !f.site().join("content/cases/新案.md").exists(),
        "a refused write wrote nothing"
    );
    let r = ed.post("save", body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        std::fs::read_to_string(f.site().join("content/cases/新案.md")).unwrap(),
        "---\ntitle: 新案\nyear: 2024\ncase_type: 人民调解\n---\n\n正文。\n"
    );
    // GETs change nothing and need no token; the editor page may not be framed.
    let page = send(a, "GET", "/__pufa/edit/", &[], b"");
    assert!(
        page.headers.contains("content-security-policy: default-src 'self'"),
        "{}",
        page.headers
    );
    assert!(page.headers.contains("frame-ancestors 'none'"));
    assert_eq!(send(a, "GET", "/__pufa/api/save", &[], b"").status, 404);
    assert_eq!(
        send(a, "GET", "/__pufa/edit/", &[("Host", "evil.example")], b"").status,
        403
    );
}

#[test]
fn a_save_over_a_changed_file_is_refused_and_both_versions_are_kept() {
    let f = Fixture::new(&[]);
    let ed = Ed::start(&f, &[]);
    let opened = ed.get(&format!("page?rel={}", enc("cases/wuye.md"))).json();
    let version = opened["version"].as_str().unwrap().to_string();
    let path = f.site().join("content/cases/wuye.md");
    let theirs = std::fs::read_to_string(&path).unwrap() + "\n别处加的一段。\n";
    std::fs::write(&path, &theirs).unwrap();
    let mut edit = serde_json::json!({ "rel": "cases/wuye.md", "values": opened["values"], "body": "我的正文。", "version": version });
    let r = ed.post_json("save", edit.clone());
    assert_eq!(r.status, 409, "{}", r.body);
    let c = r.json();
    assert_eq!(c["outcome"], "conflict");
    assert_eq!(c["disk_text"], theirs.as_str());
    assert!(c["mine"].as_str().unwrap().contains("我的正文。"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "the disk version is kept"
    );
    // Saving over the version now on disk is the explicit choice to replace it.
    edit["version"] = c["disk_version"].clone();
    assert_eq!(ed.post_json("save", edit).status, 200);
    assert!(std::fs::read_to_string(&path).unwrap().contains("我的正文。"));
    // A new page cannot replace an existing file either.
    let mut again = new_case();
    again["rel"] = "cases/wuye.md".into();
    assert_eq!(ed.post_json("save", again).status, 409);
    let leftovers: Vec<String> = std::fs::read_dir(f.site().join("content/cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pufa-save"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn invalid_pages_are_not_written_and_errors_name_their_field() {
    let f = Fixture::new(&[]);
    let ed = Ed::start(&f, &[]);
    let r = ed.post_json(
        "save",
        serde_json::json!({ "rel": "cases/坏.md", "values": { "title": "坏", "year": "二〇二四" }, "body": "见[缺](@/cases/没有.md)", "version": null }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let errors = r.json()["checked"]["errors"].clone();
    let fields: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"year"), "{errors}");
    assert!(!f.site().join("content/cases/坏.md").exists());
    let r = ed.post_json(
        "check",
        serde_json::json!({ "rel": "cases/坏.md", "values": { "title": "坏", "year": 2024, "case_type": "调解" }, "body": "见[缺](@/cases/没有.md)" }),
    );
    let fields: Vec<String> = r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].to_string())
        .collect();
    assert_eq!(
        fields,
        vec!["\"body\"".to_string()],
        "a missing link target belongs to the body"
    );
    let r = ed.post_json("check", serde_json::json!({ "rel": "../config.yaml", "values": {} }));
    assert_eq!(r.status, 400);
}

#[test]
fn a_move_rewrites_every_link_and_project_reference() {
    let f = Fixture::new(&[]);
    let ed = Ed::start(&f, &[]);
    let r = ed.post_json(
        "rename",
        serde_json::json!({ "from": "projects/xuefa.md", "section": "projects", "name": "学法游" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let c = f.site().join("content");
    assert!(c.join("projects/学法游.md").is_file() && !c.join("projects/xuefa.md").exists());
    let about = std::fs::read_to_string(c.join("about.md")).unwrap();
    assert!(about.contains("[学法游](@/projects/学法游.md)"), "{about}");
    let wuye = std::fs::read_to_string(c.join("cases/wuye.md")).unwrap();
    assert!(wuye.contains("projects: [学法游]"), "{wuye}");
    let updated = r.json()["updated"].to_string();
    assert!(
        updated.contains("content/about.md") && updated.contains("content/cases/wuye.md"),
        "{updated}"
    );
    // The rebuilt site is whole: the case links to the project at its new address.
    let proj = format!("/projects/{}/", enc("学法游"));
    let mut ok = false;
    for _ in 0..200 {
        let p = send(&ed.srv.addr, "GET", "/about/", &[], b"");
        if p.body.contains(&proj) {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(ok, "the site was rebuilt with the new link");
    let list = ed.get("list").json();
    assert_eq!(list["errors"].as_array().map(Vec::len), Some(0), "{list}");
    // A bundle moves with its files, and links to them follow.
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n见[照片](@/cases/bundle-case/photo.svg)和[案例](@/cases/bundle-case.md)。\n",
    );
    let r = ed.post_json(
        "rename",
        serde_json::json!({ "from": "cases/bundle-case/index.md", "section": "cases", "name": "图片案例" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(c.join("cases/图片案例/photo.svg").is_file());
    let about = std::fs::read_to_string(c.join("about.md")).unwrap();
    assert!(
        about.contains("(@/cases/图片案例/photo.svg)") && about.contains("(@/cases/图片案例.md)"),
        "{about}"
    );
}

#[test]
fn a_move_that_cannot_update_every_reference_is_refused_with_the_list() {
    let f = Fixture::new(&[]);
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &format!("{config}nav:\n  - {{ title: 关于, url: \"@/about.md\" }}\n"),
    );
    let ed = Ed::start(&f, &[]);
    let r = ed.post_json(
        "rename",
        serde_json::json!({ "from": "about.md", "section": "", "name": "关于我们" }),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let refs = r.json()["references"].clone();
    assert_eq!(refs[0]["file"], "config.yaml", "{refs}");
    assert!(f.site().join("content/about.md").is_file(), "nothing moved");
    // Into a section of another kind, the page must still pass the checks there.
    let r = ed.post_json(
        "rename",
        serde_json::json!({ "from": "cases/wuye.md", "section": "reports", "name": "wuye" }),
    );
    assert_eq!(r.status, 409);
    assert!(r.json()["errors"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(f.site().join("content/cases/wuye.md").is_file());
    // Onto an existing page, or out of content/, never.
    let r = ed.post_json(
        "rename",
        serde_json::json!({ "from": "cases/wuye.md", "section": "cases", "name": "欠薪" }),
    );
    assert_eq!(r.status, 409);
    let r = ed.post_json(
        "rename",
        serde_json::json!({ "from": "cases/wuye.md", "section": "../..", "name": "x" }),
    );
    assert_eq!(r.status, 409);
    assert!(f.site().join("content/cases/wuye.md").is_file());
}

#[test]
fn a_page_others_link_to_cannot_be_deleted() {
    let f = Fixture::new(&[]);
    let ed = Ed::start(&f, &[]);
    let r = ed.post_json("delete", serde_json::json!({ "rel": "reports/2022.md" }));
    assert_eq!(r.status, 409, "{}", r.body);
    let files: Vec<String> = r.json()["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["file"].to_string())
        .collect();
    assert!(files.iter().any(|x| x.contains("reports/2023.md")), "{files:?}");
    assert!(
        !files.iter().any(|x| x.contains("reports/2022.md")),
        "its own links do not count: {files:?}"
    );
    assert!(f.site().join("content/reports/2022.md").is_file());
    let r = ed.post_json("delete", serde_json::json!({ "rel": "projects/xuefa.md" }));
    assert_eq!(r.status, 409, "a project named in a case's projects list");
    // An unlinked page goes to the trash, not away.
    let r = ed.post_json("delete", serde_json::json!({ "rel": "cases/欠薪.md" }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!f.site().join("content/cases/欠薪.md").exists());
    let trash = r.json()["trash"].as_str().unwrap().to_string();
    assert!(f.dir.path().join(&trash).is_file(), "{trash}");
}

#[test]
fn uploads_land_in_the_page_bundle_and_never_outside_the_site() {
    let f = Fixture::new(&[]);
    let ed = Ed::start(&f, &[]);
    let up = |rel: &str, name: &str, body: &[u8]| ed.post(&format!("upload?rel={}&name={}", enc(rel), enc(name)), body);
    let r = up("cases/wuye.md", "现场 照片.png", b"\x89PNG fake");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["rel"], "cases/wuye/index.md", "the page became a bundle");
    assert_eq!(j["markdown"], "![现场 照片](现场%20照片.png)");
    let c = f.site().join("content");
    assert!(c.join("cases/wuye/现场 照片.png").is_file() && !c.join("cases/wuye.md").exists());
    let r = up("cases/wuye/index.md", "现场 照片.png", b"second");
    assert_eq!(
        r.json()["name"],
        "现场 照片-2.png",
        "an existing file is never replaced"
    );
    for (rel, name) in [
        ("cases/wuye/index.md", "../../../config.png"),
        ("cases/wuye/index.md", "a/b.png"),
        ("cases/wuye/index.md", "..\\x.png"),
        ("cases/wuye/index.md", ".hidden.png"),
        ("cases/wuye/index.md", "page.html"),
        ("cases/wuye/index.md", "script.js"),
        ("../config.yaml", "x.png"),
        ("/etc/passwd", "x.png"),
        ("cases/../../x.md", "x.png"),
        ("cases/没有.md", "x.png"),
    ] {
        let r = up(rel, name, b"x");
        assert_eq!(r.status, 400, "{rel} {name}: {}", r.body);
    }
    #[cfg(unix)]
    {
        let outside = f.dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(
            outside.join("index.md"),
            "---\ntitle: x\ncase_type: y\nyear: 2024\n---\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(&outside, c.join("cases/link")).unwrap();
        let r = up("cases/link/index.md", "x.png", b"x");
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(!outside.join("x.png").exists());
    }
    let big = vec![0u8; 21 * 1024 * 1024];
    let r = up("cases/wuye/index.md", "big.png", &big);
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(!c.join("cases/wuye/big.png").exists());
}

#[test]
fn an_editor_reachable_from_other_machines_needs_a_password() {
    let f = Fixture::new(&[]);
    let o = pufa(
        f.dir.path(),
        &["serve", "--root", "site", "--bind", "0.0.0.0", "--port", "0"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--edit-password"), "{}", stderr(&o));
}

#[test]
fn with_a_password_the_editor_asks_for_it() {
    let f = Fixture::new(&[]);
    let srv = start(f.dir.path(), &["--edit-password", "口令-123"]);
    let a = &srv.addr;
    let page = send(a, "GET", "/__pufa/edit/", &[], b"");
    assert!(
        page.body.contains("编辑密码") && !page.body.contains("pufa-token"),
        "{}",
        page.body
    );
    assert_eq!(send(a, "GET", "/__pufa/api/list", &[], b"").status, 401);
    let origin = format!("http://{a}");
    let login = |pw: &str| {
        let body = format!("password={}", enc(pw));
        send(
            a,
            "POST",
            "/__pufa/api/login",
            &[
                ("Origin", &origin),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
    };
    let wrong = login("猜的");
    assert_eq!(wrong.status, 303);
    assert!(!wrong.headers.contains("set-cookie"));
    let right = login("口令-123");
    let cookie = right
        .headers
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    assert!(right.headers.contains("httponly") && right.headers.contains("samesite=strict"));
    let list = send(a, "GET", "/__pufa/api/list", &[("Cookie", &cookie)], b"");
    assert_eq!(list.status, 200);
    let page = send(a, "GET", "/__pufa/edit/", &[("Cookie", &cookie)], b"");
    assert!(page.body.contains("pufa-token"));
}

#[test]
fn served_pages_link_to_the_editor_only_while_it_is_on() {
    let f = Fixture::new(&[]);
    let on = start(f.dir.path(), &[]);
    assert!(
        send(&on.addr, "GET", "/cases/wuye/", &[], b"")
            .body
            .contains("data-edit=\"1\"")
    );
    drop(on);
    let off = start(f.dir.path(), &["--no-edit"]);
    let page = send(&off.addr, "GET", "/cases/wuye/", &[], b"");
    assert!(!page.body.contains("data-edit"));
    assert_eq!(send(&off.addr, "GET", "/__pufa/edit/", &[], b"").status, 404);
    assert!(f.build(&[]).status.success());
    assert!(
        !f.read("cases/wuye/index.html").contains("编辑本页"),
        "never in built output"
    );
}

#[test]
fn the_list_shows_a_page_a_symlink_inside_the_site_brings_in() {
    let f = Fixture::new(&[]);
    let site = f.site();
    std::fs::create_dir_all(site.join("shared")).unwrap();
    std::fs::write(
        site.join("shared/linked.md"),
        "---\ntitle: 共用的普法案例\ncase_type: 人民调解\nyear: 2024\n---\n\n正文。\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../../shared/linked.md", site.join("content/cases/linked.md")).unwrap();
    let ed = Ed::start(&f, &[]);
    let list = ed.get("list");
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains("cases/linked.md") && list.body.contains("共用的普法案例"),
        "the linked page is listed as the build publishes it: {}",
        list.body
    );
    // It is not opened through the link: the answer says why and what to do.
    let page = ed.get("page?rel=cases/linked.md");
    assert_ne!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("符号链接") && page.body.contains("原文件"),
        "{}",
        page.body
    );
}
