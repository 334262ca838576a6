//! `pufa serve`: live preview for editors.
//!
//! Three parts: the [`engine::Engine`] keeps the in-memory build up to date (the same
//! pipeline as `pufa build`, updated incrementally); `watch` turns file-system events into
//! batches of changed paths (notify, debounced by `notify-debouncer-full`); `server` serves
//! the latest published files over HTTP under the site's base path, injects the live-reload
//! script into HTML responses and pushes changes and errors to open pages as server-sent
//! events. The search index is rebuilt in the background once edits settle.

pub mod engine;

mod server;
mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Error};
use crate::editor::http::{EditorHttp, Gate};
use crate::pipeline::SiteSpec;
use crate::util::abs;
use engine::{Engine, Entry};

/// The state of the preview other than its files.
#[derive(Clone, Default)]
pub struct Published {
    pub errors: Option<Vec<Diagnostic>>,
    pub generation: u64,
    pub base_path: String,
    /// The last good site, for the editor. Weak, so that an update changes the site in
    /// place instead of copying it; the editor holds it only while it answers a request.
    pub site: Weak<Site>,
}

impl Published {
    fn from_engine(e: &Engine) -> Published {
        Published {
            errors: e.error.as_ref().map(|x| x.diagnostics.clone()),
            generation: e.generation,
            base_path: e.config().base_path.clone(),
            site: Arc::downgrade(e.site_shared()),
        }
    }
}

/// An event for open pages.
#[derive(Debug, Clone, Serialize)]
pub struct PageEvent {
    /// `change` or `failed`.
    #[serde(skip)]
    pub kind: &'static str,
    pub generation: u64,
    pub paths: Vec<String>,
    pub all: bool,
    pub css_only: bool,
    pub errors: Option<Vec<Diagnostic>>,
}

/// State shared by the server and the rebuild loop.
/// The first render, while it runs: a page not rendered yet is rendered when asked for.
pub struct FirstRender {
    pub binding: Arc<crate::render::Binding>,
    /// Output path → output.
    pub paths: HashMap<String, crate::render::OutputKey>,
}

pub struct Shared {
    pub published: RwLock<Arc<Published>>,
    /// Every file served, by output path; updated path by path as the site changes.
    pub files: RwLock<HashMap<String, Entry>>,
    pub events: tokio::sync::broadcast::Sender<PageEvent>,
    /// Set until the first render has finished.
    pub first: RwLock<Option<Arc<FirstRender>>>,
    /// The editor, unless `--no-edit`.
    pub editor: Option<Arc<EditorHttp>>,
}

impl Shared {
    /// The state of a preview that starts with `engine` (`None`: loading failed).
    fn new(engine: Option<&Engine>, base_path: &str, editor: Option<Arc<EditorHttp>>) -> Shared {
        let (events, _) = tokio::sync::broadcast::channel(64);
        let published = match engine {
            Some(e) => Published::from_engine(e),
            None => Published {
                base_path: base_path.to_string(),
                errors: Some(Vec::new()),
                ..Default::default()
            },
        };
        let shared = Shared {
            published: RwLock::new(Arc::new(published)),
            files: RwLock::new(HashMap::new()),
            events,
            first: RwLock::new(None),
            editor,
        };
        if let Some(e) = engine {
            shared.sync_files(e, None);
        }
        shared
    }

    pub fn file(&self, path: &str) -> Option<Entry> {
        self.files.read().ok().and_then(|f| f.get(path).cloned())
    }

    /// Whether the first render, while it runs, will have a file at `path`.
    pub fn first_has(&self, path: &str) -> bool {
        self.first
            .read()
            .is_ok_and(|f| f.as_ref().is_some_and(|f| f.paths.contains_key(path)))
    }

    pub fn has_file(&self, path: &str) -> bool {
        self.files.read().is_ok_and(|f| f.contains_key(path))
    }

    /// Copies the engine's files for `paths` (all of them when `None`).
    fn sync_files(&self, e: &Engine, paths: Option<&[String]>) {
        let Ok(mut files) = self.files.write() else { return };
        match paths {
            None => *files = e.entries().into_iter().collect(),
            Some(ps) => {
                for p in ps {
                    match e.get(p) {
                        Some(entry) => {
                            files.insert(p.clone(), entry);
                        }
                        None => {
                            files.remove(p);
                        }
                    }
                }
            }
        }
    }

    pub fn current(&self) -> Arc<Published> {
        self.published.read().map(|p| Arc::clone(&p)).unwrap_or_default()
    }

    fn publish(&self, p: Published) {
        if let Ok(mut w) = self.published.write() {
            *w = Arc::new(p);
        }
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    pub spec: SiteSpec,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Whether the editor is on (`/__pufa/edit/`).
    pub edit: bool,
    /// The password the editor asks for; required when `bind` is not loopback.
    pub edit_password: Option<String>,
}

impl Options {
    /// Refuses an editor reachable from other machines without a password.
    fn check(&self) -> Result<(), Error> {
        if self.edit && !self.bind.is_loopback() && self.edit_password.as_deref().is_none_or(str::is_empty) {
            return Err(Error::one(
                Diagnostic::new(
                    "serve/edit-password",
                    format!("--bind {} 让其他电脑也能打开编辑器，必须同时设置编辑密码", self.bind),
                )
                .with_hint("加上 --edit-password 密码（或设置环境变量 PUFA_EDIT_PASSWORD）；只想让别人预览、不需要编辑器时加上 --no-edit。"),
            ));
        }
        Ok(())
    }
}

/// What the preview tells the person running it (the command line prints these).
#[derive(Debug)]
pub enum Notice<'a> {
    /// Listening at `url`, ready after `secs`; `exposed` when reachable from other machines;
    /// `editor` is the editor's address when it is on.
    Listening {
        url: &'a str,
        secs: f64,
        exposed: bool,
        editor: Option<&'a str>,
    },
    /// Warnings of the site as first loaded.
    Warnings(&'a [Diagnostic]),
    /// Loading or an update failed; the last good site is still served.
    Failed(&'a Error),
    /// The error that stood is mended: the site builds again.
    Recovered,
    /// An update was applied: `pages` HTML outputs changed (`None`: everything), in `millis`.
    Updated { pages: Option<usize>, millis: u128 },
    /// A batch of changed paths, when `PUFA_DEBUG_WATCH` is set.
    Watched(&'a [PathBuf]),
}

/// Runs the preview until the process is stopped, telling `notify` what happens.
pub fn run(opts: Options, notify: impl Fn(Notice) + Send + Sync + 'static) -> Result<(), Error> {
    opts.check()?;
    let notify: Notify = Arc::new(notify);
    let spec = opts.spec.clone();
    let started = Instant::now();
    let engine = match Engine::open(spec.clone()) {
        Ok(e) => Some(e),
        Err(e) => {
            notify(Notice::Failed(&e));
            None
        }
    };
    let base_path = match &engine {
        Some(e) => e.config().base_path.clone(),
        None => crate::pipeline::load_config(&spec)
            .map(|c| c.base_path)
            .unwrap_or_else(|_| "/".into()),
    };
    let editor = opts.edit.then(|| {
        Arc::new(EditorHttp {
            editor: crate::editor::Editor::new(spec.clone()),
            gate: Gate::new(opts.edit_password.as_deref()),
        })
    });
    let shared = Arc::new(Shared::new(engine.as_ref(), &base_path, editor));
    let first = engine.as_ref().map(|e| {
        let (binding, paths) = e.start_render();
        Arc::new(FirstRender { binding, paths })
    });
    if let Ok(mut f) = shared.first.write() {
        f.clone_from(&first);
    }
    if let Some(e) = &engine {
        notify(Notice::Warnings(&e.warnings()));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::one(Diagnostic::new("serve", e.to_string())))?;
    let listener = rt.block_on(listen(opts.bind, opts.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::one(Diagnostic::new("serve", e.to_string())))?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let url = format!("http://{host}:{}{base_path}", addr.port());
    let editor_url = format!("{url}__pufa/edit/");
    notify(Notice::Listening {
        url: &url,
        secs: started.elapsed().as_secs_f64(),
        exposed: !addr.ip().is_loopback(),
        editor: opts.edit.then_some(editor_url.as_str()),
    });
    let _watcher = spawn_rebuild_loop(engine, first, spec, Arc::clone(&shared), notify)?;
    rt.block_on(server::serve(listener, Arc::clone(&shared)));
    Ok(())
}

async fn listen(ip: IpAddr, port: u16) -> Result<tokio::net::TcpListener, Error> {
    tokio::net::TcpListener::bind(SocketAddr::new(ip, port))
        .await
        .map_err(|e| {
            let msg = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("端口 {port} 已被占用（可能另一个 pufa serve 正在运行）")
            } else {
                format!("无法监听 {ip}:{port}：{e}")
            };
            Error::one(
                Diagnostic::new("serve/bind", msg).with_hint("用 --port 换一个端口，或用 --port 0 自动选择空闲端口。"),
            )
        })
}

type Notify = Arc<dyn Fn(Notice) + Send + Sync>;

/// Starts watching the site and the thread that applies changes: file events in, files and
/// page events out. The search index is built on another thread once edits settle, so an
/// edit never waits for it. The returned watcher stops when dropped.
fn spawn_rebuild_loop(
    mut engine: Option<Engine>,
    first: Option<Arc<FirstRender>>,
    spec: SiteSpec,
    shared: Arc<Shared>,
    notify: Notify,
) -> Result<impl Drop, Error> {
    let (tx, rx) = std::sync::mpsc::channel::<Msg>();
    let tx_files = tx.clone();
    let watcher = watch::spawn(&watch_roots(&spec), move |batch| {
        let _ = tx_files.send(Msg::Files(batch));
    })
    .map_err(|e| Error::one(Diagnostic::new("serve/watch", format!("无法监视文件变化：{e}"))))?;
    std::thread::spawn(move || {
        if let (Some(e), Some(f)) = (engine.as_mut(), first) {
            finish_first_render(e, &f.binding, &shared, notify.as_ref());
        }
        let mut quiet_since = Instant::now();
        let mut searching = false;
        loop {
            let wait = if !searching && engine.as_ref().is_some_and(Engine::search_stale) {
                Duration::from_millis(200)
            } else {
                Duration::from_secs(3600)
            };
            match rx.recv_timeout(wait) {
                Ok(Msg::Files(mut batch)) => {
                    while let Ok(Msg::Files(more)) = rx.try_recv() {
                        batch.extend(more);
                    }
                    batch.sort();
                    batch.dedup();
                    if std::env::var_os("PUFA_DEBUG_WATCH").is_some() {
                        notify(Notice::Watched(&batch));
                    }
                    step(&mut engine, &spec, &batch, &shared, notify.as_ref());
                    quiet_since = Instant::now();
                }
                Ok(Msg::Search(done)) => {
                    searching = false;
                    if let Some(e) = engine.as_mut() {
                        let paths: Vec<String> = done.paths().cloned().chain(e.search_paths()).collect();
                        if e.install_search(done) {
                            shared.sync_files(e, Some(&paths));
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let due = quiet_since.elapsed() >= Duration::from_millis(800) && !searching;
                    let job = match engine.as_mut() {
                        Some(e) if due && e.error.is_none() => e.search_job(),
                        _ => None,
                    };
                    if let Some(job) = job {
                        searching = true;
                        let tx = tx.clone();
                        std::thread::spawn(move || {
                            let _ = tx.send(Msg::Search(job.run()));
                        });
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    Ok(watcher)
}

/// What the rebuild loop receives.
enum Msg {
    Files(Vec<PathBuf>),
    Search(engine::SearchDone),
}

/// Renders everything the first time and publishes it; until then the server renders pages
/// on request from the same binding. File events wait in the queue meanwhile.
fn finish_first_render(e: &mut Engine, binding: &crate::render::Binding, shared: &Shared, notify: &dyn Fn(Notice)) {
    let res = e.finish_render(binding);
    if let Ok(mut f) = shared.first.write() {
        *f = None;
    }
    match res {
        Ok(()) => shared.sync_files(e, None),
        Err(err) => {
            e.error = Some(err.clone());
            notify(Notice::Failed(&err));
            let mut p = (*shared.current()).clone();
            p.errors = Some(err.diagnostics);
            shared.publish(p);
        }
    }
}

/// Applies one batch of changes and tells open pages.
fn step(engine: &mut Option<Engine>, spec: &SiteSpec, batch: &[PathBuf], shared: &Shared, notify: &dyn Fn(Notice)) {
    let t = Instant::now();
    let res = match engine.as_mut() {
        Some(e) => e.apply(batch).map(Some),
        None => match Engine::load(spec.clone()) {
            Ok(e) => {
                *engine = Some(e);
                Ok(None)
            }
            Err(err) => Err(err),
        },
    };
    match res {
        Ok(changed) => {
            let e = engine.as_ref().expect("engine is loaded");
            let was_failing = shared.current().errors.is_some();
            let recovered = was_failing && e.error.is_none();
            shared.sync_files(e, changed.as_ref().map(|c| c.paths.as_slice()));
            shared.publish(Published::from_engine(e));
            if recovered {
                notify(Notice::Recovered);
            }
            let (paths, css_only, all) = match &changed {
                Some(c) => (c.paths.clone(), c.css_only, false),
                None => (Vec::new(), false, true),
            };
            // A mended error is told to open pages even when no output changed: their
            // error overlay goes.
            if paths.is_empty() && !all && !recovered {
                return;
            }
            let n = paths.iter().filter(|p| p.ends_with(".html")).count();
            if all || !paths.is_empty() {
                notify(Notice::Updated {
                    pages: (!all).then_some(n),
                    millis: t.elapsed().as_millis(),
                });
            }
            let all = all || paths.len() > 200;
            let _ = shared.events.send(PageEvent {
                kind: "change",
                generation: e.generation,
                paths: if all { Vec::new() } else { paths },
                all,
                css_only,
                errors: None,
            });
        }
        Err(err) => {
            notify(Notice::Failed(&err));
            let mut p = (*shared.current()).clone();
            p.errors = Some(err.diagnostics.clone());
            if let Some(e) = engine.as_ref() {
                // A failed update may have changed the site in place and put it back: the
                // editor's pointer must follow.
                p.site = Arc::downgrade(e.site_shared());
            }
            shared.publish(p);
            let _ = shared.events.send(PageEvent {
                kind: "failed",
                generation: 0,
                paths: Vec::new(),
                all: false,
                css_only: false,
                errors: Some(err.diagnostics),
            });
        }
    }
}

/// Folders to watch: the site, and the theme and config when they live outside it.
fn watch_roots(spec: &SiteSpec) -> Vec<PathBuf> {
    let mut roots = vec![spec.root.clone()];
    if let Ok(c) = crate::pipeline::load_config(spec) {
        let theme = c.theme_dir();
        if theme.is_dir() && !abs(&theme).starts_with(abs(&spec.root)) {
            roots.push(theme);
        }
    }
    if let Some(f) = &spec.config_file
        && !abs(f).starts_with(abs(&spec.root))
    {
        roots.push(f.clone());
    }
    roots
}
