"""What the Python tests and benchmarks that drive a whole sluisd share: the
daemon on a fixed loopback port (the same across kills and restarts), with
either a provider (zorg, aanbieder 75302186) and a municipality (gem,
gemeente 0917, `retour = "gateway"`) of a throw-away test PKI, or the
partners of a simulated region (`sluis-load --region-setup`,
docs/simulation.md).

Users: tests/integration/region_test.py, tests/bench/soak_bench.py; the
corpus declaration as the benchmarks send it (unique_declaration):
tests/integration/sluis_load_test.py, tests/bench/store_engines_bench.py; the listeners sluisd
reports (listener): the tests and benchmarks that let sluisd take free ports."""
import hashlib
import json
import os
import pathlib
import re
import select
import signal
import socket
import subprocess
import time

SRC = pathlib.Path(os.environ.get("SLUIS_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN = pathlib.Path(os.environ["SLUIS_BIN_DIR"]).resolve() if "SLUIS_BIN_DIR" in os.environ else None
START_TIMEOUT = 120  # seconds, per start (the integrity check after a kill, under sanitizers)


def listener(sluisctl, admin_socket, scheme):
    """The URL of sluisd's first `scheme` ("https" or "http") listener on 127.0.0.1 as its
    `sluisctl status-get` reports it: how a test that let sluisd take free ports finds them."""
    status = json.loads(subprocess.run([str(sluisctl), "--socket", str(admin_socket), "--json", "status-get"],
                                       check=True, capture_output=True, text=True).stdout)
    return next(u for u in status["arguments"]["listeners"] if u.startswith(scheme + "://127.0.0.1:"))


def port_of(url):
    return int(url.rsplit(":", 1)[1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_declaration(path):
    """The corpus iJw 323 with @ID@ in its Identificatie, DeclaratieNummer and
    ReferentieNummers (as tests/bench/http_bench.sh makes it), written to `path`:
    `sluis-load --unique @ID@` makes each request a new declaration."""
    text = (SRC / "tests/conformance/xsd/ijw/323/valid-declaratie.xml").read_text()
    text = text.replace("Identificatie>DECL-2602-01<", "Identificatie>@ID@<")
    text = text.replace("DeclaratieNummer>JW2602HRL31<", "DeclaratieNummer>D@ID@<")
    text = re.sub(r"ReferentieNummer>J2602-(\d+)<", r"ReferentieNummer>@ID@-\1<", text)
    assert "ReferentieNummer>@ID@-" in text
    path.write_text(text)
    return path


def spki(pem):
    pub = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-pubkey"], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, check=True,
                         capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


class Daemon:
    """sluisd on a fixed loopback port (the same across restarts), its state kept.

    With `region` (a directory made by `sluis-load --region-setup`), its PKI and
    partners (region/partners.toml) take the place of the test PKI's zorg and gem.
    With `postgres` (a connection string), the store is that PostgreSQL database,
    shared with the other nodes given the same one, under the name `node`."""

    def __init__(self, root, region=None, postgres=None, node="node-1"):
        self.dir = root
        self.region = region
        self.postgres = postgres
        self.node = node
        root.mkdir(parents=True, exist_ok=True)
        if postgres is not None:
            (root / "pg.conninfo").write_text(postgres + "\n")
        if region is not None:
            self.pki = region / "pki"
        else:
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
        partners = self.region_partners() if self.region is not None else self.test_partners()
        return f"""state_dir = "state"
drain_timeout = "5s"
log_level = "warning"
[admin]
socket = "state/admin.sock"
group = ""
[https]
port = {self.port}
# Every simulated partner connects from 127.0.0.1 (a region may have more than the default 64).
max_connections_per_address = 1024
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
[delivery]
pickup_interval = "200ms"
min_backoff = "200ms"
max_backoff = "2s"
{self.store_config()}{partners}"""

    def store_config(self):
        if self.postgres is None:
            return ""
        # A short lease: a killed node's claims go back to the queue soon (its restart takes them at once).
        return f"""[store]
engine = "postgresql"
connection = "file:pg.conninfo"
node = "{self.node}"
lease = "10s"
"""

    def region_partners(self):
        return (self.region / "partners.toml").read_text()

    def test_partners(self):
        p = self.pki
        return f"""[[partners]]
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
