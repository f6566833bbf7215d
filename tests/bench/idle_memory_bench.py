#!/usr/bin/env python3
"""Memory per idle connection (label bench; prints, fails only when the connections cannot be made).

Starts sluisd from BUILD_DIR in a scratch directory (the development PKI of scripts/lib/dev-pki.sh,
a configuration of its own that allows N connections from one address, free loopback ports read
back from status-get), then opens N mutual-TLS connections to it, makes one request on each
(GET /v1/whoami, answered 200) and keeps them open and idle, the way a kept-alive client leaves
them. sluisd's memory (VmRSS of /proc/PID/status, Rss and Anonymous of smaps_rollup) is read after
a warm-up (50 connections used and closed), with the N connections idle, and after they are
closed; it prints the difference per connection in KiB (goal of issue #26: <= 30 KiB).

    idle_memory_bench.py BUILD_DIR SOURCE_DIR [N] [--hold SECONDS]

N defaults to 10000; it is lowered (and the run says so) when this process's open-file limit,
raised to its hard limit, does not allow N. --hold keeps the connections open that long after the
reading (to look at the process with other tools). Bounded: the whole run stops after 170 s.
Run by ctest (label bench) on the build it belongs to; a Release build for real numbers.
"""
import json
import os
import pathlib
import resource
import selectors
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import listener, port_of  # noqa: E402

DEADLINE = time.monotonic() + 170
IN_FLIGHT = 200  # connections being set up at one time


def unit_environment(src):
    """The Environment= lines of systemd/sluisd.service: sluisd runs here as the unit runs it."""
    lines = (src / "systemd/sluisd.service").read_text().splitlines()
    return dict(line.split("=", 2)[1:] for line in lines if line.startswith("Environment="))


def kib_of(pid):
    """VmRSS, smaps_rollup Rss and Anonymous of pid, in KiB."""
    out = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            out["VmRSS"] = int(line.split()[1])
    for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("Rss", "Anonymous"):
            out[key] = int(line.split()[1])
    return out


def write_config(work, pki, src, n):
    spki = subprocess.run(
        "openssl x509 -in provider.pem -noout -pubkey | openssl pkey -pubin -outform der | sha256sum",
        shell=True, cwd=pki, check=True, capture_output=True, text=True).stdout.split()[0]
    (work / "bsn.key").write_text(os.urandom(32).hex())
    (work / "sluisd.toml").write_text(f"""\
state_dir = "{work}/state"
log_level = "warning"
[admin]
socket = "{work}/admin.sock"
group = ""
[https]
port = 0
max_connections = {n + 100}
max_connections_per_address = {n + 100}
idle_timeout = "10m"
[https.tls]
cert = "{pki}/server.pem"
key = "{pki}/server.key"
ca = ["{pki}/ca.pem"]
[plain]
port = 0
[reference]
cbs_gemeenten = "{src}/config/reference/cbs-gemeenten.csv"
productcodes = "{src}/config/reference/productcodes.csv"
[schemas]
dir = "{src}/schemas"
[secrets]
bsn_hash_key = "file:{work}/bsn.key"
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["87654321"]
rate = 0
burst = 0
[[partners.certificates]]
spki_sha256 = "{spki}"
""")


class Conn:
    """One client connection: connect, handshake, one request, its whole answer, then idle."""

    REQUEST = b"GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    def __init__(self, ctx, port):
        # Connect blocking (loopback: the kernel answers at once, the accept
        # backlog holds far more than IN_FLIGHT), handshake without blocking.
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setblocking(False)
        self.tls = ctx.wrap_socket(self.sock, server_hostname="localhost", do_handshake_on_connect=False)
        self.state = "handshake"
        self.out = self.REQUEST
        self.inp = b""
        self.status = None

    def step(self):
        """Advances as far as it can; returns the events to wait for, or None when done or failed."""
        try:
            if self.state == "handshake":
                self.tls.do_handshake()
                self.state = "send"
            if self.state == "send":
                while self.out:
                    self.out = self.out[self.tls.send(self.out):]
                self.state = "receive"
            if self.state == "receive":
                while True:
                    chunk = self.tls.recv(16384)
                    if not chunk:
                        self.state = "failed"
                        return None
                    self.inp += chunk
                    if self.answered():
                        self.state = "idle"
                        return None
        except ssl.SSLWantReadError:
            return selectors.EVENT_READ
        except ssl.SSLWantWriteError:
            return selectors.EVENT_WRITE
        except (OSError, ssl.SSLError) as e:
            self.state = "failed"
            self.error = str(e)
            return None

    def answered(self):
        head, sep, body = self.inp.partition(b"\r\n\r\n")
        if not sep:
            return False
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return len(body) >= length


def open_connections(ctx, port, n):
    """n connections, each answered once; returns (idle ones, failed count, statuses)."""
    sel = selectors.DefaultSelector()
    idle, failed, statuses, started = [], 0, {}, 0
    pending = 0

    def advance(c):
        nonlocal failed, pending
        events = c.step()
        if events is not None:
            try:
                sel.modify(c.tls, events, c)
            except KeyError:
                sel.register(c.tls, events, c)
            return
        try:
            sel.unregister(c.tls)
        except KeyError:
            pass
        pending -= 1
        if c.state == "idle":
            statuses[c.status] = statuses.get(c.status, 0) + 1
            idle.append(c)
        else:
            failed += 1
            if failed <= 3:
                print(f"connection failed: {getattr(c, 'error', 'closed')}", file=sys.stderr)
            c.tls.close()

    while (started < n or pending) and time.monotonic() < DEADLINE:
        while started < n and pending < IN_FLIGHT:
            c = Conn(ctx, port)
            started += 1
            pending += 1
            advance(c)
        for key, _ in sel.select(timeout=1):
            advance(key.data)
    sel.close()
    return idle, failed + pending, statuses


def main():
    args = sys.argv[1:]
    hold = 0.0
    if "--hold" in args:
        i = args.index("--hold")
        hold = float(args[i + 1])
        del args[i:i + 2]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 64
    build, src = pathlib.Path(args[0]).resolve(), pathlib.Path(args[1]).resolve()
    n = int(args[2]) if len(args) > 2 else 10000

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else n + 1000
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if n > want - 200:
        print(f"N lowered from {n} to {want - 200}: this process's open-file limit is {want}")
        n = want - 200

    work = pathlib.Path(tempfile.mkdtemp(prefix="sluis-idle-bench-"))
    pki = work / "pki"
    daemon = None
    try:
        subprocess.run(["bash", "-c", '. "$1/scripts/lib/dev-pki.sh" && sluis_dev_pki "$2"', "_", str(src), str(pki)],
                       check=True)
        write_config(work, pki, src, n)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(work / "notify.sock"))
        env = dict(os.environ, NOTIFY_SOCKET=str(work / "notify.sock"), **unit_environment(src))
        env.pop("SLUIS_PORT", None)
        env.pop("SLUIS_PLAIN_PORT", None)
        log = open(work / "sluisd.log", "wb")
        daemon = subprocess.Popen([str(build / "gateway/sluisd"), "--config", str(work / "sluisd.toml")],
                                  stdout=log, stderr=subprocess.STDOUT, env=env)
        notify.settimeout(1)
        ready = False
        while not ready and time.monotonic() < DEADLINE - 120 and daemon.poll() is None:
            try:
                ready = "READY=1" in notify.recv(4096).decode(errors="replace").splitlines()
            except socket.timeout:
                pass
        if not ready:
            print("sluisd did not become ready:\n" + (work / "sluisd.log").read_text(errors="replace"))
            return 1
        port = port_of(listener(build / "gateway/tools/sluisctl", work / "admin.sock", "https"))

        ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
        ctx.load_cert_chain(str(pki / "provider.pem"), str(pki / "provider.key"))

        warm, _, _ = open_connections(ctx, port, 50)
        for c in warm:
            c.tls.close()
        time.sleep(1)
        before = kib_of(daemon.pid)

        t0 = time.monotonic()
        idle, failed, statuses = open_connections(ctx, port, n)
        took = time.monotonic() - t0
        time.sleep(2)  # let the last answers' buffers go where they go
        during = kib_of(daemon.pid)
        made = len(idle)
        print(f"machine: {os.cpu_count()} cores, "
              f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') >> 20} MiB; sluisd {build / 'gateway/sluisd'} "
              f"with the unit's environment {unit_environment(src)}")
        print(f"connections: {made} idle of {n} ({failed} failed) in {took:.1f} s; answers {statuses}")
        print(f"sluisd before: VmRSS {before['VmRSS']} KiB, Anonymous {before['Anonymous']} KiB")
        print(f"sluisd with {made} idle: VmRSS {during['VmRSS']} KiB, Anonymous {during['Anonymous']} KiB")
        if made:
            per = (during["VmRSS"] - before["VmRSS"]) / made
            anon = (during["Anonymous"] - before["Anonymous"]) / made
            print(f"per idle connection: {per:.1f} KiB RSS ({anon:.1f} KiB anonymous); "
                  f"10 000 would hold {per * 10000 / 1024:.0f} MiB "
                  f"(goal <= 30 KiB: {'met' if per <= 30 else 'not met'})")
            print("bench-result: " + json.dumps({
                "name": f"memory per idle mutual-TLS connection ({made} idle)", "value": round(per, 1),
                "unit": "KiB", "peer": "goal", "peer_value": 30, "ratio": round(per / 30, 3), "goal": "<= 30 KiB",
                "command": f"tests/bench/idle_memory_bench.py build/bench . {n}"}))
        if hold > 0:
            print(f"holding for {hold:.0f} s (sluisd pid {daemon.pid})", flush=True)
            time.sleep(min(hold, max(0.0, DEADLINE - time.monotonic())))
        for c in idle:
            c.tls.close()
        time.sleep(2)
        after = kib_of(daemon.pid)
        print(f"sluisd after closing them: VmRSS {after['VmRSS']} KiB, Anonymous {after['Anonymous']} KiB")
        if failed or made < n or statuses.keys() != {200}:
            print(f"FAILED: {n - made} connections not made or not answered 200")
            print((work / "sluisd.log").read_text(errors="replace")[-4000:])
            return 1
        return 0
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
