//! `pufa check`: loads the site, renders every output in memory and reports every problem,
//! treating check warnings (late report, missing parts, personal data) as errors. Nothing is
//! written.

use clap::Args;

use super::{SiteArgs, color};
use crate::diagnostics::Error;
use crate::pipeline::{Pipeline, strict_errors};

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run(args: CheckArgs) -> Result<(), Error> {
    let pipeline = Pipeline::load(&args.site.spec(), None)?;
    let keys = pipeline.outputs();
    let binding = pipeline.bind(false);
    pipeline.render(&binding, &keys, None, None, |_, _, _| Ok(()))?;
    let all = pipeline.warnings();
    let errors = strict_errors(&all);
    for w in all.iter().filter(|w| !w.code.starts_with("check/")) {
        eprintln!("{}\n", w.render(color()));
    }
    if !errors.is_empty() {
        return Err(Error::many(errors));
    }
    println!(
        "✔ 检查通过：{} 个页面、{} 个输出文件，没有发现问题。",
        pipeline.site.pages.len(),
        keys.len()
    );
    Ok(())
}
