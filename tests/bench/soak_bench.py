#!/usr/bin/env python3
"""Soak (label bench; prints, never fails on time): sluisd under the region
simulation (docs/simulation.md) for SLUIS_SOAK_MINUTES (default 30), and
whether anything grows.

The load is `sluis-load --region` on a region of 6 municipalities and 12
providers: SLUIS_SOAK_RATE care episodes start per second (default 1.5, about
20 messages/s: 315, 301, 305, five or six 323s, 307 and their retours), open
loop; every partner keeps a keep-alive mutual-TLS connection, sends, and
fetches and acknowledges its mailbox or drop directory. Its report must be
clean (every answer and delivery as the simulation expects).

Every 2 s it samples sluisd's resident memory (VmRSS), its open file
descriptors and the store's files (database and write-ahead log); per minute
it prints min / median / max of the first two, the store's bytes per message
answered so far (retention keeps every message at least 62 days, so the store
grows with what it keeps), the WAL's largest size, and the latency p50 / p99 /
max of the messages answered in that minute (from the simulation's progress
lines: first try to final answer).

Verdict lines (`bench-result: {json}`), comparing the last third of the run
with the first (after a first minute of warm-up): RSS, descriptors, bytes per
message and latency p99 each as last/first (flat: close to 1), and the WAL's
largest size. It fails (exit 1) only on errors: a mismatch in the
simulation's report, a dead daemon.

Usage: SLUIS_BIN_DIR=build/bench/gateway tests/bench/soak_bench.py (ctest -R soak_bench -V)."""
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import BIN, SRC, Daemon  # noqa: E402

MINUTES = float(os.environ.get("SLUIS_SOAK_MINUTES", "30"))
RATE = float(os.environ.get("SLUIS_SOAK_RATE", "1.5"))
SAMPLE = 2.0  # seconds between samples


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def size(path):
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def spread(values):
    return f"{min(values):>9.1f} {statistics.median(values):>9.1f} {max(values):>9.1f}"


def main():
    root = pathlib.Path(tempfile.mkdtemp(prefix="sluis-soak-"))
    load = str(BIN / "tools/sluis-load")
    subprocess.run([load, "--region-setup", str(root / "region"), "--seed", "1",
                    "--cbs", str(SRC / "config/reference/cbs-gemeenten.csv")], check=True, stdout=subprocess.DEVNULL)
    d = Daemon(root, region=root / "region")
    d.start()
    sim = subprocess.Popen([load, "--region", str(root / "region"), "--url", f"https://127.0.0.1:{d.port}",
                            "--rate", str(RATE), "--seconds", str(MINUTES * 60), "--drain", "300", "--seed", "1",
                            "--progress", "60", "--corpus", str(SRC / "tests/conformance"),
                            "--schemas", str(SRC / "schemas")], stdout=subprocess.PIPE, text=True)
    lines = []  # the simulation's output: progress lines, then the report

    def read():
        for line in sim.stdout:
            lines.append(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    start = time.monotonic()
    samples = []  # (seconds since start, rss KiB, fds, db bytes, wal bytes)
    db, wal = root / "state/sluis.db", root / "state/sluis.db-wal"
    while sim.poll() is None and d.proc.poll() is None:
        time.sleep(SAMPLE)  # the sampling period of a soak, not a wait for a result
        pid = d.proc.pid
        try:
            samples.append((time.monotonic() - start, rss_kib(pid), len(os.listdir(f"/proc/{pid}/fd")), size(db),
                            size(wal)))
        except FileNotFoundError:
            break
    sim.wait()
    reader.join(10)
    code = d.stop() if d.proc.poll() is None else d.proc.poll()
    progress = [x["progress"] for x in lines if "progress" in x]
    report = next((x for x in lines if "mismatch_count" in x), None)

    print(f"== soak: {MINUTES:g} min at {RATE:g} episodes/s; sluisd exit {code}; report: "
          + json.dumps({k: v for k, v in (report or {}).items() if k != "mismatches"}))
    print("minute |   RSS MiB min/median/max   |   fds min/median/max   | store bytes/msg |"
          "  WAL MiB max | messages | latency ms p50 / p99 / max")
    per_minute = []
    answered = 0
    for m, p in enumerate(progress):
        answered += p["messages"]
        ss = [s for s in samples if m * 60 <= s[0] < (m + 1) * 60]
        if not ss or not p["messages"]:
            continue
        rss = [s[1] / 1024 for s in ss]
        fds = [s[2] for s in ss]
        bpm = [ss[-1][3] / answered]
        walmax = max(s[4] for s in ss) / 1048576
        row = (m, rss, fds, bpm, walmax, p["p50_ms"], p["p99_ms"], p["max_ms"])
        per_minute.append(row)
        print(f"{m + 1:>6} | {spread(rss)} | {spread(fds)} | {bpm[0]:>15.0f} | "
              f"{walmax:>12.1f} | {p['messages']:>8} | {row[5]:.1f} / {row[6]:.1f} / {row[7]:.1f}")

    failures = []
    if report is None:
        failures.append(f"the simulation gave no report (exit {sim.returncode})")
    else:
        failures += report["mismatches"][:40]
        if report["mismatch_count"]:
            failures.append(f"{report['mismatch_count']} mismatches in the simulation's report")
    if code != 0:
        failures.append(f"sluisd exit {code}")
    body = [r for r in per_minute if r[0] >= 1] or per_minute
    third = max(1, len(body) // 3)
    first, last = body[:third], body[-third:]

    def ratio(name, unit, pick, goal="close to 1 (flat)"):
        a = statistics.median(v for r in first for v in pick(r))
        b = statistics.median(v for r in last for v in pick(r))
        print(f"{name}: first third {a:.1f} {unit}, last third {b:.1f} {unit}, last/first {b / a:.2f}")
        print("bench-result: " + json.dumps({
            "name": f"soak {MINUTES:g} min at {RATE:g} episodes/s: {name}", "value": round(b, 2), "unit": unit,
            "peer": "the same in the run's first third", "peer_value": round(a, 2), "ratio": round(b / a, 3),
            "goal": goal, "command": "tests/bench/soak_bench.py"}))

    if body:
        ratio("RSS", "MiB", lambda r: r[1])
        ratio("file descriptors", "fds", lambda r: r[2])
        ratio("store bytes per message", "B", lambda r: r[3])
        ratio("latency p99", "ms", lambda r: [r[6]])
        print(f"WAL largest: {max(r[4] for r in per_minute):.1f} MiB")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        print("sluisd log (tail):\n" + d.log_tail())
        return 1
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
