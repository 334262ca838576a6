//! Images for phones: every JPEG and PNG under content/ is re-encoded before it is published,
//! with its EXIF orientation applied and all metadata gone (a phone photo's GPS position must
//! never reach the site), and resized to a few widths, never enlarged. Pages then get
//! `srcset`, `sizes`, `width`, `height` and `loading="lazy"` on their `<img>`s
//! ([`rewrite_html`]), and templates can call `resize_image()` ([`resize_image`]) for any
//! other size: those images are made while the output renders and reported as its products
//! ([`Derived`], recorded as `Input::Image`), so a build, a cached build, check and serve all
//! publish them.
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
        write_atomic(&dir.join(&name), &encode(scaled, png, QUALITY)?)?;
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

fn encode(img: &image::DynamicImage, png: bool, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if png {
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(|e| e.to_string())?;
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&img.to_rgb8())
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Writes `path` by renaming a temporary file over it; two threads making the same image
/// each write their own temporary file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("{}-{n}.tmp", std::process::id()));
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
        let found = p
            .assets
            .iter()
            .chain(site.assets.iter())
            .find(|a| is_image(&a.out) && decode(&config.url(&a.out)) == wanted);
        let Some(a) = found else {
            return static_image(config, &wanted);
        };
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

/// A site `static/` JPEG or PNG at URL path `wanted` (`/hlz/images/a.jpg`), published at
/// its full size only: its dimensions, and that one URL.
fn static_image(config: &Config, wanted: &str) -> Option<(Processed, Vec<(u32, String)>)> {
    let rel = wanted.strip_prefix(config.base_path.as_str())?;
    let src = static_image_file(config, rel)?;
    super::record(super::Input::File(crate::diagnostics::display_path(&src, &config.root)));
    let processed = process(config, &src).ok()?;
    let url = config.url(rel);
    Some((processed.clone(), vec![(processed.width, url)]))
}

/// The site's `static/` JPEG or PNG at `rel` (`images/a.jpg`), when there is one.
fn static_image_file(config: &Config, rel: &str) -> Option<PathBuf> {
    let path = crate::util::fs_path(&config.root.join("static"), rel);
    (is_image(rel) && crate::util::stays_inside(rel) && path.is_file()).then_some(path)
}

/// The image at `out` (a content asset) as templates see it: `url`, `width`, `height`,
/// `srcset`, `sizes`, `widths` (each version's `url` and `width`), and `phone_srcset` with
/// `phone_media`: the versions a phone is offered, for a `<picture>`'s `<source>` (empty
/// when it is the same set).
pub fn image_value(config: &Config, src: &Path, out: &str) -> Result<tera::Value, String> {
    let p = process(config, src)?;
    let urls: Vec<(u32, String)> = p
        .variants
        .iter()
        .map(|(w, _)| (*w, config.url(&p.variant_out(out, *w))))
        .collect();
    let mut m = super::values::MapBuilder::new();
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
        .set("srcset", srcset(&urls))
        .set("sizes", SIZES)
        .set("phone_srcset", phone_srcset(&urls).unwrap_or_default())
        .set("phone_media", PHONE_MEDIA)
        .set("widths", tera::Value::from(widths));
    Ok(m.build())
}

/// How `resize_image` fits an image into the size asked for (Zola's names). pufa never
/// enlarges: a size beyond the published full size is scaled down, keeping its proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Op {
    /// Exactly `width` × `height`, proportions not kept.
    Scale,
    /// `width` wide, height in proportion.
    FitWidth,
    /// `height` high, width in proportion.
    FitHeight,
    /// Within `width` × `height`, proportions kept (an image inside the box is left as it is).
    Fit,
    /// Covers `width` × `height` and is cut to it from the middle.
    Fill,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "scale" => Op::Scale,
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            _ => return None,
        })
    }

    /// The size made of an image `full` (width, height) asked to `want`; `None` when an
    /// argument the operation needs is missing.
    fn size(self, full: (u32, u32), want: (Option<u32>, Option<u32>)) -> Option<(u32, u32)> {
        let (fw, fh) = (f64::from(full.0.max(1)), f64::from(full.1.max(1)));
        let px = |x: f64| (x.round() as u32).max(1);
        let boxed = |w: u32, h: u32| {
            let s = (fw / f64::from(w)).min(fh / f64::from(h)).min(1.0);
            (px(f64::from(w) * s), px(f64::from(h) * s))
        };
        Some(match (self, want) {
            // As the published widths are made (rounded down), so that those are reused.
            (Op::FitWidth, (Some(w), _)) => {
                let w = w.min(full.0).max(1);
                (
                    w,
                    ((u64::from(full.1) * u64::from(w)) / u64::from(full.0.max(1))).max(1) as u32,
                )
            }
            (Op::FitHeight, (_, Some(h))) => {
                let h = h.min(full.1);
                (px(fw * f64::from(h) / fh), h.max(1))
            }
            (Op::Fit, (Some(w), Some(h))) => {
                let s = (f64::from(w) / fw).min(f64::from(h) / fh).min(1.0);
                (px(fw * s), px(fh * s))
            }
            (Op::Scale | Op::Fill, (Some(w), Some(h))) => boxed(w.max(1), h.max(1)),
            _ => return None,
        })
    }
}

/// One image made at render time by `resize_image`, published beside its original: where,
/// from what and how. Made once into the image cache, by the original's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Derived {
    /// Output path: `cases/x/photo-300x200.jpg` (`-crop` for a cut image, `-q60` for a
    /// quality other than pufa's).
    pub out: String,
    /// The original under content/.
    pub src: PathBuf,
    /// Cut to the size (`fill`) or resized to it.
    pub crop: bool,
    pub width: u32,
    pub height: u32,
    pub png: bool,
    pub quality: u8,
}

impl Derived {
    /// Its file name in the original's cache folder.
    fn cache_name(&self) -> String {
        format!("{}.{}", self.suffix(), if self.png { "png" } else { "jpg" })
    }

    fn suffix(&self) -> String {
        let mut s = format!("{}x{}", self.width, self.height);
        if self.crop {
            s.push_str("-crop");
        }
        if !self.png && self.quality != QUALITY {
            s.push_str(&format!("-q{}", self.quality));
        }
        s
    }

    /// A small one for tests elsewhere.
    #[cfg(test)]
    pub fn example() -> Derived {
        Derived {
            out: "a/p-10x10.jpg".into(),
            src: PathBuf::from("content/a/p.jpg"),
            crop: false,
            width: 10,
            height: 10,
            png: false,
            quality: QUALITY,
        }
    }
}

/// Makes `d` (or finds it in the cache); returns the file to publish.
pub fn make(config: &Config, d: &Derived) -> Result<PathBuf, String> {
    let p = process(config, &d.src)?;
    let file = p.dir.join(d.cache_name());
    if file.is_file() {
        return Ok(file);
    }
    // Made from the published full size: already upright and without metadata.
    let full = p
        .variants
        .last()
        .map(|(_, n)| p.dir.join(n))
        .ok_or("图片没有可用的版本")?;
    let img = image::open(&full).map_err(|e| format!("无法读取这张图片（{e}）"))?;
    let filter = image::imageops::FilterType::Lanczos3;
    let img = match d.crop {
        true => img.resize_to_fill(d.width, d.height, filter),
        false => img.resize_exact(d.width, d.height, filter),
    };
    write_atomic(&file, &encode(&img, d.png, d.quality)?)?;
    Ok(file)
}

/// What a template asked `resize_image` for.
#[derive(Debug, Default)]
pub struct Resize<'a> {
    pub path: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub op: Option<&'a str>,
    pub format: Option<&'a str>,
    pub quality: Option<u8>,
}

/// `resize_image(path=, width=, height=, op=, format=, quality=)` in Zola's manner: an image
/// under content/ (`cases/x/a.jpg`, `@/cases/x/a.jpg` or `content/cases/x/a.jpg`) made to a
/// size. `op` is `fill` (the default with both sizes), `fit_width` (the default with a width
/// only), `fit_height` (with a height only), `fit` or `scale`; `format` `auto`, `jpg` or
/// `png`; `quality` 1–100 for JPEG. The value is [`image_value`]'s, with `url`, `width` and
/// `height` of the image made, `orig_width`/`orig_height` (the published full size) and
/// `static_path` (its output path). A size pufa publishes anyway is that file; any other is
/// made now and published beside the original ([`Input::Image`](super::Input::Image)).
pub fn resize_image(site: &crate::content::Site, req: &Resize) -> Result<tera::Value, String> {
    let (asset, in_static) = find_image(site, req.path)?;
    super::record(super::Input::File(crate::diagnostics::display_path(
        &asset.src,
        &site.config.root,
    )));
    let config = &site.config;
    let p = process(config, &asset.src)?;
    let derived = derive(req, &p, &asset)?;
    // A static/ image is published at its full size only.
    let value = match in_static {
        false => image_value(config, &asset.src, &asset.out)?,
        true => {
            let mut m = super::values::MapBuilder::new();
            m.set("url", config.url(&asset.out))
                .set("width", p.width)
                .set("height", p.height);
            m.build()
        }
    };
    let out = match &derived {
        d if published(d, &p, &asset.out, in_static) => p.variant_out(&asset.out, d.width),
        _ => {
            make(config, &derived)?;
            super::record(super::Input::Image(derived.clone()));
            derived.out.clone()
        }
    };
    Ok(super::values::extend_map(
        &value,
        [
            ("url", tera::Value::from(config.url(&out))),
            ("static_path", tera::Value::from(out)),
            ("width", tera::Value::from(derived.width)),
            ("height", tera::Value::from(derived.height)),
            ("orig_width", tera::Value::from(p.width)),
            ("orig_height", tera::Value::from(p.height)),
        ],
    ))
}

/// The JPEG or PNG `resize_image(path=)` names: its full path under content/ (with or without
/// `content/` or `@/` in front) or under static/. Returns it as an asset and whether it is
/// in static/.
fn find_image(site: &crate::content::Site, path: &str) -> Result<(crate::content::Asset, bool), String> {
    let rel = path
        .trim_start_matches("@/")
        .trim_start_matches('/')
        .trim_start_matches("content/");
    let content = site.config.content_dir();
    let assets = || {
        site.pages
            .values()
            .flat_map(|p| p.assets.iter())
            .chain(site.assets.iter())
            .filter(|a| is_image(&a.out))
    };
    let in_content = |a: &&crate::content::Asset| a.src.strip_prefix(&content).is_ok_and(|r| r == Path::new(rel));
    if let Some(a) = assets().find(in_content) {
        return Ok((a.clone(), false));
    }
    let rel = rel.trim_start_matches("static/");
    if let Some(src) = static_image_file(&site.config, rel) {
        let out = rel.to_string();
        return Ok((crate::content::Asset { src, out }, true));
    }
    // Not found: the images a bare name could mean, under content/ and static/.
    let static_dir = site.config.root.join("static");
    let (static_files, _) = crate::walk::site_files(&site.config, &static_dir);
    let in_static_dir = static_files
        .into_iter()
        .filter(|f| f.ends_with(rel) && is_image(&f.to_string_lossy()))
        .map(|f| format!("static/{}", crate::diagnostics::display_path(&f, &static_dir)));
    let near: Vec<String> = assets()
        .filter(|a| a.src.ends_with(rel))
        .map(|a| crate::diagnostics::display_path(&a.src, &content))
        .chain(in_static_dir)
        .take(5)
        .collect();
    Err(match near.is_empty() {
        true => format!(
            "resize_image: 找不到图片 {path}（要写 content/ 或 static/ 里的完整路径，如 cases/名称/现场.jpg；只能处理 JPEG 和 PNG）"
        ),
        false => format!("resize_image: 找不到图片 {path}，要写完整路径：{}", near.join("、")),
    })
}

/// Whether `d` is one of the sizes published anyway (the same file, so nothing is made).
/// (A static/ image is published at its full size only.)
fn published(d: &Derived, p: &Processed, out: &str, in_static: bool) -> bool {
    let height_at = |w: u32| ((u64::from(p.height) * u64::from(w)) / u64::from(p.width.max(1))).max(1) as u32;
    let widths = match in_static {
        true => &p.variants[p.variants.len().saturating_sub(1)..],
        false => &p.variants[..],
    };
    !d.crop
        && d.quality == QUALITY
        && d.png == out.to_ascii_lowercase().ends_with(".png")
        && widths.iter().any(|v| v.0 == d.width)
        && d.height == height_at(d.width)
}

/// The image `req` asks for, of the processed `p` published at `asset`.
fn derive(req: &Resize, p: &Processed, asset: &crate::content::Asset) -> Result<Derived, String> {
    let op = match (req.op, req.width, req.height) {
        (Some(name), _, _) => Op::parse(name).ok_or_else(|| {
            format!("resize_image: op 只能是 fill、fit、fit_width、fit_height 或 scale，收到“{name}”")
        })?,
        (None, Some(_), Some(_)) => Op::Fill,
        (None, None, Some(_)) => Op::FitHeight,
        (None, _, _) => Op::FitWidth,
    };
    let want = match (req.width, req.height) {
        (None, None) => (Some(p.width), None),
        w => w,
    };
    if want.0 == Some(0) || want.1 == Some(0) {
        return Err("resize_image: width 和 height 要大于 0".into());
    }
    let (width, height) = op.size((p.width, p.height), want).ok_or_else(|| {
        format!(
            "resize_image: op=\"{}\" 需要 {}",
            req.op.unwrap_or("fit_width"),
            match op {
                Op::FitWidth => "width",
                Op::FitHeight => "height",
                _ => "width 和 height",
            }
        )
    })?;
    let was_png = asset.out.to_ascii_lowercase().ends_with(".png");
    let png = match req.format.unwrap_or("auto") {
        "auto" => was_png,
        "jpg" | "jpeg" => false,
        "png" => true,
        other => return Err(format!("resize_image: format 只能是 auto、jpg 或 png，收到“{other}”")),
    };
    let quality = req.quality.unwrap_or(QUALITY);
    if !(1..=100).contains(&quality) {
        return Err(format!("resize_image: quality 要在 1 到 100 之间，收到 {quality}"));
    }
    let crop = op == Op::Fill && width * p.height != height * p.width;
    let mut d = Derived {
        out: String::new(),
        src: asset.src.clone(),
        crop,
        width,
        height,
        png,
        quality,
    };
    let stem = asset.out.rsplit_once('.').map_or(asset.out.as_str(), |(s, _)| s);
    d.out = format!("{stem}-{}.{}", d.suffix(), if png { "png" } else { "jpg" });
    Ok(d)
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
    let mut phone = None;
    if let Some((p, urls)) = attr(tag, "src").and_then(|src| lookup(&src)) {
        if attr(tag, "srcset").is_none() && urls.len() > 1 {
            extra.push_str(&format!(" srcset=\"{}\" sizes=\"{SIZES}\"", srcset(&urls)));
            phone = phone_srcset(&urls);
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
    let img = format!("{}{extra}{}", tag[..close].trim_end(), &tag[close..]);
    match phone {
        Some(set) => {
            format!("<picture><source media=\"{PHONE_MEDIA}\" srcset=\"{set}\" sizes=\"100vw\">{img}</picture>")
        }
        None => img,
    }
}

/// What `sizes` says of a body image: the screen's width on a phone, the text column's else.
const SIZES: &str = "(max-width: 48rem) 100vw, 46rem";
/// The screens [`PHONE_MAX`] is for.
const PHONE_MEDIA: &str = "(max-width: 48rem)";
/// The widest version a phone is offered, whatever its pixel density: a 375 px phone at 3×
/// would otherwise take the 1600 px file, three times the bytes for no visible gain.
pub const PHONE_MAX: u32 = 960;

/// `URL WIDTHw, …` of `urls`.
fn srcset(urls: &[(u32, String)]) -> String {
    let set: Vec<String> = urls.iter().map(|(w, u)| format!("{u} {w}w")).collect();
    set.join(", ")
}

/// The versions offered to phones ([`PHONE_MAX`] wide at most), when some are wider.
fn phone_srcset(urls: &[(u32, String)]) -> Option<String> {
    let small: Vec<(u32, String)> = urls.iter().filter(|(w, _)| *w <= PHONE_MAX).cloned().collect();
    (!small.is_empty() && small.len() < urls.len()).then(|| srcset(&small))
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
        // With a version wider than a phone needs, phones get a <source> without it.
        let wide = vec![(480, "/a/p-480w.jpg".to_string()), (1600, "/a/p.jpg".to_string())];
        let big = rewrite_html(html, true, |u: &str| {
            (u == "/a/p.jpg").then(|| (p.clone(), wide.clone()))
        });
        assert!(big.starts_with("<p><picture><source media=\"(max-width: 48rem)\" srcset=\"/a/p-480w.jpg 480w\" sizes=\"100vw\"><img src=\"/a/p.jpg\" alt=\"甲\" srcset=\"/a/p-480w.jpg 480w, /a/p.jpg 1600w\""), "{big}");
        assert!(big.contains("decoding=\"async\"/></picture></p>"), "{big}");
        assert!(out.contains("alt=\"乙\" srcset="), "{out}");
        assert_eq!(out.matches("loading=\"lazy\"").count(), 2, "{out}");
        assert!(out.ends_with("<img src=\"/x.gif\" loading=\"lazy\">"));
        // Behind a cover, or far down the body, the first image waits too.
        assert_eq!(rewrite_html(html, false, lookup).matches("loading=\"lazy\"").count(), 3);
        let far = format!("<p>{}</p>{html}", "字".repeat(FIRST_SCREEN_BYTES / 3));
        assert_eq!(rewrite_html(&far, true, lookup).matches("loading=\"lazy\"").count(), 3);
    }

    #[test]
    fn sizes_follow_zolas_operations_and_never_enlarge() {
        let full = (1600, 1200);
        assert_eq!(Op::FitWidth.size(full, (Some(400), None)), Some((400, 300)));
        assert_eq!(Op::FitWidth.size(full, (Some(4000), None)), Some((1600, 1200)));
        assert_eq!(Op::FitHeight.size(full, (None, Some(300))), Some((400, 300)));
        assert_eq!(Op::Fit.size(full, (Some(400), Some(400))), Some((400, 300)));
        assert_eq!(Op::Fit.size(full, (Some(4000), Some(4000))), Some((1600, 1200)));
        assert_eq!(Op::Fill.size(full, (Some(300), Some(300))), Some((300, 300)));
        // A box larger than the image keeps its proportions, scaled down to fit inside.
        assert_eq!(Op::Fill.size(full, (Some(3200), Some(1600))), Some((1600, 800)));
        assert_eq!(Op::Scale.size(full, (Some(500), Some(100))), Some((500, 100)));
        assert_eq!(Op::Fill.size(full, (Some(300), None)), None);
        assert_eq!(Op::FitHeight.size(full, (Some(300), None)), None);
    }

    #[test]
    fn made_images_are_named_by_size_cut_and_quality() {
        let mut d = Derived::example();
        assert_eq!(d.cache_name(), "10x10.jpg");
        d.crop = true;
        d.quality = 60;
        assert_eq!(d.cache_name(), "10x10-crop-q60.jpg");
        d.png = true;
        assert_eq!(d.cache_name(), "10x10-crop.png");
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
