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
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::build::SiteSpec;
use crate::cmd::serve::ServeArgs;
use crate::diagnostics::{Diagnostic, Error};
use crate::util::abs;
use engine::{Engine, Entry};

/// The state of the preview other than its files.
#[derive(Clone, Default)]
pub struct Published {
    pub errors: Option<Vec<Diagnostic>>,
    pub generation: u64,
    pub base_path: String,
}

impl Published {
    fn from_engine(e: &Engine) -> Published {
        Published {
            errors: e.error.as_ref().map(|x| x.diagnostics.clone()),
            generation: e.generation,
            base_path: e.config().base_path.clone(),
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
pub struct Shared {
    pub published: RwLock<Arc<Published>>,
    /// Every file served, by output path; updated path by path as the site changes.
    pub files: RwLock<HashMap<String, Entry>>,
    pub events: tokio::sync::broadcast::Sender<PageEvent>,
}

impl Shared {
    pub fn file(&self, path: &str) -> Option<Entry> {
        self.files.read().ok().and_then(|f| f.get(path).cloned())
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

fn print_error(e: &Error) {
    eprintln!("{}\n", e.render(crate::cmd::color()));
    eprintln!("（页面上会显示同样的错误；改正并保存后会自动恢复。）\n");
}

/// Runs `pufa serve` until Ctrl+C.
pub fn run(args: ServeArgs) -> Result<(), Error> {
    let spec = args.site.spec();
    let started = Instant::now();
    let mut engine = match Engine::load(spec.clone()) {
        Ok(e) => Some(e),
        Err(e) => {
            print_error(&e);
            None
        }
    };
    let base_path = match &engine {
        Some(e) => e.config().base_path.clone(),
        None => crate::build::load_config(&spec)
            .map(|c| c.base_path)
            .unwrap_or_else(|_| "/".into()),
    };
    let (tx_events, _) = tokio::sync::broadcast::channel(64);
    let shared = Arc::new(Shared {
        published: RwLock::new(Arc::new(match &engine {
            Some(e) => Published::from_engine(e),
            None => Published {
                base_path: base_path.clone(),
                errors: Some(Vec::new()),
                ..Default::default()
            },
        })),
        files: RwLock::new(HashMap::new()),
        events: tx_events,
    });
    if let Some(e) = &engine {
        shared.sync_files(e, None);
    }
    if let (Some(e), None) = (&engine, shared.current().errors.as_ref()) {
        crate::cmd::print_warnings(&e.warnings(), 10);
    }

    let ip: IpAddr = args.bind.parse().map_err(|_| {
        Error::one(Diagnostic::new(
            "serve/bind",
            format!("--bind 的地址无效：{}", args.bind),
        ))
    })?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::one(Diagnostic::new("serve", e.to_string())))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port)))
        .map_err(|e| {
            let msg = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("端口 {} 已被占用（可能另一个 pufa serve 正在运行）", args.port)
            } else {
                format!("无法监听 {}:{}：{e}", args.bind, args.port)
            };
            Error::one(
                Diagnostic::new("serve/bind", msg).with_hint("用 --port 换一个端口，或用 --port 0 自动选择空闲端口。"),
            )
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::one(Diagnostic::new("serve", e.to_string())))?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let url = format!("http://{host}:{}{base_path}", addr.port());
    println!(
        "pufa serve：预览地址 {url} （用时 {:.2} 秒；按 Ctrl+C 退出）",
        started.elapsed().as_secs_f64()
    );
    if !addr.ip().is_loopback() {
        eprintln!(
            "{}",
            console::style(format!(
                "注意：正在监听 {}，局域网内的其他电脑也能看到这个预览（包括草稿）。只在本机预览请去掉 --bind。",
                addr.ip()
            ))
            .yellow()
            .bold()
        );
    }
    if args.open {
        open_browser(&url);
    }

    // Rebuild loop: file events in, files and page events out. The search index is built
    // on another thread once edits settle, so an edit never waits for it.
    let (tx, rx) = std::sync::mpsc::channel::<Msg>();
    let roots = watch_roots(&spec);
    let tx_files = tx.clone();
    let _watcher = watch::spawn(&roots, move |batch| {
        let _ = tx_files.send(Msg::Files(batch));
    })
    .map_err(|e| Error::one(Diagnostic::new("serve/watch", format!("无法监视文件变化：{e}"))))?;
    let loop_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
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
                        eprintln!("[watch] {batch:?}");
                    }
                    step(&mut engine, &spec, &batch, &loop_shared);
                    quiet_since = Instant::now();
                }
                Ok(Msg::Search(generation, files)) => {
                    searching = false;
                    if let Some(e) = engine.as_mut() {
                        let paths: Vec<String> = files.iter().map(|(p, _)| p.clone()).chain(e.search_paths()).collect();
                        if e.install_search(generation, files) {
                            loop_shared.sync_files(e, Some(&paths));
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if quiet_since.elapsed() >= Duration::from_millis(800)
                        && !searching
                        && let Some(job) = engine
                            .as_ref()
                            .and_then(|e| if e.error.is_none() { e.search_job() } else { None })
                    {
                        searching = true;
                        let tx = tx.clone();
                        std::thread::spawn(move || {
                            let (generation, files) = job.run();
                            let _ = tx.send(Msg::Search(generation, files));
                        });
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });

    rt.block_on(server::serve(listener, Arc::clone(&shared)));
    Ok(())
}

/// What the rebuild loop receives.
enum Msg {
    Files(Vec<PathBuf>),
    Search(u64, Vec<(String, Vec<u8>)>),
}

/// Applies one batch of changes and tells open pages.
fn step(engine: &mut Option<Engine>, spec: &SiteSpec, batch: &[PathBuf], shared: &Shared) {
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
            shared.sync_files(e, changed.as_ref().map(|c| c.paths.as_slice()));
            shared.publish(Published::from_engine(e));
            let (paths, css_only, all) = match &changed {
                Some(c) => (c.paths.clone(), c.css_only, false),
                None => (Vec::new(), false, true),
            };
            if paths.is_empty() && !all {
                return;
            }
            let n = paths.iter().filter(|p| p.ends_with(".html")).count();
            println!(
                "✔ 已更新 {} 个页面（{} 毫秒）",
                if all { "全部".to_string() } else { n.to_string() },
                t.elapsed().as_millis()
            );
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
            print_error(&err);
            let mut p = (*shared.current()).clone();
            p.errors = Some(err.diagnostics.clone());
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
    if let Ok(c) = crate::build::load_config(spec) {
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

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
