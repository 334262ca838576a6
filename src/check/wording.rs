//! 规范表述: finds serious wording errors and common 错别字 in a text, fast.
//!
//! A [`Detector`] is built once from the [`WordLists`]. One Aho-Corasick pass over a text finds
//! every pattern at once: canonical terms and allowed texts written exactly (they cover the
//! text they span), known wrong forms and typos (reported directly), and for every canonical
//! term of 4+ characters two anchors, its first ⌈n/2⌉ and its last ⌊n/2⌋ characters. A text
//! that differs from the term by one edit keeps one anchor intact, so only anchor hits are
//! compared with the term, character by character (plus one pattern for the swap across the
//! two anchors). A near miss is reported only when it is likely a mistake:
//!
//! - the edit is inside the term: its first and last characters are as written (an edit at the
//!   edge usually makes another word: 全面依法治县, 社会主义核心价值体系);
//! - the different character is a Chinese character (a line break or a space is not an edit);
//! - it is not a change between numbers (二十届二中全会) or levels (国/省/市/县/镇 …);
//! - a missing or extra character only counts in terms of 7+ characters;
//! - it does not lie inside a canonical term or an allowed text written exactly there.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::terms::WordLists;
use crate::diagnostics::Diagnostic;
use crate::markdown::cjk::is_wide_letter;

/// The fewest characters a term needs for near misses to be looked for.
pub const NEAR_MISS_MIN_CHARS: usize = 4;
/// The fewest characters a term needs for a missing or extra character to count.
const INDEL_MIN_CHARS: usize = 7;
const NUMERALS: &str = "〇零一二三四五六七八九十百千两廿";
const LEVELS: &str = "国省市县区镇乡村街州盟旗";

/// How a near miss differs from its term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Substituted,
    Missing,
    Extra,
    Swapped,
}

/// What kind of finding a [`Hit`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    /// One edit away from a canonical term.
    NearMiss(Edit),
    /// A listed wrong form of a serious term.
    KnownWrong,
    /// A listed common typo.
    Typo,
}

/// One finding: byte range in the text, the text found and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub kind: HitKind,
    pub found: String,
    pub expected: String,
    pub category: String,
}

impl Hit {
    /// Serious errors are errors; typos are warnings.
    pub fn is_serious(&self) -> bool {
        self.kind != HitKind::Typo
    }
}

/// What a pattern of the automaton stands for (one pattern may stand for several).
#[derive(Debug, Clone, Copy)]
enum Role {
    /// A canonical term written exactly.
    Exact,
    /// An allowed text (or a typo's exception) written exactly.
    Cover,
    /// The first half of term t: the edit, if any, comes after it.
    Head(u32),
    /// The second half of term t: the edit, if any, comes before it.
    Tail(u32),
    /// Term t with the two characters around its halves' border swapped.
    Swap(u32),
    /// Wrong form w.
    Wrong(u32),
}

struct Term {
    text: String,
    chars: usize,
    category: String,
}

/// The compiled word lists.
pub struct Detector {
    ac: AhoCorasick,
    roles: Vec<Vec<Role>>,
    terms: Vec<Term>,
    lists: WordLists,
}

/// Collects patterns, one automaton entry per distinct string.
#[derive(Default)]
struct Patterns {
    strings: Vec<String>,
    roles: Vec<Vec<Role>>,
    index: std::collections::HashMap<String, usize>,
}

impl Patterns {
    fn add(&mut self, s: &str, role: Role) {
        if s.is_empty() {
            return;
        }
        let i = *self.index.entry(s.to_string()).or_insert_with(|| {
            self.strings.push(s.to_string());
            self.roles.push(Vec::new());
            self.strings.len() - 1
        });
        self.roles[i].push(role);
    }
}

impl Detector {
    /// Compiles the lists (fails only when they are too large for the automaton).
    pub fn new(lists: WordLists) -> Result<Detector, Diagnostic> {
        let mut p = Patterns::default();
        let mut terms = Vec::with_capacity(lists.terms.len());
        for (i, t) in lists.terms.iter().enumerate() {
            let id = i as u32;
            let chars: Vec<char> = t.text.chars().collect();
            p.add(&t.text, Role::Exact);
            if chars.len() >= NEAR_MISS_MIN_CHARS {
                let a = chars.len().div_ceil(2);
                p.add(&chars[..a].iter().collect::<String>(), Role::Head(id));
                p.add(&chars[a..].iter().collect::<String>(), Role::Tail(id));
                let mut swapped = chars.clone();
                swapped.swap(a - 1, a);
                if interior_swap(&chars, a - 1) {
                    p.add(&swapped.iter().collect::<String>(), Role::Swap(id));
                }
            }
            terms.push(Term {
                text: t.text.clone(),
                chars: chars.len(),
                category: t.category.clone(),
            });
        }
        for (i, w) in lists.wrong.iter().enumerate() {
            p.add(&w.wrong, Role::Wrong(i as u32));
            for e in &w.unless_in {
                p.add(e, Role::Cover);
            }
        }
        for a in &lists.allowed {
            p.add(a, Role::Cover);
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&p.strings)
            .or_else(|_| AhoCorasick::new(&p.strings))
            .map_err(|e| {
                Diagnostic::new("check/terms-file", format!("规范表述词表太大，无法使用：{e}"))
                    .with_hint("请减少 terms.txt 和 check.terms 中的条目。")
            })?;
        Ok(Detector {
            ac,
            roles: p.roles,
            terms,
            lists,
        })
    }

    /// Every finding in `text`, in order, none overlapping another. A line break between two
    /// Chinese characters (a wrapped Markdown line, which the page shows joined) is read as
    /// the page shows it: a term across it is found, and a right term is not a finding.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let Some((joined, shifts)) = join_wrapped_lines(text) else {
            return self.scan_raw(text);
        };
        let original = |j: usize, end: bool| {
            let i = shifts.partition_point(|&(at, _)| if end { at < j } else { at <= j });
            j + i.checked_sub(1).map_or(0, |k| shifts[k].1)
        };
        let mut hits = self.scan_raw(&joined);
        for h in &mut hits {
            h.start = original(h.start, false);
            h.end = original(h.end, true);
        }
        hits
    }

    fn scan_raw(&self, text: &str) -> Vec<Hit> {
        let mut covers: Vec<(usize, usize)> = Vec::new();
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.ac.find_overlapping_iter(text) {
            for role in &self.roles[m.pattern().as_usize()] {
                match *role {
                    Role::Exact | Role::Cover => covers.push((m.start(), m.end())),
                    Role::Head(t) => hits.extend(self.near_miss(text, m.start(), t as usize)),
                    Role::Tail(t) => hits.extend(self.near_miss_ending(text, m.end(), t as usize)),
                    Role::Swap(t) => hits.push(self.hit(text, m.start(), m.end(), t as usize, Edit::Swapped)),
                    Role::Wrong(w) => hits.extend(self.wrong_form(text, m.start(), m.end(), w as usize)),
                }
            }
        }
        if hits.is_empty() {
            return hits;
        }
        hits.retain(|h| !covers.iter().any(|&(s, e)| s <= h.start && h.end <= e));
        // One finding per place: the longest (a whole term rather than its wrong syllable).
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
        for h in hits {
            match out.last() {
                Some(last) if h.start < last.end => {}
                _ => out.push(h),
            }
        }
        out
    }

    fn hit(&self, text: &str, start: usize, end: usize, t: usize, edit: Edit) -> Hit {
        let term = &self.terms[t];
        Hit {
            start,
            end,
            kind: HitKind::NearMiss(edit),
            found: text[start..end].to_string(),
            expected: term.text.clone(),
            category: term.category.clone(),
        }
    }

    /// A near miss of term `t` starting at `start`, whose first half is written there.
    fn near_miss(&self, text: &str, start: usize, t: usize) -> Option<Hit> {
        let term = &self.terms[t];
        let (end, edit) = one_edit(&text[start..], &term.text, term.chars)?;
        Some(self.hit(text, start, start + end, t, edit))
    }

    /// A near miss of term `t` ending at `end`, whose second half is written just before.
    fn near_miss_ending(&self, text: &str, end: usize, t: usize) -> Option<Hit> {
        let n = self.terms[t].chars;
        // The near miss is one character shorter, as long or one longer than the term.
        let starts = text[..end].char_indices().rev().skip(n.saturating_sub(2)).take(3);
        let found: Vec<usize> = starts.map(|(i, _)| i).collect();
        found
            .into_iter()
            .filter_map(|s| self.near_miss(text, s, t))
            .find(|h| h.end == end)
    }

    /// Wrong form `w` at start..end, unless one of its exceptions applies there.
    fn wrong_form(&self, text: &str, start: usize, end: usize, w: usize) -> Option<Hit> {
        let form = &self.lists.wrong[w];
        let sentence_end = text[end..]
            .find(['。', '！', '？', '；', '\n'])
            .map_or(text.len(), |i| end + i);
        if form
            .unless_later
            .iter()
            .any(|l| text[end..sentence_end].contains(l.as_str()))
        {
            return None;
        }
        Some(Hit {
            start,
            end,
            kind: if form.serious {
                HitKind::KnownWrong
            } else {
                HitKind::Typo
            },
            found: form.wrong.clone(),
            expected: form.right.clone(),
            category: form.category.clone(),
        })
    }
}

/// `text` with each line break between two Chinese characters (and the next line's indent)
/// removed, and where: (position in the joined text, bytes removed before it in total).
/// `None` when there is no such break.
fn join_wrapped_lines(text: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    let mut out = String::new();
    let mut copied = 0;
    let mut removed = 0;
    let mut from = 0;
    while let Some(i) = text[from..].find('\n').map(|i| from + i) {
        let before = text[..i].trim_end_matches('\r').chars().next_back();
        let rest = &text[i + 1..];
        let next_at = i + 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let after = text[next_at..].chars().next();
        from = i + 1;
        if !(before.is_some_and(is_wide_letter) && after.is_some_and(is_wide_letter)) {
            continue;
        }
        let cut_start = i - usize::from(text[..i].ends_with('\r'));
        out.push_str(&text[copied..cut_start]);
        removed += next_at - cut_start;
        shifts.push((out.len(), removed));
        copied = next_at;
    }
    if shifts.is_empty() {
        return None;
    }
    out.push_str(&text[copied..]);
    Some((out, shifts))
}

/// Compares `text` (from where a near miss would start) with `term` of `n` characters:
/// the byte length and kind of the one edit that makes them equal, when it is an edit
/// worth reporting (see the module documentation).
fn one_edit(text: &str, term: &str, n: usize) -> Option<(usize, Edit)> {
    let same = text.bytes().zip(term.bytes()).take_while(|(a, b)| a == b).count();
    if same == term.len() {
        return None; // the term itself
    }
    let mut split = same;
    while !term.is_char_boundary(split) {
        split -= 1;
    }
    let pos = term[..split].chars().count();
    let (rest_t, rest_x) = (&term[split..], &text[split..]);
    let tc = rest_t.chars().next()?;
    let xc = rest_x.chars().next()?;
    let (t_after, x_after) = (&rest_t[tc.len_utf8()..], &rest_x[xc.len_utf8()..]);
    let interior = pos >= 1 && pos + 2 <= n;
    if interior && is_wide_letter(xc) && x_after.starts_with(t_after) && !same_class(tc, xc) {
        return Some((split + xc.len_utf8() + t_after.len(), Edit::Substituted));
    }
    if let Some(tc2) = t_after.chars().next()
        && xc == tc2
        && x_after.starts_with(tc)
        && x_after[tc.len_utf8()..].starts_with(&t_after[tc2.len_utf8()..])
        && interior_swap(&term.chars().collect::<Vec<_>>(), pos)
    {
        return Some((split + rest_t.len(), Edit::Swapped));
    }
    if n < INDEL_MIN_CHARS {
        return None;
    }
    if interior && rest_x.starts_with(t_after) && !NUMERALS.contains(tc) {
        return Some((split + t_after.len(), Edit::Missing));
    }
    if pos >= 1 && is_wide_letter(xc) && x_after.starts_with(rest_t) && !NUMERALS.contains(xc) {
        return Some((split + xc.len_utf8() + rest_t.len(), Edit::Extra));
    }
    None
}

/// Whether swapping characters `i` and `i + 1` of a term is an edit worth reporting: both
/// inside the term, and not two numbers (十二届 and 二十届 are both right).
fn interior_swap(chars: &[char], i: usize) -> bool {
    i >= 1 && i + 2 < chars.len() && !(NUMERALS.contains(chars[i]) && NUMERALS.contains(chars[i + 1]))
}

/// Two characters that stand for different, equally right things in a name.
fn same_class(a: char, b: char) -> bool {
    (NUMERALS.contains(a) && NUMERALS.contains(b)) || (LEVELS.contains(a) && LEVELS.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::terms::WordLists;

    fn detector() -> Detector {
        let mut l = WordLists::bundled();
        l.allowed.push("中华人民共合国成立".into());
        Detector::new(l).unwrap()
    }

    fn found(text: &str) -> Vec<(String, String)> {
        detector()
            .scan(text)
            .into_iter()
            .map(|h| (h.found, h.expected))
            .collect()
    }

    fn one(text: &str, found_text: &str, expected: &str, kind: HitKind) {
        let hits = detector().scan(text);
        assert_eq!(hits.len(), 1, "{text}: {hits:?}");
        assert_eq!(hits[0].found, found_text, "{text}");
        assert_eq!(hits[0].expected, expected, "{text}");
        assert_eq!(hits[0].kind, kind, "{text}");
        assert_eq!(&text[hits[0].start..hits[0].end], found_text);
    }

    #[test]
    fn finds_each_kind_of_near_miss() {
        use Edit::*;
        let t = "习近平新时代中国特色社会主义思想";
        one(
            "以习近平新时代中国特设社会主义思想为指导",
            "习近平新时代中国特设社会主义思想",
            t,
            HitKind::NearMiss(Substituted),
        );
        one(
            "以习近平新时代中国特色社主义思想为指导",
            "习近平新时代中国特色社主义思想",
            t,
            HitKind::NearMiss(Missing),
        );
        one(
            "以习近平新时代的中国特色社会主义思想为指导",
            "习近平新时代的中国特色社会主义思想",
            t,
            HitKind::NearMiss(Extra),
        );
        one(
            "以习近平新时代中国色特社会主义思想为指导",
            "习近平新时代中国色特社会主义思想",
            t,
            HitKind::NearMiss(Swapped),
        );
        one(
            "贯彻党的二十届三中金会精神",
            "党的二十届三中金会",
            "党的二十届三中全会",
            HitKind::NearMiss(Substituted),
        );
        one(
            "贯彻二十届三中金会精神",
            "二十届三中金会",
            "二十届三中全会",
            HitKind::NearMiss(Substituted),
        );
        one(
            "深入开展扫黑除恶专向斗争",
            "扫黑除恶专向斗争",
            "扫黑除恶专项斗争",
            HitKind::NearMiss(Substituted),
        );
        // The swap across the two halves of a short term.
        one("开展扫除黑恶行动", "扫除黑恶", "扫黑除恶", HitKind::NearMiss(Swapped));
    }

    #[test]
    fn known_wrong_forms_and_typos() {
        one(
            "中华人民共合国宪法",
            "中华人民共合国",
            "中华人民共和国",
            HitKind::NearMiss(Edit::Substituted),
        );
        one("横栏镇人民攻府", "攻府", "政府", HitKind::KnownWrong);
        one("我们要再接再励", "再接再励", "再接再厉", HitKind::Typo);
        one("按装路灯", "按装", "安装", HitKind::Typo);
        assert!(found("按装修标准验收").is_empty(), "an exception");
        one("既使下雨也要去", "既使", "即使", HitKind::Typo);
        assert!(found("既使群众满意，又使企业放心。").is_empty(), "既使……又 is right");
        assert!(found("既使群众满意，也使企业放心。").is_empty(), "既使……也使 is right");
        assert!(found("以新时代中国特色社会主义思想为指导").len() == 1);
        assert!(found("以习近平新时代中国特色社会主义思想为指导").is_empty());
    }

    #[test]
    fn right_text_and_other_words_are_not_findings() {
        for ok in [
            "贯彻党的二十大和二十届二中、三中全会精神",
            "党的十九届四中全会、十一届三中全会、二十届四中全会",
            "指导制定《横栏镇2024年全面依法治镇工作要点》，推进全面依法治县",
            "培育和践行社会主义核心价值观，建设社会主义核心价值体系",
            "坚持依宪治国、依宪执政，全面从严管党治党",
            "中华人民共和国民法典和中华人民共\n和国宪法",
            "常态化开展扫黑除恶斗争，扫黑除恶专项斗争取得胜利",
            "“八五”普法、“七五”普法",
            "中华人民共合国成立",
            "依法治理，依法治市，依法治校，法治政府建设",
            "法国政府、中国中央电视台、依法治国、依法行政、依法执政",
        ] {
            assert!(found(ok).is_empty(), "{ok}: {:?}", found(ok));
        }
    }

    #[test]
    fn a_term_across_a_line_break_is_not_a_finding() {
        assert!(found("以习近平\n新时代中国特色社会主义思想为指导").is_empty());
        assert!(found("中华人民共\n  和国宪法").is_empty());
        assert!(
            found("第一段末尾是中华人民\n\n共合作社").is_empty(),
            "paragraphs are not joined"
        );
        let text = "前言。\n以新时代中国特色社会\r\n  主义思想为指导，中华人民共合国";
        let hits = detector().scan(text);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(&text[hits[0].start..hits[0].end], "新时代中国特色社会\r\n  主义思想");
        assert_eq!(hits[0].found, "新时代中国特色社会主义思想");
        assert_eq!(&text[hits[1].start..hits[1].end], "中华人民共合国");
    }

    #[test]
    fn finds_every_match_in_a_long_text() {
        let text = "中华人民共合国。".repeat(1000);
        assert_eq!(detector().scan(&text).len(), 1000);
    }
}
