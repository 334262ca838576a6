//! The word lists the wording check reads: canonical terms, known wrong forms and common
//! 错别字, as data a publisher can extend.
//!
//! The lists bundled with pufa are `data/terms.txt` and `data/typos.txt`; a site adds its own
//! organisation, its publishers, `check.terms` and a `terms.txt` in the site folder (or the file
//! `check.terms_file` names). Every list has one format: a term per line, `[类别]` lines naming
//! the category, `错误 => 正确` lines for a wrong form (`!文字` after it for texts in which the
//! wrong form is not wrong, `!…文字` for a word that, later in the same sentence, makes it
//! right), `#` comments.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, display_path, io_diagnostic};

const BUNDLED_TERMS: &str = include_str!("data/terms.txt");
const BUNDLED_TYPOS: &str = include_str!("data/typos.txt");

/// A term that must be written exactly so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    pub text: String,
    pub category: String,
}

/// A wrong form and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongForm {
    pub wrong: String,
    pub right: String,
    pub category: String,
    /// Texts containing the wrong form in which it is right (按装修 for 按装).
    pub unless_in: Vec<String>,
    /// Words that, later in the same sentence, make it right (既使……又).
    pub unless_later: Vec<String>,
    /// A serious wording error (an error) rather than a common typo (a warning).
    pub serious: bool,
}

/// Everything the detector is built from.
#[derive(Debug, Clone, Default)]
pub struct WordLists {
    pub terms: Vec<Canonical>,
    pub wrong: Vec<WrongForm>,
    /// Texts that are right as written wherever they appear (`check.allow`).
    pub allowed: Vec<String>,
}

impl WordLists {
    /// pufa's own lists, without anything from a site.
    pub fn bundled() -> WordLists {
        let mut lists = WordLists::default();
        // The bundled lists are part of pufa and tested; a line they cannot hold is a bug.
        let _ = lists.add_text(BUNDLED_TERMS, true);
        let _ = lists.add_text(BUNDLED_TYPOS, false);
        lists
    }

    /// The bundled lists plus the site's: its organisation and publishers, `check.terms`,
    /// `check.allow` and its terms file.
    pub fn for_site(config: &Config, publishers: &[String]) -> Result<WordLists, Error> {
        let mut lists = WordLists::bundled();
        let site = "本站名称";
        let org = &config.organisation;
        let names = std::iter::once(&org.name)
            .chain(org.organizer.iter())
            .chain(publishers.iter())
            .chain(config.check.terms.iter());
        for name in names {
            for form in name_forms(name.trim()) {
                lists.add_term(&form, site);
            }
        }
        lists.allowed = config.check.allow.iter().map(|a| a.trim().to_string()).collect();
        lists.allowed.retain(|a| !a.is_empty());
        let (path, required) = match &config.check.terms_file {
            Some(f) => (config.root.join(f), true),
            None => (config.root.join("terms.txt"), false),
        };
        if path.is_file() || required {
            let text =
                std::fs::read_to_string(&path).map_err(|e| Error::one(io_diagnostic(&path, &e, "读取规范表述词表")))?;
            let shown = display_path(&path, &config.root);
            lists.add_file(&text, &shown)?;
        }
        Ok(lists)
    }

    fn add_term(&mut self, text: &str, category: &str) {
        if !text.is_empty() && !self.terms.iter().any(|t| t.text == text) {
            self.terms.push(Canonical {
                text: text.to_string(),
                category: category.to_string(),
            });
        }
    }

    /// Adds a site's terms file; a wrong form there is a serious error.
    fn add_file(&mut self, text: &str, shown: &str) -> Result<(), Error> {
        self.add_text(text, true).map_err(|(line, msg)| {
            Error::one(
                Diagnostic::new("check/terms-file", msg)
                    .in_file(shown)
                    .at_line_col(text, line, 1, 1)
                    .with_hint("每行写一个规范名称，或写“错误写法 => 规范写法”；# 开头的行是注释。"),
            )
        })
    }

    /// Adds lines in the list format; `serious` says whether its wrong forms are serious.
    /// Fails with (line, message) on a line it cannot read.
    fn add_text(&mut self, text: &str, serious: bool) -> Result<(), (usize, String)> {
        let mut category = if serious { "规范表述" } else { "常见错别字" }.to_string();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(c) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                category = c.trim().to_string();
                continue;
            }
            match line.split_once("=>") {
                None => self.add_term(line, &category),
                Some((wrong, rest)) => {
                    let w = parse_wrong(wrong.trim(), rest, &category, serious).map_err(|m| (i + 1, m))?;
                    self.wrong.push(w);
                }
            }
        }
        Ok(())
    }
}

fn parse_wrong(wrong: &str, rest: &str, category: &str, serious: bool) -> Result<WrongForm, String> {
    let mut parts = rest.split_whitespace();
    let right = parts.next().unwrap_or("").to_string();
    if wrong.is_empty() || right.is_empty() || wrong == right {
        return Err(format!("这一行应写成“错误写法 => 正确写法”：{wrong} =>{rest}"));
    }
    let mut w = WrongForm {
        wrong: wrong.to_string(),
        right,
        category: category.to_string(),
        unless_in: Vec::new(),
        unless_later: Vec::new(),
        serious,
    };
    for p in parts {
        match p.strip_prefix('!') {
            Some(later) if later.starts_with('…') => w.unless_later.push(later.trim_start_matches('…').to_string()),
            Some(text) if text.contains(wrong) => w.unless_in.push(text.to_string()),
            _ => {
                return Err(format!(
                    "例外“{p}”应以 ! 开头，并包含错误写法“{wrong}”（或写成 !…文字）"
                ));
            }
        }
    }
    Ok(w)
}

/// A site name and its shorter forms: 广东省中山市横栏镇人民政府 is also written
/// 中山市横栏镇人民政府 and 横栏镇人民政府.
fn name_forms(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    for (i, c) in name.char_indices() {
        if matches!(c, '省' | '市' | '州' | '盟') {
            let rest = &name[i + c.len_utf8()..];
            if rest.chars().count() >= 5 {
                out.push(rest.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lists_read_completely() {
        let l = WordLists::bundled();
        assert!(l.terms.iter().any(|t| t.text == "习近平新时代中国特色社会主义思想"));
        let typos = l.wrong.iter().filter(|w| !w.serious).count();
        assert!(typos >= 200, "at least 200 typo pairs, found {typos}");
        let an = l.wrong.iter().find(|w| w.wrong == "按装").unwrap();
        assert_eq!(an.right, "安装");
        assert!(an.unless_in.contains(&"按装修".to_string()));
        let ji = l.wrong.iter().find(|w| w.wrong == "既使").unwrap();
        assert!(ji.unless_later.contains(&"又".to_string()));
        // Every bundled line parses: the count of `=>` lines equals the wrong forms read.
        let arrows = BUNDLED_TERMS
            .lines()
            .chain(BUNDLED_TYPOS.lines())
            .filter(|l| l.contains("=>") && !l.trim_start().starts_with('#'))
            .count();
        assert_eq!(arrows, l.wrong.len());
    }

    #[test]
    fn site_names_have_their_short_forms() {
        assert_eq!(
            name_forms("广东省中山市横栏镇人民政府"),
            vec!["广东省中山市横栏镇人民政府", "中山市横栏镇人民政府", "横栏镇人民政府"]
        );
        assert_eq!(name_forms("横栏镇人民政府"), vec!["横栏镇人民政府"]);
    }

    #[test]
    fn a_bad_line_in_a_terms_file_names_its_line() {
        let mut l = WordLists::default();
        let e = l.add_file("横栏镇人民政府\n错 => 错\n", "terms.txt").unwrap_err();
        assert_eq!(e.diagnostics[0].line, 2);
        assert_eq!(e.diagnostics[0].file.as_deref(), Some("terms.txt"));
    }
}
