//! `pufa serve` end to end over HTTP: a real server on a free loopback port over a temp copy
//! of the fixture site; edits, deletes, broken YAML and its fix, traversal attempts, the base
//! path and a busy port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::common::*;

pub(crate) struct Server {
    pub child: Child,
    pub addr: String,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(dir: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .current_dir(dir)
        .args(["serve", "--root", "site", "--port", "0"])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = loop {
        let l = lines.next().expect("serve printed its address").unwrap();
        if l.contains("http://") {
            break l;
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let url = &line[line.find("http://").unwrap() + 7..];
    let url = url.split_whitespace().next().unwrap();
    let slash = url.find('/').unwrap();
    Server {
        child,
        addr: url[..slash].to_string(),
        base: url[slash..].to_string(),
    }
}

struct Resp {
    status: u16,
    headers: String,
    body: String,
}

fn get(addr: &str, path: &str) -> Resp {
    get_as(addr, addr, path)
}

/// A GET to `addr` that says it is for `host`.
fn get_as(addr: &str, host: &str, path: &str) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0);
    Resp {
        status,
        headers: head.to_lowercase(),
        body: body.to_string(),
    }
}

/// Server-sent events as (event, data), read on a thread.
fn events(addr: &str, path: &str) -> Receiver<(String, String)> {
    let (tx, rx) = channel();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(e) = line.strip_prefix("event:") {
                event = e.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:")
                && tx.send((event.clone(), d.trim().to_string())).is_err()
            {
                break;
            }
        }
    });
    rx
}

fn wait_event(rx: &Receiver<(String, String)>, want: &str, contains: &str) -> String {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if let Ok((e, d)) = rx.recv_timeout(Duration::from_millis(200))
            && e == want
            && d.contains(contains)
        {
            return d;
        }
    }
    panic!("no `{want}` event containing {contains:?}");
}

fn wait_until(mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("condition not met in time");
}

#[test]
fn serve_reloads_edits_deletes_and_shows_errors() {
    let f = Fixture::new(&[]);
    let srv = start(f.dir.path(), &[]);
    let (a, b) = (&srv.addr, &srv.base);
    assert_eq!(b, "/");

    let page = get(a, "/cases/wuye/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("content-type: text/html; charset=utf-8"));
    assert!(page.body.contains("张某与某物业公司物业费纠纷调解案"));
    assert!(
        page.body.contains("__pufa/livereload.js"),
        "the live-reload script is injected"
    );
    let css = get(a, "/css/site.css");
    assert_eq!(css.status, 200);
    assert!(css.headers.contains("content-type: text/css"));
    assert!(
        get(a, "/cases/%E6%AC%A0%E8%96%AA/")
            .body
            .contains("李某某等人劳动报酬纠纷案"),
        "Chinese URLs"
    );
    assert_eq!(get(a, "/cases").status, 301, "a folder without / redirects");

    let ev = events(a, "/__pufa/events");
    wait_event(&ev, "hello", "generation");

    // An edit shows up, with an event naming the page.
    let wuye = f.site().join("content/cases/wuye.md");
    let good = std::fs::read_to_string(&wuye).unwrap();
    std::fs::write(&wuye, format!("{good}\n\n这是新加的一段话。\n")).unwrap();
    wait_event(&ev, "change", "cases/wuye/index.html");
    assert!(get(a, "/cases/wuye/").body.contains("这是新加的一段话"));

    // A deleted page is gone from its section list and its URL is 404.
    std::fs::remove_file(f.site().join("content/cases/欠薪.md")).unwrap();
    wait_event(&ev, "change", "cases");
    wait_until(|| !get(a, "/cases/").body.contains("李某某等人劳动报酬纠纷案"));
    let gone = get(a, "/cases/%E6%AC%A0%E8%96%AA/");
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains("页面未找到"), "the site's 404 page");

    // Broken YAML: an error event, the last good page still served, the overlay data on connect.
    std::fs::write(&wuye, "---\ntitle: 物业\nyear: 2023\n- 坏了\n---\n").unwrap();
    let failed = wait_event(&ev, "failed", "content/cases/wuye.md");
    assert!(failed.contains("\"line\":4"), "{failed}");
    assert!(get(a, "/cases/wuye/").body.contains("这是新加的一段话"));
    let ev2 = events(a, "/__pufa/events");
    wait_event(&ev2, "hello", "content/cases/wuye.md");
    // pufa's own folders changing (a build run beside serve) leave the error as it is: it is
    // not reported again.
    for dir in ["public", ".pufa-cache"] {
        std::fs::create_dir_all(f.site().join(dir)).unwrap();
        std::fs::write(f.site().join(dir).join("x.html"), "x").unwrap();
    }
    let quiet = Instant::now() + Duration::from_millis(800);
    while Instant::now() < quiet {
        if let Ok((e, d)) = ev.recv_timeout(Duration::from_millis(100)) {
            assert_ne!(e, "failed", "a change outside the site reported the error again: {d}");
        }
    }

    // Fixed: a change event, and new connections see no error.
    std::fs::write(&wuye, &good).unwrap();
    wait_event(&ev, "change", "cases/wuye/index.html");
    assert!(!get(a, "/cases/wuye/").body.contains("这是新加的一段话"));
    let ev3 = events(a, "/__pufa/events");
    let hello = wait_event(&ev3, "hello", "generation");
    assert!(hello.contains("\"errors\":null"), "{hello}");
}

#[test]
fn a_foreign_host_name_is_refused() {
    // A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its name.
    let f = Fixture::new(&[]);
    let server = start(f.dir.path(), &[]);
    let a = &server.addr;
    assert_eq!(get(a, "/").status, 200);
    let port = a.rsplit(':').next().unwrap();
    assert_eq!(get_as(a, &format!("localhost:{port}"), "/").status, 200);
    for host in ["evil.example", &format!("rebind.evil.example:{port}")] {
        let r = get_as(a, host, "/");
        assert_eq!(r.status, 403, "{host}");
        assert!(r.body.contains("只接受本机地址"), "{}", r.body);
        assert!(!r.body.contains("<html"), "no page content for {host}");
        assert_eq!(get_as(a, host, "/__pufa/events").status, 403);
    }
}

#[test]
fn traversal_never_leaves_the_site() {
    let f = Fixture::new(&[]);
    std::fs::write(f.dir.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let srv = start(f.dir.path(), &[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/cases/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/cases/%00",
    ] {
        let r = get(&srv.addr, path);
        assert_ne!(r.status, 200, "{path}");
        assert!(
            !r.body.contains("TOP-SECRET") && !r.body.contains("root:"),
            "{path} leaked"
        );
    }
}

#[test]
fn the_base_path_is_honoured() {
    let f = Fixture::new(&[]);
    let srv = start(f.dir.path(), &["--base-url", "https://example.gov.cn/hlz/"]);
    assert_eq!(srv.base, "/hlz/");
    let home = get(&srv.addr, "/hlz/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("href=\"/hlz/css/site.css\""));
    assert!(home.body.contains("src=\"/hlz/__pufa/livereload.js\""));
    let root = get(&srv.addr, "/");
    assert_eq!(root.status, 301);
    assert!(root.headers.contains("location: /hlz/"));
    assert_eq!(get(&srv.addr, "/css/site.css").status, 404);
    let ev = events(&srv.addr, "/hlz/__pufa/events");
    wait_event(&ev, "hello", "generation");
    let wuye = f.site().join("content/cases/wuye.md");
    let text = std::fs::read_to_string(&wuye).unwrap();
    std::fs::write(&wuye, format!("{text}\n\n子路径下的修改。\n")).unwrap();
    wait_event(&ev, "change", "cases/wuye/index.html");
    assert!(get(&srv.addr, "/hlz/cases/wuye/").body.contains("子路径下的修改"));
}

#[test]
fn a_busy_port_is_explained() {
    let f = Fixture::new(&[]);
    let srv = start(f.dir.path(), &[]);
    let port = srv.addr.rsplit(':').next().unwrap();
    let o = pufa(f.dir.path(), &["serve", "--root", "site", "--port", port]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains(port) && err.contains("--port 0"), "{err}");
}
