//! The command line speaks Chinese: help for pufa and every subcommand, and what `pufa new`
//! says about the next steps.

use crate::common::*;

#[test]
fn help_is_in_chinese_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let top = stdout(&pufa(dir.path(), &["--help"]));
    for w in ["用法：", "命令:", "选项:", "显示这份帮助", "生成网站", "转成网站页面"] {
        assert!(top.contains(w), "{w} in\n{top}");
    }
    for (sub, word) in [
        ("build", "输出文件夹"),
        ("serve", "编辑器"),
        ("check", "检查"),
        ("init", "站点文件夹"),
        ("new", "典型案例"),
        ("import", "发布机构"),
    ] {
        let o = pufa(dir.path(), &[sub, "--help"]);
        let text = stdout(&o);
        assert!(o.status.success(), "{sub}");
        assert!(
            text.contains(word) && text.contains("用法：") && text.contains("显示这份帮助"),
            "{sub}:\n{text}"
        );
        assert!(
            !text.contains("Print help") && !text.contains("[default:"),
            "{sub}:\n{text}"
        );
    }
}

#[test]
fn new_says_where_the_file_is_and_how_to_preview_it() {
    let f = Fixture::new(&[]);
    let o = pufa(f.dir.path(), &["new", "case", "邻里纠纷", "--root", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for w in [
        "已新建 site/content/cases/邻里纠纷.md",
        "pufa serve --root site",
        "__pufa/edit/#/edit/cases/邻里纠纷.md",
        "http://127.0.0.1:1111/cases/邻里纠纷/",
    ] {
        assert!(out.contains(w), "{w} in\n{out}");
    }
    let again = pufa(f.dir.path(), &["new", "case", "邻里纠纷", "--root", "site"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("不会覆盖"));
}

#[test]
fn command_line_mistakes_are_explained_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    for (args, words) in [
        (&["buidl"][..], &["没有“buidl”这个命令", "是不是“build”"][..]),
        (&["build", "--foo"], &["不认识选项“--foo”"]),
        (&["new", "cas", "x"], &["“cas”无效", "report、project、case"]),
        (&["new", "case"], &["缺少 <NAME>"]),
        (&["check", "--format", "xml"], &["“xml”无效", "text、json"]),
    ] {
        let o = pufa(dir.path(), args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for w in words {
            assert!(err.contains(w), "{args:?}: {w} in\n{err}");
        }
        assert!(
            err.contains("pufa --help") && !err.contains("error:"),
            "{args:?}: {err}"
        );
    }
    let help = pufa(dir.path(), &["help", "build"]);
    assert!(help.status.success() && stdout(&help).contains("输出文件夹"));
}
