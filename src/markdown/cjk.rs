//! The two fixes Chinese text needs on top of CommonMark.
//!
//! 1. A soft line break between two Chinese characters is dropped instead of becoming a
//!    visible space ([`join_soft_breaks`]).
//! 2. Emphasis next to Chinese punctuation (`依据**《民法典》**的规定`) is not emphasis under the
//!    CommonMark flanking rules. Before parsing, [`mark_strong`] pairs `**` runs on a line with
//!    the flanking rules relaxed next to Chinese characters and replaces the pairs by two
//!    invisible marker characters of the same byte length (so offsets stay true);
//!    [`expand_markers`] turns them into strong emphasis after parsing. [`fix_emphasis`] then
//!    pairs leftover single `*` delimiters and reports `**` runs still unpaired.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// East Asian "wide" characters: CJK ideographs, kana, hangul, CJK and full-width punctuation.
pub fn is_wide(c: char) -> bool {
    let u = c as u32;
    if u < 0x1100 {
        return false;
    }
    if (0x4E00..=0x9FFF).contains(&u) {
        return true;
    }
    matches!(u,
        0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31FF
        | 0x3200..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFD)
        || is_cjk_punct(c)
}

/// Punctuation used in Chinese text, including the curly quotes, dashes and ellipsis.
pub fn is_cjk_punct(c: char) -> bool {
    let u = c as u32;
    if u < 0x2013 || (0x4E00..=0x9FFF).contains(&u) {
        return false;
    }
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '–')
}

/// Full-width ASCII (Ａ１２．) as ASCII (A12.); other characters unchanged.
pub fn halfwidth(c: char) -> char {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

type Ev<'a> = (Event<'a>, Range<usize>);

/// Replaces a paired opening `**` (same UTF-8 length: 2 bytes).
pub const STRONG_OPEN: char = '\u{91}';
/// Replaces a paired closing `**`.
pub const STRONG_CLOSE: char = '\u{92}';

fn is_space(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn is_punct(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace() && !is_wide_letter(c)))
}

/// A wide character that is not punctuation: a CJK ideograph, kana, hangul or full-width letter.
pub fn is_wide_letter(c: char) -> bool {
    is_wide(c) && !is_cjk_punct(c)
}

/// Pairs `**` runs that CommonMark would not, next to Chinese text; returns the source with
/// the paired runs replaced by [`STRONG_OPEN`]/[`STRONG_CLOSE`], or `None` when nothing changed.
/// Code blocks, code spans, escapes and link destinations are left alone.
pub fn mark_strong(src: &str) -> Option<String> {
    if !src.contains("**") {
        return None;
    }
    let mut out: Option<String> = None;
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if let Some(f) = fence {
            if indent < 4 && trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if indent < 4 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fence = Some(&trimmed[..3]);
            continue;
        }
        if indent >= 4 || line.starts_with('\t') || !line.contains("**") {
            continue;
        }
        for (open, close) in pair_line(line) {
            let o = out.get_or_insert_with(|| src.to_string());
            // Same byte length: `**` (2 bytes) becomes one 2-byte marker character.
            o.replace_range(start + open..start + open + 2, &STRONG_OPEN.to_string());
            o.replace_range(start + close..start + close + 2, &STRONG_CLOSE.to_string());
        }
    }
    out
}

/// Byte offsets of the `**` runs of one line to pair: (opener, closer).
fn pair_line(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut runs: Vec<(usize, bool, bool, bool)> = Vec::new(); // at, can_open, can_close, cjk
    let mut i = 0;
    let mut in_code: Option<usize> = None; // backtick run length
    let mut in_dest = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            i += 2;
            continue;
        }
        if c == b'`' {
            let n = b[i..].iter().take_while(|x| **x == b'`').count();
            match in_code {
                Some(m) if m == n => in_code = None,
                None => in_code = Some(n),
                _ => {}
            }
            i += n;
            continue;
        }
        if in_code.is_some() {
            i += 1;
            continue;
        }
        if c == b']' && b.get(i + 1) == Some(&b'(') {
            in_dest = true;
        } else if c == b')' && in_dest {
            in_dest = false;
        }
        if c == b'*' && !in_dest {
            let n = b[i..].iter().take_while(|x| **x == b'*').count();
            if n == 2 {
                let prev = line[..i].chars().next_back();
                let next = line[i + 2..].chars().next();
                let cjk = prev.is_some_and(is_wide) || next.is_some_and(is_wide);
                let (can_open, can_close) = if cjk {
                    (!is_space(next), !is_space(prev))
                } else {
                    let left = !is_space(next) && (!is_punct(next) || is_space(prev) || is_punct(prev));
                    let right = !is_space(prev) && (!is_punct(prev) || is_space(next) || is_punct(next));
                    (left, right)
                };
                runs.push((i, can_open, can_close, cjk));
            }
            i += n;
            continue;
        }
        i += 1;
    }
    let mut pairs = Vec::new();
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for (at, can_open, can_close, cjk) in runs {
        if can_close && let Some((o, ocjk)) = stack.pop() {
            if ocjk || cjk {
                pairs.push((o, at));
            }
            continue;
        }
        if can_open {
            stack.push((at, cjk));
        }
    }
    pairs
}

/// Turns marker characters left by [`mark_strong`] into strong emphasis events.
pub fn expand_markers<'a>(events: &mut Vec<Ev<'a>>) {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Text(t) if t.contains([STRONG_OPEN, STRONG_CLOSE])))
    {
        return;
    }
    let mut out: Vec<Ev<'a>> = Vec::with_capacity(events.len() + 8);
    let mut open = 0usize;
    for (e, r) in std::mem::take(events) {
        let Event::Text(t) = &e else {
            out.push((e, r));
            continue;
        };
        if !t.contains([STRONG_OPEN, STRONG_CLOSE]) {
            out.push((e, r));
            continue;
        }
        let mut piece = String::new();
        for c in t.chars() {
            if c == STRONG_OPEN || c == STRONG_CLOSE {
                if !piece.is_empty() {
                    out.push((Event::Text(CowStr::from(std::mem::take(&mut piece))), r.clone()));
                }
                if c == STRONG_OPEN {
                    open += 1;
                    out.push((Event::Start(Tag::Strong), r.clone()));
                } else if open > 0 {
                    open -= 1;
                    out.push((Event::End(TagEnd::Strong), r.clone()));
                } else {
                    piece.push_str("**");
                }
            } else {
                piece.push(c);
            }
        }
        if !piece.is_empty() {
            out.push((Event::Text(CowStr::from(piece)), r));
        }
    }
    *events = out;
}

fn is_inline_wrapper(e: &Event) -> bool {
    matches!(
        e,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

/// The first character `pick` finds in the text of `events`, looking through inline
/// wrappers (emphasis, links) but not past any other event.
fn edge_char<'x, 'a: 'x>(
    events: impl Iterator<Item = &'x Ev<'a>>,
    pick: impl Fn(&str) -> Option<char>,
) -> Option<char> {
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = pick(t) {
                    return Some(c);
                }
            }
            e if is_inline_wrapper(e) => {}
            _ => return None,
        }
    }
    None
}

fn last_char(events: &[Ev], before: usize) -> Option<char> {
    edge_char(events[..before].iter().rev(), |t| t.chars().next_back())
}

fn first_char(events: &[Ev], after: usize) -> Option<char> {
    edge_char(events.iter().skip(after + 1), |t| t.chars().next())
}

/// Removes soft breaks that sit between two wide characters.
pub fn join_soft_breaks(events: &mut Vec<Ev>) {
    let drop: Vec<usize> = (0..events.len())
        .filter(|&i| matches!(events[i].0, Event::SoftBreak))
        .filter(|&i| {
            matches!((last_char(events, i), first_char(events, i)), (Some(a), Some(b)) if is_wide(a) && is_wide(b))
        })
        .collect();
    if drop.is_empty() {
        return;
    }
    let mut k = 0;
    let mut idx = 0;
    events.retain(|_| {
        let keep = !(k < drop.len() && drop[k] == idx);
        if !keep {
            k += 1;
        }
        idx += 1;
        keep
    });
}

/// A delimiter run left as text by the parser: position in the merged run text, length.
#[derive(Debug, Clone, Copy)]
struct Delim {
    at: usize,
    len: usize,
    src: usize,
}

/// Pairs `**`/`*` delimiters CommonMark left unmatched next to Chinese punctuation.
/// Returns the source offsets of `**` runs that are still unmatched afterwards.
pub fn fix_emphasis<'a>(events: &mut Vec<Ev<'a>>, source: &str) -> Vec<Range<usize>> {
    let mut unmatched = Vec::new();
    let mut out: Vec<Ev<'a>> = Vec::with_capacity(events.len());
    let mut run: Vec<Ev<'a>> = Vec::new();
    let flush = |run: &mut Vec<Ev<'a>>, out: &mut Vec<Ev<'a>>, unmatched: &mut Vec<Range<usize>>| {
        if run.is_empty() {
            return;
        }
        let r = std::mem::take(run);
        out.extend(pair_run(r, source, unmatched));
    };
    let mut in_code = false;
    for ev in std::mem::take(events) {
        match &ev.0 {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        if matches!(ev.0, Event::Text(_)) && !in_code {
            run.push(ev);
        } else {
            flush(&mut run, &mut out, &mut unmatched);
            out.push(ev);
        }
    }
    flush(&mut run, &mut out, &mut unmatched);
    *events = out;
    unmatched
}

/// Whether the byte at `at` is preceded by an odd number of backslashes.
fn escaped(source: &str, at: usize) -> bool {
    source.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|b| **b == b'\\')
        .count()
        % 2
        == 1
}

fn pair_run<'a>(run: Vec<Ev<'a>>, source: &str, unmatched: &mut Vec<Range<usize>>) -> Vec<Ev<'a>> {
    // Only look closer when a literal `*` survived as text.
    let has_star = run.iter().any(|(e, r)| {
        matches!(e, Event::Text(t) if t.contains('*')) && source.get(r.clone()).is_some_and(|s| s.contains('*'))
    });
    if !has_star {
        return run;
    }
    // Merge the run's text, remembering which `*` came from the source verbatim (not from an
    // escape `\*` or an entity) and where; the parser may split `**` into two `*` events.
    let mut text = String::new();
    let mut star_src: Vec<Option<usize>> = Vec::new(); // per byte of `text`
    for (e, r) in &run {
        let Event::Text(t) = e else { continue };
        let verbatim = source.get(r.clone()) == Some(t.as_ref());
        for (i, b) in t.bytes().enumerate() {
            let at = r.start + i;
            star_src.push((verbatim && b == b'*' && !escaped(source, at)).then_some(at));
        }
        text.push_str(t);
    }
    let mut delims: Vec<Delim> = Vec::new();
    let mut j = 0;
    while j < star_src.len() {
        if let Some(src) = star_src[j] {
            let start = j;
            while j < star_src.len() && star_src[j].is_some() {
                j += 1;
            }
            delims.push(Delim {
                at: start,
                len: j - start,
                src,
            });
        } else {
            j += 1;
        }
    }
    // Pair delimiters of equal length (1 or 2) left to right.
    let mut pairs: Vec<(Delim, Delim)> = Vec::new();
    let mut open: Vec<Delim> = Vec::new();
    for d in delims.iter().copied() {
        if d.len > 2 {
            continue;
        }
        let next = text[d.at + d.len..].chars().next();
        let prev = text[..d.at].chars().last();
        let can_open = next.is_some_and(|c| !c.is_whitespace());
        let can_close = prev.is_some_and(|c| !c.is_whitespace());
        if can_close && let Some(pos) = open.iter().rposition(|o| o.len == d.len) {
            let o = open[pos];
            let inner = &text[o.at + o.len..d.at];
            let around = [
                text[..o.at].chars().last(),
                inner.chars().next(),
                inner.chars().last(),
                text[d.at + d.len..].chars().next(),
            ];
            if !inner.is_empty() && around.iter().any(|c| c.is_some_and(is_cjk_punct)) {
                open.truncate(pos);
                pairs.push((o, d));
                continue;
            }
        }
        if can_open {
            open.push(d);
        }
    }
    let paired = |d: &Delim| pairs.iter().any(|(a, b)| a.at == d.at || b.at == d.at);
    for d in &delims {
        if d.len == 2 && !paired(d) {
            unmatched.push(d.src..d.src + 2);
        }
    }
    if pairs.is_empty() {
        return run;
    }
    // Rebuild the run: text pieces with Start/End tags at the paired delimiters.
    let mut marks: Vec<(usize, usize, Event<'a>)> = Vec::new();
    for (o, c) in &pairs {
        let (start, end) = if o.len == 2 {
            (Event::Start(Tag::Strong), Event::End(TagEnd::Strong))
        } else {
            (Event::Start(Tag::Emphasis), Event::End(TagEnd::Emphasis))
        };
        marks.push((o.at, o.len, start));
        marks.push((c.at, c.len, end));
    }
    marks.sort_by_key(|m| m.0);
    let range = run.first().map(|r| r.1.start).unwrap_or(0)..run.last().map(|r| r.1.end).unwrap_or(0);
    let mut out = Vec::new();
    let mut pos = 0;
    for (at, len, ev) in marks {
        if at > pos {
            out.push((Event::Text(CowStr::from(text[pos..at].to_string())), range.clone()));
        }
        out.push((ev, range.clone()));
        pos = at + len;
    }
    if pos < text.len() {
        out.push((Event::Text(CowStr::from(text[pos..].to_string())), range));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn render(src: &str) -> (String, Vec<Range<usize>>) {
        let marked = mark_strong(src);
        let src = marked.as_deref().unwrap_or(src);
        let mut ev: Vec<Ev> = Parser::new_ext(src, Options::empty()).into_offset_iter().collect();
        expand_markers(&mut ev);
        join_soft_breaks(&mut ev);
        let un = fix_emphasis(&mut ev, src);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, ev.into_iter().map(|(e, _)| e));
        (html, un)
    }

    #[test]
    fn soft_break_between_chinese_is_dropped() {
        assert_eq!(render("横栏镇坚持\n依法行政。").0, "<p>横栏镇坚持依法行政。</p>\n");
        assert_eq!(render("全年调解，\n化解纠纷").0, "<p>全年调解，化解纠纷</p>\n");
        // between Latin words the break stays
        assert_eq!(render("rule of\nlaw").0, "<p>rule of\nlaw</p>\n");
        assert_eq!(render("**强调**\n中文").0, "<p><strong>强调</strong>中文</p>\n");
    }

    #[test]
    fn emphasis_next_to_chinese_punctuation_is_emphasis() {
        let (html, un) = render("依据**《民法典》**的规定");
        assert_eq!(html, "<p>依据<strong>《民法典》</strong>的规定</p>\n");
        assert!(un.is_empty());
        let (html, _) = render("他说*“你好”*然后");
        assert_eq!(html, "<p>他说<em>“你好”</em>然后</p>\n");
    }

    #[test]
    fn ordinary_emphasis_is_untouched_and_escapes_are_respected() {
        assert_eq!(
            render("依据**民法典**的规定").0,
            "<p>依据<strong>民法典</strong>的规定</p>\n"
        );
        assert_eq!(
            render("依据\\*\\*《民法典》\\*\\*的规定").0,
            "<p>依据**《民法典》**的规定</p>\n"
        );
        assert_eq!(render("`**《a》**`").0, "<p><code>**《a》**</code></p>\n");
    }

    #[test]
    fn split_delimiters_after_a_joined_line_are_paired() {
        let (html, _) = render("开展学法活动，\n群众参与踊跃。依据**《民法典》**的规定。");
        assert_eq!(
            html,
            "<p>开展学法活动，群众参与踊跃。依据<strong>《民法典》</strong>的规定。</p>\n"
        );
    }

    #[test]
    fn several_pairs_on_one_line_pair_correctly() {
        let (html, un) = render("探索**“预重整+重整+共益债”**模式，作为**全市唯一的项目**推进。");
        assert_eq!(
            html,
            "<p>探索<strong>“预重整+重整+共益债”</strong>模式，作为<strong>全市唯一的项目</strong>推进。</p>\n"
        );
        assert!(un.is_empty());
    }

    #[test]
    fn strong_around_a_link_next_to_punctuation() {
        let (html, _) = render("依据**《[民法典](x)》**的规定");
        assert_eq!(html, "<p>依据<strong>《<a href=\"x\">民法典</a>》</strong>的规定</p>\n");
    }

    #[test]
    fn code_and_latin_are_left_to_commonmark() {
        assert_eq!(render("`a**《b》**c`").0, "<p><code>a**《b》**c</code></p>\n");
        assert_eq!(render("a ** b ** c").0, "<p>a ** b ** c</p>\n");
        assert_eq!(render("**bold** text").0, "<p><strong>bold</strong> text</p>\n");
        assert_eq!(
            render("```\n依据**《民法典》**\n```").0,
            "<pre><code>依据**《民法典》**\n</code></pre>\n"
        );
    }

    #[test]
    fn offsets_are_unchanged() {
        let src = "依据**《民法典》**的规定";
        assert_eq!(mark_strong(src).unwrap().len(), src.len());
    }
}
