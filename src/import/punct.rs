//! Half-width punctuation in Chinese text made full-width: `,` `:` `;` `?` `!` `(` `)` next to
//! Chinese characters become `，` `：` `；` `？` `！` `（` `）`. Numbers, decimals, dates, times,
//! URLs, Latin words and everything inside `《》` titles are left exactly as they are: no
//! figure is ever changed (the tests check that every digit run survives).

use crate::markdown::cjk::is_wide;

fn chinese(c: Option<char>) -> bool {
    c.is_some_and(|c| is_wide(c) && !matches!(c, '《' | '》'))
}

/// Converts the punctuation of one line (or paragraph).
pub fn fix(line: &str) -> String {
    let offsets: Vec<usize> = line.char_indices().map(|(o, _)| o).collect();
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut title_depth = 0usize; // inside 《》
    let mut open_parens: Vec<bool> = Vec::new(); // was the `(` converted?
    let mut in_url = false;
    for i in 0..chars.len() {
        let c = chars[i];
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        // URLs run to the next space or Chinese character.
        if !in_url
            && ["http://", "https://", "www."]
                .iter()
                .any(|p| line[offsets[i]..].starts_with(p))
        {
            in_url = true;
        }
        if in_url {
            if c.is_whitespace() || is_wide(c) {
                in_url = false;
            } else {
                out.push(c);
                continue;
            }
        }
        match c {
            '《' => title_depth += 1,
            '》' => title_depth = title_depth.saturating_sub(1),
            _ => {}
        }
        if title_depth > 0 && c != '《' {
            if c == '(' {
                open_parens.push(false);
            } else if c == ')' {
                open_parens.pop();
            }
            out.push(c);
            continue;
        }
        let digits_around = prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        let converted = match c {
            ',' | ';' | '?' | '!' if (chinese(prev) || chinese(next)) && !digits_around => Some(match c {
                ',' => '，',
                ';' => '；',
                '?' => '？',
                _ => '！',
            }),
            // Times (09:30) and ratios keep their colon.
            ':' if (chinese(prev) || chinese(next)) && !digits_around => Some('：'),
            '(' => {
                let inner_chinese = chinese(next) || {
                    // Look at what the parenthesis holds: Chinese inside, or next to Chinese.
                    let close = chars[i + 1..].iter().position(|x| *x == ')');
                    close.is_some_and(|k| chars[i + 1..i + 1 + k].iter().any(|x| is_wide(*x))) || chinese(prev)
                };
                open_parens.push(inner_chinese);
                inner_chinese.then_some('（')
            }
            ')' => match open_parens.pop() {
                Some(true) => Some('）'),
                Some(false) => None,
                None => (chinese(prev) || chinese(next)).then_some('）'),
            },
            _ => None,
        };
        out.push(converted.unwrap_or(c));
    }
    out
}

/// The runs of digits (with decimal points) in a text, in order: what must never change.
pub fn figures(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(cur.trim_end_matches('.').to_string());
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push(cur.trim_end_matches('.').to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_between_chinese_becomes_full_width() {
        assert_eq!(fix("2024年,横栏镇坚持"), "2024年，横栏镇坚持");
        assert_eq!(fix("具体情况报告如下:"), "具体情况报告如下：");
        assert_eq!(fix("(一)坚守政治定位"), "（一）坚守政治定位");
        assert_eq!(fix("11个村(社区)投放"), "11个村（社区）投放");
        assert_eq!(fix("化解21335宗,化解率93.19%。"), "化解21335宗，化解率93.19%。");
        assert_eq!(fix("增长16.8%,企业"), "增长16.8%，企业");
        assert_eq!(fix("是否完成?是的!"), "是否完成？是的！");
        assert_eq!(fix("甲;乙"), "甲；乙");
    }

    #[test]
    fn numbers_urls_latin_and_titles_stay() {
        assert_eq!(fix("共1,000人"), "共1,000人");
        assert_eq!(fix("9:30开会"), "9:30开会");
        assert_eq!(
            fix("见https://www.zs.gov.cn/a,b页面"),
            "见https://www.zs.gov.cn/a,b页面"
        );
        assert_eq!(fix("Hello, world"), "Hello, world");
        assert_eq!(
            fix("《三年行动方案(2024—2026年)》,成立"),
            "《三年行动方案(2024—2026年)》，成立"
        );
        assert_eq!(fix("1.深入学习"), "1.深入学习");
        assert_eq!(fix("(2024年)"), "（2024年）");
    }

    #[test]
    fn no_figure_changes() {
        let s = "排查22895宗,化解21335宗,化解率93.19%;涉案1179余万元(2024年)。";
        assert_eq!(figures(&fix(s)), figures(s));
    }
}
