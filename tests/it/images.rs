//! Images for phones: a JPEG made by the test with EXIF orientation and a GPS position is
//! published without any metadata, turned upright, at a few widths with `srcset`, `sizes`
//! and dimensions; what a phone loads is small; a second build reuses the processed files.

use std::io::Write as _;
use std::path::Path;

use crate::common::*;

/// A JPEG of `w`×`h` (a smooth picture, like a photo's sky) with an APP1 EXIF segment saying
/// orientation 6 (turn 90° clockwise) and GPS latitude N 22°31'.
fn photo_with_gps(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, (((x + y) / 7) % 256) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, ty: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(ty.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    tiff.extend(2u16.to_le_bytes());
    entry(&mut tiff, 0x0112, 3, 1, [6, 0, 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, 38u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 38);
    tiff.extend(2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, 68u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 68);
    for (n, d) in [(22u32, 1u32), (31, 1), (0, 1)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(&app1);
    out.extend(&jpeg[2..]);
    out
}

fn site() -> Fixture {
    let f = Fixture::new(&[]);
    let dir = f.site().join("content/cases/xuanchuan");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::File::create(dir.join("现场.jpg"))
        .unwrap()
        .write_all(&photo_with_gps(2400, 1600))
        .unwrap();
    f.write(
        "content/cases/xuanchuan/index.md",
        "---\ntitle: 普法宣传进村\nyear: 2024\ncase_type: 普法宣传\n---\n\n活动开始。\n\n![村民听讲座](现场.jpg)\n\n又一张：\n\n![讲座现场](现场.jpg)\n",
    );
    f
}

fn has_exif(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .is_ok()
}

#[test]
fn photos_are_published_upright_without_gps_at_phone_sizes() {
    let f = site();
    assert!(has_exif(
        &std::fs::read(f.site().join("content/cases/xuanchuan/现场.jpg")).unwrap()
    ));
    // A photo in static/ is published without its metadata too (at one size).
    std::fs::create_dir_all(f.site().join("static/images")).unwrap();
    std::fs::write(f.site().join("static/images/横幅.jpg"), photo_with_gps(900, 300)).unwrap();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = f.out();
    let mut images = Vec::new();
    for e in walkdir::WalkDir::new(&out).into_iter().filter_map(Result::ok) {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "jpg") {
            let bytes = std::fs::read(p).unwrap();
            assert!(!has_exif(&bytes), "{} still has EXIF", p.display());
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{}", p.display());
            images.push((p.to_path_buf(), bytes.len()));
        }
    }
    assert!(images.iter().any(|(p, _)| p.ends_with("images/横幅.jpg")), "{images:?}");
    assert_eq!(
        image::image_dimensions(out.join("images/横幅.jpg")).unwrap(),
        (300, 900)
    );
    let dir = out.join("cases/xuanchuan");
    // Turned upright: 1600 wide (capped), 2400 high.
    assert_eq!(image::image_dimensions(dir.join("现场.jpg")).unwrap(), (1600, 2400));
    assert_eq!(image::image_dimensions(dir.join("现场-480w.jpg")).unwrap(), (480, 720));
    assert_eq!(image::image_dimensions(dir.join("现场-960w.jpg")).unwrap(), (960, 1440));
    // A 375 px phone picks the 960 w version at most, at 3× too: phones are offered no wider.
    let phone = std::fs::metadata(dir.join("现场-960w.jpg")).unwrap().len();
    assert!(phone < 200 * 1024, "960w is {phone} bytes");

    let html = f.read("cases/xuanchuan/index.html");
    let enc = "/cases/xuanchuan/%E7%8E%B0%E5%9C%BA";
    assert!(
        html.contains(&format!(
            "srcset=\"{enc}-480w.jpg 480w, {enc}-960w.jpg 960w, {enc}.jpg 1600w\" sizes=\"(max-width: 48rem) 100vw, 46rem\" width=\"1600\" height=\"2400\""
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<picture><source media=\"(max-width: 48rem)\" srcset=\"{enc}-480w.jpg 480w, {enc}-960w.jpg 960w\" sizes=\"100vw\"><img src=\"现场.jpg\" alt=\"村民听讲座\""
        )),
        "{html}"
    );
    // The first image, near the top, loads at once; the one below it waits.
    assert_eq!(html.matches("loading=\"lazy\"").count(), 1, "{html}");
    assert!(html.contains("alt=\"讲座现场\" srcset="), "{html}");
    let second = &html[html.find("alt=\"讲座现场\"").unwrap()..];
    assert!(
        second[..second.find('>').unwrap()].contains("loading=\"lazy\""),
        "{html}"
    );
    let broken = broken_links(&out, "/", "https://www.example.gov.cn");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn a_second_build_reuses_the_processed_images() {
    let f = site();
    assert!(f.build(&[]).status.success());
    let cache = f.site().join(".pufa-cache/images");
    let stamp = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let files: Vec<_> = walkdir::WalkDir::new(&cache)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), stamp(e.path())))
        .collect();
    assert!(files.len() >= 4, "{files:?}");
    assert!(f.build(&[]).status.success());
    for (p, t) in files {
        assert_eq!(stamp(&p), t, "{} was written again", p.display());
    }
}

#[test]
fn an_unreadable_image_is_an_error_naming_it() {
    let f = site();
    f.write("content/cases/xuanchuan/坏.jpg", "not a jpeg");
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("content/cases/xuanchuan/坏.jpg"), "{e}");
    assert!(e.contains("无法读取这张图片"), "{e}");
}

#[test]
fn cover_resize_image_and_large_originals() {
    let f = site();
    let page = std::fs::read_to_string(f.site().join("content/cases/xuanchuan/index.md")).unwrap();
    f.write(
        "content/cases/xuanchuan/index.md",
        &page
            .replacen("---\n", "---\ncover: 现场.jpg\n", 1)
            .replace("又一张：", "小图：{{ thumb() }}"),
    );
    f.write(
        "templates/shortcodes/thumb.html",
        "{% set t = resize_image(path=\"cases/xuanchuan/现场.jpg\", width=480) %}<img src=\"{{ t.url }}\" width=\"{{ t.width }}\" height=\"{{ t.height }}\" alt=\"缩略图\">",
    );
    // Noise compresses badly: a PNG of more than 5 MB.
    let mut n: u32 = 1;
    let noise = image::RgbImage::from_fn(1500, 1500, |_, _| {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12345);
        image::Rgb([(n >> 8) as u8, (n >> 16) as u8, (n >> 24) as u8])
    });
    noise.save(f.site().join("content/cases/xuanchuan/噪点.png")).unwrap();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = f.read("cases/xuanchuan/index.html");
    assert!(html.contains("<img class=\"cover\" src=\"/cases/xuanchuan/%E7%8E%B0%E5%9C%BA.jpg\" srcset=\"/cases/xuanchuan/%E7%8E%B0%E5%9C%BA-480w.jpg 480w,"), "{html}");
    assert!(
        html.contains("<img src=\"/cases/xuanchuan/%E7%8E%B0%E5%9C%BA-480w.jpg\" width=\"480\" height=\"720\""),
        "{html}"
    );
    let e = stderr(&o);
    assert!(
        e.contains("content/cases/xuanchuan/噪点.png") && e.contains("超过 5 MB"),
        "{e}"
    );
}

/// Writes a shortcode `sizes()` calling `resize_image` with `calls` (one argument list each)
/// and a page body using it.
fn with_resize_calls(f: &Fixture, calls: &[&str]) {
    let mut t = String::new();
    for (i, c) in calls.iter().enumerate() {
        t.push_str(&format!(
            "{{% set t = resize_image(path=\"cases/xuanchuan/现场.jpg\", {c}) %}}<img src=\"{{{{ t.url }}}}\" width=\"{{{{ t.width }}}}\" height=\"{{{{ t.height }}}}\" alt=\"图{i}\" data-orig=\"{{{{ t.orig_width }}}}x{{{{ t.orig_height }}}}\">\n"
        ));
    }
    f.write("templates/shortcodes/sizes.html", &t);
    let page = std::fs::read_to_string(f.site().join("content/cases/xuanchuan/index.md")).unwrap();
    if !page.contains("{{ sizes() }}") {
        f.write(
            "content/cases/xuanchuan/index.md",
            &page.replace("又一张：", "各种尺寸：\n\n{{ sizes() }}\n"),
        );
    }
}

#[test]
fn resize_image_makes_any_size_and_every_build_publishes_it() {
    let f = site();
    with_resize_calls(
        &f,
        &[
            "width=400",
            "width=300, height=300",
            "width=200, height=1000, op=\"fit\"",
            "height=100, op=\"fit_height\", format=\"png\"",
            "width=5000, height=5000, op=\"fit\"",
            "width=320, height=240, op=\"scale\", quality=60",
        ],
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = f.out().join("cases/xuanchuan");
    let dims = |name: &str| image::image_dimensions(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    // The upright photo is published at 1600 × 2400: every size is made from that, never larger.
    assert_eq!(dims("现场-400x600.jpg"), (400, 600));
    assert_eq!(dims("现场-300x300-crop.jpg"), (300, 300));
    assert_eq!(dims("现场-200x300.jpg"), (200, 300));
    assert_eq!(dims("现场-67x100.png"), (67, 100));
    assert_eq!(dims("现场-320x240-q60.jpg"), (320, 240));
    for name in ["现场-400x600.jpg", "现场-300x300-crop.jpg", "现场-320x240-q60.jpg"] {
        assert!(!has_exif(&std::fs::read(dir.join(name)).unwrap()), "{name}");
    }
    let html = f.read("cases/xuanchuan/index.html");
    assert!(
        html.contains("src=\"/cases/xuanchuan/%E7%8E%B0%E5%9C%BA-400x600.jpg\" width=\"400\" height=\"600\""),
        "{html}"
    );
    assert!(html.contains("data-orig=\"1600x2400\""), "{html}");
    // A box larger than the photo gives the published full size itself.
    assert!(
        html.contains("src=\"/cases/xuanchuan/%E7%8E%B0%E5%9C%BA.jpg\" width=\"1600\" height=\"2400\" alt=\"图4\""),
        "{html}"
    );
    let manifest = f.read(".pufa-manifest.json");
    assert!(manifest.contains("现场-300x300-crop.jpg"), "{manifest}");

    // A cached rebuild keeps the page and so the images it made; then a changed call
    // publishes the new size and the one no longer asked for is gone.
    let mtime = |name: &str| std::fs::metadata(dir.join(name)).unwrap().modified().unwrap();
    let before = mtime("现场-400x600.jpg");
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mtime("现场-400x600.jpg"), before);
    assert_eq!(dims("现场-300x300-crop.jpg"), (300, 300));
    with_resize_calls(&f, &["width=250"]);
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(dims("现场-250x375.jpg"), (250, 375));
    assert!(!dir.join("现场-400x600.jpg").exists());
    assert!(!dir.join("现场-300x300-crop.jpg").exists());

    // Without the cache, with the image cache gone too, the image is made and published.
    std::fs::remove_dir_all(f.site().join(".pufa-cache")).unwrap();
    let o = f.build(&["--no-cache"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(dims("现场-250x375.jpg"), (250, 375));

    // `pufa check` knows the file (no broken link), and serve serves it.
    let o = pufa(&f.site(), &["check"]);
    assert!(!stdout(&o).contains("250x375"), "{}", stdout(&o));
    let engine = pufa::serve::engine::Engine::load(pufa::pipeline::SiteSpec::new(f.site())).unwrap();
    let snap = engine.snapshot();
    let served = &snap["cases/xuanchuan/现场-250x375.jpg"];
    assert_eq!(image::load_from_memory(served).unwrap().width(), 250);
}

#[test]
fn resize_image_arguments_are_checked() {
    for (call, says) in [
        ("width=300, op=\"crop\"", "op 只能是"),
        ("width=300, op=\"fill\"", "需要 width 和 height"),
        ("width=0", "要大于 0"),
        ("width=300, format=\"webp\"", "format 只能是"),
        ("width=300, quality=0", "quality 要在 1 到 100 之间"),
    ] {
        let f = site();
        with_resize_calls(&f, &[call]);
        let o = f.build(&[]);
        assert!(!o.status.success(), "{call}");
        let e = stderr(&o);
        assert!(e.contains(says), "{call}: {e}");
        assert!(e.contains("content/cases/xuanchuan/index.md"), "{call}: {e}");
    }
}

#[test]
fn resize_image_takes_full_paths_in_content_or_static_and_says_which_when_only_a_name_matches() {
    let f = site();
    std::fs::create_dir_all(f.site().join("static/images")).unwrap();
    std::fs::write(f.site().join("static/images/横幅.jpg"), photo_with_gps(900, 300)).unwrap();
    f.write(
        "templates/shortcodes/sizes.html",
        "{% set t = resize_image(path=\"images/横幅.jpg\", width=100) %}<img src=\"{{ t.url }}\" width=\"{{ t.width }}\" height=\"{{ t.height }}\" alt=\"横幅\">",
    );
    let page = std::fs::read_to_string(f.site().join("content/cases/xuanchuan/index.md")).unwrap();
    f.write(
        "content/cases/xuanchuan/index.md",
        &page.replace("又一张：", "{{ sizes() }}\n\n![横幅](/images/横幅.jpg)\n"),
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A static/ image in a body gets its dimensions too (no layout shift), at its one size.
    let html = f.read("cases/xuanchuan/index.html");
    assert!(
        html.contains("src=\"/images/%E6%A8%AA%E5%B9%85.jpg\" alt=\"横幅\" width=\"300\" height=\"900\""),
        "{html}"
    );
    // Upright, the banner is 300 × 900: at 100 px wide it is 300 high.
    assert_eq!(
        image::image_dimensions(f.out().join("images/横幅-100x300.jpg")).unwrap(),
        (100, 300)
    );
    assert!(!has_exif(
        &std::fs::read(f.out().join("images/横幅-100x300.jpg")).unwrap()
    ));

    // A bare file name could be any page's photo: the error names the full path to write.
    f.write(
        "templates/shortcodes/sizes.html",
        "{% set t = resize_image(path=\"现场.jpg\", width=100) %}<img src=\"{{ t.url }}\" alt=\"x\">",
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("要写完整路径：cases/xuanchuan/现场.jpg"), "{e}");
    f.write(
        "templates/shortcodes/sizes.html",
        "{% set t = resize_image(path=\"横幅.jpg\", width=100) %}<img src=\"{{ t.url }}\" alt=\"x\">",
    );
    let e = stderr(&f.build(&[]));
    assert!(e.contains("要写完整路径：static/images/横幅.jpg"), "{e}");
}

#[test]
fn an_unreadable_cover_names_the_page_line_that_asks_for_it() {
    let f = site();
    std::fs::write(f.site().join("content/cases/xuanchuan/坏.jpg"), "不是图片").unwrap();
    let page = std::fs::read_to_string(f.site().join("content/cases/xuanchuan/index.md")).unwrap();
    f.write(
        "content/cases/xuanchuan/index.md",
        &page.replacen("---\n", "---\ncover: 坏.jpg\n", 1),
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("content/cases/xuanchuan/index.md:2 用到了它"), "{e}");
    assert!(e.contains("content/cases/xuanchuan/坏.jpg"), "{e}");
}

#[test]
fn serve_publishes_an_edited_photo_processed() {
    let f = site();
    let mut engine = pufa::serve::engine::Engine::load(pufa::pipeline::SiteSpec::new(f.site())).unwrap();
    let before = engine.snapshot();
    assert!(!has_exif(&before["cases/xuanchuan/现场.jpg"]));
    let path = f.site().join("content/cases/xuanchuan/现场.jpg");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, photo_with_gps(1000, 600)).unwrap();
    engine.apply(&[path]).unwrap();
    let after = engine.snapshot();
    let full = &after["cases/xuanchuan/现场.jpg"];
    assert!(!has_exif(full));
    assert_eq!(image::load_from_memory(full).unwrap().width(), 600);
    let html = String::from_utf8(after["cases/xuanchuan/index.html"].clone()).unwrap();
    assert!(html.contains("width=\"600\" height=\"1000\""), "{html}");
    assert!(!after.contains_key("cases/xuanchuan/现场-960w.jpg"));
}
