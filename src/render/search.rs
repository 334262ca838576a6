//! Chinese full-text search that works on a plain static host: a sharded inverted index of
//! character bigrams, written by `pufa build` and read by the theme's `search.js`.
//!
//! Why not Pagefind: on the 10,000-page benchmark corpus Pagefind (1.6, as a library, with
//! its CJK segmentation) took 81 s and wrote 96 MB; this index takes about a second and a
//! fraction of the space, because it stores no text (result excerpts are cut from the result
//! pages themselves) and encodes postings compactly. Bigrams match Chinese words anywhere in
//! running text (化解率, 综合查一次, 学法游) without a dictionary.
//!
//! Files, under `search/index/`:
//! - `meta.json`: document count, shard count, base year, kinds, a version for cache busting;
//! - `docs.bin`: 8 bytes per document: kind, length class, a 32-year bitmask, 2 spare bytes;
//! - `p/<n>.bin`: postings shards. A token goes to shard `fnv1a32(first char) % shards`, so a
//!   query fetches one small file per distinct first character. Format: `PFS1`, then per
//!   token (sorted by bytes): varint byte length, UTF-8 bytes, varint document count,
//!   varint block length, then per document varint `(delta << 1) | extra` (the first delta
//!   is the document id), and when `extra` is set a varint `(tf << 1) | in_title` (otherwise
//!   tf = 1, not in title). A token in many documents may be stored as a bitmap instead:
//!   document count `0`, then the block is `ceil(docs / 8)` bytes, bit `d` for document `d`.
//! - `d/<n>.json`: result display data for documents `n*256 .. n*256+255`.
//!
//! The tokenizer here and the one in `search.js` must agree: see [`tokens`].

use crate::util::FxMap;

pub use crate::util::fnv1a32;
use serde::{Deserialize, Serialize};

use crate::config::Kind;
use crate::content::{Page, Site};
use crate::markdown::cjk;

/// Documents per display-data file.
pub const DOCS_PER_FILE: usize = 256;
/// Target size of a postings shard.
const SHARD_TARGET: usize = 32 * 1024;

/// Tokens of HTML text as keys (see [`word_key`]). A token is a CJK bigram (a lone CJK
/// character when its run has only one), or a lowercase word of ASCII letters and digits with
/// inner `.` (93.19 stays one word); full-width ASCII counts as ASCII. The theme's search.js
/// tokenizes queries the same way. Tags are skipped (inline ones do not split words) and the
/// common entities decoded, so rendered content is tokenized without building its plain text
/// first; plain text goes through unchanged. Words are also passed as text, for their spelling.
pub fn html_token_keys(html: &str, mut emit: impl FnMut(u64, Option<&str>)) {
    let mut prev: Option<char> = None; // previous CJK character of the current run
    let mut run_len = 0usize;
    let mut word = String::new();
    let mut in_tag = false;
    let end_run = |prev: &mut Option<char>, run_len: &mut usize, emit: &mut dyn FnMut(u64, Option<&str>)| {
        if *run_len == 1
            && let Some(p) = *prev
        {
            emit(CJK_TAG | (u64::from(p as u32) << 21), None);
        }
        *prev = None;
        *run_len = 0;
    };
    let end_word = |word: &mut String, emit: &mut dyn FnMut(u64, Option<&str>)| {
        let w = word.trim_end_matches('.');
        if !w.is_empty() {
            emit(word_key(w), Some(w));
        }
        word.clear();
    };
    let mut chars = html.chars();
    while let Some(mut c) = chars.next() {
        if in_tag {
            if c == '>' {
                in_tag = false;
            }
            continue;
        }
        if c == '<' {
            in_tag = true;
            // Inline tags do not split words (调解<em>协议</em> is 调解协议); block tags do.
            let name: String = chars
                .as_str()
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if !matches!(
                name.as_str(),
                "a" | "strong"
                    | "em"
                    | "b"
                    | "i"
                    | "u"
                    | "s"
                    | "del"
                    | "code"
                    | "span"
                    | "mark"
                    | "sup"
                    | "sub"
                    | "small"
            ) {
                end_run(&mut prev, &mut run_len, &mut emit);
                end_word(&mut word, &mut emit);
            }
            continue;
        }
        if c == '&' {
            let rest = chars.as_str();
            for (ent, ch) in [
                ("amp;", '&'),
                ("lt;", '<'),
                ("gt;", '>'),
                ("quot;", '"'),
                ("#39;", '\''),
                ("nbsp;", ' '),
            ] {
                if let Some(r) = rest.strip_prefix(ent) {
                    chars = r.chars();
                    c = ch;
                    break;
                }
            }
        }
        let c = cjk::halfwidth(c);
        if cjk::is_wide_letter(c) {
            end_word(&mut word, &mut emit);
            if let Some(p) = prev {
                emit(CJK_TAG | (u64::from(p as u32) << 21) | u64::from(c as u32), None);
            }
            prev = Some(c);
            run_len += 1;
        } else if c.is_ascii_alphanumeric() || (c == '.' && !word.is_empty()) {
            end_run(&mut prev, &mut run_len, &mut emit);
            word.push(c.to_ascii_lowercase());
        } else {
            end_run(&mut prev, &mut run_len, &mut emit);
            end_word(&mut word, &mut emit);
        }
    }
    end_run(&mut prev, &mut run_len, &mut emit);
    end_word(&mut word, &mut emit);
}

/// The shard a token lives in.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let first = token.chars().next().map(|c| c.to_string()).unwrap_or_default();
    fnv1a32(first.as_bytes()) % shards.max(1)
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    version: String,
    docs: usize,
    shards: u32,
    base_year: i32,
    kinds: [&'a str; 4],
    avg_len: u32,
    docs_per_file: usize,
}

/// What was indexed, for reports and tests.
#[derive(Debug, Clone, Default)]
pub struct IndexStats {
    pub docs: usize,
    pub tokens: usize,
    pub postings: usize,
    pub shards: u32,
    pub bytes: usize,
}

/// What a search result shows of one indexed page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocInfo {
    pub url: String,
    pub title: String,
    pub kind: Kind,
    pub years: Vec<i32>,
    pub description: String,
}

/// Whether a page is in the search index: reports, projects and cases are; free pages
/// (about, accessibility) are not.
pub fn is_indexed(p: &Page) -> bool {
    p.kind != Kind::Page
}

/// One search document: a page, or the text of one of its attachments. A hit in an
/// attachment is its own result, which shows the page and names the attachment.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    pub page: &'a Page,
    /// Which of the page's `attachments` (by position), or `None` for the page itself.
    pub attachment: Option<usize>,
}

impl<'a> Doc<'a> {
    /// Its name in the index's document list: the page's content path, `#N` for attachment N.
    pub fn name(&self) -> String {
        match self.attachment {
            None => self.page.rel.clone(),
            Some(i) => format!("{}#{i}", self.page.rel),
        }
    }

    /// The attachment's front-matter entry (`None` for a page document).
    fn entry(&self) -> Option<&'a crate::content::front_matter::AttachmentRef> {
        let list: &'a [crate::content::front_matter::AttachmentRef] = self.page.front.attachments.as_deref()?;
        list.get(self.attachment?)
    }

    /// The attachment's file on disk.
    fn file(&self, site: &Site) -> Option<std::path::PathBuf> {
        super::shortcodes::resolve_file(site, self.page, &self.entry()?.file)?.disk
    }
}

/// Every search document of the site, in index order: the indexed pages, then the
/// attachments of those pages that have text (PDF, .docx, .xlsx files that exist).
pub fn docs(site: &Site) -> Vec<Doc<'_>> {
    let pages: Vec<&Page> = site
        .pages
        .values()
        .map(|p| p.as_ref())
        .filter(|p| is_indexed(p))
        .collect();
    let mut out: Vec<Doc> = pages
        .iter()
        .map(|p| Doc {
            page: p,
            attachment: None,
        })
        .collect();
    out.extend(attachment_docs(site, &pages));
    out
}

/// The attachment documents of `pages`, in order.
pub fn attachment_docs<'a>(site: &Site, pages: &[&'a Page]) -> Vec<Doc<'a>> {
    let mut out = Vec::new();
    for p in pages {
        for (i, a) in p.front.attachments.iter().flatten().enumerate() {
            let doc = Doc {
                page: p,
                attachment: Some(i),
            };
            if super::attachments::has_text(&a.file) && doc.file(site).is_some() {
                out.push(doc);
            }
        }
    }
    out
}

/// A document's fingerprint: the page's (from the site's values) or, for an attachment, its
/// title, file and the file's stamp, so that editing the page's text leaves it alone.
pub fn doc_fingerprint(site: &Site, doc: &Doc, page_hash: u64) -> u64 {
    let Some(a) = doc.entry() else { return page_hash };
    let stamp = doc.file(site).map(|d| crate::content::reuse::file_hash(&d));
    crate::util::hash_of(&(&doc.page.path, &doc.page.front.title, (&a.title, &a.file), stamp))
}

/// A document's result display data and tokens; `page_html` is the page's body when the
/// caller has it already. An attachment's text is read once, for both.
pub fn document(
    site: &Site,
    doc: &Doc,
    page_html: Option<&str>,
) -> Result<(DocInfo, DocTokens), crate::diagnostics::Diagnostic> {
    let p = doc.page;
    let info = |url: String, description: String| DocInfo {
        url,
        title: p.front.title.clone(),
        kind: p.kind,
        years: p.years.clone(),
        description,
    };
    let url = site.config.url(&p.path);
    let Some(a) = doc.entry() else {
        let description = p
            .front
            .description
            .clone()
            .unwrap_or_else(|| crate::render::values::truncate_chars(&p.body.summary_text, 80));
        return Ok((info(url, description), doc_tokens(site, doc, page_html)?));
    };
    // The page's own result shows an excerpt of the page; this one names the attachment and
    // shows the start of its text (the URL's fragment tells the search page so).
    let text = doc
        .file(site)
        .map(|d| super::attachments::text_of(site, &d))
        .unwrap_or_default();
    let start =
        crate::render::values::truncate_chars(text.split_whitespace().collect::<Vec<_>>().join(" ").as_str(), 60);
    let description = format!(
        "附件《{}》（{}）：{start}",
        a.title,
        super::shortcodes::file_type(&a.file)
    );
    let tokens = attachment_tokens(p, a, &text);
    Ok((info(format!("{url}#attachments-title"), description), tokens))
}

fn attachment_tokens(p: &Page, a: &crate::content::front_matter::AttachmentRef, text: &str) -> DocTokens {
    tokenize(
        &format!("{} {}", p.front.title, a.title),
        &crate::markdown::escape(text),
    )
}

/// A document's tokens; `page_html` is the page's body when the caller has it already.
pub fn doc_tokens(
    site: &Site,
    doc: &Doc,
    page_html: Option<&str>,
) -> Result<DocTokens, crate::diagnostics::Diagnostic> {
    let p = doc.page;
    if let Some(a) = doc.entry() {
        let text = doc
            .file(site)
            .map(|d| super::attachments::text_of(site, &d))
            .unwrap_or_default();
        return Ok(attachment_tokens(p, a, &text));
    }
    match page_html {
        Some(h) => Ok(tokenize(&p.front.title, h)),
        None => Ok(tokenize(&p.front.title, &site.page_html(p)?)),
    }
}

/// One document's tokens: (key, frequency in the text, whether in the title); its length in
/// tokens; the spelling of its words.
pub struct DocTokens {
    list: Vec<(u64, u32, bool)>,
    len: u32,
    words: Vec<(u64, String)>,
}

/// Tokenizes a document's title and rendered content.
pub fn tokenize(title: &str, html: &str) -> DocTokens {
    // About one distinct token per 8 bytes of Chinese HTML: sized once, never rehashed.
    let mut m: FxMap<u64, (u32, bool)> = FxMap::with_capacity_and_hasher(html.len() / 8 + 16, Default::default());
    let mut words: Vec<(u64, String)> = Vec::new();
    let mut len = 0u32;
    let mut note = |k: u64, w: Option<&str>, in_title: bool, m: &mut FxMap<u64, (u32, bool)>| {
        if let Some(w) = w
            && !m.contains_key(&k)
        {
            words.push((k, w.to_string()));
        }
        let e = m.entry(k).or_insert((0, false));
        if in_title {
            e.1 = true;
        } else {
            e.0 += 1;
        }
    };
    html_token_keys(title, |k, w| note(k, w, true, &mut m));
    html_token_keys(html, |k, w| {
        len += 1;
        note(k, w, false, &mut m)
    });
    // In no particular order: each token's postings get this document in document order anyway.
    let list: Vec<(u64, u32, bool)> = m.into_iter().map(|(k, (tf, title))| (k, tf, title)).collect();
    DocTokens { list, len, words }
}

const CJK_TAG: u64 = 1 << 62;
const WORD_TAG: u64 = 2 << 62;

/// Tokens as numbers: a CJK token packs its one or two characters
/// (`CJK_TAG | a << 21 | b`); a word is a 62-bit hash of its spelling (kept aside for the index).
fn word_key(w: &str) -> u64 {
    WORD_TAG | (crate::util::hash_str(w) & ((1 << 62) - 1))
}

fn key_text(key: u64, words: &FxMap<u64, String>) -> String {
    if key & CJK_TAG != 0 && key & WORD_TAG == 0 {
        let a = char::from_u32(((key >> 21) & 0x1f_ffff) as u32).unwrap_or('?');
        let b = (key & 0x1f_ffff) as u32;
        let mut s = a.to_string();
        if b != 0 {
            s.push(char::from_u32(b).unwrap_or('?'));
        }
        s
    } else {
        words.get(&key).cloned().unwrap_or_default()
    }
}

/// A token's postings, encoded as they arrive (documents come in id order).
#[derive(Default, Serialize, Deserialize)]
struct TokenBuf {
    data: Vec<u8>,
    last: u32,
    count: u32,
}

impl TokenBuf {
    fn push(&mut self, doc: u32, tf: u32, title: bool) {
        let delta = u64::from(doc - if self.count == 0 { 0 } else { self.last });
        self.last = doc;
        self.count += 1;
        if tf <= 1 && !title {
            varint(&mut self.data, delta << 1);
        } else {
            varint(&mut self.data, (delta << 1) | 1);
            varint(&mut self.data, (u64::from(tf.min(1 << 20)) << 1) | u64::from(title));
        }
    }

    /// The document ids, decoded again (to turn a frequent token into a bitmap).
    fn docs(&self) -> Vec<u32> {
        self.entries().into_iter().map(|(d, _, _)| d).collect()
    }

    /// The postings decoded: (document, frequency, in title).
    fn entries(&self) -> Vec<(u32, u32, bool)> {
        let mut out = Vec::with_capacity(self.count as usize);
        let (mut i, mut doc) = (0, 0u32);
        let read = |i: &mut usize| -> u64 {
            let (mut v, mut shift) = (0u64, 0);
            while *i < self.data.len() {
                let b = self.data[*i];
                *i += 1;
                v |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            v
        };
        for n in 0..self.count {
            let v = read(&mut i);
            doc = if n == 0 { (v >> 1) as u32 } else { doc + (v >> 1) as u32 };
            let (tf, title) = match v & 1 {
                1 => {
                    let x = read(&mut i);
                    ((x >> 1) as u32, x & 1 == 1)
                }
                _ => (1, false),
            };
            out.push((doc, tf, title));
        }
        out
    }

    /// Sets (`Some`) or removes (`None`) the posting of `doc`; returns whether any are left.
    fn set(&mut self, doc: u32, posting: Option<(u32, bool)>) -> bool {
        let mut entries = self.entries();
        entries.retain(|e| e.0 != doc);
        if let Some((tf, title)) = posting {
            let at = entries.partition_point(|e| e.0 < doc);
            entries.insert(at, (doc, tf, title));
        }
        *self = TokenBuf::default();
        for (d, tf, title) in entries {
            self.push(d, tf, title);
        }
        self.count > 0
    }
}

/// The index under construction: documents are added in id order, each one's postings
/// appended as it arrives, so only the compact postings are held, never the texts. It can be
/// kept (serialized) and a document replaced in it later ([`Indexer::replace`]).
#[derive(Default, Serialize, Deserialize)]
pub struct Indexer {
    postings: FxMap<u64, TokenBuf>,
    words: FxMap<u64, String>,
    lens: Vec<u32>,
    docs: Vec<DocInfo>,
    distinct: usize,
}

impl Indexer {
    /// Adds the next document.
    pub fn add(&mut self, info: DocInfo, tokens: DocTokens) {
        let doc = self.docs.len() as u32;
        self.distinct += tokens.list.len();
        for (k, tf, title) in tokens.list {
            self.postings.entry(k).or_default().push(doc, tf, title);
        }
        self.words.extend(tokens.words);
        self.lens.push(tokens.len);
        self.docs.push(info);
    }

    /// How many documents it holds.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Replaces document `doc`, whose tokens were `old`, with a new version. Only the tokens
    /// whose posting for this document changed are touched (a small edit changes few).
    pub fn replace(&mut self, doc: u32, old: &DocTokens, info: DocInfo, new: DocTokens) {
        let now: FxMap<u64, (u32, bool)> = new.list.iter().map(|(k, tf, t)| (*k, (*tf, *t))).collect();
        for (k, tf, title) in &old.list {
            let posting = now.get(k).copied();
            if posting == Some((*tf, *title)) {
                continue;
            }
            if let Some(buf) = self.postings.get_mut(k)
                && !buf.set(doc, posting)
            {
                self.postings.remove(k);
            }
        }
        let before: FxMap<u64, ()> = old.list.iter().map(|(k, _, _)| (*k, ())).collect();
        self.distinct = self.distinct + new.list.len() - old.list.len().min(self.distinct);
        for (k, tf, title) in new.list {
            if !before.contains_key(&k) {
                self.postings.entry(k).or_default().set(doc, Some((tf, title)));
            }
        }
        self.words.extend(new.words);
        if let Some(l) = self.lens.get_mut(doc as usize) {
            *l = new.len;
        }
        if let Some(d) = self.docs.get_mut(doc as usize) {
            *d = info;
        }
    }

    /// The index files (paths relative to the output root).
    pub fn finish(&self) -> (Vec<(String, Vec<u8>)>, IndexStats) {
        encode(&self.postings, &self.words, &self.lens, &self.docs, self.distinct)
    }
}

fn encode(
    postings: &FxMap<u64, TokenBuf>,
    words: &FxMap<u64, String>,
    lens: &[u32],
    docs: &[DocInfo],
    distinct: usize,
) -> (Vec<(String, Vec<u8>)>, IndexStats) {
    let n = docs.len();
    let total_postings: usize = postings.values().map(|b| b.count as usize).sum();
    let bitmap_len = n.div_ceil(8);
    // Encode every token's entry, then spread them over shards of about SHARD_TARGET bytes.
    let mut entries: Vec<(String, Vec<u8>)> = postings
        .iter()
        .map(|(k, buf)| {
            let text = key_text(*k, words);
            let mut e = Vec::with_capacity(buf.data.len() + text.len() + 8);
            varint(&mut e, text.len() as u64);
            e.extend_from_slice(text.as_bytes());
            if buf.count as usize > (n / 8).max(64) && bitmap_len < buf.data.len() {
                let mut bits = vec![0u8; bitmap_len];
                for d in buf.docs() {
                    bits[d as usize / 8] |= 1 << (d % 8);
                }
                varint(&mut e, 0);
                varint(&mut e, bits.len() as u64);
                e.extend_from_slice(&bits);
            } else {
                varint(&mut e, u64::from(buf.count));
                varint(&mut e, buf.data.len() as u64);
                e.extend_from_slice(&buf.data);
            }
            (text, e)
        })
        .collect();
    let total: usize = entries.iter().map(|e| e.1.len()).sum();
    let shards = total.div_ceil(SHARD_TARGET).max(1) as u32;
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut by_shard: Vec<Vec<(String, Vec<u8>)>> = (0..shards).map(|_| Vec::new()).collect();
    for e in entries {
        let s = shard_of(&e.0, shards) as usize;
        by_shard[s].push(e);
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut bytes = 0;
    for (s, list) in by_shard.into_iter().enumerate() {
        let mut out = b"PFS1".to_vec();
        varint(&mut out, list.len() as u64);
        for (_, e) in list {
            out.extend_from_slice(&e);
        }
        bytes += out.len();
        files.push((format!("search/index/p/{s}.bin"), out));
    }

    // Per-document table: kind, length class, years bitmask.
    let base_year = docs.iter().flat_map(|d| d.years.iter().copied()).min().unwrap_or(2000);
    let mut table = Vec::with_capacity(n * 8);
    let total_len: u64 = lens.iter().map(|l| u64::from(*l)).sum();
    for (d, len) in docs.iter().zip(lens) {
        let kind = match d.kind {
            Kind::Report => 0u8,
            Kind::Project => 1,
            Kind::Case => 2,
            Kind::Page => 3,
        };
        let len_class = (((*len).max(1) as f64).log2() * 8.0).round().min(255.0) as u8;
        let mut mask: u32 = 0;
        for y in &d.years {
            let off = y - base_year;
            if (0..32).contains(&off) {
                mask |= 1 << off;
            }
        }
        table.push(kind);
        table.push(len_class);
        table.extend_from_slice(&mask.to_le_bytes());
        table.extend_from_slice(&[0, 0]);
    }
    bytes += table.len();
    files.push(("search/index/docs.bin".into(), table));

    #[derive(Serialize)]
    struct Shown<'a>(&'a str, &'a str, &'a str, Vec<i32>, &'a str);
    for (k, chunk) in docs.chunks(DOCS_PER_FILE).enumerate() {
        let infos: Vec<Shown> = chunk
            .iter()
            .map(|d| Shown(&d.url, &d.title, d.kind.label(), d.years.clone(), &d.description))
            .collect();
        let json = serde_json::to_vec(&infos).unwrap_or_default();
        bytes += json.len();
        files.push((format!("search/index/d/{k}.json"), json));
    }

    let version = format!(
        "{:016x}",
        crate::util::hash_of(
            &files
                .iter()
                .map(|(p, b)| (p.as_str(), crate::util::hash_bytes(b)))
                .collect::<Vec<_>>()
        )
    );
    let meta = Meta {
        format: 1,
        version,
        docs: n,
        shards,
        base_year,
        kinds: [
            Kind::Report.label(),
            Kind::Project.label(),
            Kind::Case.label(),
            Kind::Page.label(),
        ],
        avg_len: if n == 0 { 0 } else { (total_len / n as u64) as u32 },
        docs_per_file: DOCS_PER_FILE,
    };
    let mut meta_json = serde_json::to_vec_pretty(&meta).unwrap_or_default();
    meta_json.push(b'\n');
    bytes += meta_json.len();
    files.push(("search/index/meta.json".into(), meta_json));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let stats = IndexStats {
        docs: n,
        tokens: distinct,
        postings: total_postings,
        shards,
        bytes,
    };
    (files, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens as text (the same tokenizer reads plain text: it has no tags).
    fn toks(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        html_token_keys(s, |k, w| {
            v.push(w.map_or_else(|| key_text(k, &FxMap::default()), str::to_string))
        });
        v
    }

    #[test]
    fn chinese_becomes_bigrams_and_latin_words() {
        assert_eq!(toks("化解率93.19%"), vec!["化解", "解率", "93.19"]);
        assert_eq!(toks("综合查一次"), vec!["综合", "合查", "查一", "一次"]);
        assert_eq!(toks("“粤智助”ＡＢＣ Law"), vec!["粤智", "智助", "abc", "law"]);
        assert_eq!(toks("法"), vec!["法"]);
    }

    #[test]
    fn inline_tags_and_entities_tokenize_like_plain_text() {
        let html = "<p>化解率 <strong>93.19</strong>%&amp;综合<em>查一次</em></p><p>法</p>";
        let mut a = Vec::new();
        html_token_keys(html, |k, _| a.push(k));
        let mut b = Vec::new();
        html_token_keys("化解率 93.19 % & 综合查一次 法", |k, _| b.push(k));
        assert_eq!(a, b);
    }

    #[test]
    fn fnv_matches_the_javascript_implementation() {
        // Values computed by search.js's fnv1a32 over UTF-8 bytes.
        assert_eq!(fnv1a32(b""), 0x811c9dc5);
        assert_eq!(fnv1a32("a".as_bytes()), 0xe40c292c);
    }

    #[test]
    fn index_round_trips_through_the_shard_format() {
        let mut indexer = Indexer::default();
        for (url, title, kind, year, html) in [
            ("/a/", "学法游", Kind::Project, 2024, "<p>西江花海学法游</p>"),
            ("/b/", "报告", Kind::Report, 2023, "<p>化解率93.19%</p>"),
        ] {
            let info = DocInfo {
                url: url.into(),
                title: title.into(),
                kind,
                years: vec![year],
                description: String::new(),
            };
            indexer.add(info, tokenize(title, html));
        }
        let (files, stats) = indexer.finish();
        assert_eq!(stats.docs, 2);
        let shard = shard_of("学法", stats.shards);
        let (_, bytes) = files
            .iter()
            .find(|(p, _)| p == &format!("search/index/p/{shard}.bin"))
            .unwrap();
        assert!(bytes.starts_with(b"PFS1"));
        assert!(bytes.windows("学法".len()).any(|w| w == "学法".as_bytes()));
        assert!(files.iter().any(|(p, _)| p == "search/index/docs.bin"));
        assert!(files.iter().any(|(p, _)| p == "search/index/d/0.json"));
    }

    fn info(url: &str, title: &str) -> DocInfo {
        DocInfo {
            url: url.into(),
            title: title.into(),
            kind: Kind::Case,
            years: vec![2024],
            description: String::new(),
        }
    }

    #[test]
    fn replacing_a_document_gives_the_index_built_from_scratch() {
        let texts = [
            ("/a/", "人民调解", "<p>人民调解委员会化解纠纷，调解协议</p>"),
            ("/b/", "学法游", "<p>西江花海学法游，学法 law 2024</p>"),
            ("/c/", "综合查一次", "<p>综合查一次，涉企检查</p>"),
        ];
        let edited = ("/b/", "学法游（新）", "<p>西江花海学法游，新增宪法宣传 LAW</p>");
        let build = |docs: &[(&str, &str, &str)]| {
            let mut ix = Indexer::default();
            for (u, t, h) in docs {
                ix.add(info(u, t), tokenize(t, h));
            }
            ix
        };
        let mut ix = build(&texts);
        let old = tokenize(texts[1].1, texts[1].2);
        ix.replace(1, &old, info(edited.0, edited.1), tokenize(edited.1, edited.2));
        let fresh = build(&[texts[0], edited, texts[2]]);
        assert_eq!(ix.finish().0, fresh.finish().0);
        // And back again.
        let mut again: Indexer = rmp_serde::from_slice(&rmp_serde::to_vec(&ix).unwrap()).unwrap();
        again.replace(1, &tokenize(edited.1, edited.2), info(texts[1].0, texts[1].1), old);
        assert_eq!(again.finish().0, build(&texts).finish().0);
    }
}
