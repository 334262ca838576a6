#!/usr/bin/env bash
# What 500 phone photos cost: `pufa build` of the generated corpus alone against the same
# corpus with PHOTOS photos (12-megapixel JPEGs of 3–5 MB made by examples/make_photos.rs),
# each shown on one page, as publishers run it.
#
#   bench/photos.sh [PAGES (default 10000)] [PHOTOS (default 500)] [ROUNDS (default 3)]
#
# First builds (empty output, no .pufa-cache/) are timed once each; then, round by round so
# drifting load hits both alike, rebuilds into the existing output with the build cache.
# Target (issue 12): the rebuild with photos costs at most 1.5× the corpus alone.
# Environment: SHARED (default ../shared next to the repo), WORK (default /tmp/pufa-bench),
# PHOTO_SIZE (default 4032x3024).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pages="${1:-10000}"
photos="${2:-500}"
runs="${3:-3}"
shared="${SHARED:-$repo/../shared}"
work="${WORK:-/tmp/pufa-bench}"
timer="$shared/bench/bench_time.py"
mkdir -p "$work"
# shellcheck source=bench/corpus.sh
. "$repo/bench/corpus.sh"
corpus="$work/pufa-$pages"
pufa_corpus "$corpus" "$pages" "$shared/bench/gen_corpus.py"

(cd "$repo" && cargo build --release --locked -q && cargo build --release --locked -q --example make_photos)
pufa="$repo/target/release/pufa"
pictures="$work/photos-${PHOTO_SIZE:-4032x3024}"
"$repo/target/release/examples/make_photos" "$pictures" "$photos" "${PHOTO_SIZE:-4032x3024}"

# The photo site: a copy of the corpus whose first PHOTOS pages (by path) each show one photo.
site="$work/pufa-$pages-photos-$photos"
if [ ! -f "$site/config.yaml" ]; then
  rm -rf "$site"; mkdir -p "$site/content/photos"
  cp -r "$corpus/content/." "$site/content/"
  cp "$corpus/config.yaml" "$site/config.yaml"
  n=0
  while IFS= read -r page && [ "$n" -lt "$photos" ]; do
    n=$((n + 1)); name="$(printf 'photo-%03d.jpg' "$n")"
    ln "$pictures/$name" "$site/content/photos/$name" 2>/dev/null || cp "$pictures/$name" "$site/content/photos/"
    printf '\n![普法活动现场照片 %d](/photos/%s)\n' "$n" "$name" >> "$page"
  done < <(find "$site/content" -name '*.md' ! -name '_index.md' | sort)
fi
echo "# $pages pages; $photos photos of ${PHOTO_SIZE:-4032x3024}, $(du -sm "$site/content/photos" | cut -f1) MB; median of $runs rounds"

json="$work/photos-$pages-$photos.jsonl"; : > "$json"
out="$work/out-photos"; rm -rf "$out"; mkdir -p "$out"
t() { local label="$1" prep="$2"; shift 2; python3 "$timer" -n 1 --warmup 0 --label "$label" --json "$json" --prepare "$prep" -- "$@" >/dev/null; }
t corpus-first "rm -rf '$corpus/.pufa-cache'" "$pufa" build --root "$corpus" --output "$out/corpus"
t photos-first "rm -rf '$site/.pufa-cache'" "$pufa" build --root "$site" --output "$out/photos"
for _ in $(seq "$runs"); do
  t corpus-rebuild "true" "$pufa" build --root "$corpus" --output "$out/corpus"
  t photos-rebuild "true" "$pufa" build --root "$site" --output "$out/photos"
done
python3 - "$json" <<'PY'
import json, sys
from statistics import median
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault(r["label"], []).append(r)
rows = {k: {m: median(x[f"{m}_s" if m != "peak" else "peak_mb"]["median"] for x in v) for m in ("wall", "cpu", "peak")}
        for k, v in runs.items()}
for k, r in rows.items():
    print(f"{k:16} wall {r['wall']:7.2f} s   CPU {r['cpu']:7.2f} s   peak RSS {r['peak']:6.0f} MB")
for m in ("first", "rebuild"):
    a, b = rows[f"corpus-{m}"], rows[f"photos-{m}"]
    print(f"photos/corpus {m:8} wall {b['wall']/a['wall']:.2f}x   CPU {b['cpu']/a['cpu']:.2f}x   peak RSS {b['peak']/a['peak']:.2f}x")
PY
