//! Redirect pages for `aliases:` (a page's old addresses): a small HTML page with a meta
//! refresh, a canonical link and a visible link to the new address, no JavaScript. Rendered
//! in code rather than by a template so that a theme cannot lose them.

use super::{Input, RenderData, record};
use crate::config::Config;
use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::markdown::escape;

/// The URLs (with the base path) of a page's aliases, as its template value lists them.
pub fn urls(config: &Config, p: &Page) -> Vec<String> {
    p.front
        .aliases
        .iter()
        .flat_map(|l| &l.0)
        .filter_map(|a| crate::content::aliases::normalize(a).ok())
        .map(|a| config.url(&a))
        .collect()
}

/// The redirect page written at alias `path`.
pub fn render(d: &RenderData, path: &str) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let page = site
        .index
        .aliases
        .get(path)
        .and_then(|rel| site.pages.get(rel))
        .ok_or_else(|| Diagnostic::new("internal", format!("no page for alias {path}")))?;
    record(Input::PageMeta(page.rel.clone()));
    let config = &site.config;
    let url = escape(&config.url(&page.path));
    let permalink = escape(&config.permalink(&page.path));
    let title = escape(page.title());
    let site_title = escape(&config.title);
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>页面已迁移：{title} - {site_title}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{permalink}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n\
         <main>\n<h1>页面已迁移</h1>\n\
         <p>这个页面已经搬到新的网址：<a href=\"{url}\">{title}</a>。如果没有自动跳转，请点击这个链接。</p>\n\
         </main>\n</body>\n</html>\n"
    )
    .into_bytes())
}
