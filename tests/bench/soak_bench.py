#!/usr/bin/env python3
"""Soak (label bench; prints, never fails on time): sluisd under a steady load
for SLUIS_SOAK_MINUTES (default 30), and whether anything grows.

The load is the two partners of tests/support/partners.py: a provider
declaring 323s at SLUIS_SOAK_RATE per second (default 20, open loop: each
declaration is due on a schedule and its latency counts from then) to a
municipality whose 325s sluis composes, both polling, fetching and
acknowledging their mailboxes over keep-alive mutual TLS.

Every 2 s it samples sluisd's resident memory (VmRSS), its open file
descriptors, the store's files (database and write-ahead log) and the number
of messages answered; per minute it prints min / median / max of each, and
the latency p50 / p99 / max of the declarations due in that minute. The
store grows with what it keeps (retention keeps every message at least 62
days), so its measure is bytes per message answered, with the WAL apart
(checkpoints bound it).

Verdict lines (`bench-result: {json}`), comparing the last third of the run
with the first (after a first minute of warm-up): RSS, descriptors, bytes per
message and latency p99 each as last/first (flat: close to 1), and the WAL's
largest size. It fails (exit 1) only on errors: a failed answer, a lost
delivery, a dead daemon.

Usage: SLUIS_BIN_DIR=build/bench/gateway tests/bench/soak_bench.py (ctest -R soak_bench -V)."""
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time
import json
import shutil

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import REQUEST_TIMEOUT, Daemon, Receiver, Sender  # noqa: E402

MINUTES = float(os.environ.get("SLUIS_SOAK_MINUTES", "30"))
RATE = float(os.environ.get("SLUIS_SOAK_RATE", "20"))
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
    d = Daemon(root)
    d.start()
    stop_sending, stop_receiving = threading.Event(), threading.Event()
    sender = Sender(d, stop_sending, rate=RATE)
    gem, zorg = Receiver(d, "gemeente", stop_receiving), Receiver(d, "provider", stop_receiving)
    for t in (sender, gem, zorg):
        t.start()
    start = time.monotonic()
    samples = []  # (seconds since start, rss KiB, fds, db bytes, wal bytes, answered)
    db, wal = root / "state/sluis.db", root / "state/sluis.db-wal"
    while time.monotonic() - start < MINUTES * 60 and d.proc.poll() is None:
        time.sleep(SAMPLE)  # the sampling period of a soak, not a wait for a result
        pid = d.proc.pid
        samples.append((time.monotonic() - start, rss_kib(pid), len(os.listdir(f"/proc/{pid}/fd")), size(db),
                        size(wal), len(sender.answers)))
    stop_sending.set()
    sender.join(REQUEST_TIMEOUT * 4)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
            r.empty_since is not None and time.monotonic() - r.empty_since > 1.0 for r in (gem, zorg)):
        time.sleep(0.1)  # draining the mailboxes, bounded by the deadline
    stop_receiving.set()
    for t in (gem, zorg):
        t.join(REQUEST_TIMEOUT * 4)
    code = d.stop() if d.proc.poll() is None else d.proc.poll()

    print(f"== soak: {MINUTES:g} min at {RATE:g} declarations/s, {len(sender.answers)} answered, "
          f"{sender.resends} resends, {sum(gem.fetched.values())} delivered to the gemeente, "
          f"{sum(zorg.fetched.values())} 325s to the provider; sluisd exit {code}")
    print("minute |   RSS MiB min/median/max   |   fds min/median/max   | store bytes/msg min/med/max |"
          "  WAL MiB max | latency ms p50 / p99 / max")
    minutes = int(MINUTES + 0.999)
    per_minute = []
    for m in range(minutes):
        ss = [s for s in samples if m * 60 <= s[0] < (m + 1) * 60]
        lat = [x[1] * 1000 for x in sender.latencies if m * 60 <= x[0] - start < (m + 1) * 60]
        if not ss or not lat:
            continue
        rss = [s[1] / 1024 for s in ss]
        fds = [s[2] for s in ss]
        bpm = [s[3] / s[5] for s in ss if s[5] > 0]
        walmax = max(s[4] for s in ss) / 1048576
        row = (m, rss, fds, bpm, walmax, pct(lat, 0.5), pct(lat, 0.99), max(lat))
        per_minute.append(row)
        print(f"{m + 1:>6} | {spread(rss)} | {spread(fds)} | {spread(bpm) if bpm else '-':>27} | "
              f"{walmax:>12.1f} | {row[5]:.1f} / {row[6]:.1f} / {row[7]:.1f}")

    failures = sender.problems + gem.problems + zorg.problems
    accepted = {b["id"] for st, b in sender.answers.values() if st == 202}
    if accepted != set(gem.fetched):
        failures.append(f"deliveries: {len(accepted - set(gem.fetched))} accepted not delivered, "
                        f"{len(set(gem.fetched) - accepted)} delivered not accepted")
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
            "name": f"soak {MINUTES:g} min at {RATE:g}/s: {name}", "value": round(b, 2), "unit": unit,
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
