//! Slugs and anchors that keep Chinese: `（一）坚守政治定位` → `一坚守政治定位`, never pinyin.
//!
//! Letters and digits of every script are kept (ASCII is lowercased); spaces, `-` and `_`
//! become `-`; all punctuation, Chinese or not, is dropped.

/// Turns a heading or taxonomy term into an id/URL segment.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '\u{3000}' {
            dash = true;
        }
    }
    out
}

/// Allocates ids unique within one page.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: std::collections::HashSet<String>,
    /// The next number to try after each base, so a heading repeated n times costs n
    /// look-ups, not n² (an imported report with thousands of equal headings).
    next: std::collections::HashMap<String, usize>,
}

impl IdAllocator {
    /// Reserves `id` exactly (footnotes, custom ids); returns false when it was taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// Every id handed out or reserved so far.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.used.iter()
    }

    /// `base`, or `base-1`, `base-2` ... whichever is free first.
    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let mut n = self.next.get(base).copied().unwrap_or(1);
        loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if self.used.insert(candidate.clone()) {
                self.next.insert(base.to_string(), n);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_chinese_and_drops_punctuation() {
        assert_eq!(slugify("一、主要做法及成效"), "一主要做法及成效");
        assert_eq!(
            slugify("(一)坚守政治定位,法治政府建设根基稳固"),
            "一坚守政治定位法治政府建设根基稳固"
        );
        assert_eq!(slugify("“1+6+N” Governance System"), "16n-governance-system");
        assert_eq!(slugify("村(社区)干部"), "村社区干部");
        assert_eq!(slugify("  a  b  "), "a-b");
    }

    #[test]
    fn ids_are_unique() {
        let mut a = IdAllocator::default();
        assert!(a.reserve("fn-1"));
        assert_eq!(a.unique("fn-1"), "fn-1-1");
        assert_eq!(a.unique("概况"), "概况");
        assert_eq!(a.unique("概况"), "概况-1");
        assert!(a.reserve("概况-3"));
        assert_eq!(a.unique("概况"), "概况-2");
        assert_eq!(a.unique("概况"), "概况-4");
    }
}
