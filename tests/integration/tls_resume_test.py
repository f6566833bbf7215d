#!/usr/bin/env python3
"""TLS session resumption against the real sluisd, with a client library that
resumes the way back offices do (Java's, .NET's and libcurl's HTTP clients,
nginx as a proxy): Python's ssl with `session=` and http.client keep-alive,
for TLS 1.2 and TLS 1.3, as the provider certificate of a throw-away test PKI
(tests/support/make-test-pki.sh).

sluis declines resumption (no session tickets, no session cache, a session id
context set): a client that offers its earlier session gets a full handshake,
checked against the CRL and the partner registry in force, and its requests
are answered. A reconnect must never fail the handshake (before, every one
that offered a session failed with internal_error).

A connection kept alive, or a session offered again, across a reload that
changes a partner's role or removes it is judged by the registry in force: a
monitoring partner demoted loses /metrics on the connection it holds, one
promoted to monitoring loses everything else, one removed is a stranger.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR); starts sluisd with a
NOTIFY_SOCKET the test owns and waits for READY=1."""
import hashlib
import http.client
import json
import os
import pathlib
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import listener  # noqa: E402

SRC = pathlib.Path(os.environ.get("SLUIS_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN = pathlib.Path(os.environ["SLUIS_BIN_DIR"]) if "SLUIS_BIN_DIR" in os.environ else None


class Gateway:
    """sluisd on free loopback ports with the test PKI's provider as a partner."""

    def __init__(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="sluis-tls-resume-"))
        self.pki = self.dir / "pki"
        subprocess.run(["/bin/bash", str(SRC / "tests/support/make-test-pki.sh"), str(self.pki)], check=True)
        (self.dir / "bsn.key").write_text("0123456789abcdef0123456789abcdef\n")
        (self.dir / "sluisd.toml").write_text(self.config())
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(str(self.dir / "notify.sock"))
        env = {k: v for k, v in os.environ.items() if k not in ("SLUIS_PORT", "SLUIS_PLAIN_PORT")}
        env["NOTIFY_SOCKET"] = str(self.dir / "notify.sock")
        self.log = open(self.dir / "sluisd.log", "wb")
        self.proc = subprocess.Popen([str(BIN / "sluisd"), "--config", "sluisd.toml"], cwd=self.dir,
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)
        if not self.wait_for("READY=1", 60):
            raise RuntimeError("sluisd did not start:\n" + self.log_text())
        https = listener(BIN / "tools/sluisctl", self.dir / "state/admin.sock", "https")
        host, port = https[len("https://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)

    def spki(self, cert):
        pub = subprocess.run(["openssl", "x509", "-in", str(self.pki / cert), "-noout", "-pubkey"],
                             check=True, capture_output=True).stdout
        der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                             check=True, capture_output=True).stdout
        return hashlib.sha256(der).hexdigest()

    def config(self, prom="monitoring", zorg="aanbieder"):
        """`prom` (stranger.pem): its role, or None for no such partner;
        `zorg` (provider.pem): its role."""
        p = self.pki
        partner = lambda role, code: (f'role = "{role}"\n'
                                      + ("" if role == "monitoring" else f'codes = ["{code}"]\n'))
        prom_block = "" if prom is None else f"""[[partners]]
id = "prom"
{partner(prom, "87654321")}[[partners.certificates]]
spki_sha256 = "{self.spki('stranger.pem')}"
"""
        return f"""state_dir = "state"
drain_timeout = "5s"
[admin]
socket = "state/admin.sock"
group = ""
[https]
port = 0
[https.tls]
cert = "{p / 'server.pem'}"
key = "{p / 'server.key'}"
ca = ["{p / 'ca.pem'}"]
crl = ["{p / 'crl.pem'}"]
[reference]
cbs_gemeenten = "{SRC / 'config/reference/cbs-gemeenten.csv'}"
productcodes = "{SRC / 'config/reference/productcodes.csv'}"
[secrets]
bsn_hash_key = "file:bsn.key"
[schemas]
dir = "{SRC / 'schemas'}"
[intake]
validation_threads = 1
[plain]
port = 0
[[partners]]
id = "zorg"
{partner(zorg, "75302186")}[[partners.certificates]]
spki_sha256 = "{self.spki('provider.pem')}"
{prom_block}"""

    def wait_for(self, state, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.notify], [], [], 0.1)
            if ready:
                if state in self.notify.recv(4096).decode(errors="replace").splitlines():
                    return True
            elif self.proc.poll() is not None:
                return False
        return False

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return (self.dir / "sluisd.log").read_text(errors="replace")

    def stop(self):
        self.proc.terminate()
        code = self.proc.wait(30)
        self.log.close()
        self.notify.close()
        return code

    def reload(self, **roles):
        """Writes the configuration with `roles` (see config) and reloads it."""
        (self.dir / "sluisd.toml").write_text(self.config(**roles))
        out = subprocess.run([str(BIN / "tools/sluisctl"), "--socket", str(self.dir / "state/admin.sock"),
                              "config-reload"], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("config-reload failed: " + out.stdout + out.stderr)
        # As systemd does: read the notifications (RELOADING=1, then READY=1).
        if not self.wait_for("READY=1", 30):
            raise RuntimeError("no READY=1 after config-reload:\n" + self.log_text())

    def context(self, version, cert="provider"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(str(self.pki / "ca.pem"))
        ctx.load_cert_chain(str(self.pki / f"{cert}.pem"), str(self.pki / f"{cert}.key"))
        ctx.minimum_version = version
        ctx.maximum_version = version
        return ctx

    def connection(self, ctx, session=None):
        """An http.client connection whose TLS socket offers `session`."""
        host, port = self.host, self.port

        class Conn(http.client.HTTPSConnection):
            def connect(self):
                raw = socket.create_connection((host, port), timeout=10)
                self.sock = ctx.wrap_socket(raw, server_hostname=host, session=session)

        return Conn(host, port, context=ctx, timeout=10)


def get(conn, path):
    """(status, body, Connection header) of GET path on a kept-alive connection."""
    conn.request("GET", path)
    res = conn.getresponse()
    return res.status, res.read(), res.getheader("Connection", "")


def whoami(conn):
    status, body, _ = get(conn, "/v1/whoami")
    return status, json.loads(body) if body else None


def code_of(body):
    """The stable code of a refusal, whichever shape the error body has."""
    doc = json.loads(body)
    return doc["error"]["code"] if "error" in doc else doc["code"]


class TlsResumeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if BIN is None:
            raise unittest.SkipTest("SLUIS_BIN_DIR not set (run through ctest)")
        cls.gw = Gateway()

    @classmethod
    def tearDownClass(cls):
        code = cls.gw.stop()
        log = cls.gw.log_text()
        shutil.rmtree(cls.gw.dir, ignore_errors=True)
        assert code == 0, f"sluisd exited {code}:\n{log}"

    def reconnects_offering_the_session(self, version):
        ctx = self.gw.context(version)
        first = self.gw.connection(ctx)
        # Keep-alive: two requests on one connection.
        for _ in range(2):
            status, body = whoami(first)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["partner"], "zorg")
        session = first.sock.session
        self.assertIsNotNone(session)
        first.close()
        # A back office reconnects with the session it has, again and again.
        for attempt in range(3):
            again = self.gw.connection(ctx, session=session)
            try:
                status, body = whoami(again)
            except (ssl.SSLError, ConnectionError) as e:
                self.fail(f"reconnect {attempt} offering the earlier session failed: {e!r}\n"
                          + self.gw.log_text()[-2000:])
            self.assertEqual(status, 200, body)
            self.assertEqual(body["partner"], "zorg")
            # A full handshake: checked against the CRL and registry in force.
            self.assertFalse(again.sock.session_reused)
            status, _ = whoami(again)  # and keep-alive still works on it
            self.assertEqual(status, 200)
            session = again.sock.session
            again.close()
        # Declined resumption: nothing to resume with, no session ticket
        # (TLS 1.2 and 1.3; nor, with the cache off, a TLS 1.2 session id).
        self.assertFalse(session.has_ticket, "sluis issued a session ticket")

    def test_tls12_reconnect_with_session_gets_a_full_handshake(self):
        self.reconnects_offering_the_session(ssl.TLSVersion.TLSv1_2)

    def test_tls13_reconnect_with_session_gets_a_full_handshake(self):
        self.reconnects_offering_the_session(ssl.TLSVersion.TLSv1_3)

    def test_a_session_of_another_server_context_is_not_resumed_either(self):
        # A TLS 1.2 session the client kept from before a restart or reload
        # is as good as any: offered, declined, full handshake.
        ctx = self.gw.context(ssl.TLSVersion.TLSv1_2)
        first = self.gw.connection(ctx)
        self.assertEqual(whoami(first)[0], 200)
        session = first.sock.session
        first.close()
        subprocess.run([str(BIN / "tools/sluisctl"), "--socket", str(self.gw.dir / "state/admin.sock"),
                        "config-reload"], check=True, capture_output=True)
        again = self.gw.connection(ctx, session=session)
        self.assertEqual(whoami(again)[0], 200)
        self.assertFalse(again.sock.session_reused)
        again.close()

    def test_libcurl_in_one_process_reconnects_with_its_session_cache(self):
        # One curl process, several URLs, each on a new connection
        # ("Connection: close"): libcurl offers the session it cached from
        # the connection before, as a long-running libcurl program does.
        url = f"https://{self.gw.host}:{self.gw.port}/v1/whoami"
        for version in (["--tlsv1.2", "--tls-max", "1.2"], ["--tlsv1.3"]):
            out = subprocess.run(
                ["curl", "-sS", *version, "--cacert", str(self.gw.pki / "ca.pem"),
                 "--cert", str(self.gw.pki / "provider.pem"), "--key", str(self.gw.pki / "provider.key"),
                 "-H", "Connection: close", "-w", "%{http_code}\n", *(["-o", "/dev/null", url] * 4)],
                capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr + self.gw.log_text()[-2000:])
            self.assertEqual(out.stdout.split(), ["200"] * 4, version)

    def test_java_http_client_keeps_connecting(self):
        # Java's HttpClient: keep-alive, and every new connection offers the
        # session its SSLContext cached (TLS 1.2 session id, TLS 1.3 ticket).
        java = shutil.which("java")
        if java is None:
            self.fail("java is missing: scripts/test installs openjdk-17-jdk-headless")
        secret = "test-secret"
        p12 = self.gw.dir / "provider.p12"
        trust = self.gw.dir / "trust.p12"
        subprocess.run(["openssl", "pkcs12", "-export", "-in", str(self.gw.pki / "provider.pem"),
                        "-inkey", str(self.gw.pki / "provider.key"), "-out", str(p12),
                        "-passout", "pass:" + secret, "-name", "provider"], check=True, capture_output=True)
        subprocess.run(["keytool", "-importcert", "-noprompt", "-file", str(self.gw.pki / "ca.pem"),
                        "-alias", "ca", "-keystore", str(trust), "-storetype", "PKCS12",
                        "-storepass", secret], check=True, capture_output=True)
        url = f"https://{self.gw.host}:{self.gw.port}/v1/whoami"
        for version in ("TLSv1.2", "TLSv1.3"):
            out = subprocess.run(
                [java, "-Djdk.tls.client.protocols=" + version, str(SRC / "tests/support/JavaClient.java"),
                 url, str(p12), str(trust), secret, "5"],
                capture_output=True, text=True, timeout=180)
            self.assertEqual(out.returncode, 0, f"{version}: {out.stdout}{out.stderr}" + self.gw.log_text()[-2000:])
            self.assertIn("ok=15 failed=0", out.stdout, version)

    def test_a_kept_connection_follows_a_role_change_of_its_partner(self):
        gw = self.gw
        try:
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                # A monitoring partner scrapes on a kept-alive connection ...
                stranger, provider = gw.context(version, "stranger"), gw.context(version)
                prom = gw.connection(stranger)
                for _ in range(2):
                    status, body, _ = get(prom, "/metrics")
                    self.assertEqual(status, 200, body[:200])
                    self.assertIn(b"sluis_build_info", body)
                session = prom.sock.session
                # ... and is demoted to a provider while it holds the connection.
                gw.reload(prom="aanbieder")
                status, body, connection = get(prom, "/metrics")
                self.assertEqual(status, 403, body)
                self.assertEqual(code_of(body), "not_monitoring")
                self.assertEqual(connection.lower(), "close")
                prom.close()
                # Reconnecting with its session: a full handshake, the new role.
                again = gw.connection(stranger, session=session)
                again.connect()
                self.assertFalse(again.sock.session_reused)
                status, body, _ = get(again, "/metrics")
                self.assertEqual(status, 403, body)
                self.assertEqual(code_of(body), "not_monitoring")
                again.close()
                again = gw.connection(stranger, session=session)
                status, body = whoami(again)
                self.assertEqual((status, body["partner"], body["role"]), (200, "prom", "aanbieder"))
                again.close()
                # Removed from the registry: a stranger, on a held connection too.
                held = gw.connection(stranger)
                self.assertEqual(whoami(held)[0], 200)
                gw.reload(prom=None)
                status, body, _ = get(held, "/v1/whoami")
                self.assertEqual(status, 403, body)
                self.assertEqual(code_of(body), "unknown_certificate")
                held.close()
                # A provider promoted to monitoring loses everything but /metrics.
                gw.reload()
                zorg = gw.connection(provider)
                self.assertEqual(whoami(zorg)[0], 200)
                status, body, _ = get(zorg, "/metrics")
                self.assertEqual((status, code_of(body)), (403, "not_monitoring"))
                zorg = gw.connection(provider)
                self.assertEqual(whoami(zorg)[0], 200)
                gw.reload(zorg="monitoring")
                status, body, _ = get(zorg, "/v1/whoami")
                self.assertEqual(status, 403, body)
                self.assertEqual(code_of(body), "monitoring_only")
                zorg.close()
                zorg = gw.connection(provider)
                self.assertEqual(get(zorg, "/metrics")[0], 200)
                zorg.close()
                gw.reload()
        finally:
            gw.reload()


if __name__ == "__main__":
    unittest.main(verbosity=2)
