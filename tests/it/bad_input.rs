//! Every class of bad input: a non-zero exit, a message naming the file and line, and the
//! previous output left exactly as it was.

use crate::common::*;

/// Builds the good fixture, then the fixture with `overlay` on top; returns stderr of the
/// failed build after checking the exit code and that public/ is untouched.
fn fails(overlay: &str) -> String {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let before = snapshot(&f.out());
    copy_dir(&fixtures().join("bad").join(overlay), &f.site());
    let o = f.build(&[]);
    assert!(!o.status.success(), "{overlay}: the build should fail");
    assert_eq!(o.status.code(), Some(1));
    let after = snapshot(&f.out());
    assert!(before == after, "{overlay}: a failed build changed public/");
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pufa-staging"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{overlay}: staging folder left behind: {leftovers:?}"
    );
    stderr(&o)
}

fn has(err: &str, needles: &[&str]) {
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in:\n{err}");
    }
}

#[test]
fn malformed_yaml() {
    let e = fails("malformed_yaml");
    has(&e, &["content/cases/wuye.md:4:", "YAML"]);
}

#[test]
fn unknown_front_matter_key() {
    let e = fails("unknown_key");
    has(&e, &["content/cases/wuye.md:5:1", "`auther`", "5 | auther: 张某"]);
}

#[test]
fn missing_required_field() {
    let e = fails("missing_required");
    has(&e, &["content/reports/2024.md:1:1", "`publisher`"]);
}

#[test]
fn wrong_type() {
    let e = fails("wrong_type");
    has(&e, &["content/reports/2024.md:5:", "`year`", "整数", "二〇二四"]);
}

#[test]
fn invalid_date() {
    let e = fails("invalid_date");
    // The whole value is underlined, not as many characters as the key has.
    has(
        &e,
        &[
            "content/cases/wuye.md:5:",
            "`date`",
            "2023-02-30",
            "28天",
            "|       ^^^^^^^^^^\n",
        ],
    );
}

#[test]
fn missing_template() {
    let e = fails("missing_template");
    has(&e, &["content/about.md:3:1", "nothere.html"]);
}

#[test]
fn template_syntax_error() {
    let e = fails("template_syntax");
    has(&e, &["templates/page.html:4:", "模板错误"]);
}

#[test]
fn broken_internal_link() {
    let e = fails("broken_link");
    has(&e, &["content/about.md:7:", "@/reports/2030.md", "不存在"]);
}

#[test]
fn broken_anchor() {
    let e = fails("broken_anchor");
    has(&e, &["content/about.md:5:", "#不存在的标题", "reports/2024.md"]);
}

#[test]
fn two_pages_with_the_same_output_path() {
    let e = fails("duplicate_path");
    has(
        &e,
        &["content/cases/other.md:5:1", "/cases/wuye/", "content/cases/wuye.md"],
    );
}

#[test]
fn non_utf8_file() {
    let e = fails("non_utf8");
    has(&e, &["content/cases/gbk.md:2:", "UTF-8", "GBK", "title: 编码错误"]);
}

#[test]
fn config_with_an_unknown_key() {
    let e = fails("config_unknown_key");
    has(&e, &["config.yaml:4:1", "`titel`", "title"]);
}

#[test]
fn errors_from_several_files_are_all_reported() {
    let f = Fixture::new(&["bad/unknown_key", "bad/invalid_date"]);
    // invalid_date overwrote wuye.md; add another broken file.
    f.write(
        "content/cases/x.md",
        "---\ntitle: x\ncase_type: 信访\nyear: 二〇二四\n---\n",
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    has(&e, &["content/cases/wuye.md", "content/cases/x.md:4:", "共 2 处错误"]);
}

#[test]
fn output_folder_holding_other_files_is_never_replaced() {
    let f = Fixture::new(&[]);
    std::fs::create_dir_all(f.out()).unwrap();
    std::fs::write(f.out().join("thesis.docx"), "important").unwrap();
    let o = f.build(&[]);
    assert!(!o.status.success());
    assert_eq!(
        std::fs::read_to_string(f.out().join("thesis.docx")).unwrap(),
        "important"
    );
}

#[test]
fn missing_site_folder_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let o = pufa(dir.path(), &["build", "--root", "nosuchsite"]);
    assert!(!o.status.success());
    has(&stderr(&o), &["nosuchsite", "pufa init"]);
}

#[test]
fn an_index_number_used_twice() {
    let e = fails("duplicate_index_no");
    has(
        &e,
        &["content/reports/2024.md:7:1", "EX-2025-0001", "content/reports/2023.md"],
    );
}

#[test]
fn written_after_published() {
    let e = fails("written_after_published");
    has(&e, &["content/reports/2023.md:6:1", "成文日期", "晚于发布日期"]);
}

#[test]
fn government_site_without_its_registrations() {
    let e = fails("missing_organisation");
    has(
        &e,
        &[
            "config.yaml:3:1",
            "organisation.icp",
            "organisation.site_code",
            "government_site: false",
        ],
    );
}

#[test]
fn non_government_sites_may_leave_the_registrations_out() {
    let f = Fixture::new(&["bad/missing_organisation"]);
    f.write(
        "config.yaml",
        "title: 某协会普法网\nbase_url: https://www.example.org/\ngovernment_site: false\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let home = f.read("index.html");
    assert!(
        !home.contains("SiteIDCode") && !home.contains("ICP备"),
        "no government metadata or registrations"
    );
}

#[test]
fn an_unclosed_quote_is_named_at_its_line_not_later() {
    let e = fails("unclosed_quote");
    has(
        &e,
        &[
            "content/cases/wuye.md:5:11",
            "引号没有闭合",
            "5 | location: \"示例镇示例村",
        ],
    );
}

#[test]
fn full_width_colon_in_front_matter() {
    let e = fails("full_width_colon");
    has(
        &e,
        &[
            "content/cases/wuye.md:5:9",
            "把全角冒号“：”改成半角冒号“:”",
            "5 | location：\"示例镇\"",
        ],
    );
}

#[test]
fn a_key_written_twice_is_placed_at_the_second() {
    let e = fails("duplicate_key");
    has(
        &e,
        &[
            "content/cases/wuye.md:6:1",
            "`year` 写了两次",
            "6 | year: 2024",
            "前面已经写过",
        ],
    );
}

#[test]
fn a_slug_too_long_for_a_file_name() {
    let e = fails("long_slug");
    has(&e, &["content/cases/wuye.md:5:1", "网址名太长", "279 字节", "slug"]);
    assert!(!e.contains("File name too long") && !e.contains("staging"), "{e}");
}

#[test]
fn a_taxonomy_term_too_long_for_a_file_name() {
    let e = fails("long_term");
    has(&e, &["content/cases/wuye.md:6:", "分类词太长", "`topics`"]);
    assert!(!e.contains("File name too long") && !e.contains("staging"), "{e}");
}

/// Like [`fails`], with the bad input made by `setup` in the site folder (symlinks and
/// non-UTF-8 names, which a fixture folder in git cannot hold portably).
#[cfg(unix)]
fn fails_after(setup: impl FnOnce(&std::path::Path)) -> String {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let before = snapshot(&f.out());
    setup(&f.site());
    let o = f.build(&[]);
    assert_eq!(o.status.code(), Some(1), "the build should fail: {}", stderr(&o));
    assert!(before == snapshot(&f.out()), "a failed build changed public/");
    stderr(&o)
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let e = fails_after(|site| {
        // 案例.md in GBK, as a Windows zip leaves it.
        let name = std::ffi::OsStr::from_bytes(b"\xb0\xb8\xc0\xfd.md");
        std::fs::write(site.join("content/cases").join(name), "---\ntitle: x\n---\n").unwrap();
    });
    has(&e, &["content/cases/", "文件名不是 UTF-8", "\u{fffd}", "重命名"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_naming_the_link() {
    let e = fails_after(|site| std::os::unix::fs::symlink("..", site.join("content/cases/loop")).unwrap());
    has(&e, &["content/cases/loop", "循环", "→ .."]);
}

#[cfg(unix)]
#[test]
fn a_symlink_leaving_the_site_is_an_error_naming_both_ends() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: 内部\n---\n").unwrap();
    let e = fails_after(|site| std::os::unix::fs::symlink(&secret, site.join("content/cases/secret.md")).unwrap());
    has(&e, &["content/cases/secret.md", "站点文件夹以外", "secret.md"]);
}

#[cfg(unix)]
#[test]
fn a_static_symlink_leaving_the_site_is_an_error_naming_both_ends() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    let e = fails_after(|site| {
        std::fs::create_dir_all(site.join("static")).unwrap();
        std::os::unix::fs::symlink(outside.path(), site.join("static/etc")).unwrap();
    });
    has(&e, &["static/etc", "站点文件夹以外"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_to_nothing_is_an_error_naming_the_link() {
    let e = fails_after(|site| std::os::unix::fs::symlink("gone.md", site.join("content/cases/dangling.md")).unwrap());
    has(&e, &["content/cases/dangling.md", "不存在", "gone.md"]);
}

#[test]
fn alias_that_takes_a_page_address() {
    let e = fails("alias_clash");
    has(&e, &["content/about.md:5:", "/cases/wuye/", "content/cases/wuye.md"]);
}

#[test]
fn alias_on_two_pages() {
    let e = fails("alias_twice");
    has(&e, &["content/contact.md:3:", "/old/page/", "content/about.md"]);
}

#[test]
fn unknown_shortcode() {
    let e = fails("shortcode_unknown");
    has(&e, &["content/about.md:5:6", "`vidoe`", "video"]);
}

#[test]
fn shortcode_inside_a_block_shortcode() {
    let e = fails("shortcode_nested");
    has(
        &e,
        &[
            "content/about.md:8:6",
            "`notice` 的内容里不能再用 shortcode（`attachment`）",
        ],
    );
}

#[test]
fn shortcode_argument_with_a_value_it_does_not_take() {
    let e = fails("shortcode_bad_value");
    has(
        &e,
        &[
            "notice 的 kind 只能是“提示”或“注意”，这里是“危险”",
            "content/about.md:7:1",
        ],
    );
}

#[test]
fn alias_that_is_also_a_static_file() {
    let e = fails("alias_static_clash");
    has(
        &e,
        &[
            "static/2019/guanyu.html",
            "content/about.md:3 的 aliases",
            "/2019/guanyu.html",
        ],
    );
}

#[test]
fn missing_attachment() {
    let e = fails("attachment_missing");
    has(&e, &["content/about.md:4:", "办事指南.pdf", "找不到附件"]);
}

#[test]
fn missing_image() {
    let e = fails("image_missing");
    has(&e, &["content/about.md:7:9", "找不到图片“活动现场.jpg”", "页面包"]);
}

#[test]
fn unreadable_image() {
    let e = fails("image_unreadable");
    has(
        &e,
        &[
            "content/cases/bundle-case/坏图.jpg",
            "无法读取这张图片",
            "content/cases/bundle-case/index.md:18 用到了它",
        ],
    );
}
