//! Chinese full-text search: the Pagefind index, built by `pufa build`.
//!
//! Pagefind (used as a library, with its `extended` CJK segmentation) reads the rendered HTML
//! of item pages (those whose `<main>` carries `data-pagefind-body`), with the year and kind
//! filters the theme marks up, and produces a chunked index that the browser loads on demand:
//! it works on a plain static host, under a sub-path and offline. Serve mode builds it in the
//! background after edits settle, so a one-page edit never waits for it.

use std::path::Path;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::Diagnostic;

/// Indexes every `*.html` under `dir` and returns the bundle files, as paths relative to the
/// output root (`pagefind/...`).
pub fn index_directory(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail = |e: String| Diagnostic::new("search", format!("生成搜索索引失败：{e}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    rt.block_on(async {
        let options = PagefindServiceConfig::builder().keep_index_url(false).build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| fail(e.to_string()))?;
        index
            .add_directory(dir.to_string_lossy().into_owned(), Some("**/*.html".to_string()))
            .await
            .map_err(|e| fail(e.to_string()))?;
        let files = index.get_files().await.map_err(|e| fail(e.to_string()))?;
        let mut out: Vec<(String, Vec<u8>)> = files
            .into_iter()
            // The theme has its own search page; Pagefind's UI bundles are not needed.
            .filter(|f| {
                let name = f.filename.to_string_lossy();
                !(name.starts_with("pagefind-ui")
                    || name.starts_with("pagefind-component-ui")
                    || name.starts_with("pagefind-modular-ui")
                    || name.starts_with("pagefind-highlight"))
            })
            .map(|f| {
                (
                    format!("pagefind/{}", f.filename.to_string_lossy().replace('\\', "/")),
                    f.contents,
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    })
}
