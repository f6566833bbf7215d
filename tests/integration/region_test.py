#!/usr/bin/env python3
"""The region simulation against a whole sluisd, optionally with the daemon
SIGKILLed under it.

`sluis-load --region-setup` makes a region (SLUIS_REGION_MUNICIPALITIES real
CBS codes, default 6; SLUIS_REGION_PROVIDERS fictional AGB codes, default 12;
each with its own client certificate; half of them answer their own
messages; one municipality and one provider receive by drop directory, one of
each by push to the simulation's HTTPS receiver, the others by mailbox; the
region's contract sets the tariffs).
sluisd runs with those partners; `sluis-load --region` starts
SLUIS_REGION_RATE care episodes per second (default 2) for
SLUIS_REGION_SECONDS (default 15) and lets them finish: 315 -> 301 -> 305 ->
monthly 323s (every third episode breaks a rule, each kind in turn: over volume, wrong unit,
wrong tariff, unknown allocation, outside the period, a duplicate, a reused
DeclaratieNummer or Identificatie) -> 307, one in four with a request for
change (317) that the municipality refuses (319), with every retour. The simulation
knows each answer and each delivery it should get; the test fails on any
mismatch in its report.

With SLUIS_KILLS > 0 (the region kill test: 20 in CI, 200 as a benchmark) a
driver SIGKILLs sluisd at random moments while episodes start and restarts
it on its state; the partners reconnect and resend the same bytes. Then the
same report must be clean (every message answered 2xx delivered, exactly the
named retours, nothing refused delivered), redeliveries are at most one per
receiver per kill (a fetch whose acknowledgement the kill cut off), and PRAGMA integrity_check is ok.

With SLUIS_ENGINE=postgresql the store is a PostgreSQL 15 database of a
server the test starts (tests/support/postgres_server.py; exit 77, a skip,
when none is installed, unless SLUIS_REQUIRE_POSTGRESQL=1), and with
SLUIS_NODES=2 two sluisd share it: each partner talks to one of them
(sluis-load --url twice), so messages go in on one node and are delivered or
fetched on the other; each kill hits one node at random while the other
carries on, and after the last one that node stays down: its partners move
to the other node (as behind a load balancer), which takes over its claims
when their lease (10 s) runs out. The same report must be clean: nothing
lost, every delivery expected, at most one redelivery per receiver per kill.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR). Loopback only; bounded in
episodes, kills and time."""
import json
import os
import pathlib
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import BIN, SRC, Daemon, free_port  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

MUNICIPALITIES = int(os.environ.get("SLUIS_REGION_MUNICIPALITIES", "6"))
PROVIDERS = int(os.environ.get("SLUIS_REGION_PROVIDERS", "12"))
RATE = float(os.environ.get("SLUIS_REGION_RATE", "2"))
SECONDS = float(os.environ.get("SLUIS_REGION_SECONDS", "15"))
KILLS = int(os.environ.get("SLUIS_KILLS", "0"))
ENGINE = os.environ.get("SLUIS_ENGINE", "sqlite")
NODES = int(os.environ.get("SLUIS_NODES", "1"))
SEED = int(os.environ.get("SLUIS_REGION_SEED", str(random.randrange(1 << 30))))


def main():
    rng = random.Random(SEED)
    print(f"SLUIS_REGION_SEED={SEED} SLUIS_KILLS={KILLS} rate {RATE}/s for {SECONDS} s, "
          f"{MUNICIPALITIES} municipalities, {PROVIDERS} providers, {ENGINE}, {NODES} node(s)", flush=True)
    pg = None
    if ENGINE == "postgresql":
        if (code := PostgresServer.unavailable_exit()) is not None:
            return code
        pg = PostgresServer()
    try:
        return region(rng, pg)
    finally:
        if pg:
            pg.close()


def region(rng, pg):
    root = pathlib.Path(tempfile.mkdtemp(prefix="sluis-region-"))
    load = str(BIN / "tools/sluis-load")
    subprocess.run([load, "--region-setup", str(root / "region"), "--municipalities", str(MUNICIPALITIES),
                    "--providers", str(PROVIDERS), "--seed", str(SEED), "--push-port", str(free_port()),
                    "--cbs", str(SRC / "config/reference/cbs-gemeenten.csv")], check=True, stdout=subprocess.DEVNULL)
    if pg:
        database = pg.create_database()
        nodes = [Daemon(root / f"node-{i + 1}", region=root / "region", postgres=database, node=f"node-{i + 1}")
                 for i in range(NODES)]
    else:
        nodes = [Daemon(root, region=root / "region")]
    d = nodes[0]
    failures = []
    try:
        for n in nodes:
            n.start()
        urls = [a for n in nodes for a in ("--url", f"https://127.0.0.1:{n.port}")]
        # With kills, the window of new episodes lasts SLUIS_REGION_SECONDS and until the last
        # kill is done (the stop file), however long the restarts take on a loaded machine; the
        # cap (--seconds) only bounds a driver that never gets there.
        stop_file = root / "stop-episodes"
        window = ["--seconds", str(SECONDS + 30 * KILLS), "--stop-file", str(stop_file)] if KILLS else \
            ["--seconds", str(SECONDS)]
        sim = subprocess.Popen([load, "--region", str(root / "region"), *urls,
                                "--rate", str(RATE), *window, "--drain", "180",
                                "--seed", str(SEED), "--corpus", str(SRC / "tests/conformance"),
                                "--schemas", str(SRC / "schemas")], stdout=subprocess.PIPE, text=True)
        kills = 0
        down = []
        started = time.monotonic()
        if KILLS:
            # Kills at random moments while episodes start; the drain runs on a live daemon.
            for _ in range(KILLS):
                time.sleep(rng.uniform(0.2, 0.8))
                if sim.poll() is not None:
                    break
                d = rng.choice(nodes)
                d.kill()
                if len(nodes) > 1 and kills == KILLS - 1:
                    down.append(d)  # the last kill: this node stays down, the other carries the region
                else:
                    d.start()
                kills += 1
            left = SECONDS - (time.monotonic() - started)
            if left > 0 and sim.poll() is None:
                time.sleep(left)  # the window's least length, as without kills
            stop_file.touch()
        out, _ = sim.communicate(timeout=SECONDS + 30 * KILLS + 600)
        report = json.loads(out.strip().splitlines()[-1])
        for n in nodes:
            if n in down:
                continue
            code = n.stop()
            if code != 0:
                failures.append(f"sluisd {n.node} exited {code} at the clean stop")
        for m in report["mismatches"]:
            failures.append(m)
        if report["mismatch_count"] > len(report["mismatches"]):
            failures.append(f"... {report['mismatch_count']} mismatches in all")
        if sim.returncode != (1 if report["mismatch_count"] else 0):
            failures.append(f"sluis-load exited {sim.returncode}")
        if report["finished"] == 0 or report["finished"] != report["episodes"]:
            failures.append(f"{report['finished']} of {report['episodes']} episodes finished")
        kinds = {"over_volume", "wrong_unit", "wrong_tariff", "unknown_allocation", "outside_period", "duplicate",
                 "number_reused", "id_reused"}
        if report["episodes"] >= 24 and set(report["breaks"]) != kinds:  # every third episode, the kinds in turn
            failures.append(f"breaks run: {sorted(report['breaks'])}, wanted every kind: {sorted(kinds)}")
        # A receiver has one message at a time between fetch and acknowledgement (or pick-up):
        # a kill in between redelivers it. So at most one redelivery per receiver per kill.
        receivers = report["municipalities"] + report["providers"]
        if kills < KILLS:
            failures.append(f"the simulation ended after {kills} of {KILLS} kills")
        if report["redeliveries"] > receivers * kills:
            failures.append(f"{report['redeliveries']} redeliveries for {kills} kills and {receivers} receivers")
        if pg:
            # The live nodes stopped cleanly and took over the dead one's claims: nothing in flight.
            left = pg.psql("SELECT count(*) FROM messages WHERE state = 'delivering'", database.split("dbname=")[1])
            if left != "0":
                failures.append(f"{left} messages left delivering after every node stopped")
            taken = pg.psql("SELECT count(*) FROM audit WHERE action = 'state delivering -> queued' "
                            "AND detail LIKE '%lease%'", database.split("dbname=")[1])
            print(f"claims taken over after their lease ran out: {taken}", flush=True)
        else:
            db = sqlite3.connect(root / "state/sluis.db")
            check = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.close()
            if check != "ok":
                failures.append(f"integrity_check: {check}")
        print(f"{kills} kills; " + json.dumps({k: v for k, v in report.items() if k != "mismatches"}), flush=True)
    except Exception as e:  # noqa: BLE001 - report with the daemon's log
        failures.append(f"{type(e).__name__}: {e}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures[:60]), flush=True)
        for n in nodes:
            print(f"sluisd {n.node} log (tail):\n" + n.log_tail(), flush=True)
            if n.proc and n.proc.poll() is None:
                n.proc.kill()
        if pg:
            print("PostgreSQL log (tail):\n" + pg.log_tail(), flush=True)
        print(f"state kept in {root}", flush=True)
        return 1
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
