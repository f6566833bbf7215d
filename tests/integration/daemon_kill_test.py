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
import collections
import hashlib
import http.client
import json
import os
import pathlib
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time

SRC = pathlib.Path(os.environ.get("SLUIS_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN = pathlib.Path(os.environ["SLUIS_BIN_DIR"])
KILLS = int(os.environ.get("SLUIS_KILLS", "20"))
SEED = int(os.environ.get("SLUIS_KILL_SEED", str(random.randrange(1 << 30))))
REQUEST_TIMEOUT = 15  # seconds, per HTTP request
START_TIMEOUT = 120  # seconds, per start (the integrity check after a kill, under sanitizers)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spki(pem):
    pub = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-pubkey"], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, check=True,
                         capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


class Daemon:
    """sluisd on a fixed loopback port (the same across restarts), its state kept."""

    def __init__(self, root):
        self.dir = root
        self.pki = root / "pki"
        subprocess.run(["/bin/bash", str(SRC / "tests/support/make-test-pki.sh"), str(self.pki)], check=True,
                       stdout=subprocess.DEVNULL)
        (root / "bsn.key").write_text("0123456789abcdef0123456789abcdef\n")
        self.port = free_port()
        (root / "sluisd.toml").write_text(self.config())
        self.proc = None
        self.notify = None
        self.starts = 0

    def config(self):
        p = self.pki
        return f"""state_dir = "state"
drain_timeout = "5s"
log_level = "warning"
[admin]
socket = "state/admin.sock"
group = ""
[https]
port = {self.port}
[https.tls]
cert = "{p / 'server.pem'}"
key = "{p / 'server.key'}"
ca = ["{p / 'ca.pem'}"]
[reference]
cbs_gemeenten = "{SRC / 'config/reference/cbs-gemeenten.csv'}"
productcodes = "{SRC / 'config/reference/productcodes.csv'}"
[secrets]
bsn_hash_key = "file:bsn.key"
[schemas]
dir = "{SRC / 'schemas'}"
[plain]
port = 0
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["75302186"]
[[partners.certificates]]
spki_sha256 = "{spki(p / 'provider.pem')}"
[[partners]]
id = "gem"
role = "gemeente"
codes = ["0917"]
retour = "gateway"
[[partners.certificates]]
spki_sha256 = "{spki(p / 'gemeente.pem')}"
"""

    def start(self):
        if self.notify:
            self.notify.close()
        sock = self.dir / "notify.sock"
        if sock.exists():
            sock.unlink()
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(str(sock))
        env = {k: v for k, v in os.environ.items() if k not in ("SLUIS_PORT", "SLUIS_PLAIN_PORT")}
        env["NOTIFY_SOCKET"] = str(sock)
        log = open(self.dir / "sluisd.log", "ab")
        self.proc = subprocess.Popen([str(BIN / "sluisd"), "--config", "sluisd.toml"], cwd=self.dir, env=env,
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.notify], [], [], 0.1)
            if ready and "READY=1" in self.notify.recv(4096).decode(errors="replace").splitlines():
                return
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"sluisd start {self.starts} failed (exit {self.proc.poll()}):\n" + self.log_tail())

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(60)

    def log_tail(self):
        return (self.dir / "sluisd.log").read_text(errors="replace")[-6000:]


class Partner:
    """One back office: a keep-alive connection as PKI certificate `who`,
    reconnecting after any failure (the daemon may be gone for a while)."""

    def __init__(self, daemon, who):
        self.daemon = daemon
        self.ctx = ssl.create_default_context(cafile=str(daemon.pki / "ca.pem"))
        self.ctx.load_cert_chain(str(daemon.pki / f"{who}.pem"), str(daemon.pki / f"{who}.key"))
        self.conn = None
        self.reconnects = 0

    def call(self, method, path, body=None, headers=None):
        """(status, headers, body), or None when the connection failed (closed, to be reopened)."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPSConnection("127.0.0.1", self.daemon.port, context=self.ctx,
                                                        timeout=REQUEST_TIMEOUT)
                self.reconnects += 1
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
            if r.will_close:
                self.close()
            return r.status, dict(r.getheaders()), data
        except (OSError, http.client.HTTPException):
            self.close()
            return None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def declaration(template, n):
    """The corpus declaration made new: its own Identificatie, DeclaratieNummer and ReferentieNummers."""
    body = template.replace("Identificatie>DECL-2602-01<", f"Identificatie>KD{n}<")
    body = body.replace("DeclaratieNummer>JW2602HRL31<", f"DeclaratieNummer>KD{n}<")
    return re.sub(r"ReferentieNummer>J2602-(\d+)<", rf"ReferentieNummer>KD{n}-\1<", body).encode()


class Sender(threading.Thread):
    """The provider's declarations, one after the other; each resent (same
    bytes) until it gets a final answer (2xx or 4xx)."""

    def __init__(self, daemon, stop):
        super().__init__(daemon=True)
        self.partner = Partner(daemon, "provider")
        self.stop = stop
        self.template = (SRC / "tests/conformance/xsd/ijw/323/valid-declaratie.xml").read_text()
        self.answers = {}  # n -> (status, json): its final answer
        self.resends = 0
        self.replays = 0  # final answers marked Idempotent-Replay: the first try was stored, its answer lost
        self.problems = []

    def run(self):
        n = 0
        while not self.stop.is_set():
            body = declaration(self.template, n)
            while True:
                got = self.partner.call("POST", "/v1/messages", body, {"Content-Type": "application/xml"})
                if got is not None and got[0] != 503:
                    break
                self.resends += 1
                time.sleep(0.05)  # a client's back-off before it resends
            status, headers, data = got
            if status not in (202, 422):
                self.problems.append(f"declaration {n}: answer {status}: {data[:300]!r}")
            else:
                self.answers[n] = (status, json.loads(data))
                self.replays += headers.get("Idempotent-Replay") == "true"
            n += 1


class Receiver(threading.Thread):
    """A partner's mailbox: list unacknowledged messages, fetch each, acknowledge it."""

    def __init__(self, daemon, who, stop):
        super().__init__(daemon=True)
        self.partner = Partner(daemon, who)
        self.stop = stop
        self.fetched = collections.Counter()  # id -> times its body was fetched
        self.types = {}  # id -> message type
        self.empty_since = None  # monotonic time the mailbox was last seen empty, None if not
        self.problems = []

    def run(self):
        while not self.stop.is_set():
            got = self.partner.call("GET", "/v1/mailbox?limit=50")
            if got is None or got[0] != 200:
                self.empty_since = None
                time.sleep(0.05)  # the daemon is away: poll again shortly
                continue
            messages = json.loads(got[2])["messages"]
            if not messages:
                if self.empty_since is None:
                    self.empty_since = time.monotonic()
                time.sleep(0.02)  # an empty mailbox: poll again shortly
                continue
            self.empty_since = None
            for m in messages:
                body = self.partner.call("GET", f"/v1/mailbox/{m['id']}")
                if body is None or body[0] != 200:
                    break
                self.fetched[m["id"]] += 1
                self.types[m["id"]] = m["type"]
                if self.partner.call("POST", f"/v1/mailbox/{m['id']}/ack", b"") is None:
                    break


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
