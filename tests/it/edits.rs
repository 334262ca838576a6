//! Random edits of a fixture site, shared by the tests that compare an incremental result
//! (serve's engine, a cached build) with a clean build after every step.

use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

pub fn pages(site: &Path, section: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(site.join("content").join(section))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    v.sort();
    v
}

/// Files nothing links to by `@/` or `projects:` (safe to delete or rename).
pub fn unreferenced(site: &Path, candidates: Vec<PathBuf>) -> Vec<PathBuf> {
    let all: String = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    candidates
        .into_iter()
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            !all.contains(&format!("/{stem}.md"))
                && !all.contains(&format!("[{stem}]"))
                && !all.contains(&format!(" {stem}]"))
        })
        .collect()
}

pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// State of a run of edits: how many pages it created.
#[derive(Default)]
pub struct Edits {
    created: usize,
}

impl Edits {
    /// Makes one random edit of `site` at step `step` (body, title, date, create, delete,
    /// rename, section title, metric, draft toggle, template); returns what it did and the
    /// paths it changed, or `None` when the chosen edit had nothing to work on.
    pub fn step(&mut self, rng: &mut Rng, site: &Path, step: usize) -> Option<(String, Vec<PathBuf>)> {
        let topics = ["矛盾纠纷化解", "人民调解", "行政执法", "普法宣传", "新主题"];
        let created = &mut self.created;
        let mut op = rng.below(12);
        if pages(site, "cases").len() < 3 && matches!(op, 0..=3 | 6 | 7 | 10) {
            op = 4;
        }
        let mut changed: Vec<PathBuf> = Vec::new();
        let what;
        match op {
            0 | 1 => {
                let p = rng.pick(&pages(site, "cases")).clone();
                edit(&p, |t| format!("{t}\n\n新增的一段正文，第{step}步。\n"));
                what = format!("body edit {}", p.display());
                changed.push(p);
            }
            2 => {
                let p = rng.pick(&pages(site, "cases")).clone();
                edit(&p, |t| t.replacen("title: ", &format!("title: 改{step}"), 1));
                what = format!("title edit {}", p.display());
                changed.push(p);
            }
            3 => {
                let p = rng.pick(&pages(site, "cases")).clone();
                let y = 2021 + rng.below(4);
                edit(&p, |t| {
                    let t = t
                        .lines()
                        .filter(|l| !l.starts_with("date:"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    t.replacen(
                        "title:",
                        &format!("date: {y}-0{}-1{}\ntitle:", 1 + rng.below(8), rng.below(9)),
                        1,
                    )
                });
                what = format!("date edit {}", p.display());
                changed.push(p);
            }
            4 | 5 => {
                *created += 1;
                let p = site.join(format!("content/cases/new-{created}.md"));
                let t1 = rng.pick(&topics);
                let t2 = rng.pick(&topics);
                std::fs::write(
                    &p,
                    format!(
                        "---\ntitle: 新案例{created}\nyear: {}\ncase_type: 人民调解\ntaxonomies:\n  topics: [{t1}, {t2}]\n---\n\n## 经过\n\n见[报告](@/reports/2023.md)。\n",
                        2021 + rng.below(4)
                    ),
                )
                .unwrap();
                what = format!("create {}", p.display());
                changed.push(p);
            }
            6 => {
                let cands = unreferenced(site, pages(site, "cases"));
                if cands.is_empty() {
                    return None;
                }
                let p = rng.pick(&cands).clone();
                std::fs::remove_file(&p).unwrap();
                what = format!("delete {}", p.display());
                changed.push(p);
            }
            7 => {
                let cands = unreferenced(site, pages(site, "cases"));
                if cands.is_empty() {
                    return None;
                }
                let p = rng.pick(&cands).clone();
                let to = p.with_file_name(format!("renamed-{step}.md"));
                std::fs::rename(&p, &to).unwrap();
                what = format!("rename {} → {}", p.display(), to.display());
                changed.push(p);
                changed.push(to);
            }
            8 => {
                let p = site.join("content/cases/_index.md");
                edit(&p, |t| t.replacen("title: ", "title: 新", 1));
                what = "section title".to_string();
                changed.push(p);
            }
            9 => {
                let p = rng.pick(&pages(site, "reports")).clone();
                let v = 100 + rng.below(900);
                edit(&p, |t| {
                    let start = t.find("value: ").unwrap() + 7;
                    let end = start + t[start..].find(',').unwrap();
                    format!("{}{v}{}", &t[..start], &t[end..])
                });
                what = format!("metric edit {}", p.display());
                changed.push(p);
            }
            10 => {
                let p = rng.pick(&pages(site, "cases")).clone();
                let draft = !std::fs::read_to_string(&p).unwrap().contains("draft: true");
                edit(&p, |t| {
                    if draft {
                        t.replacen("title:", "draft: true\ntitle:", 1)
                    } else {
                        t.replace("draft: true\n", "")
                    }
                });
                what = format!("draft toggle {}", p.display());
                changed.push(p);
            }
            _ => {
                // A template edit: the footer partial gains a line.
                let p = site.join("templates/partials/footer.html");
                let base = pufa::theme::builtin_template("partials/footer.html")
                    .unwrap()
                    .to_string();
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, format!("{base}<!-- step {step} -->\n")).unwrap();
                what = "template edit".to_string();
                changed.push(p);
            }
        }

        Some((what, changed))
    }
}
