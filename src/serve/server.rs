//! The preview HTTP server: serves the published files under the site's base path with
//! correct content types, `index.html` for folders and the site's 404 page for misses;
//! injects the live-reload script into HTML; streams page events as server-sent events.
//! Paths are decoded once and looked up in the published file map, so nothing outside the
//! site can ever be reached; traversal attempts are refused outright.
//!
//! Requests are answered only when their `Host` header names this machine ([`host_allowed`]):
//! an IP address, `localhost` or a `*.localhost` name. A page on another site that makes its
//! own host name resolve to 127.0.0.1 (DNS rebinding) sends that name, and is refused, so it
//! cannot read a preview that shows drafts.
//!
//! With the editor on, `__pufa/edit/` and `__pufa/api/…` go to `crate::editor::http`, which
//! adds its own protections for writes (same origin, per-run token, optional password), and
//! every served page gets a 编辑本页 link (added by the live-reload script, so built output
//! never has it). SVG files are served with a policy that keeps any script in them from
//! running on this origin.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::{PageEvent, Published, Shared};

const LIVERELOAD: &str = include_str!("livereload.js");

pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let app = Router::new().fallback(handle).with_state(shared);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        eprintln!("服务器出错：{e}");
    }
}

/// Decodes a request path below the base path; `None` for anything that tries to climb out
/// or is not valid UTF-8.
pub fn decode_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') || decoded.starts_with('/') {
        return None;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    Some(decoded.into_owned())
}

fn content_type(path: &str) -> String {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8".into(),
        "css" => "text/css; charset=utf-8".into(),
        "js" => "text/javascript; charset=utf-8".into(),
        "json" => "application/json".into(),
        "xml" => "application/xml; charset=utf-8".into(),
        "txt" => "text/plain; charset=utf-8".into(),
        "csv" => "text/csv; charset=utf-8".into(),
        "svg" => "image/svg+xml".into(),
        "bin" => "application/octet-stream".into(),
        _ => mime_guess::from_path(path)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
    }
}

fn inject(bytes: &[u8], p: &Published, edit: bool) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{}__pufa/livereload.js\" data-base=\"{}\" data-generation=\"{}\"{}></script>",
        p.base_path,
        p.base_path,
        p.generation,
        if edit { " data-edit=\"1\"" } else { "" }
    );
    let text = String::from_utf8_lossy(bytes);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn respond(status: StatusCode, ctype: &str, body: Vec<u8>, head: bool) -> Response {
    let len = body.len();
    let mut r = Response::new(if head { Body::empty() } else { Body::from(body) });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ctype).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    r
}

fn redirect(to: &str) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Whether a request's `Host` header (`name`, `name:port`, `[v6]:port`) names this machine:
/// an IP literal (no name, so nothing to rebind), `localhost` or a name under `.localhost`
/// (RFC 6761: always loopback).
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(h) = host.map(str::trim).filter(|h| !h.is_empty()) else {
        return false;
    };
    let name = match h.strip_prefix('[') {
        Some(v6) => {
            return v6.split_once(']').is_some_and(|(addr, rest)| {
                let port_ok = rest.is_empty()
                    || rest
                        .strip_prefix(':')
                        .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
                port_ok && addr.parse::<std::net::Ipv6Addr>().is_ok()
            });
        }
        None => h.rsplit_once(':').map_or(
            h,
            |(n, port)| if port.bytes().all(|b| b.is_ascii_digit()) { n } else { h },
        ),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::IpAddr>().is_ok() || name == "localhost" || name.ends_with(".localhost")
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    if !host_allowed(host) {
        return respond(
            StatusCode::FORBIDDEN,
            "text/plain; charset=utf-8",
            "pufa serve 只接受本机地址（127.0.0.1、localhost）的访问。"
                .as_bytes()
                .to_vec(),
            method == Method::HEAD,
        );
    }
    if let Some(editor) = shared.editor.clone() {
        let p = shared.current();
        if let Some(rest) = uri.path().strip_prefix(p.base_path.as_str())
            && rest.starts_with("__pufa/")
        {
            let rest = rest.to_string();
            let for_editor = Arc::clone(&shared);
            let live = move || live(&for_editor);
            if let Some(r) = editor.handle(&rest, req, &p.base_path, live).await {
                return r;
            }
        }
    }
    if method != Method::GET && method != Method::HEAD {
        return respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            b"method not allowed".to_vec(),
            false,
        );
    }
    let head = method == Method::HEAD;
    let p = shared.current();
    let raw = uri.path();
    let base = p.base_path.as_str();
    if raw == format!("{base}__pufa/events") {
        return events(shared).await;
    }
    if raw == format!("{base}__pufa/livereload.js") {
        return respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            LIVERELOAD.as_bytes().to_vec(),
            head,
        );
    }
    let Some(rest) = raw.strip_prefix(base) else {
        if base.starts_with(raw) || raw == "/" {
            return redirect(base);
        }
        return not_found(&shared, &p, head);
    };
    let Some(key) = decode_path(rest) else {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            "错误的路径".as_bytes().to_vec(),
            head,
        );
    };
    let file = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    let entry = match shared.file(&file) {
        Some(e) => Some(e),
        None => render_first(&shared, &file).await,
    };
    match entry {
        Some(entry) => match entry.bytes() {
            Ok(bytes) => {
                let body = if file.ends_with(".html") {
                    inject(&bytes, &p, shared.editor.is_some())
                } else {
                    bytes.to_vec()
                };
                let mut r = respond(StatusCode::OK, &content_type(&file), body, head);
                if file.ends_with(".svg") {
                    r.headers_mut().insert(
                        "content-security-policy",
                        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
                    );
                }
                r
            }
            Err(_) => not_found(&shared, &p, head),
        },
        None if shared.has_file(&format!("{key}/index.html")) || shared.first_has(&format!("{key}/index.html")) => {
            redirect(&format!("{raw}/"))
        }
        None => not_found(&shared, &p, head),
    }
}

/// While the first render runs: renders the output at `path` now (on a blocking thread),
/// when the site has one.
async fn render_first(shared: &Shared, path: &str) -> Option<super::engine::Entry> {
    let first = shared.first.read().ok()?.clone()?;
    let key = first.paths.get(path)?.clone();
    let out = tokio::task::spawn_blocking(move || first.binding.render(&key))
        .await
        .ok()?
        .ok()?;
    Some(super::engine::Entry::Bytes(std::sync::Arc::from(out.bytes)))
}

/// What the editor needs from the preview now: the last good site (waiting briefly while an
/// update holds it) and the current errors.
fn live(shared: &Shared) -> crate::editor::http::Live {
    let mut p = shared.current();
    let mut site = p.site.upgrade();
    for _ in 0..50 {
        if site.is_some() || p.generation == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        p = shared.current();
        site = p.site.upgrade();
    }
    crate::editor::http::Live {
        site,
        errors: p.errors.clone().unwrap_or_default(),
        base_path: p.base_path.clone(),
    }
}

fn not_found(shared: &Shared, p: &Published, head: bool) -> Response {
    let body = match shared.file("404.html").and_then(|e| e.bytes().ok()) {
        Some(b) => inject(&b, p, false),
        None => inject("<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>pufa</title><body><h1>页面未找到</h1></body></html>".as_bytes(), p, false),
    };
    respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body, head)
}

async fn events(shared: Arc<Shared>) -> Response {
    let p = shared.current();
    let hello =
        serde_json::json!({ "generation": p.generation, "errors": p.errors.as_ref().filter(|e| !e.is_empty()) });
    let first = tokio_stream::once(Ok::<Event, Infallible>(
        Event::default().event("hello").data(hello.to_string()),
    ));
    let rest = BroadcastStream::new(shared.events.subscribe()).filter_map(|r: Result<PageEvent, _>| {
        r.ok().map(|e| {
            Ok::<Event, Infallible>(
                Event::default()
                    .event(e.kind)
                    .data(serde_json::to_string(&e).unwrap_or_default()),
            )
        })
    });
    Sse::new(first.chain(rest))
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{decode_path, host_allowed};

    #[test]
    fn only_hosts_naming_this_machine_are_answered() {
        for ok in [
            "127.0.0.1:1111",
            "localhost",
            "LOCALHOST:80",
            "[::1]:1111",
            "pufa.localhost:1",
            "192.168.1.5:1111",
            "localhost.",
        ] {
            assert!(host_allowed(Some(ok)), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.nip.io",
            "localhost.evil.example",
            "",
            "[::1",
            "localhost:x",
        ] {
            assert!(!host_allowed(Some(bad)), "{bad}");
        }
        assert!(!host_allowed(None));
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "../etc/passwd",
            "%2e%2e/etc/passwd",
            "a/%2E%2E/%2e%2e/b",
            "..%5c..%5cwindows",
            "%2fetc/passwd",
            "a/./b",
            "%00",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
        assert_eq!(decode_path("cases/%E9%87%91/"), Some("cases/金/".to_string()));
        assert_eq!(decode_path(""), Some(String::new()));
    }
}
