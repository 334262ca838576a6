// Rebuild when the embedded default theme changes (include_dir! cannot tell cargo itself).
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    for entry in walk("themes/default") {
        println!("cargo:rerun-if-changed={entry}");
    }
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path().to_string_lossy().into_owned();
            if e.path().is_dir() {
                out.push(p.clone());
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
