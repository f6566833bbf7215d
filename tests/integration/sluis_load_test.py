#!/usr/bin/env python3
"""sluis-load --unique sends new messages in every run (docs/performance.md,
"Latency"): the benchmarks run it several times against one sluisd (a
warm-up, the closed loop, the open loops), and each run must be judged and
committed, not answered as a replay of the one before. Two runs of the
corpus 323 with @ID@ in its identifications, against a whole sluisd: every
request accepted (202), and sluisd's own count of replays
(sluis_intake_duration_seconds_count{outcome="replay"}) still 0 after both;
then a third run of the same body without --unique, whose requests after the
first are replays, shows that the count does count them. The benchmarks list
sluisd's busiest threads by name (docs/architecture.md, "Where each kind of
work runs"): the daemon's threads carry them. Against a stopped sluisd, a
run with --requests ends: each connection gives up after three failed
connects in a row, each counted as an error.

Label integration. Loopback only."""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import BIN, Daemon, listener, unique_declaration  # noqa: E402

REQUESTS = 12


def load(d, body, *extra):
    out = subprocess.run([str(BIN / "tools/sluis-load"), "--url", f"https://127.0.0.1:{d.port}/v1/messages",
                          "--cert", str(d.pki / "provider.pem"), "--key", str(d.pki / "provider.key"),
                          "--ca", str(d.pki / "ca.pem"), "--body", str(body), "--connections", "3",
                          "--requests", str(REQUESTS), *extra],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def intake_counts(d):
    plain = listener(BIN / "tools/sluisctl", d.dir / "state/admin.sock", "http")
    text = urllib.request.urlopen(plain + "/metrics", timeout=10).read().decode()
    counts = {}
    for outcome in ("accepted", "replay"):
        m = re.search(r'^sluis_intake_duration_seconds_count\{outcome="' + outcome + r'"\} (\d+)$', text, re.M)
        assert m, f"no intake count for {outcome}"
        counts[outcome] = int(m.group(1))
    return counts


def main():
    root = pathlib.Path(tempfile.mkdtemp(prefix="sluis-load-test-"))
    d = Daemon(root / "node")
    ok = False
    try:
        unique = unique_declaration(root / "unique.xml")
        d.start()
        for run in (1, 2):
            r = load(d, unique, "--unique", "@ID@")
            assert r["status"] == {"202": REQUESTS} and r["errors"] == 0, (run, r)
            counts = intake_counts(d)
            assert counts == {"accepted": run * REQUESTS, "replay": 0}, (run, counts)
        # The same body each time (no --unique): one new message, then replays.
        fixed = root / "fixed.xml"
        fixed.write_text(unique.read_text().replace("@ID@", "FIXED1"))
        r = load(d, fixed)
        assert r["status"] == {"202": REQUESTS} and r["errors"] == 0, r
        counts = intake_counts(d)
        assert counts == {"accepted": 2 * REQUESTS + 1, "replay": REQUESTS - 1}, counts
        task = pathlib.Path(f"/proc/{d.proc.pid}/task")
        names = {(t / "comm").read_text().strip() for t in task.iterdir()}
        want = {"sluisd", "sluis-writer", "sluis-validate", "sluis-reads", "sluis-admin", "sluis-delivery"}
        assert want <= names, sorted(names)
        assert d.stop() == 0
        # Nothing listens on the port now: before the bound, this run retried forever.
        r = load(d, fixed)
        assert r["requests"] == 0 and r["errors"] == 3 * 3 and r["status"] == {}, r
        ok = True
        print("sluis_load_test: two runs with --unique, all new; without it, replays counted; threads named; "
              "a run against a stopped sluisd ends")
    finally:
        if d.proc and d.proc.poll() is None:
            d.kill()
        if not ok:
            print(d.log_tail() if (d.dir / "sluisd.log").exists() else "", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
