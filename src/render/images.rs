//! Images for phones: every JPEG and PNG under content/ is re-encoded before it is published,
//! with its EXIF orientation applied and all metadata gone (a phone photo's GPS position must
//! never reach the site), and resized to a few widths, never enlarged. Pages then get
//! `srcset`, `sizes`, `width`, `height` and `loading="lazy"` on their `<img>`s
//! ([`rewrite_html`]), and templates can call `resize_image(path=, width=)`.
//!
//! Decoding and encoding use the `image` crate (pure Rust: no system library on a township's
//! Windows PC), the orientation comes from `kamadak-exif`; re-encoding drops every other
//! metadata segment by construction. Results are kept in `SITE/.pufa-cache/images/HASH/`
//! (HASH of the original's bytes): a second build or `pufa serve` copies them instead of
//! decoding again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// The widths pages offer (phone, tablet, desktop); an image narrower keeps its own width.
pub const WIDTHS: &[u32] = &[480, 960, 1600];
/// The widest an image is published at.
pub const MAX_WIDTH: u32 = 1600;
/// Originals above this size get a warning.
pub const LARGE: u64 = 5 * 1024 * 1024;
const QUALITY: u8 = 80;

/// One processed image: its size once oriented and its published versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Processed {
    /// Width and height of the published full-size version.
    pub width: u32,
    pub height: u32,
    /// (width, file name in the cache folder), narrowest first; the last is the full size.
    pub variants: Vec<(u32, String)>,
    /// The cache folder holding the variants.
    pub dir: PathBuf,
}

impl Processed {
    /// The output path of the variant `width` of an image published at `out`
    /// (`cases/x/photo.jpg` → `cases/x/photo-480w.jpg`; the full size keeps `out`).
    pub fn variant_out(&self, out: &str, width: u32) -> String {
        if self.variants.last().is_some_and(|v| v.0 == width) {
            return out.to_string();
        }
        match out.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}-{width}w.{ext}"),
            None => format!("{out}-{width}w"),
        }
    }
}

/// Whether a file is one pufa processes (by extension).
pub fn is_image(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png")
}

/// Processes `src` (or takes it from the cache): decoded, oriented, resized, re-encoded.
pub fn process(config: &Config, src: &Path) -> Result<Processed, String> {
    static MEMO: OnceLock<Mutex<HashMap<(PathBuf, u64), Processed>>> = OnceLock::new();
    let stamp = crate::content::reuse::file_hash(src);
    let key = (src.to_path_buf(), stamp);
    let memo = MEMO.get_or_init(Default::default);
    if let Some(p) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(p);
    }
    // The original's stamp names the folder of its bytes' results, so a later build finds
    // them without reading the photo again.
    let images = config.cache_dir().join("images");
    let by_stamp = images
        .join("stamps")
        .join(format!("{:016x}", crate::util::hash_of(&key)));
    let known = std::fs::read_to_string(&by_stamp)
        .ok()
        .and_then(|d| cached(&images.join(d.trim())));
    let processed = match known {
        Some(p) => p,
        None => {
            let bytes = std::fs::read(src).map_err(|e| format!("读取图片失败：{e}"))?;
            let name = format!("{:016x}", crate::util::hash_bytes(&bytes));
            let dir = images.join(&name);
            let p = match cached(&dir) {
                Some(p) => p,
                None => encode_all(&bytes, src, &dir)?,
            };
            // A stamp that cannot be written only costs reading the photo next time.
            if by_stamp.parent().is_some_and(|d| std::fs::create_dir_all(d).is_ok()) {
                let _ = write_atomic(&by_stamp, name.as_bytes());
            }
            p
        }
    };
    if let Ok(mut m) = memo.lock() {
        m.insert(key, processed.clone());
    }
    Ok(processed)
}

/// The results kept in `dir` by an earlier build, when all their files are still there.
fn cached(dir: &Path) -> Option<Processed> {
    let meta = std::fs::read(dir.join("meta.json")).ok()?;
    let mut p = serde_json::from_slice::<Processed>(&meta).ok()?;
    if !p.variants.iter().all(|(_, f)| dir.join(f).is_file()) {
        return None;
    }
    p.dir = dir.to_path_buf();
    Some(p)
}

fn encode_all(bytes: &[u8], src: &Path, dir: &Path) -> Result<Processed, String> {
    let img = image::load_from_memory(bytes).map_err(|e| format!("无法读取这张图片（{e}）"))?;
    let img = orient(img, orientation(bytes));
    let png = src.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let (w, h) = (img.width(), img.height());
    let full = w.min(MAX_WIDTH);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|x| *x < full).collect();
    widths.push(full);
    std::fs::create_dir_all(dir).map_err(|e| format!("写入图片缓存失败：{e}"))?;
    // The smaller versions are made from the full-size one, not from the original: a phone's
    // 12-megapixel photo is resized once, and the rest from a picture a sixth its size.
    let height_at = |width: u32| ((u64::from(h) * u64::from(width)) / u64::from(w.max(1))).max(1) as u32;
    let full_img = match full == w {
        true => img,
        false => img.resize_exact(full, height_at(full), image::imageops::FilterType::Lanczos3),
    };
    let mut variants = Vec::new();
    for width in widths {
        let smaller;
        let scaled = if width == full {
            &full_img
        } else {
            smaller = full_img.resize_exact(width, height_at(width), image::imageops::FilterType::Lanczos3);
            &smaller
        };
        let name = format!("{width}.{}", if png { "png" } else { "jpg" });
        let mut out = Vec::new();
        if png {
            scaled
                .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                .map_err(|e| e.to_string())?;
        } else {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
                .encode_image(&scaled.to_rgb8())
                .map_err(|e| e.to_string())?;
        }
        write_atomic(&dir.join(&name), &out)?;
        variants.push((width, name));
    }
    let p = Processed {
        width: full,
        height: height_at(full),
        variants,
        dir: dir.to_path_buf(),
    };
    let meta = serde_json::to_vec(&p).map_err(|e| e.to_string())?;
    write_atomic(&dir.join("meta.json"), &meta)?;
    Ok(p)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| format!("写入图片缓存失败：{e}"))
}

/// Whether the file at `path` carries EXIF metadata.
pub fn has_exif(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| {
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&b))
            .is_ok()
    })
}

/// The EXIF orientation (1–8; 1 when there is none).
fn orientation(bytes: &[u8]) -> u32 {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()
        .and_then(|e| {
            e.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
        })
        .unwrap_or(1)
}

fn orient(img: image::DynamicImage, o: u32) -> image::DynamicImage {
    match o {
        2 => img.fliph(),
        3 => img.rotate180(),
        4 => img.flipv(),
        5 => img.rotate90().fliph(),
        6 => img.rotate90(),
        7 => img.rotate270().fliph(),
        8 => img.rotate270(),
        _ => img,
    }
}

/// A page's body with its images (from its bundle or content/) offered at their widths.
pub fn page_images(site: &crate::content::Site, p: &crate::content::Page, html: &str) -> String {
    if !html.contains("<img ") {
        return html.to_string();
    }
    let config = &site.config;
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let page_url = decode(&config.url(&p.path));
    // A page with a cover opens with it: then no body image is on the first screen.
    rewrite_html(html, p.front.cover.is_none(), |src| {
        let src = src.split(['?', '#']).next().unwrap_or(src);
        let wanted = if src.starts_with('/') {
            decode(src)
        } else if src.contains("://") || src.starts_with("data:") {
            return None;
        } else {
            format!("{page_url}{}", decode(src))
        };
        let a = p
            .assets
            .iter()
            .chain(site.assets.iter())
            .find(|a| is_image(&a.out) && decode(&config.url(&a.out)) == wanted)?;
        super::record(super::Input::File(crate::diagnostics::display_path(
            &a.src,
            &config.root,
        )));
        let processed = process(config, &a.src).ok()?;
        let urls = processed
            .variants
            .iter()
            .map(|(w, _)| (*w, config.url(&processed.variant_out(&a.out, *w))))
            .collect();
        Some((processed, urls))
    })
}

/// The image at `out` (a content asset) as templates see it: `url`, `width`, `height`,
/// `srcset`, `sizes`, and `widths` (each version's `url` and `width`).
pub fn image_value(config: &Config, src: &Path, out: &str) -> Result<tera::Value, String> {
    let p = process(config, src)?;
    let urls: Vec<(u32, String)> = p
        .variants
        .iter()
        .map(|(w, _)| (*w, config.url(&p.variant_out(out, *w))))
        .collect();
    let mut m = super::values::MapBuilder::new();
    let srcset: Vec<String> = urls.iter().map(|(w, u)| format!("{u} {w}w")).collect();
    let widths: Vec<tera::Value> = urls
        .iter()
        .map(|(w, u)| {
            let mut v = super::values::MapBuilder::new();
            v.set("url", u.as_str()).set("width", *w);
            v.build()
        })
        .collect();
    m.set("url", config.url(out))
        .set("width", p.width)
        .set("height", p.height)
        .set("srcset", srcset.join(", "))
        .set("sizes", "(max-width: 48rem) 100vw, 46rem")
        .set("widths", tera::Value::from(widths));
    Ok(m.build())
}

/// `resize_image(path=, width=)`: an image under content/ (`cases/x/a.jpg`, `@/cases/x/a.jpg`
/// or `content/cases/x/a.jpg`) as [`image_value`] gives it, with `url`, `width` and `height` of
/// the narrowest published version at least `width` wide (the widest when none is). Only the
/// widths pufa publishes exist ([`WIDTHS`]): nothing is made at render time.
pub fn resize_image(site: &crate::content::Site, path: &str, width: Option<u32>) -> Result<tera::Value, String> {
    let rel = path
        .trim_start_matches("@/")
        .trim_start_matches('/')
        .trim_start_matches("content/");
    let asset = site
        .pages
        .values()
        .flat_map(|p| p.assets.iter())
        .chain(site.assets.iter())
        .find(|a| is_image(&a.out) && a.src.ends_with(rel) && a.src.starts_with(site.config.content_dir()))
        .ok_or_else(|| format!("resize_image: content/ 里没有图片 {path}（只能处理 content/ 里的 JPEG 和 PNG）"))?;
    super::record(super::Input::File(crate::diagnostics::display_path(
        &asset.src,
        &site.config.root,
    )));
    let value = image_value(&site.config, &asset.src, &asset.out)?;
    let p = process(&site.config, &asset.src)?;
    let want = width.unwrap_or(p.width);
    let pick = p
        .variants
        .iter()
        .find(|(w, _)| *w >= want)
        .or(p.variants.last())
        .map_or(p.width, |v| v.0);
    let height = ((u64::from(p.height) * u64::from(pick)) / u64::from(p.width.max(1))) as u32;
    Ok(super::values::extend_map(
        &value,
        [
            (
                "url",
                tera::Value::from(site.config.url(&p.variant_out(&asset.out, pick))),
            ),
            ("width", tera::Value::from(pick)),
            ("height", tera::Value::from(height)),
        ],
    ))
}

/// The page's `cover` (none without one); a missing or unreadable file is an error at its line.
pub fn cover(
    site: &crate::content::Site,
    p: &crate::content::Page,
) -> Result<tera::Value, crate::diagnostics::Diagnostic> {
    let Some(file) = &p.front.cover else {
        return Ok(tera::Value::none());
    };
    let at = |msg: String| {
        p.at_key("image/cover", "cover", msg).with_hint(
            "封面图片放在本页的文件夹里（页面包，如 cases/名称/index.md 旁边），写文件名即可；支持 JPEG 和 PNG。",
        )
    };
    let found = super::shortcodes::resolve_file(site, p, file).ok_or_else(|| at(format!("找不到封面图片“{file}”")))?;
    let asset = p
        .assets
        .iter()
        .chain(site.assets.iter())
        .find(|a| Some(&a.src) == found.disk.as_ref() && is_image(&a.out))
        .ok_or_else(|| at(format!("封面图片“{file}”要放在 content/ 里，并且是 JPEG 或 PNG")))?;
    image_value(&site.config, &asset.src, &asset.out).map_err(at)
}

/// How far into a body (bytes of HTML) an image may start and still be on a phone's first
/// screen: about 600 Chinese characters, more than a 375 px screen shows under the title.
const FIRST_SCREEN_BYTES: usize = 1800;

/// `<img src="URL" …>` tags of `html` whose URL is in `images` get `srcset`, `sizes`, `width`
/// and `height` (`images`: URL → (processed image, URL of each width)). Every image gets
/// `loading="lazy"` except the first when `eager_first` and it starts within
/// [`FIRST_SCREEN_BYTES`]: that one is on the first screen, and waiting for it would only
/// delay what the reader sees first.
pub fn rewrite_html(
    html: &str,
    eager_first: bool,
    lookup: impl Fn(&str) -> Option<(Processed, Vec<(u32, String)>)>,
) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    let mut first = true;
    while let Some(at) = rest.find("<img ") {
        out.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..tag_end];
        let lazy = !(first && eager_first && out.len() < FIRST_SCREEN_BYTES);
        out.push_str(&rewrite_tag(tag, &lookup, lazy));
        first = false;
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

fn rewrite_tag(tag: &str, lookup: &impl Fn(&str) -> Option<(Processed, Vec<(u32, String)>)>, lazy: bool) -> String {
    let mut extra = String::new();
    if let Some((p, urls)) = attr(tag, "src").and_then(|src| lookup(&src)) {
        if attr(tag, "srcset").is_none() && urls.len() > 1 {
            let set: Vec<String> = urls.iter().map(|(w, u)| format!("{u} {w}w")).collect();
            extra.push_str(&format!(
                " srcset=\"{}\" sizes=\"(max-width: 48rem) 100vw, 46rem\"",
                set.join(", ")
            ));
        }
        if attr(tag, "width").is_none() && attr(tag, "height").is_none() {
            extra.push_str(&format!(" width=\"{}\" height=\"{}\"", p.width, p.height));
        }
        if attr(tag, "decoding").is_none() {
            extra.push_str(" decoding=\"async\"");
        }
    }
    if lazy && attr(tag, "loading").is_none() {
        extra.push_str(" loading=\"lazy\"");
    }
    if extra.is_empty() {
        return tag.to_string();
    }
    let close = if tag.ends_with("/>") {
        tag.len() - 2
    } else {
        tag.len() - 1
    };
    format!("{}{extra}{}", tag[..close].trim_end(), &tag[close..])
}

/// The value of attribute `name` in a tag (double-quoted, as pulldown-cmark and the theme write).
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn img_tags_get_srcset_size_and_lazy_loading() {
        let p = Processed {
            width: 960,
            height: 640,
            variants: vec![(480, "480.jpg".into()), (960, "960.jpg".into())],
            dir: PathBuf::new(),
        };
        let urls = vec![(480, "/a/p-480w.jpg".to_string()), (960, "/a/p.jpg".to_string())];
        let html =
            "<p><img src=\"/a/p.jpg\" alt=\"甲\" /></p><p><img src=\"/a/p.jpg\" alt=\"乙\" /></p><img src=\"/x.gif\">";
        let lookup = |u: &str| (u == "/a/p.jpg").then(|| (p.clone(), urls.clone()));
        let out = rewrite_html(html, true, lookup);
        assert!(out.starts_with("<p><img src=\"/a/p.jpg\" alt=\"甲\" srcset=\"/a/p-480w.jpg 480w, /a/p.jpg 960w\" sizes=\"(max-width: 48rem) 100vw, 46rem\" width=\"960\" height=\"640\" decoding=\"async\"/></p>"), "{out}");
        assert!(out.contains("alt=\"乙\" srcset="), "{out}");
        assert_eq!(out.matches("loading=\"lazy\"").count(), 2, "{out}");
        assert!(out.ends_with("<img src=\"/x.gif\" loading=\"lazy\">"));
        // Behind a cover, or far down the body, the first image waits too.
        assert_eq!(rewrite_html(html, false, lookup).matches("loading=\"lazy\"").count(), 3);
        let far = format!("<p>{}</p>{html}", "字".repeat(FIRST_SCREEN_BYTES / 3));
        assert_eq!(rewrite_html(&far, true, lookup).matches("loading=\"lazy\"").count(), 3);
    }

    #[test]
    fn variant_paths_keep_the_full_size_at_the_original_path() {
        let p = Processed {
            width: 960,
            height: 640,
            variants: vec![(480, "480.jpg".into()), (960, "960.jpg".into())],
            dir: PathBuf::new(),
        };
        assert_eq!(p.variant_out("cases/x/照片.jpg", 480), "cases/x/照片-480w.jpg");
        assert_eq!(p.variant_out("cases/x/照片.jpg", 960), "cases/x/照片.jpg");
    }
}
