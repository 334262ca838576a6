#!/usr/bin/env bash
# CPU cost of `pufa check` (no --external) against `pufa build` on the generated corpus, and
# the wording detector's speed on one core.
#
#   bench/check.sh [PAGES (default 10000)] [RUNS (default 3)]
#
# Generates the corpus with ../shared/bench/gen_corpus.py (plain flavor) and adds the
# config.yaml bench/build.sh uses; builds pufa --release and the wording_bench example; then
# times, interleaved round by round so drifting load hits both alike: `pufa build` (into tmpfs
# when there is one) and `pufa check --format json`. Prints the medians and the ratio
# (the target is at most 1.3x build's CPU), then the wording detector's MB/s over the corpus,
# the seed report and the example site (the target is at least 50 MB/s) and its findings there
# (there should be none).
# Environment: SHARED (default ../shared next to the repo), WORK (default /tmp/pufa-bench).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pages="${1:-10000}"
runs="${2:-3}"
shared="${SHARED:-$repo/../shared}"
work="${WORK:-/tmp/pufa-bench}"
out_root=/dev/shm; [ -d "$out_root" ] && [ -w "$out_root" ] || out_root="$work"
out="$out_root/pufa-bench-out"
timer="$shared/bench/bench_time.py"
mkdir -p "$work"

# shellcheck source=bench/corpus.sh
. "$repo/bench/corpus.sh"
corpus="$work/pufa-$pages"
pufa_corpus "$corpus" "$pages" "$shared/bench/gen_corpus.py"

(cd "$repo" && cargo build --release --locked -q && cargo build --release --locked -q --example wording_bench)
pufa="$repo/target/release/pufa"
json="$work/check-$pages.jsonl"; : > "$json"
t() { local label="$1"; shift; python3 "$timer" -n 1 --label "$label" --json "$json" --prepare "rm -rf '$out'" -- "$@" >/dev/null || true; }
echo "# pufa $("$pufa" --version | cut -d' ' -f2); $pages pages; median of $runs interleaved rounds"
for round in $(seq "$runs"); do
  t build "$pufa" build --root "$corpus" --output "$out"
  t check "$pufa" check --root "$corpus" --format json --today 2025-01-01
done
rm -rf "$out"
"$pufa" check --root "$corpus" --format json --today 2025-01-01 > "$work/check-$pages.json" || true
python3 - "$json" "$work/check-$pages.json" <<'PY'
import json, sys
from statistics import median
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault(r["label"], []).append(r)
rows = {k: {"cpu": median(x["cpu_s"]["median"] for x in v), "wall": median(x["wall_s"]["median"] for x in v),
            "mem": median(x["peak_mb"]["median"] for x in v)} for k, v in runs.items()}
for k, r in rows.items():
    print(f"{k:6} wall {r['wall']:6.2f} s   CPU {r['cpu']:6.2f} s   peak RSS {r['mem']:6.0f} MB")
print(f"check CPU = {rows['check']['cpu'] / rows['build']['cpu']:.2f} x build CPU (target <= 1.3)")
s = json.load(open(sys.argv[2]))["summary"]
print(f"check saw {s['pages']} pages, {s['outputs']} outputs, {s['links']} links: {s['errors']} errors, {s['warnings']} warnings {s['by_item']}")
PY
"$repo/target/release/examples/wording_bench" "$corpus/content" "$shared/seed" "$repo/site/content" --rounds 5 --show 20
