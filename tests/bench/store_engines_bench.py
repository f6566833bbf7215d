#!/usr/bin/env python3
"""Intake on the two store engines (issue #28; label bench: prints, never fails
on time): accepted 323 declarations per second and their latency through
POST /v1/messages, in the same run on the same machine, for
  - sluisd on SQLite (WAL, synchronous = FULL), one node;
  - sluisd on PostgreSQL 15 (fsync on, synchronous_commit on), one node;
  - two sluisd sharing that PostgreSQL database, the load split between them.
Each: a closed loop (32 keep-alive mutual-TLS connections, SECONDS), then an
open loop at half the closed loop's rate (requests on a schedule; latency
from when each was due). The 4.4 KB iJw 323 of the corpus, made new per
request (Identificatie, DeclaratieNummer, ReferentieNummers), so every
request is a new declaration judged with all rules. Ratios against SQLite.

Usage: store_engines_bench.py [SECONDS]  (SLUIS_BIN_DIR, SLUIS_SOURCE_DIR as for the tests;
a Release build for real numbers). Each figure also as a `bench-result: {json}` line."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import BIN, Daemon, listener, unique_declaration  # noqa: E402
from postgres_server import SKIP, PostgresServer  # noqa: E402

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
CONNECTIONS = 32


def body(work):
    return unique_declaration(work / "body.xml")


def load(daemon, payload, connections, extra):
    pki = daemon.pki
    out = subprocess.run([str(BIN / "tools/sluis-load"), "--url", f"https://127.0.0.1:{daemon.port}/v1/messages",
                          "--cert", str(pki / "provider.pem"), "--key", str(pki / "provider.key"),
                          "--ca", str(pki / "ca.pem"), "--body", str(payload), "--unique", "@ID@",
                          "--connections", str(connections), *extra], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def at_once(nodes, payload, extra_of):
    """One sluis-load per node at the same time, the connections split; rates summed, the worse latency."""
    results = [None] * len(nodes)

    def run(i):
        results[i] = load(nodes[i], payload, CONNECTIONS // len(nodes), extra_of(i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(nodes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"per_second": sum(r["per_second"] for r in results), "p50_ms": max(r["p50_ms"] for r in results),
            "p99_ms": max(r["p99_ms"] for r in results),
            "status": {k: sum(r["status"].get(k, 0) for r in results) for r in results for k in r["status"]}}


def retries(nodes):
    """The nodes' sluis_store_transaction_retries_total summed (PostgreSQL's transactions run again
    because the server could not serialise them; absent on SQLite: 0), from each one's /metrics."""
    total = 0
    for n in nodes:
        url = listener(BIN / "tools/sluisctl", n.dir / "state/admin.sock", "http") + "/metrics"
        for line in urllib.request.urlopen(url, timeout=30).read().decode().splitlines():
            if line.startswith("sluis_store_transaction_retries_total "):
                total += int(float(line.split()[1]))
    return total


def measure(name, nodes, payload):
    for n in nodes:
        n.start()
    try:
        at_once(nodes, payload, lambda i: ["--seconds", "2"])  # warm-up
        before = retries(nodes)
        closed = at_once(nodes, payload, lambda i: ["--seconds", str(SECONDS)])
        between = retries(nodes)
        half = max(1, int(closed["per_second"] / 2))
        opened = at_once(nodes, payload,
                         lambda i: ["--seconds", str(SECONDS), "--rate", str(max(1, half // len(nodes)))])
        after = retries(nodes)
    finally:
        for n in nodes:
            n.stop()
    return {"name": name, "closed": closed, "open_rate": half, "open": opened,
            "retries": (between - before, after - between)}


def main():
    why = PostgresServer.available()
    if why:
        print(f"SKIP: {why}", flush=True)
        return SKIP
    work = pathlib.Path(tempfile.mkdtemp(prefix="sluis-engines-"))
    payload = body(work)
    pg = PostgresServer(durable=True)
    try:
        rows = [measure("sqlite, 1 node", [Daemon(work / "lite")], payload)]
        one = pg.create_database()
        rows.append(measure("postgresql, 1 node", [Daemon(work / "pg1", postgres=one, node="a")], payload))
        two = pg.create_database()
        # The second node shares the first one's PKI and partners.
        a = Daemon(work / "pg2a", postgres=two, node="a")
        b = Daemon(work / "pg2b", postgres=two, node="b")
        rows.append(measure("postgresql, 2 nodes", [a, b], payload))
    finally:
        pg.close()
    print(f"== machine: {os.cpu_count()} cores; {SECONDS:.0f} s per run, {CONNECTIONS} connections in all")
    base, lite = rows[0]["closed"]["per_second"], rows[0]
    command = f"tests/bench/store_engines_bench.py {SECONDS:g}"
    for r in rows:
        c, o = r["closed"], r["open"]
        print(f"{r['name']:22s} {c['per_second']:7.0f}/s ({c['per_second'] / base:4.2f} x sqlite)  "
              f"p50 {c['p50_ms']:6.2f} ms  p99 {c['p99_ms']:7.2f} ms | open loop at {r['open_rate']}/s: "
              f"p99 {o['p99_ms']:7.2f} ms  statuses {c['status']}; transactions retried (closed, open): "
              f"{r['retries'][0]}, {r['retries'][1]}", flush=True)
    # The figures as scripts/bench's table takes them (scripts/lib/bench_report.py).
    for r in rows[1:]:
        c, o = r["closed"], r["open"]
        for figure in (
                {"name": f"accepted 323s per second, {r['name']} ({CONNECTIONS} connections)",
                 "value": c["per_second"], "unit": "msg/s", "peer": "sqlite, 1 node, same run", "peer_value": base,
                 "ratio": c["per_second"] / base},
                {"name": f"p99 latency, open loop at half its rate ({r['open_rate']}/s), {r['name']}",
                 "value": o["p99_ms"], "unit": "ms", "peer": f"sqlite at half its rate ({lite['open_rate']}/s)",
                 "peer_value": lite["open"]["p99_ms"],
                 "ratio": o["p99_ms"] / lite["open"]["p99_ms"] if lite["open"]["p99_ms"] else None}):
            print("bench-result: " + json.dumps({**figure, "goal": "", "command": command}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
