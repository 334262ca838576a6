#!/usr/bin/env python3
"""Start-up and save-to-reload latency of `pufa serve`.

    bench/serve_latency.py SITE_DIR [--pufa target/release/pufa] [--edits 20] [--cold]

Starts `pufa serve --port 0` on SITE_DIR (edit a copy: the script appends to pages and
restores them afterwards) and measures the time from starting the process to the first page
served (a report, fetched over HTTP until it answers 200); with --cold the site's
.pufa-cache/ is deleted first, as on the first start ever. Then it connects to the
live-reload event stream like a browser does and, for each of N different pages, appends a
paragraph to the file and measures the time from the write to the `change` event that names
the page reaching the client. Then it edits a template used by every report (a site-level
override of report.html) 5 times and measures the same. Prints p50/p95 and every sample.
Uses only the Python standard library.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time


def sse(host, port, path, events):
    s = socket.create_connection((host, port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    buf = b""
    name = None
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.rstrip(b"\r").decode("utf-8", "replace")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:") and name:
                events.append((time.monotonic(), name, line[5:].strip()))
                name = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--pufa", default="target/release/pufa")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cold", action="store_true", help="delete the site's .pufa-cache/ first")
    a = ap.parse_args()
    if a.cold:
        shutil.rmtree(os.path.join(a.site, ".pufa-cache"), ignore_errors=True)
    reports = os.path.join(a.site, "content", "reports")
    first_report = sorted(f for f in os.listdir(reports) if f.endswith(".md") and f != "_index.md")[0][:-3]

    t0 = time.monotonic()
    proc = subprocess.Popen([a.pufa, "serve", "--root", a.site, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = None
    for line in proc.stdout:
        m = re.search(r"http://([\d.]+):(\d+)(/\S*)", line)
        if m:
            url = m
            break
    listening = time.monotonic() - t0
    host, port, base = url.group(1), int(url.group(2)), url.group(3)
    first_page = None
    while first_page is None:
        try:
            c = socket.create_connection((host, port), timeout=30)
            c.sendall(f"GET {base}reports/{first_report}/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            head = c.recv(64)
            c.close()
            if b" 200 " in head:
                first_page = time.monotonic() - t0
        except OSError:
            time.sleep(0.005)
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    events = []
    threading.Thread(target=sse, args=(host, port, base + "__pufa/events", events), daemon=True).start()
    # The first render of every page runs in the background after the first page is served;
    # edits made before it ends wait for it. Measure edits to the fully rendered preview.
    time.sleep(4.0)

    content = os.path.join(a.site, "content")
    pages = []
    for sec in ("cases", "projects", "reports"):
        d = os.path.join(content, sec)
        if os.path.isdir(d):
            pages += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".md") and f != "_index.md"]
    rnd = random.Random(a.seed)
    chosen = rnd.sample(pages, a.edits)

    def wait_for(pred, since, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for t, name, data in list(events):
                if t >= since and pred(name, data):
                    return t
            time.sleep(0.001)
        raise SystemExit("timed out waiting for the change event")

    samples = []
    originals = {}
    try:
        for p in chosen:
            originals[p] = open(p, encoding="utf-8").read()
            rel = os.path.relpath(p, content).replace(os.sep, "/")[:-3] + "/index.html"
            time.sleep(0.3)
            start = time.monotonic()
            with open(p, "a", encoding="utf-8") as f:
                f.write("\n\n基准测试追加的一段正文。\n")
            t = wait_for(lambda n, d: n == "change" and (rel in json.loads(d)["paths"] or json.loads(d)["all"]), start)
            samples.append((t - start) * 1000)
        # A template used by every report.
        tdir = os.path.join(a.site, "templates")
        os.makedirs(tdir, exist_ok=True)
        override = os.path.join(tdir, "report.html")
        had = os.path.exists(override)
        base_tpl = open(override, encoding="utf-8").read() if had else None
        if base_tpl is None:
            here = os.path.dirname(os.path.abspath(__file__))
            base_tpl = open(os.path.join(here, "..", "themes", "default", "templates", "report.html"), encoding="utf-8").read()
            with open(override, "w", encoding="utf-8") as f:
                f.write(base_tpl)
            time.sleep(6)
        tsamples = []
        time.sleep(5)
        for i in range(5):
            time.sleep(0.5)
            start = time.monotonic()
            with open(override, "w", encoding="utf-8") as f:
                f.write(base_tpl.replace("{% block after_content %}", "{% block after_content %}<!-- edit " + str(i) + " -->", 1))
            t = wait_for(lambda n, d: n == "change", start, timeout=120)
            tsamples.append((t - start) * 1000)
    finally:
        if "override" in locals() and not had and os.path.exists(override):
            os.remove(override)
        for p, text in originals.items():
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        proc.terminate()
    samples_sorted = sorted(samples)
    p95 = samples_sorted[max(0, int(round(0.95 * len(samples_sorted))) - 1)]
    print(f"start: listening after {listening:.2f} s, first report page served after {first_page:.2f} s" + (" (cold: no cache)" if a.cold else ""))
    print(f"page edits: n={len(samples)} p50={statistics.median(samples):.1f} ms p95={p95:.1f} ms max={max(samples):.1f} ms")
    print("  samples (ms): " + " ".join(f"{s:.0f}" for s in samples))
    print(f"template used by every report: p50={statistics.median(tsamples):.0f} ms; " + " ".join(f"{s:.0f}" for s in tsamples))


if __name__ == "__main__":
    main()
