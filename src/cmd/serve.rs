//! `pufa serve`: live preview (see `crate::serve`); this file owns its arguments and what it
//! prints.

use clap::Args;

use super::{SiteArgs, color, print_warnings};
use crate::diagnostics::{Diagnostic, Error};
use crate::serve::{Notice, Options};

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// 监听的地址；不是本机地址时，局域网里的电脑都能看到草稿（编辑器还需要 --edit-password）
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// 端口；0 表示自动选择空闲端口
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// 启动后在浏览器里打开网站
    #[arg(long)]
    pub open: bool,
    /// 关闭浏览器里的编辑器（只预览）
    #[arg(long)]
    pub no_edit: bool,
    /// 编辑器的密码（--bind 到非本机地址时必须设置；也可用环境变量 PUFA_EDIT_PASSWORD）
    #[arg(long)]
    pub edit_password: Option<String>,
}

pub fn run(args: ServeArgs) -> Result<(), Error> {
    let bind = args.bind.parse().map_err(|_| {
        Error::one(Diagnostic::new(
            "serve/bind",
            format!("--bind 的地址无效：{}", args.bind),
        ))
    })?;
    let opts = Options {
        // A preview shows pages dated later too, each with a 未发布 banner.
        spec: crate::pipeline::SiteSpec {
            future: true,
            ..args.site.spec()
        },
        bind,
        port: args.port,
        edit: !args.no_edit,
        edit_password: args
            .edit_password
            .clone()
            .or_else(|| std::env::var("PUFA_EDIT_PASSWORD").ok())
            .filter(|p| !p.is_empty()),
    };
    let open = args.open;
    crate::serve::run(opts, move |n| print_notice(n, open))
}

fn print_notice(n: Notice, open: bool) {
    match n {
        Notice::Listening {
            url,
            secs,
            exposed,
            editor,
        } => {
            println!("pufa serve：预览地址 {url} （用时 {secs:.2} 秒；按 Ctrl+C 退出）");
            if let Some(e) = editor {
                println!("在浏览器里编辑：{e}");
            }
            if exposed {
                eprintln!(
                    "{}",
                    console::style("注意：局域网内的其他电脑也能看到这个预览（包括草稿）。只在本机预览请去掉 --bind。")
                        .yellow()
                        .bold()
                );
            }
            if open {
                open_browser(url);
            }
        }
        Notice::Warnings(w) => print_warnings(w, 10),
        Notice::Failed(e) => {
            eprintln!("{}\n", e.render(color()));
            eprintln!("（页面上会显示同样的错误；改正并保存后会自动恢复。）\n");
        }
        Notice::Recovered => println!("✔ 错误已改正，预览已恢复正常"),
        Notice::Updated { pages, millis } => {
            let n = pages.map_or_else(|| "全部".to_string(), |n| n.to_string());
            println!("✔ 已更新 {n} 个页面（{millis} 毫秒）");
        }
        Notice::Watched(batch) => eprintln!("[watch] {batch:?}"),
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
