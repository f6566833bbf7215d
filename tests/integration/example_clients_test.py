#!/usr/bin/env python3
"""The example clients of examples/clients/ (docs/integration.md) doing a partner's whole loop
against the real sluisd on the development configuration (config/sluisd.toml, the development
PKI; readme_walkthrough_test.Daemon), with https.max_connection_age cut to 2 s so that sluis
closes their kept-alive connections under them:

- the Python client (standard library) as the municipality submits the 301 and sends the same
  bytes again (the stored answer, the same id); as the provider it pages its mailbox, stores the
  301 byte for byte, acknowledges it, and finds nothing more on a second run;
- the Java 17 client (java.net.http, run by the source launcher) as the provider submits its 302,
  305 and 323; the municipality's Python client fetches them; the Java client fetches the 306 and
  325 sluis composed for the municipality (retour = "gateway"), and nothing on a second run;
- both reconnect when sluis closes a connection for its age: the Python client is asked how many
  connections it opened.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR); needs java (openjdk-17-jdk-headless)."""
import json
import pathlib
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import readme_walkthrough_test as walkthrough  # noqa: E402

SRC = walkthrough.SRC
sys.path.insert(0, str(SRC / "examples/clients/python"))
import sluis_client  # noqa: E402

AGE = 2  # seconds: https.max_connection_age in this test


def short_lived_connections(root):
    walkthrough.own_config(root, lambda text: text.replace('max_connection_age = "1h"',
                                                           f'max_connection_age = "{AGE}s"'))


class ExampleClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if walkthrough.BIN is None:
            raise unittest.SkipTest("SLUIS_BIN_DIR not set (run through ctest)")
        cls.d = walkthrough.Daemon(prepare=short_lived_connections)
        cls.url = f"https://127.0.0.1:{cls.d.https_port}"

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        log = cls.d.log_text()
        shutil.rmtree(cls.d.dir, ignore_errors=True)
        assert code == 0, f"sluisd exited {code}:\n{log}"

    def python_client(self, who):
        pki = self.d.dir / "var/pki"
        return sluis_client.Sluis(self.url, str(pki / f"{who}.pem"), str(pki / f"{who}.key"), str(pki / "ca.pem"))

    def java(self, *args):
        java = shutil.which("java")
        if java is None:
            self.fail("java is missing: scripts/test installs openjdk-17-jdk-headless")
        pki, secret = self.d.dir / "var/pki", "example-secret"
        p12, trust = self.d.dir / "provider.p12", self.d.dir / "trust.p12"
        if not p12.exists():
            subprocess.run(["openssl", "pkcs12", "-export", "-in", str(pki / "provider.pem"), "-inkey",
                            str(pki / "provider.key"), "-out", str(p12), "-passout", "pass:" + secret,
                            "-name", "provider"], check=True, capture_output=True)
            subprocess.run(["keytool", "-importcert", "-noprompt", "-file", str(pki / "ca.pem"), "-alias", "ca",
                            "-keystore", str(trust), "-storetype", "PKCS12", "-storepass", secret],
                           check=True, capture_output=True)
        out = subprocess.run([java, str(SRC / "examples/clients/java/SluisClient.java"), self.url, str(p12),
                              str(trust), secret, *args], capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr + self.d.log_text()[-3000:])
        return out.stdout.splitlines()

    def test_the_whole_loop_with_both_clients(self):
        examples = SRC / "examples"
        gem, prov = self.python_client("gemeente"), self.python_client("provider")
        try:
            status, who = gem.whoami()
            self.assertEqual((status, who["partner"]), (200, "dev-gemeente"), who)
            # Submit, and resend the same bytes (as after a timeout): one message, one answer.
            allocation = (examples / "301-toewijzing.xml").read_bytes()
            status, first = gem.submit(allocation)
            self.assertEqual(status, 202, first)
            status, again = gem.submit(allocation)
            self.assertEqual((status, again["id"]), (202, first["id"]), again)

            # The provider stores, then acknowledges; a second run finds nothing.
            inbox = self.d.dir / "inbox-provider-py"
            got = prov.fetch_into(inbox)
            self.assertEqual(got, [(first["id"], 301, "stored")])
            self.assertEqual((inbox / f"{first['id']}.xml").read_bytes(), allocation)
            self.assertEqual(prov.fetch_into(inbox), [])

            # The Java client as the provider: its answer, the start and a declaration.
            lines = self.java("submit", *(str(examples / f) for f in
                                          ("302-retour.xml", "305-start.xml", "323-declaratie.xml")))
            answers = [line for line in lines if " http=" in line]
            self.assertEqual(len(answers), 3, lines)
            for line in answers:
                self.assertRegex(line, r" http=202 id=\S+ status=accepted", lines)

            # The municipality fetches what the provider sent, across a closed connection: the
            # first connection is past max_connection_age by now, or will be after this wait.
            time.sleep(AGE + 0.5)
            opened = gem.connections
            types = sorted(t for _, t, what in gem.fetch_into(self.d.dir / "inbox-gemeente-py")
                           if what == "stored")
            self.assertEqual(types, [302, 305, 323])
            self.assertGreater(gem.connections, opened, "no new connection after sluis closed the old one")

            # The Java client fetches the 306 and 325 sluis composed for the municipality.
            inbox = self.d.dir / "inbox-provider-java"
            lines = self.java("fetch", str(inbox))
            stored = [line for line in lines if line.endswith(" stored")]
            self.assertEqual(sorted(line.split(" type=")[1].split()[0] for line in stored), ["306", "325"], lines)
            for line in stored:
                body = (inbox / (line.split()[0] + ".xml")).read_text()
                self.assertIn("<", body)
            self.assertIn("fetched=2 resends=0", lines)
            self.assertIn("fetched=0 resends=0", self.java("fetch", str(inbox)))
        finally:
            gem.close()
            prov.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
