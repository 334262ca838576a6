//! Example values still in `config.yaml`: what `pufa init` and the bundled example write
//! (示例镇人民政府, 0000-00000000, 示ICP备00000000号, example.gov.cn) until the clerk fills in the
//! real ones. Every page's footer and metadata publish them, and the inspection's 网站基本信息
//! items (主办单位, 联系方式, 网站标识码, 备案号) fail on them, so `pufa check` names each one at
//! its line.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::yaml;

/// A config key, what the report calls it, its value, and the test for an example value.
type Field<'a> = (&'static str, &'static str, &'a str, fn(&str) -> bool);

/// A warning for each organisation field, the title and the base URL that still hold an
/// example value (only for a government site: other sites have no such footer).
pub fn check(config: &Config) -> Vec<Diagnostic> {
    if !config.government_site {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(&config.file) else {
        return Vec::new();
    };
    let shown = crate::diagnostics::display_path(&config.file, &config.root);
    let org = &config.organisation;
    let fields: [Field; 9] = [
        ("title", "网站标题", &config.title, says_example),
        ("base_url", "发布地址", &config.base_url, is_example_address),
        ("name", "主办单位", &org.name, says_example),
        ("address", "地址", &org.address, says_example),
        ("phone", "联系电话", &org.phone, |v| {
            says_example(v) || zero_digits(v)
        }),
        ("email", "电子邮箱", &org.email, is_example_address),
        ("site_code", "网站标识码", &org.site_code, |v| {
            says_example(v) || zero_digits(v)
        }),
        ("icp", "ICP备案号", &org.icp, |v| {
            says_example(v) || zero_digits(v) || !provincial(v, "ICP备")
        }),
        ("police_record", "公安机关备案号", &org.police_record, |v| {
            says_example(v) || zero_digits(v) || !provincial(v, "公网安备")
        }),
    ];
    let org_line = yaml::find_key(&text, "organisation", 0).map_or(0, |(l, _)| l);
    fields
        .into_iter()
        .filter(|(_, _, value, is_example)| is_example(value))
        .map(|(key, label, value, _)| {
            let near = if matches!(key, "title" | "base_url") { 0 } else { org_line + 1 };
            let d = Diagnostic::warning("site/placeholder", format!("{label}还是示例值：{value}"))
                .in_file(&shown)
                .with_hint(format!(
                    "这是新建站点或示例站点里的示例值，每个页面的页脚和元数据都会显示它，检查时会被判为信息不准确。请在 config.yaml 中把 `{key}` 改为真实信息。"
                ));
            match yaml::find_key(&text, key, near) {
                Some((line, col)) => d.at_line_col(&text, line, col, key.chars().count()),
                None => d,
            }
        })
        .collect()
}

/// 示例 or 虚构 in the value.
fn says_example(v: &str) -> bool {
    v.contains("示例") || v.contains("虚构")
}

/// A number that is all zeros, ends in eight of them or counts 12345678 (0000-00000000,
/// 0000000000, 44200000000000, 1234567890): a real code or phone number is none of these.
fn zero_digits(v: &str) -> bool {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    !digits.is_empty()
        && (digits.bytes().all(|b| b == b'0') || digits.ends_with("00000000") || digits.contains("12345678"))
}

/// The one-character names of the provinces that registrations start with (粤ICP备…).
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台";

/// Whether the registration `v` names a province right before `word` (粤ICP备, 粤公网安备).
fn provincial(v: &str, word: &str) -> bool {
    v.find(word)
        .and_then(|i| v[..i].chars().next_back())
        .is_some_and(|c| PROVINCES.contains(c))
}

/// An address at one of the names kept for examples (example.gov.cn, example.org ...).
fn is_example_address(v: &str) -> bool {
    let host = v.rsplit('@').next().unwrap_or(v).to_ascii_lowercase();
    says_example(v) || host.contains("example.") || host.contains(".example") || host.contains("localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_values_are_told_from_real_ones() {
        assert!(zero_digits("0760-00000000（示例）"));
        assert!(zero_digits("0000000000"));
        assert!(zero_digits("粤公网安备44200000000000号"));
        assert!(!zero_digits("粤公网安备44200002000123号"));
        assert!(!zero_digits("4420000001"), "a real 网站标识码 may hold many zeros");
        assert!(!zero_digits("0760-87654321"));
        assert!(zero_digits("1234567890"));
        assert!(provincial("粤ICP备05036582号", "ICP备"));
        assert!(!provincial("示ICP备00000000号", "ICP备"));
        assert!(!provincial("ICP备05036582号", "ICP备"));
        assert!(provincial("粤公网安备44200002000123号", "公网安备"));
        assert!(is_example_address("example@hlz.example.gov.cn"));
        assert!(is_example_address("https://www.example.gov.cn/"));
        assert!(!is_example_address("https://www.zs.gov.cn/hlz/"));
        assert!(!is_example_address("hlzsfs@zs.gov.cn"));
        assert!(says_example("示例镇人民政府"));
        assert!(!says_example("中山市横栏镇人民政府"));
    }
}
