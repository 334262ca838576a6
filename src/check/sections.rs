//! 栏目: a section without any published page is an error (空白栏目); a section that declares
//! `update_every` gets a warning when its newest page is older than that on `today`.

use super::finding::Finding;
use crate::content::Site;
use crate::content::date::Date;
use crate::content::page::Section;
use crate::diagnostics::Diagnostic;

/// The section findings of a site.
pub fn check(site: &Site, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in site.sections.values().filter(|s| !s.key.is_empty()) {
        let pages = pages_below(site, &s.key);
        if pages.is_empty() && s.body.word_count == 0 {
            out.push(Finding::new(
                at_section(site, s, "section/empty", format!("栏目“{}”是空白栏目：没有任何已发布的页面", s.title))
                    .with_hint("检查时空白栏目按单项否决处理。请发布内容，或删除这个栏目（删掉它的文件夹或 _index.md）。草稿（draft: true）不算已发布。"),
            ));
            continue;
        }
        let Some(every) = s.front.update_every else { continue };
        let newest = pages
            .iter()
            .filter_map(|p| crate::content::updated_on(p, today))
            .max_by_key(Date::days);
        let stale = match newest {
            Some(d) => every.after(d).days() < today.days(),
            None => true,
        };
        if stale {
            let when = newest.map_or("没有带日期的页面".to_string(), |d| {
                format!("最新一篇是 {}", d.ymd_string())
            });
            out.push(Finding::new(
                at_section(
                    site,
                    s,
                    "section/stale",
                    format!("栏目“{}”要求每 {} 更新，{when}，到 {} 已超期", s.title, every.label(), today.ymd_string()),
                )
                .with_hint("栏目长期不更新按单项否决处理。请发布新内容（写上发布日期 date），或修改 _index.md 里的 update_every。"),
            ));
        }
    }
    out
}

/// Every published page in a section and the sections below it.
fn pages_below<'a>(site: &'a Site, key: &str) -> Vec<&'a crate::content::page::Page> {
    let prefix = format!("{key}/");
    site.pages
        .values()
        .filter(|p| p.section == key || p.section.starts_with(&prefix))
        .map(|p| p.as_ref())
        .collect()
}

/// A diagnostic on a section's `_index.md` (at `update_every` when it has one), warning or error
/// by code.
fn at_section(site: &Site, s: &Section, code: &'static str, message: String) -> Diagnostic {
    let mut d = if code == "section/empty" {
        Diagnostic::new(code, message)
    } else {
        Diagnostic::warning(code, message)
    };
    d = d.in_file(&s.shown);
    let Ok(text) = std::fs::read_to_string(site.config.root.join(&s.shown)) else {
        return d;
    };
    match text.find("update_every").filter(|_| code == "section/stale") {
        Some(i) => d.at_offset(&text, i, "update_every".len()),
        None => d.at_line_col(&text, 1, 1, 3),
    }
}
