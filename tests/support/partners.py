"""What the Python tests and benchmarks that drive a whole sluisd share: the
daemon on a fixed loopback port with a provider (zorg, aanbieder 75302186)
and a municipality (gem, gemeente 0917, `retour = "gateway"`) of a
throw-away test PKI, and those two partners as back offices behave: one
keep-alive mutual-TLS connection each (Python's http.client), a reconnect and
a resend of the same bytes after a failed request or a 503, and mailbox
polling that fetches each message and acknowledges it.

Users: tests/integration/daemon_kill_test.py, tests/bench/soak_bench.py."""
import collections
import hashlib
import http.client
import json
import os
import pathlib
import re
import select
import signal
import socket
import ssl
import subprocess
import threading
import time

SRC = pathlib.Path(os.environ.get("SLUIS_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN = pathlib.Path(os.environ["SLUIS_BIN_DIR"]) if "SLUIS_BIN_DIR" in os.environ else None
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
    bytes) until it gets a final answer (2xx or 4xx). With `rate` (per
    second) the declarations are due on a schedule (open loop) and each
    latency counts from when it was due."""

    def __init__(self, daemon, stop, rate=None):
        super().__init__(daemon=True)
        self.partner = Partner(daemon, "provider")
        self.stop = stop
        self.rate = rate
        self.template = (SRC / "tests/conformance/xsd/ijw/323/valid-declaratie.xml").read_text()
        self.answers = {}  # n -> (status, json): its final answer
        self.latencies = []  # (when due, seconds to its final answer), monotonic
        self.resends = 0
        self.replays = 0  # final answers marked Idempotent-Replay: the first try was stored, its answer lost
        self.problems = []

    def run(self):
        n = 0
        start = time.monotonic()
        while not self.stop.is_set():
            due = time.monotonic()
            if self.rate:
                due = start + n / self.rate
                if self.stop.wait(max(0.0, due - time.monotonic())):
                    break
            body = declaration(self.template, n)
            while True:
                got = self.partner.call("POST", "/v1/messages", body, {"Content-Type": "application/xml"})
                if got is not None and got[0] != 503:
                    break
                self.resends += 1
                time.sleep(0.05)  # a client's back-off before it resends
            self.latencies.append((due, time.monotonic() - due))
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
