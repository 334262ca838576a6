//! Writes phone-sized test photos for `bench/photos.sh`: `make_photos DIR COUNT [WIDTHxHEIGHT]`
//! makes `DIR/photo-001.jpg` … as JPEGs of quality 92 (default 4032×3024, a 12-megapixel
//! phone photo of 3–5 MB). Each picture is a gradient with deterministic noise, so JPEG cannot
//! shrink it to nothing and every file differs (the build cache keys images by content).

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(count)) = (args.first(), args.get(1).and_then(|c| c.parse::<u32>().ok())) else {
        eprintln!("usage: make_photos DIR COUNT [WIDTHxHEIGHT]");
        std::process::exit(2);
    };
    let (w, h) = args
        .get(2)
        .and_then(|s| s.split_once('x'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((4032u32, 3024u32));
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create the photo folder");
    for n in 1..=count {
        let path = dir.join(format!("photo-{n:03}.jpg"));
        if path.exists() {
            continue;
        }
        let mut seed = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed & 0x1F) as u32;
            image::Rgb([
                ((x * 200 / w) + noise) as u8,
                ((y * 200 / h) + noise) as u8,
                (((x + y + n * 37) / 9 % 200) + noise) as u8,
            ])
        });
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create a photo"));
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
            .encode_image(&img)
            .expect("encode a photo");
    }
}
