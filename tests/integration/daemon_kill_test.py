#!/usr/bin/env python3
"""Whole-daemon kill test: sluisd SIGKILLed at random moments under traffic,
and what every partner received checked at the end.

A provider (zorg, aanbieder 75302186) declares care (iJw 323, each with its own
Identificatie, DeclaratieNummer and ReferentieNummers) to a municipality (gem,
gemeente 0917) whose retours sluis composes (`retour = "gateway"`: a 325 for
every declaration, in the provider's mailbox). Both partners behave like real
back offices: one keep-alive mutual-TLS connection each (Python's http.client),
a reconnect and a resend of the same bytes after a failed request or a 503,
and mailbox polling that fetches each message and acknowledges it. Meanwhile
the driver SIGKILLs sluisd SLUIS_KILLS times (default 20; the bench variant
200) at random moments and starts it again on the same state (each start after
a kill runs the store's integrity check before READY=1).

At the end, after the mailboxes are drained and sluisd stopped cleanly:
- every declaration got a final answer, 202 or 422 (a resend after an answer
  lost to a kill is answered as an idempotent replay, with the same id);
- every declaration answered 202 reached the municipality, and exactly the
  set of those: nothing answered with an error, no second message made of a
  resend, nothing twice after de-duplication by id; redeliveries (a fetch whose acknowledgement a kill
  cut off) are counted, at most one per receiver per kill;
- every composed 325 named in an answer reached the provider, exactly that
  set, one per declaration;
- the store passes PRAGMA integrity_check.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR). Loopback only; bounded in
kills, messages and time."""
import os
import pathlib
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import REQUEST_TIMEOUT, Daemon, Receiver, Sender  # noqa: E402

KILLS = int(os.environ.get("SLUIS_KILLS", "20"))
SEED = int(os.environ.get("SLUIS_KILL_SEED", str(random.randrange(1 << 30))))


def main():
    rng = random.Random(SEED)
    print(f"SLUIS_KILL_SEED={SEED} SLUIS_KILLS={KILLS}", flush=True)
    root = pathlib.Path(tempfile.mkdtemp(prefix="sluis-daemon-kill-"))
    d = Daemon(root)
    failures = []
    try:
        d.start()
        stop_sending, stop_receiving = threading.Event(), threading.Event()
        sender = Sender(d, stop_sending)
        gem = Receiver(d, "gemeente", stop_receiving)
        zorg = Receiver(d, "provider", stop_receiving)
        for t in (sender, gem, zorg):
            t.start()
        started = time.monotonic()
        for k in range(KILLS):
            time.sleep(rng.uniform(0.2, 1.0))  # a random moment under traffic
            d.kill()
            d.start()
        time.sleep(0.5)
        stop_sending.set()
        sender.join(REQUEST_TIMEOUT * 4)
        # Drain: both mailboxes seen empty for a while after the last declaration.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            quiet = [r.empty_since is not None and time.monotonic() - r.empty_since > 1.0 for r in (gem, zorg)]
            if all(quiet):
                break
            time.sleep(0.1)  # polling the receivers' state, bounded by the deadline
        stop_receiving.set()
        for t in (gem, zorg):
            t.join(REQUEST_TIMEOUT * 4)
        took = time.monotonic() - started
        code = d.stop()
        if code != 0:
            failures.append(f"sluisd exited {code} at the clean stop")

        failures += sender.problems + gem.problems + zorg.problems
        accepted, refused, retours = set(), set(), {}
        for n, (status, body) in sender.answers.items():
            (accepted if status == 202 else refused).add(body["id"])
            if "retour" in body:
                retours[body["id"]] = body["retour"]
        delivered = set(gem.fetched)
        if accepted - delivered:
            failures.append(f"{len(accepted - delivered)} declarations answered 202 never reached the gemeente: "
                            f"{sorted(accepted - delivered)[:5]}")
        if delivered - accepted:
            failures.append(f"{len(delivered - accepted)} messages reached the gemeente that were not answered 202: "
                            f"{sorted(delivered - accepted)[:5]}")
        if len(set(retours.values())) != len(retours):
            failures.append("one 325 named by two declarations")
        if set(retours.values()) != set(zorg.fetched):
            missing = set(retours.values()) - set(zorg.fetched)
            extra = set(zorg.fetched) - set(retours.values())
            failures.append(f"the provider's 325s: {len(missing)} named but not received {sorted(missing)[:5]}, "
                            f"{len(extra)} received but not named {sorted(extra)[:5]}")
        if set(gem.types.values()) - {323} or set(zorg.types.values()) - {325}:
            failures.append(f"unexpected types: gemeente {set(gem.types.values())}, provider {set(zorg.types.values())}")
        for who, r in (("gemeente", gem), ("provider", zorg)):
            extra = sum(c - 1 for c in r.fetched.values())
            if extra > KILLS:
                failures.append(f"{who}: {extra} redeliveries for {KILLS} kills (at most one per kill)")
        db = sqlite3.connect(root / "state/sluis.db")
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        if check != "ok":
            failures.append(f"integrity_check: {check}")
        if not sender.answers:
            failures.append("no declaration was answered")
        print(f"{KILLS} kills in {took:.0f} s; {len(sender.answers)} declarations ({len(accepted)} accepted, "
              f"{len(refused)} rejected), {sender.resends} resends, {sender.replays} replays, {sender.partner.reconnects} connections; "
              f"gemeente fetched {sum(gem.fetched.values())} ({sum(c - 1 for c in gem.fetched.values())} "
              f"redelivered), provider fetched {sum(zorg.fetched.values())} 325s "
              f"({sum(c - 1 for c in zorg.fetched.values())} redelivered); integrity {check}", flush=True)
    except Exception as e:  # noqa: BLE001 - report with the daemon's log
        failures.append(f"{type(e).__name__}: {e}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), flush=True)
        print("sluisd log (tail):\n" + d.log_tail(), flush=True)
        print(f"state kept in {root}", flush=True)
        if d.proc and d.proc.poll() is None:
            d.proc.kill()
        return 1
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
