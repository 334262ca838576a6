//! `pufa check`: loads the site, renders every output in memory and reports every problem,
//! treating check warnings (late report, missing parts, personal data) as errors.

use std::sync::Arc;

use clap::Args;

use super::{SiteArgs, color};
use crate::build::{load, render_outputs, strict_errors, warnings};
use crate::diagnostics::Error;
use crate::render::{self, RenderData, Renderer};

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run(args: CheckArgs) -> Result<(), Error> {
    let site = load(&args.site.spec())?;
    let renderer = Renderer::new(&site.config)?;
    let data = Arc::new(RenderData::new(Arc::clone(&site)));
    renderer.set_data(Arc::clone(&data));
    let keys = render::outputs(&site);
    render_outputs(&renderer, &data, &keys, None, |_, _, _| Ok(()))?;
    let all = warnings(&site);
    let errors = strict_errors(&all);
    for w in all.iter().filter(|w| !w.code.starts_with("check/")) {
        eprintln!("{}\n", w.render(color()));
    }
    if !errors.is_empty() {
        return Err(Error::many(errors));
    }
    println!(
        "✔ 检查通过：{} 个页面、{} 个输出文件，没有发现问题。",
        site.pages.len(),
        keys.len()
    );
    Ok(())
}
