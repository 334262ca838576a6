//! A small, careful HTML tag scanner: start and end tags with their attributes, as the HTML
//! tokenizer sees them (quoted, single-quoted and unquoted values, character references),
//! skipping comments, doctypes and the contents of `<script>`, `<style>`, `<textarea>` and
//! `<title>`. The link check reads outputs with it; Markdown reads raw HTML with it.

use std::borrow::Cow;
use std::ops::Range;

/// One attribute: its name (as written) and its raw value with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<'a> {
    pub name: &'a str,
    /// The value as written, character references not yet decoded.
    pub raw: &'a str,
    pub range: Range<usize>,
}

impl Attr<'_> {
    /// The value with character references decoded.
    pub fn value(&self) -> Cow<'_, str> {
        decode_entities(self.raw)
    }
}

/// A start or end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'a> {
    pub name: &'a str,
    pub end_tag: bool,
    pub attrs: Vec<Attr<'a>>,
    /// From `<` to after `>`.
    pub range: Range<usize>,
}

impl<'a> Tag<'a> {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub fn attr(&self, name: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// The tags of `html`, in order.
pub fn tags(html: &str) -> Tags<'_> {
    Tags { html, pos: 0 }
}

pub struct Tags<'a> {
    html: &'a str,
    pos: usize,
}

const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        let b = self.html.as_bytes();
        loop {
            let lt = self.pos + memchr(b'<', &b[self.pos..])?;
            let rest = &self.html[lt..];
            if let Some(comment) = rest.strip_prefix("<!--") {
                self.pos = comment.find("-->").map_or(b.len(), |e| lt + 4 + e + 3);
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                self.pos = rest.find('>').map_or(b.len(), |e| lt + e + 1);
                continue;
            }
            let end_tag = rest.starts_with("</");
            let name_start = lt + if end_tag { 2 } else { 1 };
            let name_len = b[name_start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                .count();
            if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
                self.pos = lt + 1;
                continue;
            }
            let name = &self.html[name_start..name_start + name_len];
            let (attrs, end) = attributes(self.html, name_start + name_len);
            self.pos = end;
            if !end_tag && RAW_TEXT.iter().any(|r| name.eq_ignore_ascii_case(r)) {
                self.pos = find_close(self.html, end, name);
            }
            return Some(Tag {
                name,
                end_tag,
                attrs,
                range: lt..end,
            });
        }
    }
}

/// The attributes from `pos` (just after a tag name) and where the tag ends (after `>`).
fn attributes(html: &str, mut pos: usize) -> (Vec<Attr<'_>>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while pos < b.len() && (b[pos].is_ascii_whitespace() || b[pos] == b'/') {
            pos += 1;
        }
        if pos >= b.len() {
            return (attrs, b.len());
        }
        if b[pos] == b'>' {
            return (attrs, pos + 1);
        }
        let name_start = pos;
        while pos < b.len() && !b[pos].is_ascii_whitespace() && !matches!(b[pos], b'=' | b'>' | b'/') {
            pos += 1;
        }
        let name = &html[name_start..pos];
        while pos < b.len() && b[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= b.len() || b[pos] != b'=' {
            attrs.push(Attr {
                name,
                raw: "",
                range: pos..pos,
            });
            continue;
        }
        pos += 1;
        while pos < b.len() && b[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let (start, end, next) = match b.get(pos) {
            Some(&q) if q == b'"' || q == b'\'' => {
                let end = memchr(q, &b[pos + 1..]).map_or(b.len(), |e| pos + 1 + e);
                (pos + 1, end, (end + 1).min(b.len()))
            }
            _ => {
                let end = b[pos..]
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || *c == b'>')
                    .map_or(b.len(), |e| pos + e);
                (pos, end, end)
            }
        };
        attrs.push(Attr {
            name,
            raw: &html[start..end],
            range: start..end,
        });
        pos = next;
    }
}

/// Where the end tag `</name` starts at or after `from` (any case), or the end of the text.
fn find_close(html: &str, mut from: usize, name: &str) -> usize {
    let b = html.as_bytes();
    while let Some(i) = html[from..].find("</") {
        let at = from + i + 2;
        if b.len() >= at + name.len() && b[at..at + name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return from + i;
        }
        from = at;
    }
    b.len()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|c| *c == needle)
}

/// Decodes character references: the named ones pufa and editors write, and numeric ones.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let semi = after.find(';').filter(|n| *n <= 10);
        let decoded = semi.and_then(|n| entity(&after[..n]).map(|c| (c, n)));
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &after[n + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_in_every_quoting() {
        let html = r#"<!-- <a href="no"> --><a class=x HREF="/a?b=1&amp;c=2" title='t'>x</a><img src=/p.png alt>"#;
        let t: Vec<Tag> = tags(html).collect();
        assert_eq!(t.len(), 3);
        assert!(t[0].is("a"));
        assert_eq!(t[0].attr("href").unwrap().value(), "/a?b=1&c=2");
        assert_eq!(&html[t[0].attr("href").unwrap().range.clone()], "/a?b=1&amp;c=2");
        assert!(t[1].end_tag);
        assert_eq!(t[2].attr("src").unwrap().raw, "/p.png");
        assert_eq!(t[2].attr("alt").unwrap().raw, "");
    }

    #[test]
    fn skips_script_and_style_contents() {
        let html = "<script>if (a<b) { x = '<a href=\"/no\">'; }</script><style>a{}</style><a href=\"/yes\">";
        let hrefs: Vec<String> = tags(html)
            .filter_map(|t| t.attr("href").map(|a| a.value().into_owned()))
            .collect();
        assert_eq!(hrefs, vec!["/yes"]);
    }

    #[test]
    fn decodes_numeric_references() {
        assert_eq!(decode_entities("&#x6CD5;&#27835;&lt;&unknown;"), "法治<&unknown;");
    }
}
