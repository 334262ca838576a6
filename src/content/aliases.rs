//! `aliases:`: the old addresses of a page. Owns turning what an editor writes
//! (`/old/path/`, `2019/report.html`) into an output path, and where each redirect page is
//! written; the collision checks live with the other path checks in [`super::site`].

/// What is wrong with an alias, in words for the message.
pub type Problem = &'static str;

/// The site path an alias stands for (no leading `/`): a folder ends in `/`, a file keeps its
/// name (`2019/report.html`).
pub fn normalize(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.contains("://") || t.starts_with("//") {
        return Err("只写网站里的路径（如 /old/path/），不要写 http:// 和域名");
    }
    if t.contains(['?', '#', '\\', '"', '<', '>']) || t.chars().any(char::is_whitespace) {
        return Err("网址路径里不能有空格、?、#、\\ 或引号");
    }
    let path = t.trim_start_matches('/');
    if path.is_empty() {
        return Err("不能是网站首页 /");
    }
    if path.split('/').any(|s| s == ".." || s == ".") {
        return Err("网址路径里不能有 . 或 .. 段");
    }
    let last = path.rsplit('/').next().unwrap_or(path);
    if path.ends_with('/') || !last.contains('.') {
        return Ok(format!("{}/", path.trim_end_matches('/')));
    }
    Ok(path.to_string())
}

/// Where the redirect page of the alias path `path` is written.
pub fn output_file(path: &str) -> String {
    if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_get_a_slash_and_files_keep_their_names() {
        assert_eq!(normalize("/old/path").unwrap(), "old/path/");
        assert_eq!(normalize("old/路径/").unwrap(), "old/路径/");
        assert_eq!(normalize("/2019/report.html").unwrap(), "2019/report.html");
        assert_eq!(output_file("old/path/"), "old/path/index.html");
        assert_eq!(output_file("2019/report.html"), "2019/report.html");
    }

    #[test]
    fn urls_and_odd_paths_are_refused() {
        for bad in ["https://a.gov.cn/x/", "/", "/a/../b/", "/a b/", "/a?x=1"] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }
}
