//! Speed and findings of the wording detector on real text, for `bench/check.sh`:
//!
//!     cargo run --release --example wording_bench -- FILE_OR_DIR... [--rounds N] [--show N]
//!
//! Reads every `.md` and `.txt` file given (folders recursively), scans them with the bundled
//! word lists on one thread, prints MB/s and the findings with their context (a false positive
//! shows up here first).

use std::time::Instant;

use pufa::check::terms::WordLists;
use pufa::check::wording::Detector;

fn main() {
    let mut paths = Vec::new();
    let mut rounds = 3usize;
    let mut show = 20usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--show" => show = args.next().and_then(|n| n.parse().ok()).unwrap_or(show),
            _ => paths.push(a),
        }
    }
    let mut texts = Vec::new();
    for p in &paths {
        for e in walkdir::WalkDir::new(p).into_iter().filter_map(Result::ok) {
            let name = e.path().to_string_lossy().into_owned();
            if e.file_type().is_file()
                && (name.ends_with(".md") || name.ends_with(".txt"))
                && let Ok(t) = std::fs::read_to_string(e.path())
            {
                texts.push((name, t));
            }
        }
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let detector = match Detector::new(WordLists::bundled()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut best = f64::MAX;
    let mut findings = Vec::new();
    for _ in 0..rounds.max(1) {
        findings.clear();
        let t0 = Instant::now();
        for (name, t) in &texts {
            for h in detector.scan(t) {
                findings.push((name.clone(), t.clone(), h));
            }
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    println!(
        "{} files, {:.1} MB, best of {rounds}: {:.3} s = {:.0} MB/s on one core, {} findings",
        texts.len(),
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best,
        findings.len()
    );
    for (name, t, h) in findings.iter().take(show) {
        let from = t[..h.start].char_indices().rev().nth(8).map_or(0, |(i, _)| i);
        let to = t[h.end..].char_indices().nth(8).map_or(t.len(), |(i, _)| h.end + i);
        println!(
            "{name}: “{}” → “{}” in …{}…",
            h.found,
            h.expected,
            &t[from..to].replace('\n', " ")
        );
    }
}
