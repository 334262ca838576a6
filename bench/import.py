#!/usr/bin/env python3
"""Is `pufa import` linear in its input? Times it on 1, 8 and 64 MB of report text.

    bench/import.py [--pufa BIN] [--sizes 1,8,64] [--runs 3]

Generates plain-text reports (the title, then sections in the style of a township report,
their figures varied so no two paragraphs are the same, then the signature) of each size in
MB, imports each into a new site (`pufa init`, so the page is checked with the build's parser
as a real import is) with `--dry-run`, and prints, per size, the median wall and CPU time, the
CPU time per MB and the peak RSS; then the max/min ratio of the time per MB (the target is
under 1.5x). Builds `pufa --release` unless --pufa is given. Standard library only.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SECTION = """{n}、主要举措和成效（第{i}部分）
（一）强化组织领导，压实法治建设责任
1.落实第一责任人职责。镇党委书记带头学法，全年召开党委会专题研究法治建设{a}次，组织领导干部法治讲座{b}场次。
2.加强学法用法。组织国家工作人员学法用法考试，参考率100%，培训执法人员{c}人次。
（二）优化政务服务，提升依法行政水平
1.推进“一网通办”。梳理高频事项{d}个，全年办理政务服务事项{e}件，群众满意率99.{f}%。
2.规范行政执法。开展联合检查{a}次，涉及经营主体{c}家，作出不予处罚决定{b}宗，减少检查次数{d}次。
（三）化解矛盾纠纷，维护社会和谐稳定
全镇排查各类矛盾纠纷{e}宗，化解{c}宗，化解率96.{f}%；人民调解委员会调处纠纷{d}宗，涉及金额约{b}万元。
"""


def cn_number(n):
    """1..9999 in Chinese numerals (一, 十二, 一百零三 ...), for the section ordinals (they
    run 一 to 九十九 and start again, as the parts of a long compilation of reports would)."""
    digits = "零一二三四五六七八九"
    units = ["", "十", "百", "千"]
    out, zero = "", False
    s = str(n)
    for i, ch in enumerate(s):
        d = int(ch)
        unit = units[len(s) - 1 - i]
        if d == 0:
            zero = True
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (d == 1 and unit == "十" and i == 0) else digits[d]) + unit
    return out


def report_text(mb):
    """About `mb` MB of report text."""
    parts = ["示例镇2024年法治政府建设年度报告\n", "中共示例县委、示例县人民政府：\n",
             "2024年，示例镇坚持依法行政，全面推进法治政府建设，各项工作取得新进展。\n"]
    size, i = sum(len(p.encode()) for p in parts), 0
    while size < mb * 1_000_000:
        i += 1
        s = SECTION.format(n=cn_number(i % 99 + 1), i=i, a=i % 97 + 1, b=i % 31 + 2, c=i % 500 + 100,
                           d=i % 60 + 10, e=i % 9000 + 1000, f=i % 10)
        parts.append(s)
        size += len(s.encode())
    parts.append("示例镇人民政府\n2025年1月15日\n")
    return "".join(parts)


def run(cmd, cwd):
    """Wall time, CPU time (user+sys) and peak RSS (MB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pufa", help="the pufa binary (default: build target/release/pufa)")
    ap.add_argument("--sizes", default="1,8,64", help="sizes in MB, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    pufa = os.path.abspath(args.pufa) if args.pufa else None
    if not pufa:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=REPO, check=True)
        pufa = os.path.join(REPO, "target", "release", "pufa")
    sizes = [float(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="pufa-import-bench-") as work:
        subprocess.run([pufa, "init", "site"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        rows = []
        for mb in sizes:
            path = os.path.join(work, f"report-{mb:g}MB.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(report_text(mb))
            real_mb = os.path.getsize(path) / 1_000_000
            cmd = [pufa, "import", path, "--root", "site", "--dry-run"]
            runs = [run(cmd, work) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = max(r[2] for r in runs)
            rows.append((real_mb, wall, cpu, rss))
            os.remove(path)
    print(f"{'input':>9} {'wall':>8} {'CPU':>8} {'CPU/MB':>9} {'wall/MB':>9} {'peak RSS':>9}")
    for real_mb, wall, cpu, rss in rows:
        print(f"{real_mb:7.1f}MB {wall:7.2f}s {cpu:7.2f}s {cpu / real_mb * 1000:7.1f}ms "
              f"{wall / real_mb * 1000:7.1f}ms {rss:7.0f}MB")
    per_mb = [cpu / mb for mb, _, cpu, _ in rows]
    ratio = max(per_mb) / min(per_mb)
    verdict = "linear" if ratio < 1.5 else "NOT linear"
    print(f"CPU per MB max/min: {ratio:.2f}x (target < 1.5x: {verdict})")


if __name__ == "__main__":
    main()
