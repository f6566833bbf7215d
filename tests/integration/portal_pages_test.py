#!/usr/bin/env python3
"""A partner's messages as pages: GET /v1/messages/{id} and GET /v1/mailbox/{id} with
Accept: text/html, GET /v1/status, and `sluisctl message-show ID --html`, against a running sluisd on the
development configuration (readme_walkthrough_test.Daemon) with one more provider.

Checked: negotiation (Accept with q-values, JSON and XML stay the defaults, Vary on both),
Dutch by default and English by Accept-Language (Content-Language), valid HTML (html5lib's
strict parser) that is also well-formed XML (xmllint), personal data masked (the BSN and the
names of the example never appear), the rejected message's findings explained (rule,
retourcode, element), ETag and 304, a page read is audited and is not a fetch (the message
stays queued), another partner gets 404, and the operator's page masked unless --unmask.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR); python3-html5lib."""
import http.client
import json
import pathlib
import shutil
import ssl
import subprocess
import sys
import unittest

import html5lib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import api_contract_test as contract  # noqa: E402  (enrol)
import readme_walkthrough_test as walkthrough  # noqa: E402

SRC = walkthrough.SRC
SECRETS = ("999931234", "Voorbeeld</", ">Voorbeeld<")  # the example's BSN and family name


def with_other_provider(root):
    """dir/config: the repository's, and provider 11112222 ("other") with its certificate."""
    extra = contract.enrol(root / "var/pki", "other", 'role = "aanbieder"\ncodes = ["11112222"]\n')
    walkthrough.own_config(root, lambda text: text + extra)


class PortalPagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if walkthrough.BIN is None:
            raise unittest.SkipTest("SLUIS_BIN_DIR not set (run through ctest)")
        cls.daemon = walkthrough.Daemon(prepare=with_other_provider)
        cls.pki = cls.daemon.dir / "var/pki"
        cls.conns = {}

    @classmethod
    def tearDownClass(cls):
        for c in cls.conns.values():
            c.close()
        code = cls.daemon.stop()
        log = cls.daemon.log_text()
        shutil.rmtree(cls.daemon.dir, ignore_errors=True)
        assert code == 0, f"sluisd exited {code}:\n{log}"
        for secret in ("999931234",):
            assert secret not in log, "a BSN in the log"

    def call(self, who, method, path, body=None, headers=None):
        """One request on `who`'s kept-alive connection: (status, headers, body)."""
        conn = self.conns.get(who)
        if conn is None:
            ctx = ssl.create_default_context(cafile=str(self.pki / "ca.pem"))
            ctx.load_cert_chain(str(self.pki / f"{who}.pem"), str(self.pki / f"{who}.key"))
            conn = http.client.HTTPSConnection("127.0.0.1", int(self.daemon.https_port), context=ctx, timeout=30)
            self.conns[who] = conn
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()

    def submit(self, who, xml):
        status, _, body = self.call(who, "POST", "/v1/messages", xml, {"Content-Type": "application/xml"})
        self.assertIn(status, (202, 422), body)
        return status, json.loads(body)

    def sluisctl(self, *args):
        done = subprocess.run([str(walkthrough.BIN / "tools/sluisctl"), "--socket",
                               str(self.daemon.dir / "var/sluisd.sock"), *args],
                              capture_output=True, text=True, timeout=60)
        return done.returncode, done.stdout, done.stderr

    def assert_page(self, body, lang="nl"):
        """Valid HTML5 (strict parser: any parse error fails), well-formed XML, no personal data."""
        text = body.decode("utf-8")
        html5lib.HTMLParser(strict=True).parse(text)
        lint = subprocess.run(["xmllint", "--noout", "-"], input=body, capture_output=True, timeout=60)
        self.assertEqual(lint.returncode, 0, lint.stderr.decode(errors="replace"))
        self.assertIn(f'<html lang="{lang}">', text)
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        return text

    def test_pages(self):
        allocation = (SRC / "examples/301-toewijzing.xml").read_bytes()
        status, verdict = self.submit("gemeente", allocation)
        self.assertEqual(status, 202, verdict)
        mid = verdict["id"]

        # JSON stays the default of GET /v1/messages/{id}, and says it varies by Accept.
        for accept in (None, "application/json", "*/*", "text/html;q=0.5, application/json",
                       "text/html;q=0, */*", "text/html;q=garbage", "image/png"):
            status, head, body = self.call("gemeente", "GET", f"/v1/messages/{mid}",
                                           headers={"Accept": accept} if accept else {})
            self.assertEqual(status, 200)
            self.assertEqual(head["content-type"], "application/json", accept)
            self.assertEqual(head["vary"], "Accept")
            self.assertEqual(json.loads(body)["id"], mid)

        # The sender's page, Dutch by default.
        for accept in ("text/html", "text/*", "application/json;q=0.4, text/html;q=0.9",
                       "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"):  # a browser's
            status, head, body = self.call("gemeente", "GET", f"/v1/messages/{mid}", headers={"Accept": accept})
            self.assertEqual(status, 200, body)
            self.assertEqual(head["content-type"], "text/html; charset=utf-8")
            self.assertEqual(head["content-language"], "nl")
            self.assertEqual(head["vary"], "Accept, Accept-Language")
        page = self.assert_page(body)
        self.assertIn("<h3>Client</h3>", page)
        self.assertIn("TW-2026-0824", page)
        self.assertIn("<th>Bsn</th><td>*********</td>", page)
        self.assertIn("260935001", page)  # the ToewijzingNummer: not personal
        etag = head["etag"]
        status, head, body = self.call("gemeente", "GET", f"/v1/messages/{mid}",
                                       headers={"Accept": "text/html", "If-None-Match": etag})
        self.assertEqual((status, body), (304, b""))
        self.assertEqual(head["etag"], etag)

        # English on request.
        status, head, body = self.call("gemeente", "GET", f"/v1/messages/{mid}",
                                       headers={"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"})
        self.assertEqual(head["content-language"], "en")
        self.assertIn("<h2>Content</h2>", self.assert_page(body, "en"))
        self.assertNotEqual(head["etag"], etag)
        status, head, body = self.call("gemeente", "GET", f"/v1/messages/{mid}",
                                       headers={"Accept": "text/html", "Accept-Language": "en;q=0.1, nl"})
        self.assertEqual(head["content-language"], "nl")

        # The receiver's mailbox page: audited, not a fetch: the message stays queued.
        status, head, body = self.call("provider", "GET", f"/v1/mailbox/{mid}", headers={"Accept": "text/html"})
        self.assertEqual(status, 200, body)
        self.assertEqual(head["content-type"], "text/html; charset=utf-8")
        self.assert_page(body)
        _, _, timeline = self.call("provider", "GET", f"/v1/messages/{mid}/timeline")
        self.assertNotIn("fetched", [e["event"] for e in json.loads(timeline)["events"]], timeline)
        status, head, body = self.call("provider", "GET", f"/v1/mailbox/{mid}")
        self.assertEqual((status, head["content-type"], head["vary"]), (200, "application/xml", "Accept"))
        self.assertEqual(body, allocation)
        _, _, timeline = self.call("provider", "GET", f"/v1/messages/{mid}/timeline")
        self.assertIn("fetched", [e["event"] for e in json.loads(timeline)["events"]], timeline)

        # Nobody else: the 404 of an unknown id, as problem+json, whatever the Accept.
        for path in (f"/v1/messages/{mid}", f"/v1/mailbox/{mid}"):
            status, head, body = self.call("other", "GET", path, headers={"Accept": "text/html"})
            self.assertEqual(status, 404)
            self.assertEqual(head["content-type"], "application/problem+json")

        # A rejected message's page explains why: the provider answers an allocation it does
        # not have with a stop (307) of another ToewijzingNummer.
        stop = (SRC / "examples/307-stop.xml").read_bytes().replace(b"260935001", b"260935999")
        status, verdict = self.submit("provider", stop)
        self.assertEqual(status, 422, verdict)
        rejected = verdict["id"]
        status, head, body = self.call("provider", "GET", f"/v1/messages/{rejected}", headers={"Accept": "text/html"})
        self.assertEqual(status, 200, body)
        page = self.assert_page(body)
        self.assertIn("Waarom afgekeurd", page)
        finding = verdict["findings"][0]
        self.assertIn(f'<span class="code">{finding["retourcode"]}</span>', page)
        if finding.get("rule"):
            self.assertIn(f'Regel <span class="code">{finding["rule"]}</span>', page)

        # The partner's status page is valid HTML too, and explains the rejection.
        status, head, body = self.call("provider", "GET", "/v1/status")
        self.assertEqual((status, head["content-type"]), (200, "text/html; charset=utf-8"), body)
        page = self.assert_page(body)
        self.assertIn(rejected, page)
        self.assertIn(f'<span class="code">{finding["retourcode"]}</span>', page)

        # The operator's page: masked, unmasked with --unmask; both audited.
        code, out, err = self.sluisctl("message-show", mid, "--html")
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("<!DOCTYPE html>"), out[:200])
        self.assert_page(out.encode())
        code, out, err = self.sluisctl("message-show", mid, "--html", "--unmask", "--lang", "en")
        self.assertEqual(code, 0, err)
        self.assertIn("<th>Bsn</th><td>999931234</td>", out)
        self.assertIn('<html lang="en">', out)
        code, out, err = self.sluisctl("message-show", mid, "--html", "--body")
        self.assertNotEqual(code, 0)
        self.assertIn("two views", out + err)
        code, out, err = self.sluisctl("message-show", mid, "--html", "--lang", "fr")
        self.assertNotEqual(code, 0)
        self.assertIn("nl or en", out + err)
        code, out, err = self.sluisctl("--json", "message-show", mid)
        actions = [h["action"] for h in json.loads(out)["arguments"]["message"]["history"]]
        # The sender's pages (four Accepts, English, Dutch again; the 304 showed nothing), the
        # mailbox page and the operator's masked page: page-read; --unmask: unmask.
        self.assertEqual(actions.count("page-read"), 8, actions)
        self.assertEqual(actions.count("unmask"), 1, actions)


if __name__ == "__main__":
    unittest.main()
