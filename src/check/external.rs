//! `pufa check --external`: every external link fetched, politely, with a cache.
//!
//! At most `check.external_concurrency` requests run at once (8) and at most
//! `check.external_per_host` to one host (2); each may take `check.external_timeout` (10 s).
//! A link is asked with HEAD, and with GET when HEAD fails (many servers refuse HEAD);
//! redirects are followed by hand, up to 5, so a loop is named as one. Results are kept in
//! `.pufa-cache/external-links.json` under the site folder (git-ignored by the `.gitignore`
//! written beside it) for `check.external_cache` (24 h), so a rerun takes seconds. URLs matching
//! `check.skip_urls` are not fetched. The summary groups links by domain and marks domains that
//! are not government domains (`.gov.cn`), which the inspection asks a publisher to review.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// External URL → (the output it was first seen in, how many times it was seen).
pub type Found = HashMap<String, (String, usize)>;

/// The result of asking for one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Unix seconds of the check.
    pub checked: u64,
    pub ok: bool,
    /// The final HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// What went wrong, in words.
    pub error: Option<String>,
}

/// One broken external link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenExternal {
    pub url: String,
    pub output: String,
    pub count: usize,
    pub reason: String,
}

/// External links by domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    pub domain: String,
    pub government: bool,
    pub links: usize,
    pub broken: usize,
}

/// What the external check saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Whether the links were fetched (`--external`).
    pub checked: bool,
    pub urls: usize,
    pub fetched: usize,
    pub from_cache: usize,
    pub skipped: usize,
    pub broken: usize,
    pub domains: Vec<Domain>,
}

impl Summary {
    /// The domains of the URLs found, without fetching them.
    pub fn unchecked(found: Found) -> Summary {
        Summary {
            checked: false,
            urls: found.len(),
            fetched: 0,
            from_cache: 0,
            skipped: 0,
            broken: 0,
            domains: domains(found.keys().map(|u| (u.as_str(), false))),
        }
    }
}

/// Limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    pub cache_for: Duration,
}

impl Limits {
    pub fn of(config: &Config) -> Limits {
        let c = &config.check;
        let dur = |s: &Option<String>, default: u64| {
            s.as_deref()
                .and_then(parse_duration)
                .unwrap_or(Duration::from_secs(default))
        };
        Limits {
            concurrency: c.external_concurrency.unwrap_or(8).max(1),
            per_host: c.external_per_host.unwrap_or(2).max(1),
            timeout: dur(&c.external_timeout, 10),
            cache_for: dur(&c.external_cache, 24 * 3600),
        }
    }
}

/// `10s`, `30m`, `24h`, `2d` as a duration.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let n: u64 = s[..digits].parse().ok()?;
    let unit = match s[digits..].trim() {
        "ms" => return Some(Duration::from_millis(n)),
        "s" | "" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(n * unit))
}

/// Fetches the URLs of `found` (unless skipped or cached) and reports the broken ones.
pub fn check(config: &Config, found: &Found) -> (Vec<BrokenExternal>, Summary) {
    let limits = Limits::of(config);
    let cache_file = cache_path(config);
    let mut cache = read_cache(&cache_file);
    let now = unix_now();
    let mut summary = Summary {
        checked: true,
        urls: found.len(),
        fetched: 0,
        from_cache: 0,
        skipped: 0,
        broken: 0,
        domains: Vec::new(),
    };
    let mut todo = Vec::new();
    let mut results: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut urls: Vec<&String> = found.keys().collect();
    urls.sort();
    for url in urls {
        if config.check.skip_urls.iter().any(|p| matches_pattern(p, url)) {
            summary.skipped += 1;
        } else if let Some(o) = cache
            .get(url)
            .filter(|o| now.saturating_sub(o.checked) < limits.cache_for.as_secs())
        {
            summary.from_cache += 1;
            results.insert(url.clone(), o.clone());
        } else {
            todo.push(url.clone());
        }
    }
    summary.fetched = todo.len();
    for (url, o) in fetch_all(todo, limits) {
        cache.insert(url.clone(), o.clone());
        results.insert(url, o);
    }
    if summary.fetched > 0 {
        write_cache(&cache_file, &cache);
    }
    let mut broken = Vec::new();
    for (url, o) in &results {
        if !o.ok {
            let (output, count) = found.get(url).cloned().unwrap_or_default();
            broken.push(BrokenExternal {
                url: url.clone(),
                output,
                count,
                reason: o.error.clone().unwrap_or_default(),
            });
        }
    }
    summary.broken = broken.len();
    summary.domains = domains(
        found
            .keys()
            .map(|u| (u.as_str(), results.get(u).is_some_and(|o| !o.ok))),
    );
    (broken, summary)
}

/// `*` matches anything; a pattern without `*` matches URLs starting with it.
pub fn matches_pattern(pattern: &str, url: &str) -> bool {
    if !pattern.contains('*') {
        return url.starts_with(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = url;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(p) = rest.find(part) else { return false };
            rest = &rest[p + part.len()..];
        }
    }
    true
}

/// Groups URLs (with whether each is broken) by host.
fn domains<'a>(urls: impl Iterator<Item = (&'a str, bool)>) -> Vec<Domain> {
    let mut by: BTreeMap<String, Domain> = BTreeMap::new();
    for (url, bad) in urls {
        let host = host_of(url).to_ascii_lowercase();
        let d = by.entry(host.clone()).or_insert_with(|| Domain {
            government: is_government(&host),
            domain: host,
            links: 0,
            broken: 0,
        });
        d.links += 1;
        d.broken += usize::from(bad);
    }
    by.into_values().collect()
}

/// Government domains: `gov.cn` and below it.
pub fn is_government(host: &str) -> bool {
    host == "gov.cn" || host.ends_with(".gov.cn")
}

/// The host of an absolute URL (without port).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority
            .split(']')
            .next()
            .map_or(authority, |h| &authority[..h.len() + 1]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Fetches `urls` with the limits: a fixed set of workers, each taking the first URL whose
/// host has fewer than `per_host` requests running.
fn fetch_all(urls: Vec<String>, limits: Limits) -> Vec<(String, Outcome)> {
    struct Queue {
        waiting: VecDeque<String>,
        running: HashMap<String, usize>,
        done: Vec<(String, Outcome)>,
    }
    let queue = Mutex::new(Queue {
        waiting: urls.into(),
        running: HashMap::new(),
        done: Vec::new(),
    });
    let changed = Condvar::new();
    let agent = agent(limits.timeout);
    let take = |q: &mut Queue| {
        let i = q
            .waiting
            .iter()
            .position(|u| q.running.get(host_of(u)).copied().unwrap_or(0) < limits.per_host)?;
        let url = q.waiting.remove(i)?;
        *q.running.entry(host_of(&url).to_string()).or_insert(0) += 1;
        Some(url)
    };
    std::thread::scope(|s| {
        for _ in 0..limits.concurrency {
            s.spawn(|| {
                loop {
                    let Ok(mut q) = queue.lock() else { return };
                    let url = loop {
                        if let Some(u) = take(&mut q) {
                            break u;
                        }
                        if q.waiting.is_empty() {
                            return;
                        }
                        let Ok(g) = changed.wait(q) else { return };
                        q = g;
                    };
                    drop(q);
                    let outcome = fetch(&agent, &url);
                    let Ok(mut q) = queue.lock() else { return };
                    if let Some(n) = q.running.get_mut(host_of(&url)) {
                        *n -= 1;
                    }
                    q.done.push((url, outcome));
                    changed.notify_all();
                }
            });
        }
    });
    queue.into_inner().map(|q| q.done).unwrap_or_default()
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("pufa-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// The most redirects followed.
const MAX_REDIRECTS: usize = 5;

/// Asks for `url`: HEAD, then GET when HEAD does not succeed; follows redirects.
fn fetch(agent: &ureq::Agent, url: &str) -> Outcome {
    let mut current = url.to_string();
    let mut seen = vec![current.clone()];
    for _ in 0..=MAX_REDIRECTS {
        let answer = match ask(agent, &current, true) {
            Ok(a) if a.0 < 400 => Ok(a),
            Err(e) if e.contains("超时") => Err(e),
            _ => ask(agent, &current, false),
        };
        let (status, location) = match answer {
            Ok(a) => a,
            Err(e) => return outcome(false, None, Some(e)),
        };
        match (status, location) {
            (300..=399, Some(loc)) => {
                let next = join_url(&current, &loc);
                if seen.contains(&next) {
                    return outcome(false, Some(status), Some(format!("重定向循环：{}", seen.join(" → "))));
                }
                seen.push(next.clone());
                current = next;
            }
            (200..=299, _) => return outcome(true, Some(status), None),
            (s, _) => return outcome(false, Some(s), Some(format!("服务器返回 HTTP {s}{}", status_words(s)))),
        }
    }
    outcome(false, None, Some(format!("重定向超过 {MAX_REDIRECTS} 次")))
}

fn outcome(ok: bool, status: Option<u16>, error: Option<String>) -> Outcome {
    Outcome {
        checked: unix_now(),
        ok,
        status,
        error,
    }
}

/// One request: (status, Location header) or what went wrong, in words.
fn ask(agent: &ureq::Agent, url: &str, head: bool) -> Result<(u16, Option<String>), String> {
    let res = if head {
        agent.head(url).call()
    } else {
        agent.get(url).call()
    };
    match res {
        Ok(r) => {
            let loc = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            Ok((r.status().as_u16(), loc))
        }
        Err(e) => Err(error_words(&e)),
    }
}

fn error_words(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "连接超时（服务器没有及时回应）".to_string(),
        ureq::Error::HostNotFound => "找不到这个网址的服务器（域名无法解析）".to_string(),
        ureq::Error::ConnectionFailed => "无法连接到服务器".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "服务器拒绝连接".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            "连接超时（服务器没有及时回应）".to_string()
        }
        other if other.to_string().contains("lookup") => "找不到这个网址的服务器（域名无法解析）".to_string(),
        other => format!("请求失败：{other}"),
    }
}

fn status_words(s: u16) -> &'static str {
    match s {
        404 => "（页面不存在）",
        403 => "（禁止访问）",
        410 => "（页面已删除）",
        500..=599 => "（服务器出错）",
        _ => "",
    }
}

/// `loc` (a Location header) relative to `base`.
fn join_url(base: &str, loc: &str) -> String {
    if loc.contains("://") {
        return loc.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = loc.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    if loc.starts_with('/') {
        return format!("{}{loc}", &base[..path_start]);
    }
    if path_start == base.len() {
        return format!("{base}/{loc}");
    }
    let dir_end = base[path_start..].rfind('/').map_or(base.len(), |i| path_start + i + 1);
    format!("{}{loc}", &base[..dir_end.max(path_start)])
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Where the cache lives: ROOT/.pufa-cache/external-links.json.
pub fn cache_path(config: &Config) -> PathBuf {
    config.cache_dir().join("external-links.json")
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    links: BTreeMap<String, Outcome>,
}

fn read_cache(path: &Path) -> BTreeMap<String, Outcome> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
        .filter(|c| c.version == 1)
        .map(|c| c.links)
        .unwrap_or_default()
}

/// Writes the cache and the `.gitignore` that keeps the folder out of git. A cache that cannot
/// be written only makes the next run slower, so failures are ignored.
fn write_cache(path: &Path, links: &BTreeMap<String, Outcome>) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let _ = std::fs::write(dir.join(".gitignore"), "# pufa check 的外链检查缓存，不必提交。\n*\n");
    let file = CacheFile {
        version: 1,
        links: links.clone(),
    };
    if let Ok(json) = serde_json::to_vec_pretty(&file) {
        let tmp = path.with_extension("json.tmp");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_hosts_and_urls() {
        assert!(matches_pattern("https://www.gov.cn/", "https://www.gov.cn/a"));
        assert!(matches_pattern("*.example.com/*", "https://a.example.com/x"));
        assert!(!matches_pattern("*.example.com/*", "https://a.example.org/x"));
        assert_eq!(host_of("https://user@www.zs.gov.cn:8443/a?b"), "www.zs.gov.cn");
        assert!(is_government("www.zs.gov.cn") && !is_government("www.people.com.cn"));
        assert_eq!(join_url("http://a.cn/x/y", "/z"), "http://a.cn/z");
        assert_eq!(join_url("http://a.cn/x/y", "z"), "http://a.cn/x/z");
        assert_eq!(join_url("http://a.cn", "z"), "http://a.cn/z");
        assert_eq!(parse_duration("24h"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("1 s"), Some(Duration::from_secs(1)));
        assert_eq!(parse_duration("soon"), None);
    }
}
