//! Who refers to a page, and rewriting those references when it moves.
//!
//! A page is named by `@/` links in any content file (drafts and files that do not build
//! included: this reads the files on disk, not the last good site), by the `projects:` lists
//! of reports and cases when it is a project, and by `nav` entries in `config.yaml`. Moving a
//! page rewrites every link and project reference it can, each checked by parsing the result
//! again; deleting a page is refused while anything refers to it.

use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;

use super::front;
use crate::config::{Config, Kind};
use crate::content::front_matter;
use crate::content::page::page_dir_and_stem;
use crate::diagnostics::line_col;

/// One reference to the page, where it is and how it would read after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The file, as shown (`content/cases/wuye.md`, `config.yaml`).
    pub file: String,
    /// Content-relative path of the file (empty for `config.yaml`).
    #[serde(skip)]
    pub rel: String,
    pub line: usize,
    /// The line as it is now.
    pub source_line: String,
    /// 链接, 普法项目 or 导航.
    pub what: &'static str,
    /// Where in the file the text to replace is, and its replacement; `None` when it cannot
    /// be rewritten automatically (then a move is refused).
    #[serde(skip)]
    pub edit: Option<(Range<usize>, String)>,
}

/// The page a search is about, and where it is going.
pub struct Move<'a> {
    /// Content-relative path now: `cases/x.md` or `cases/x/index.md`.
    pub from: &'a str,
    /// Where it goes (same shape), or `None` for a deletion.
    pub to: Option<&'a str>,
    pub kind: Kind,
    /// The project slug now, and after the move (a project referred to by slug).
    pub slugs: Option<(String, String)>,
}

impl Move<'_> {
    /// The `@/` target forms that name the page, with their replacements.
    fn forms(&self) -> Vec<(String, String)> {
        let to = self.to.unwrap_or("");
        let mut out = vec![(self.from.to_string(), to.to_string())];
        if let Some(old) = self.from.strip_suffix("/index.md") {
            let new = to
                .strip_suffix("/index.md")
                .map(|n| format!("{n}.md"))
                .unwrap_or_default();
            out.push((format!("{old}.md"), new));
        }
        out
    }

    /// For a bundle, the folder prefix its files are linked by: (`cases/x/`, `cases/y/`).
    fn bundle_prefix(&self) -> Option<(String, String)> {
        let old = self.from.strip_suffix("index.md")?;
        let new = self.to.and_then(|t| t.strip_suffix("index.md")).unwrap_or("");
        Some((old.to_string(), new.to_string()))
    }

    /// A word a file must contain to be worth parsing.
    fn needle(&self) -> &str {
        page_dir_and_stem(self.from).1
    }

    /// The new target for a link to `t` (as written after `@/`, without anchor), when `t`
    /// names the page or a file of its bundle.
    fn retarget(&self, t: &str) -> Option<String> {
        let t = t.trim_start_matches('/');
        if let Some((_, new)) = self.forms().into_iter().find(|(old, _)| old == t) {
            return Some(new);
        }
        let (old, new) = self.bundle_prefix()?;
        t.strip_prefix(&old).map(|rest| format!("{new}{rest}"))
    }
}

/// Every reference to the page in `config`'s site.
pub fn references(config: &Config, m: &Move) -> Vec<Reference> {
    let mut out = Vec::new();
    for (rel, path) in content_files(config) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let shown = format!("content/{rel}");
        if text.contains("@/") && text.contains(m.needle()) {
            out.extend(links_in(&text, &rel, &shown, m));
        }
        if let Some((old, new)) = &m.slugs
            && text.contains(old.as_str())
            && let Some(r) = project_ref(&text, &rel, &shown, old, new)
        {
            out.push(r);
        }
    }
    for item in config.nav.iter().flatten() {
        if let Some(t) = item.url.strip_prefix("@/")
            && m.retarget(t.split('#').next().unwrap_or(t)).is_some()
        {
            out.push(nav_ref(config, &item.url));
        }
    }
    out
}

/// Content `.md` files of the site, with their content-relative paths: walked as a build
/// walks content/ ([`crate::walk::site_files`]), so a page a symlink inside the site brings in
/// is listed and its links kept up to date too.
pub(crate) fn content_files(config: &Config) -> Vec<(String, PathBuf)> {
    let content = config.content_dir();
    crate::walk::site_files(config, &content)
        .0
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| (crate::diagnostics::display_path(&p, &content), p))
        .collect()
}

/// The `@/` links in one file that name the page.
fn links_in(text: &str, rel: &str, shown: &str, m: &Move) -> Vec<Reference> {
    let Ok(split) = front_matter::split(text, shown) else {
        return Vec::new();
    };
    let rendered = crate::markdown::render(split.body);
    let mut out = Vec::new();
    for l in &rendered.links {
        let Some(new) = m.retarget(&l.target) else { continue };
        let range = split.body_offset + l.range.start..split.body_offset + l.range.end;
        let (line, _) = line_col(text, range.start);
        let written = text.get(range.clone()).unwrap_or("");
        // Only a destination written exactly as `@/…` is rewritten (not a reference-style
        // definition elsewhere, which the renderer does not locate).
        let edit = written.starts_with("@/").then(|| {
            let anchor = written.find('#').map_or("", |i| &written[i..]);
            (range.clone(), format!("@/{new}{anchor}"))
        });
        out.push(Reference {
            file: shown.to_string(),
            rel: rel.to_string(),
            line,
            source_line: source_line(text, line),
            what: "链接",
            edit: edit.filter(|_| m.to.is_some()),
        });
    }
    out
}

/// A report's or case's `projects:` entry naming the project `old`, rewritten to `new`.
fn project_ref(text: &str, rel: &str, shown: &str, old: &str, new: &str) -> Option<Reference> {
    let read = front::read(text, shown).ok()?;
    let list = read.values.get("projects")?.as_array()?.clone();
    if !list.iter().any(|v| v.as_str() == Some(old)) {
        return None;
    }
    let start = text.find("\nprojects:").map(|i| i + 1)?;
    let mut end = start;
    for (i, l) in text[start..].split_inclusive('\n').enumerate() {
        if i > 0 && !l.starts_with([' ', '\t', '-']) {
            break;
        }
        end += l.len();
    }
    let replaced = replace_word(&text[start..end], old, new);
    let mut after = text.to_string();
    after.replace_range(start..end, &replaced);
    let want: Vec<String> = list
        .iter()
        .filter_map(|v| v.as_str())
        .map(|s| if s == old { new.to_string() } else { s.to_string() })
        .collect();
    let got: Option<Vec<String>> = front::read(&after, shown).ok().and_then(|r| {
        r.values
            .get("projects")?
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
    });
    let (line, _) = line_col(text, start);
    Some(Reference {
        file: shown.to_string(),
        rel: rel.to_string(),
        line,
        source_line: source_line(text, line),
        what: "普法项目",
        edit: (got.as_ref() == Some(&want)).then_some((start..end, replaced)),
    })
}

/// Replaces `old` in `s` where it stands as a whole list item (between `[`, `,`, quotes,
/// `- ` and the line's end).
fn replace_word(s: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(old) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + old.len()..].chars().next();
        let edge_before = before.is_none_or(|c| " [,\"'-:".contains(c));
        let edge_after = after.is_none_or(|c| " ],\"'\n\r".contains(c));
        out.push_str(&rest[..i]);
        out.push_str(if edge_before && edge_after { new } else { old });
        rest = &rest[i + old.len()..];
    }
    out.push_str(rest);
    out
}

fn nav_ref(config: &Config, url: &str) -> Reference {
    let text = std::fs::read_to_string(&config.file).unwrap_or_default();
    let line = text.lines().position(|l| l.contains(url)).map_or(0, |i| i + 1);
    Reference {
        file: "config.yaml".into(),
        rel: String::new(),
        line,
        source_line: source_line(&text, line),
        what: "导航",
        edit: None,
    }
}

fn source_line(text: &str, line: usize) -> String {
    text.lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end()
        .to_string()
}

/// `text` with the edits (ranges into `text`) applied.
pub fn apply_edits(text: &str, edits: &[&(Range<usize>, String)]) -> String {
    let mut sorted: Vec<&&(Range<usize>, String)> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.0.start));
    let mut out = text.to_string();
    for (range, new) in sorted.into_iter().map(|e| (&e.0, &e.1)) {
        if text.is_char_boundary(range.start) && text.is_char_boundary(range.end) {
            out.replace_range(range.clone(), new);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_replaced_as_whole_words() {
        assert_eq!(
            replace_word("projects: [xuefa, xuefa2]\n", "xuefa", "new"),
            "projects: [new, xuefa2]\n"
        );
        assert_eq!(
            replace_word("projects:\n  - \"xuefa\"\n", "xuefa", "学法"),
            "projects:\n  - \"学法\"\n"
        );
        assert_eq!(replace_word("projects: xuefa\n", "xuefa", "n"), "projects: n\n");
    }

    #[test]
    fn targets_of_a_page_and_of_its_bundle() {
        let m = Move {
            from: "cases/x/index.md",
            to: Some("cases/y/index.md"),
            kind: Kind::Case,
            slugs: None,
        };
        assert_eq!(m.retarget("cases/x.md").as_deref(), Some("cases/y.md"));
        assert_eq!(m.retarget("/cases/x/index.md").as_deref(), Some("cases/y/index.md"));
        assert_eq!(m.retarget("cases/x/photo.jpg").as_deref(), Some("cases/y/photo.jpg"));
        assert_eq!(m.retarget("cases/xx.md"), None);
        let m = Move {
            from: "cases/x.md",
            to: Some("projects/x.md"),
            kind: Kind::Case,
            slugs: None,
        };
        assert_eq!(m.retarget("cases/x.md").as_deref(), Some("projects/x.md"));
        assert_eq!(m.retarget("cases/x/a.png"), None);
    }

    #[test]
    fn links_keep_their_anchor_and_code_is_left_alone() {
        let text = "---\ntitle: a\n---\n\n见[甲](@/cases/x.md#一基本案情)和[乙](@//cases/x.md)。\n\n```\n[丙](@/cases/x.md)\n```\n";
        let m = Move {
            from: "cases/x.md",
            to: Some("cases/新.md"),
            kind: Kind::Case,
            slugs: None,
        };
        let refs = links_in(text, "a.md", "content/a.md", &m);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].line, 5);
        let edits: Vec<&(Range<usize>, String)> = refs.iter().filter_map(|r| r.edit.as_ref()).collect();
        let after = apply_edits(text, &edits);
        assert!(
            after.contains("[甲](@/cases/新.md#一基本案情)和[乙](@/cases/新.md)。"),
            "{after}"
        );
        assert!(after.contains("[丙](@/cases/x.md)"), "{after}");
    }
}
