//! The editor's HTTP side: its page at `__pufa/edit/` and its JSON API at `__pufa/api/…`, and
//! who may use them.
//!
//! The serve server already answers only `Host` headers naming this machine (no DNS
//! rebinding). On top of that, every request that changes anything (a POST; GETs change
//! nothing) must come from the editor's own page: its `Origin` must be this server (or, with
//! no `Origin`, `Sec-Fetch-Site: same-origin`), and it must carry the per-run token in
//! `X-Pufa-Token`, which only a page of this origin can read (it is in the editor page). A
//! page of another site open in the same browser can send neither. With `--edit-password`
//! the editor and its API also need a session cookie, given for the password.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Editor;
use super::ops::{Edit, Saved};
use crate::config::Kind;
use crate::content::Site;
use crate::diagnostics::Diagnostic;

const PAGE: &str = include_str!("assets/index.html");
const LOGIN: &str = include_str!("assets/login.html");
const SCRIPT: &str = include_str!("assets/editor.js");
const STYLE: &str = include_str!("assets/editor.css");

/// The editor page's Content-Security-Policy: nothing from elsewhere, no inline scripts, and
/// no framing by other pages (clickjacking).
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
                   script-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Who may use the editor in this run.
pub struct Gate {
    token: String,
    password: Option<[u8; 32]>,
    sessions: Mutex<HashSet<String>>,
}

/// 32 random bytes in hex.
fn random_hex() -> String {
    let mut b = [0u8; 32];
    if getrandom::fill(&mut b).is_err() {
        // No system randomness: fall back to the time and process id (still per run).
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        b.copy_from_slice(&Sha256::digest(seed.as_bytes()));
    }
    crate::util::hex(&b)
}

fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Gate {
    /// A gate with a fresh token; `password` makes the editor ask for it.
    pub fn new(password: Option<&str>) -> Gate {
        Gate {
            token: random_hex(),
            password: password.map(|p| Sha256::digest(p.as_bytes()).into()),
            sessions: Mutex::new(HashSet::new()),
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    fn session_ok(&self, headers: &HeaderMap) -> bool {
        if self.password.is_none() {
            return true;
        }
        let Some(sid) = cookie(headers, "pufa_session") else {
            return false;
        };
        self.sessions
            .lock()
            .is_ok_and(|s| s.iter().any(|x| same_bytes(x.as_bytes(), sid.as_bytes())))
    }

    fn token_ok(&self, headers: &HeaderMap) -> bool {
        headers
            .get("x-pufa-token")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| same_bytes(t.as_bytes(), self.token.as_bytes()))
    }

    fn login(&self, password: &str) -> Option<String> {
        let want = self.password?;
        let got: [u8; 32] = Sha256::digest(password.as_bytes()).into();
        if !same_bytes(&want, &got) {
            return None;
        }
        let sid = random_hex();
        self.sessions.lock().ok()?.insert(sid.clone());
        Some(sid)
    }
}

/// Whether a request comes from a page of this very server: its `Origin` is
/// `http://<Host>`, or without `Origin` the browser says `Sec-Fetch-Site: same-origin`.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    let Some(host) = get("host") else { return false };
    if let Some(site) = get("sec-fetch-site")
        && site != "same-origin"
    {
        return false;
    }
    match get("origin") {
        Some(o) => o == format!("http://{host}"),
        None => get("sec-fetch-site") == Some("same-origin"),
    }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The editor of this run and its gate.
pub struct EditorHttp {
    pub editor: Editor,
    pub gate: Gate,
}

/// What a request needs from the preview: the last good site and the current errors.
pub struct Live {
    pub site: Option<Arc<Site>>,
    pub errors: Vec<Diagnostic>,
    pub base_path: String,
}

fn respond(status: StatusCode, ctype: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ctype).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

fn json_response(status: StatusCode, v: &impl serde::Serialize) -> Response {
    respond(
        status,
        "application/json; charset=utf-8",
        serde_json::to_vec(v).unwrap_or_default(),
    )
}

fn refuse(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "message": message }))
}

fn diagnostic(status: StatusCode, d: Diagnostic) -> Response {
    json_response(status, &json!({ "message": d.message.clone(), "errors": [d] }))
}

/// The query string's parameters, percent-decoded (`+` is a space).
fn query(q: Option<&str>) -> BTreeMap<String, String> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    q.unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

impl EditorHttp {
    /// Answers a request whose path (below the base path) starts with `__pufa/edit` or
    /// `__pufa/api/`; `None` for any other path. `live` may wait for an update to finish, so
    /// only API requests ask it, on a blocking thread (never on the server's async workers).
    pub async fn handle(
        self: &Arc<Self>,
        rest: &str,
        req: Request<Body>,
        base_path: &str,
        live: impl FnOnce() -> Live + Send + 'static,
    ) -> Option<Response> {
        if rest == "__pufa/edit" {
            return Some(redirect_to(&format!("{}/", req.uri().path())));
        }
        let (page, api) = (rest.strip_prefix("__pufa/edit/"), rest.strip_prefix("__pufa/api/"));
        if page.is_none() && api.is_none() {
            return None;
        }
        Some(match (page, api) {
            (Some(p), _) => self.page(p, &req, base_path),
            (_, Some(a)) => match tokio::task::spawn_blocking(live).await {
                Ok(live) => self.api(a, req, live).await,
                Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "编辑器内部错误"),
            },
            _ => refuse(StatusCode::NOT_FOUND, "没有这个地址"),
        })
    }

    fn page(&self, path: &str, req: &Request<Body>, base: &str) -> Response {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return refuse(StatusCode::METHOD_NOT_ALLOWED, "只能用 GET 打开");
        }
        match path {
            "editor.js" => respond(StatusCode::OK, "text/javascript; charset=utf-8", SCRIPT),
            "editor.css" => respond(StatusCode::OK, "text/css; charset=utf-8", STYLE),
            "" => {
                let logged_in = self.gate.session_ok(req.headers());
                let html = if logged_in { PAGE } else { LOGIN }
                    .replace("{{BASE}}", &crate::markdown::escape(base))
                    .replace("{{TOKEN}}", if logged_in { self.gate.token() } else { "" });
                let mut r = respond(StatusCode::OK, "text/html; charset=utf-8", html);
                if let Ok(v) = HeaderValue::from_str(CSP) {
                    r.headers_mut().insert("content-security-policy", v);
                }
                r
            }
            _ => refuse(StatusCode::NOT_FOUND, "没有这个地址"),
        }
    }

    async fn api(self: &Arc<Self>, path: &str, req: Request<Body>, live: Live) -> Response {
        let headers = req.headers().clone();
        let method = req.method().clone();
        let q = query(req.uri().query());
        if path == "login" {
            return self.login(req, &live).await;
        }
        if !self.gate.session_ok(&headers) {
            return refuse(StatusCode::UNAUTHORIZED, "请先输入编辑密码");
        }
        if method == Method::GET {
            let me = Arc::clone(self);
            let path = path.to_string();
            return blocking(move || me.get(&path, &q, &live)).await;
        }
        if method != Method::POST {
            return refuse(StatusCode::METHOD_NOT_ALLOWED, "不支持这种请求");
        }
        if !same_origin(&headers) {
            return refuse(StatusCode::FORBIDDEN, "拒绝：这个请求不是从本机的编辑器页面发出的");
        }
        if !self.gate.token_ok(&headers) {
            return refuse(StatusCode::FORBIDDEN, "拒绝：缺少或错误的编辑令牌，请刷新编辑器页面");
        }
        let limit = self.editor.max_upload + 64 * 1024;
        let body = match axum::body::to_bytes(req.into_body(), limit).await {
            Ok(b) => b,
            Err(_) => {
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("文件太大：最多 {} MB", self.editor.max_upload / (1024 * 1024)),
                );
            }
        };
        let me = Arc::clone(self);
        let path = path.to_string();
        blocking(move || me.post(&path, &q, &body, &live)).await
    }

    fn get(&self, path: &str, q: &BTreeMap<String, String>, live: &Live) -> Response {
        let site = live.site.as_deref();
        let arg = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        let out = match path {
            "list" => self
                .editor
                .list(site, &live.errors)
                .map(|l| json!({ "groups": l, "errors": live.errors })),
            "meta" => self.editor.meta(site).map(|m| json!(m)),
            "page" => self.editor.open(arg("rel"), site).map(|p| json!(p)),
            "new" => match Kind::parse(arg("kind")) {
                Some(k) => self.editor.new_page(k, arg("title")).map(|p| json!(p)),
                None => Err(Diagnostic::new("editor/kind", "请选择要新建的内容类型")),
            },
            "find" => Ok(json!({ "rel": site.and_then(|s| find_by_url(s, arg("path"))) })),
            _ => return refuse(StatusCode::NOT_FOUND, "没有这个地址"),
        };
        match out {
            Ok(v) => json_response(StatusCode::OK, &v),
            Err(d) => diagnostic(StatusCode::BAD_REQUEST, d),
        }
    }

    fn post(&self, path: &str, q: &BTreeMap<String, String>, body: &[u8], live: &Live) -> Response {
        let site = live.site.as_deref();
        let arg = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        match path {
            "check" => match parse::<Edit>(body) {
                Ok(edit) => match self.editor.check(&edit, site) {
                    Ok(c) => json_response(StatusCode::OK, &c),
                    Err(d) => diagnostic(StatusCode::BAD_REQUEST, d),
                },
                Err(r) => r,
            },
            "save" => match parse::<SaveRequest>(body) {
                Ok(s) => match self.editor.save(&s.edit, s.version.as_deref(), site) {
                    Ok(saved @ Saved::Saved { .. }) => json_response(StatusCode::OK, &saved),
                    Ok(conflict @ Saved::Conflict { .. }) => json_response(StatusCode::CONFLICT, &conflict),
                    Ok(invalid) => json_response(StatusCode::UNPROCESSABLE_ENTITY, &invalid),
                    Err(d) => diagnostic(StatusCode::BAD_REQUEST, d),
                },
                Err(r) => r,
            },
            "rename" => match parse::<RenameRequest>(body) {
                Ok(m) => match self.editor.rename(&m.from, &m.section, &m.name) {
                    Ok(done) => json_response(StatusCode::OK, &done),
                    Err(refused) => json_response(StatusCode::CONFLICT, &refused),
                },
                Err(r) => r,
            },
            "delete" => match parse::<DeleteRequest>(body) {
                Ok(d) => match self.editor.delete(&d.rel) {
                    Ok(trash) => json_response(StatusCode::OK, &json!({ "trash": trash.display().to_string() })),
                    Err(refused) => json_response(StatusCode::CONFLICT, &refused),
                },
                Err(r) => r,
            },
            "upload" => match self.editor.upload(arg("rel"), arg("name"), body) {
                Ok(u) => json_response(StatusCode::OK, &u),
                Err(d) if d.code == "editor/too-large" => diagnostic(StatusCode::PAYLOAD_TOO_LARGE, d),
                Err(d) => diagnostic(StatusCode::BAD_REQUEST, d),
            },
            "import" => {
                let kind = Kind::parse(arg("kind")).unwrap_or(Kind::Report);
                match self.editor.import(arg("name"), body, kind) {
                    Ok(p) => json_response(StatusCode::OK, &p),
                    Err(e) => json_response(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &json!({ "message": e.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default(), "errors": e.diagnostics }),
                    ),
                }
            }
            _ => refuse(StatusCode::NOT_FOUND, "没有这个地址"),
        }
    }

    async fn login(&self, req: Request<Body>, live: &Live) -> Response {
        if req.method() != Method::POST || !same_origin(req.headers()) {
            return refuse(StatusCode::FORBIDDEN, "拒绝：请从编辑器页面登录");
        }
        let body = axum::body::to_bytes(req.into_body(), 4096).await.unwrap_or_default();
        let form = query(Some(&String::from_utf8_lossy(&body)));
        let password = form.get("password").map(String::as_str).unwrap_or("");
        let to = format!("{}__pufa/edit/", live.base_path);
        match self.gate.login(password) {
            Some(sid) => {
                let mut r = redirect_to(&to);
                *r.status_mut() = StatusCode::SEE_OTHER;
                let c = format!("pufa_session={sid}; HttpOnly; SameSite=Strict; Path={}", live.base_path);
                if let Ok(v) = HeaderValue::from_str(&c) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r
            }
            None => {
                // Slow down guessing.
                tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                let mut r = redirect_to(&format!("{to}?wrong=1"));
                *r.status_mut() = StatusCode::SEE_OTHER;
                r
            }
        }
    }
}

#[derive(Deserialize)]
struct SaveRequest {
    #[serde(flatten)]
    edit: Edit,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RenameRequest {
    from: String,
    #[serde(default)]
    section: String,
    name: String,
}

#[derive(Deserialize)]
struct DeleteRequest {
    rel: String,
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| refuse(StatusCode::BAD_REQUEST, &format!("请求的格式不对：{e}")))
}

async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR, "编辑器内部错误"))
}

fn redirect_to(to: &str) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The content file of the page served at `path` (below the base path: `cases/wuye/`).
fn find_by_url(site: &Site, path: &str) -> Option<String> {
    let p = path.trim_start_matches('/');
    let p = p.strip_suffix("index.html").unwrap_or(p);
    if let Some(page) = site.pages.values().find(|pg| pg.path == p) {
        return Some(page.rel.clone());
    }
    let key = p.trim_end_matches('/');
    site.sections.get(key).map(|s| s.rel.clone()).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn only_requests_from_this_origin_may_write() {
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:1111"),
            ("origin", "http://127.0.0.1:1111")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:1111"),
            ("sec-fetch-site", "same-origin")
        ])));
        for bad in [
            headers(&[("host", "127.0.0.1:1111"), ("origin", "http://evil.example")]),
            headers(&[("host", "127.0.0.1:1111"), ("origin", "http://127.0.0.1:2222")]),
            headers(&[("host", "127.0.0.1:1111"), ("origin", "null")]),
            headers(&[("host", "127.0.0.1:1111")]),
            headers(&[("host", "127.0.0.1:1111"), ("sec-fetch-site", "cross-site")]),
            headers(&[
                ("host", "127.0.0.1:1111"),
                ("origin", "http://127.0.0.1:1111"),
                ("sec-fetch-site", "cross-site"),
            ]),
        ] {
            assert!(!same_origin(&bad), "{bad:?}");
        }
    }

    #[test]
    fn tokens_are_per_run_and_passwords_give_sessions() {
        let a = Gate::new(None);
        let b = Gate::new(None);
        assert_ne!(a.token(), b.token());
        assert_eq!(a.token().len(), 64);
        assert!(a.token_ok(&headers(&[("x-pufa-token", a.token())])));
        assert!(!a.token_ok(&headers(&[("x-pufa-token", b.token())])));
        assert!(!a.token_ok(&headers(&[])));
        assert!(a.session_ok(&headers(&[])), "no password: no session needed");
        let g = Gate::new(Some("口令123"));
        assert!(!g.session_ok(&headers(&[])));
        assert!(g.login("wrong").is_none());
        let sid = g.login("口令123").unwrap();
        assert!(g.session_ok(&headers(&[("cookie", &format!("a=b; pufa_session={sid}"))])));
        assert!(!g.session_ok(&headers(&[("cookie", "pufa_session=forged")])));
    }

    #[test]
    fn query_strings_are_decoded() {
        let q = query(Some("rel=cases%2F%E9%87%91.md&title=a+b&x"));
        assert_eq!(q["rel"], "cases/金.md");
        assert_eq!(q["title"], "a b");
        assert_eq!(q["x"], "");
    }
}
