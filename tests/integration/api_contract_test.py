#!/usr/bin/env python3
"""docs/api.yaml checked against what a running sluisd answers.

sluisd runs on the development configuration in a scratch root made as scripts/run makes var/
(readme_walkthrough_test.Daemon), with a config of its own: config/sluisd.toml with
https.max_body at 1MiB and four more partners whose certificates the test issues from the
development CA (a monitoring partner, a rate-limited one, one not enrolled yet) and one
certificate of that CA registered for no partner.

Every answer the test provokes is checked against the operation the document gives for its
method and path: its status must be documented for that operation, its Content-Type must be one
the documented answer lists (none for a 304), its JSON body must validate against the answer's
schema (JSON Schema 2020-12, as OpenAPI 3.1 uses it; $refs resolve into components), its
headers marked required must be there and match their schema, and a problem+json body's
`status` must equal the HTTP status, its `type` name its `code`, and its `title` be the one the
Problem schema's x-titles gives that code. At the end every operation must have been called and
every status it documents seen, except the ones listed in NOT_PROVOKED with the reason a test
cannot bring them about here. A 405's Allow must list exactly the methods the document gives
the path.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR); python3-yaml and python3-jsonschema."""
import base64
import hashlib
import http.client
import json
import pathlib
import re
import shutil
import ssl
import subprocess
import sys
import unittest

import jsonschema
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import readme_walkthrough_test as walkthrough  # noqa: E402  (its Daemon: sluisd on the development config)

SRC = walkthrough.SRC
SPEC = yaml.safe_load((SRC / "docs/api.yaml").read_text())
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# Documented answers a test cannot bring about against a healthy daemon on the development
# configuration, per operation ("*": every operation), with the reason.
NOT_PROVOKED = {
    ("*", "500"): "a handler that throws (tests/unit: the listener's catch-all)",
    ("*", "503"): "a store that cannot commit, read or audit (tests/unit/intake/intake_faults_test.cpp), "
                  "or one saturated for longer than the body timeout (tests/unit/net/backpressure_test.cpp)",
    ("getMailboxMessage", "410"): "a body pruned after the retention period (tests/unit/store/retention_test.cpp)",
    ("getContract", "404"): "no contract data loaded (the development configuration loads the example region)",
    ("getDegressive", "404"): "no contract data loaded (the development configuration loads the example region)",
}
# Decided by the listener from the request header before any handler, the same for every
# operation: seen on one operation, seen for all. (403, 413 and 431 are provoked on each.)
LISTENER_WIDE = {"429"}


def resolve(node):
    """An OpenAPI object with its $ref (to a response or header component) followed."""
    while isinstance(node, dict) and "$ref" in node and not node["$ref"].startswith("#/components/schemas/"):
        target = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def validator(schema):
    """A Draft 2020-12 validator of `schema`, its #/components/... refs resolving in SPEC."""
    return jsonschema.Draft202012Validator({**schema, "components": SPEC["components"]})


def operations():
    """{(method, template): operation} of every documented operation."""
    return {(m, path): op for path, item in SPEC["paths"].items() for m, op in item.items() if m in METHODS}


def template_regex(template):
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"{self.status} {self.headers} {self.body[:600]!r}"


def spki(pem):
    """The SPKI SHA-256 of a certificate file, as [[partners.certificates]] names it."""
    pub = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-pubkey"], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, check=True,
                         capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def enrol(pki, name, partner):
    """Issues client certificate `name` from the development CA in `pki`; the [[partners]] block
    that registers it as "test-<name>" with `partner` (its keys as TOML lines)."""
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", f"/O=sluis test/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.csr"],
                   cwd=pki, check=True, capture_output=True, timeout=60)
    (pki / f"{name}.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                     "extendedKeyUsage=clientAuth\n")
    subprocess.run(["openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "30", "-sha256", "-extfile", f"{name}.ext", "-out", f"{name}.pem"],
                   cwd=pki, check=True, capture_output=True, timeout=60)
    return (f'\n[[partners]]\nid = "test-{name}"\n{partner}[[partners.certificates]]\n'
            f'spki_sha256 = "{spki(pki / f"{name}.pem")}"\n')


def with_partners(root):
    """dir/config: the repository's, max_body 1MiB, and the test's partners with their certificates."""
    pki = root / "var/pki"
    extra = ""
    for name, partner in (("monitor", 'role = "monitoring"\ncodes = []\n'),
                          ("busy", 'role = "aanbieder"\ncodes = ["11110000"]\nrate = 1\nburst = 1\n'),
                          ("later", 'role = "aanbieder"\ncodes = ["22220000"]\nmode = "not_enrolled"\n')):
        extra += enrol(pki, name, partner)
    enrol(pki, "stranger", "")  # a certificate of the CA that no partner registers
    walkthrough.own_config(root, lambda text: text.replace('max_body = "25MiB"', 'max_body = "1MiB"', 1) + extra)


class ApiContractTest(unittest.TestCase):
    seen = {}  # operationId -> set of statuses answered

    @classmethod
    def setUpClass(cls):
        if walkthrough.BIN is None:
            raise unittest.SkipTest("SLUIS_BIN_DIR not set (run through ctest)")
        cls.daemon = walkthrough.Daemon(prepare=with_partners)
        cls.pki = cls.daemon.dir / "var/pki"
        cls.ops = operations()
        cls.example = {p.name: p.read_bytes() for p in (SRC / "examples").glob("*.xml")}

    @classmethod
    def tearDownClass(cls):
        code = cls.daemon.stop()
        log = cls.daemon.log_text()
        shutil.rmtree(cls.daemon.dir, ignore_errors=True)
        assert code == 0, f"sluisd exited {code}:\n{log}"

    # -- talking to sluisd ----------------------------------------------------------------------

    def connection(self, who):
        """An HTTPS connection as partner certificate `who`, or the plain listener for None."""
        if who is None:
            return http.client.HTTPConnection("127.0.0.1", int(self.daemon.plain_port), timeout=30)
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.pem"))
        ctx.load_cert_chain(str(self.pki / f"{who}.pem"), str(self.pki / f"{who}.key"))
        return http.client.HTTPSConnection("127.0.0.1", int(self.daemon.https_port), context=ctx, timeout=30)

    def call(self, who, method, path, body=None, headers=None, send_length=None):
        """One request on a fresh connection; the answer, checked against the document."""
        conn = self.connection(who)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None or send_length is not None:
                conn.putheader("Content-Length", str(send_length if send_length is not None else len(body)))
            conn.endheaders()
            if body is not None and send_length is None:
                conn.send(body)
            res = conn.getresponse()
            answer = Answer(res.status, {k.lower(): v for k, v in res.getheaders()}, res.read())
        finally:
            conn.close()
        self.check(method, path, answer, https=who is not None)
        return answer

    def submit(self, who, path, body, content_type="application/xml"):
        return self.call(who, "POST", path, body, {"Content-Type": content_type})

    # -- the document's view of an answer ----------------------------------------------------------

    def operation(self, method, path):
        bare = path.split("?", 1)[0]
        for (m, template), op in self.ops.items():
            if m == method.lower() and template_regex(template).match(bare):
                return template, op
        return None, None

    def check(self, method, path, answer, https):
        template, op = self.operation(method, path)
        if answer.status == 405 and op is None:
            self.check_problem(answer, SPEC["components"]["schemas"]["Problem"])
            return
        if op is None:
            self.assertEqual(answer.status, 404, f"{method} {path}: undocumented and not 404: {answer}")
            self.check_problem(answer, SPEC["components"]["schemas"]["Problem"])
            return
        where = f"{op['operationId']} ({method} {path})"
        status = str(answer.status)
        self.assertIn(status, op["responses"], f"{where}: status {status} is not documented: {answer}")
        self.seen.setdefault(op["operationId"], set()).add(status)
        doc = resolve(op["responses"][status])
        for name, header in doc.get("headers", {}).items():
            header = resolve(header)
            value = answer.header(name)
            if header.get("required"):
                self.assertIsNotNone(value, f"{where}: {status} without header {name}: {answer}")
            if value is not None:
                schema = header["schema"]
                if schema.get("type") == "integer":
                    self.assertRegex(value, r"^\d+$", f"{where}: header {name}")
                    value = int(value)
                self.assertEqual([e.message for e in validator(schema).iter_errors(value)], [],
                                 f"{where}: header {name}: {value!r}")
        content = doc.get("content")
        if not content:
            self.assertEqual(answer.body, b"", f"{where}: {status} documents no body: {answer}")
            return
        media = (answer.header("Content-Type") or "").split(";")[0].strip()
        self.assertIn(media, content, f"{where}: {status} with undocumented Content-Type {media!r}: {answer}")
        schema = content[media].get("schema", {})
        if media == "application/problem+json":
            self.check_problem(answer, schema)
        elif media == "application/json":
            errors = sorted(validator(schema).iter_errors(answer.json()), key=str)
            self.assertEqual([], [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors],
                             f"{where}: {status} body against its schema: {answer}")

    def check_problem(self, answer, schema):
        self.assertEqual((answer.header("Content-Type") or "").split(";")[0], "application/problem+json", answer)
        body = answer.json()
        errors = sorted(validator(schema).iter_errors(body), key=str)
        self.assertEqual([], [e.message for e in errors], f"problem details against Problem: {answer}")
        self.assertEqual(body["status"], answer.status, answer)
        self.assertEqual(body["type"], "/problems/" + body["code"], answer)
        self.assertEqual(body["title"], SPEC["components"]["schemas"]["Problem"]["x-titles"][body["code"]], answer)
        self.assertEqual(body["detail"], body["en"], answer)
        return body

    # -- the scenarios, in one order (later steps use what earlier ones stored) ----------------------

    def test_the_document_against_the_daemon(self):
        self.document_is_openapi_31()
        self.refusals_before_any_handler()
        self.submission_and_its_message()
        self.dry_run()
        self.mailbox()
        self.own_messages()
        self.partner_and_reference()
        self.operations_listeners()
        self.methods_not_allowed()
        self.every_documented_answer_was_seen()

    def document_is_openapi_31(self):
        self.assertEqual(SPEC["openapi"], "3.1.0")
        self.assertEqual(SPEC["components"]["securitySchemes"]["mutualTLS"]["type"], "mutualTLS")
        self.assertIn({"mutualTLS": []}, SPEC["security"])
        ids = [op.get("operationId") for op in self.ops.values()]
        self.assertNotIn(None, ids, "an operation without operationId")
        self.assertEqual(len(ids), len(set(ids)), "operationIds are unique")
        tags = {t["name"] for t in SPEC["tags"]}
        for key, op in self.ops.items():
            self.assertTrue(op.get("tags"), f"{key}: no tags")
            self.assertTrue(set(op["tags"]) <= tags, f"{key}: undeclared tag")
            for status, doc in op["responses"].items():
                doc = resolve(doc)
                for media, m in doc.get("content", {}).items():
                    if media.endswith("json"):
                        self.assertIn("schema", m, f"{key} {status} {media}: untyped")
                        jsonschema.Draft202012Validator.check_schema(m["schema"])
        # The title table in the document is the problem codes' enum.
        problem = SPEC["components"]["schemas"]["Problem"]
        self.assertEqual(sorted(problem["properties"]["code"]["enum"]), sorted(problem["x-titles"]))

    def refusals_before_any_handler(self):
        https_ops = [(m, t, op) for (m, t), op in self.ops.items() if t.startswith("/v1/")] + \
                    [("get", "/metrics", self.ops[("get", "/metrics")])]
        for method, template, op in https_ops:
            path = template.replace("{id}", "nothing").replace("{code}", "9019")
            body = b"<x/>" if method == "post" else None
            # A certificate of the trusted CA that no partner has.
            a = self.call("stranger", method.upper(), path, body, {"Content-Type": "application/xml"})
            self.assertEqual(a.status, 403, a)
            self.assertEqual(a.json()["code"], "unknown_certificate")
            self.assertIn(spki(self.pki / "stranger.pem"), a.json()["en"])
            # A header block over https.max_header (16KiB).
            a = self.call("provider", method.upper(), path, body, {"X-Filler": "a" * 20000})
            self.assertEqual(a.status, 431, a)
            self.assertEqual(a.json()["code"], "header_too_large")
            if method == "post":
                a = self.call("provider", "POST", path, headers={"Content-Type": "application/xml"},
                              send_length=2 << 20)
                self.assertEqual(a.status, 413, a)
                self.assertEqual(a.json()["code"], "body_too_large")
                self.assertIn("1MiB", a.json()["en"])
        a = self.call("later", "GET", "/v1/whoami")
        self.assertEqual((a.status, a.json()["code"]), (403, "not_enrolled"))
        a = self.call("monitor", "GET", "/v1/whoami")
        self.assertEqual((a.status, a.json()["code"]), (403, "monitoring_only"))
        a = self.call("provider", "GET", "/metrics")
        self.assertEqual((a.status, a.json()["code"]), (403, "not_monitoring"))
        a = self.call("monitor", "GET", "/metrics")
        self.assertEqual(a.status, 200, a)
        self.assertIn(b"sluis_", a.body)
        # rate 1/s, burst 1: of requests sent back to back, all but the first within a second are 429.
        answers = [self.call("busy", "GET", "/v1/whoami") for _ in range(3)]
        self.assertEqual(answers[0].status, 200, answers[0])
        limited = [a for a in answers if a.status == 429]
        self.assertTrue(limited, answers)
        self.assertEqual(limited[0].json()["code"], "rate_limited")
        a = self.call("provider", "GET", "/v1/nothing-here")
        self.assertEqual((a.status, a.json()["code"]), (404, "not_found"))

    def submission_and_its_message(self):
        allocation = self.example["301-toewijzing.xml"]
        a = self.submit("gemeente", "/v1/messages", allocation)
        self.assertEqual(a.status, 202, a)
        self.assertEqual(a.json()["status"], "accepted")
        msg_id = a.json()["id"]
        self.assertEqual(a.header("Location"), "/v1/messages/" + msg_id)
        self.assertIsNone(a.header("Idempotent-Replay"))
        # The identical message again: the stored answer, the same Location.
        again = self.submit("gemeente", "/v1/messages", allocation)
        self.assertEqual((again.status, again.header("Idempotent-Replay")), (202, "true"), again)
        self.assertEqual(again.header("Location"), a.header("Location"))
        self.assertEqual(again.json(), a.json())
        # The Location is the message.
        shown = self.call("gemeente", "GET", a.header("Location"))
        self.assertEqual(shown.status, 200, shown)
        self.assertEqual((shown.json()["id"], shown.json()["status"]), (msg_id, "accepted"))
        self.assertEqual(self.call("provider", "GET", a.header("Location")).status, 200)  # the receiver
        # The message as a page (tests/integration/portal_pages_test.py looks inside), and its 304.
        page = self.call("gemeente", "GET", a.header("Location"), headers={"Accept": "text/html"})
        self.assertEqual((page.status, page.header("Content-Language")), (200, "nl"), page)
        cached = self.call("gemeente", "GET", a.header("Location"),
                           headers={"Accept": "text/html", "If-None-Match": page.header("ETag")})
        self.assertEqual(cached.status, 304, cached)
        self.assertEqual(self.call("provider", "GET", "/v1/messages/nothing").json()["code"], "not_found")
        # Refused: not XML, another media type, a code that is not the sender's.
        a = self.submit("provider", "/v1/messages", b"not xml at all")
        self.assertEqual((a.status, a.json()["status"]), (400, "refused"), a)
        a = self.submit("provider", "/v1/messages", allocation, "text/plain")
        self.assertEqual((a.status, a.json()["status"]), (415, "refused"), a)
        a = self.submit("provider", "/v1/messages", allocation)
        self.assertEqual((a.status, a.json()["status"]), (403, "refused"), a)
        self.assertEqual(a.json()["findings"][0]["path"], "/Bericht/Header/Afzender")
        # Rejected and stored: a start on an allocation never made (TR019): no Location.
        a = self.submit("provider", "/v1/messages", self.example["305-geweigerd.xml"])
        self.assertEqual((a.status, a.json()["status"]), (422, "rejected"), a)
        self.assertIsNone(a.header("Location"))
        self.assertEqual(a.json()["findings"][0]["retourcode"], "9019")
        self.__class__.allocation_id = msg_id

    def dry_run(self):
        a = self.submit("provider", "/v1/validate", self.example["305-start.xml"])
        self.assertEqual((a.status, a.json()["status"], a.json()["stored"]), (200, "valid", False), a)
        a = self.submit("provider", "/v1/validate", b"<<")
        self.assertEqual((a.status, a.json()["status"]), (400, "refused"), a)
        a = self.submit("provider", "/v1/validate", self.example["305-start.xml"], "text/plain")
        self.assertEqual(a.status, 415, a)
        a = self.submit("provider", "/v1/validate", self.example["301-toewijzing.xml"])
        self.assertEqual((a.status, a.json()["status"]), (403, "refused"), a)
        # A schema error: a Begindatum that is no date.
        start = b"<jw305:Begindatum>2026-09-02<"
        self.assertIn(start, self.example["305-start.xml"], "examples/305-start.xml changed")
        broken = self.example["305-start.xml"].replace(start, b"<jw305:Begindatum>2026-09-xx<")
        a = self.submit("provider", "/v1/validate", broken)
        self.assertEqual((a.status, a.json()["status"]), (422, "invalid"), a)

    def mailbox(self):
        a = self.call("provider", "GET", "/v1/mailbox?state=all&limit=1000")
        self.assertEqual(a.status, 200, a)
        everything = [m["id"] for m in a.json()["messages"]]
        self.assertIn(self.allocation_id, everything)
        self.assertNotIn("next", a.json(), "one page holds all: no next")
        # The gateway answered the rejected 305 with a 306 in the provider's mailbox: two at least.
        self.assertGreaterEqual(len(everything), 2)
        # Page by page, one at a time: `next` on every page but the last.
        pages, after = [], None
        while True:
            page = self.call("provider", "GET", "/v1/mailbox?state=all&limit=1" + (f"&after={after}" if after else ""))
            self.assertEqual(page.status, 200, page)
            pages.append([m["id"] for m in page.json()["messages"]])
            after = page.json().get("next")
            if after is None:
                break
            self.assertLess(len(pages), 100, "paging does not end")
        self.assertEqual([i for p in pages for i in p], everything)
        self.assertEqual([len(p) for p in pages], [1] * len(everything), "no empty last page")
        # A last page exactly full has no next either.
        exact = self.call("provider", "GET", f"/v1/mailbox?state=all&limit={len(everything)}")
        self.assertNotIn("next", exact.json())
        short = self.call("provider", "GET", f"/v1/mailbox?state=all&limit={len(everything) - 1}")
        self.assertIn("next", short.json())
        for query, code in (("limit=0", "bad_limit"), ("after=x", "bad_cursor"), ("state=some", "bad_state")):
            a = self.call("provider", "GET", "/v1/mailbox?" + query)
            self.assertEqual((a.status, a.json()["code"]), (400, code), a)
        # The body, byte for byte, with its validators.
        a = self.call("provider", "GET", "/v1/mailbox/" + self.allocation_id)
        self.assertEqual(a.status, 200, a)
        body = self.example["301-toewijzing.xml"]
        self.assertEqual(a.body, body)
        digest = hashlib.sha256(body)
        self.assertEqual(a.header("ETag"), '"' + digest.hexdigest() + '"')
        self.assertEqual(a.header("Repr-Digest"), "sha-256=:" + base64.b64encode(digest.digest()).decode() + ":")
        cached = self.call("provider", "GET", "/v1/mailbox/" + self.allocation_id, headers={"If-None-Match": a.header("ETag")})
        self.assertEqual(cached.status, 304, cached)
        self.assertEqual(cached.header("ETag"), a.header("ETag"))
        stale = self.call("provider", "GET", "/v1/mailbox/" + self.allocation_id, headers={"If-None-Match": '"0"'})
        self.assertEqual((stale.status, stale.body), (200, body))
        page = self.call("provider", "GET", "/v1/mailbox/" + self.allocation_id, headers={"Accept": "text/html"})
        self.assertEqual((page.status, page.header("Content-Type")), (200, "text/html; charset=utf-8"), page)
        self.assertEqual(self.call("gemeente", "GET", "/v1/mailbox/" + self.allocation_id).status, 404)
        a = self.call("provider", "POST", f"/v1/mailbox/{self.allocation_id}/ack")
        self.assertEqual((a.status, a.json()), (200, {"id": self.allocation_id, "acked": True}), a)
        a = self.call("provider", "POST", "/v1/mailbox/nothing/ack")
        self.assertEqual((a.status, a.json()["code"]), (404, "not_found"), a)

    def own_messages(self):
        # The municipality sent the 301; the provider received (and acknowledged) it.
        a = self.call("gemeente", "GET", "/v1/messages")
        self.assertEqual(a.status, 200, a)
        mine = {m["id"]: m for m in a.json()["messages"]}
        self.assertEqual(mine[self.allocation_id]["direction"], "sent")
        a = self.call("provider", "GET", "/v1/messages?type=301&limit=200")
        self.assertEqual(a.status, 200, a)
        got = {m["id"]: m for m in a.json()["messages"]}
        self.assertEqual((got[self.allocation_id]["direction"], got[self.allocation_id]["state"]),
                         ("received", "acknowledged"))
        # Paging: one at a time, `next` on every page but the last.
        a = self.call("provider", "GET", "/v1/messages?limit=1")
        self.assertIn("next", a.json(), a)
        b = self.call("provider", "GET", "/v1/messages?limit=1&after=" + a.json()["next"])
        self.assertEqual(b.status, 200, b)
        self.assertNotEqual(a.json()["messages"][0]["id"], b.json()["messages"][0]["id"])
        for query, code in (("limit=0", "bad_limit"), ("colour=red", "unknown_parameter"),
                            ("status=maybe", "bad_status"), ("type=abc", "bad_type"),
                            ("since=yesterday", "bad_since"), ("until=tomorrow", "bad_until"),
                            ("since=2026-12-01&until=2026-11-01", "bad_range"), ("after=zz", "bad_cursor"),
                            ("limit=1&limit=2", "duplicate_parameter"),
                            ("identificatie=" + "x" * 65, "bad_identificatie")):
            a = self.call("provider", "GET", "/v1/messages?" + query)
            self.assertEqual((a.status, a.json()["code"]), (400, code), f"{query}: {a}")
        # The timeline, for the sender and the receiver; for anyone else the id does not exist.
        for who, direction in (("gemeente", "sent"), ("provider", "received")):
            a = self.call(who, "GET", f"/v1/messages/{self.allocation_id}/timeline")
            self.assertEqual((a.status, a.json()["direction"]), (200, direction), a)
            events = [e["event"] for e in a.json()["events"]]
            self.assertEqual(events[:2], ["received", "judged"], a)
            self.assertIn("acknowledged", events, a)
        a = self.call("provider", "GET", "/v1/messages/nothing/timeline")
        self.assertEqual((a.status, a.json()["code"]), (404, "not_found"), a)

    def partner_and_reference(self):
        a = self.call("provider", "GET", "/v1/whoami")
        self.assertEqual((a.status, a.json()["partner"]), (200, "dev-aanbieder"), a)
        a = self.call("provider", "GET", "/v1/retourcodes/9019")
        self.assertEqual((a.status, a.json()["code"]), (200, "9019"), a)
        self.assertEqual(self.call("provider", "GET", "/v1/retourcodes/XX99").json()["code"], "unknown_code")
        a = self.call("provider", "GET", "/v1/contract?date=2026-09-01")
        self.assertEqual(a.status, 200, a)
        self.assertTrue(a.json()["products"], "the example region contracts the provider")
        self.assertEqual(self.call("provider", "GET", "/v1/contract?date=2026-02-30").json()["code"], "bad_date")
        self.assertEqual(self.call("gemeente", "GET", "/v1/contract").json()["code"], "not_a_provider")
        a = self.call("provider", "GET", "/v1/degressive?year=2026")
        self.assertEqual((a.status, a.json()["year"]), (200, 2026), a)
        self.assertEqual(self.call("provider", "GET", "/v1/degressive?year=19").json()["code"], "bad_year")
        self.assertEqual(self.call("gemeente", "GET", "/v1/degressive").json()["code"], "not_a_provider")
        # The status page: HTML for the partner, Dutch or English; no parameters.
        a = self.call("provider", "GET", "/v1/status")
        self.assertEqual((a.status, a.header("Content-Language")), (200, "nl"), a)
        self.assertIn(b'<section id="rejected">', a.body)
        a = self.call("gemeente", "GET", "/v1/status", headers={"Accept-Language": "en"})
        self.assertEqual((a.status, a.header("Content-Language")), (200, "en"), a)
        self.assertEqual(self.call("provider", "GET", "/v1/status?x=1").json()["code"], "unknown_parameter")

    def operations_listeners(self):
        a = self.call(None, "GET", "/healthz")
        self.assertEqual((a.status, a.json()["status"]), (200, "ok"), a)
        a = self.call(None, "GET", "/metrics")
        self.assertEqual(a.status, 200, a)
        a = self.call(None, "GET", "/")
        self.assertEqual(a.status, 200, a)
        self.assertIn(b"<html", a.body.lower())

    def methods_not_allowed(self):
        by_path = {}
        for (method, template) in self.ops:
            by_path.setdefault(template, set()).add(method.upper())
        for template, methods in by_path.items():
            if not template.startswith("/v1/"):
                continue
            path = template.replace("{id}", "nothing").replace("{code}", "9019")
            other = next(m for m in ("GET", "DELETE", "PUT") if m not in methods)
            a = self.call("provider", other, path)
            self.assertEqual((a.status, a.json()["code"]), (405, "method_not_allowed"), f"{other} {path}: {a}")
            allow = {m.strip() for m in (a.header("Allow") or "").split(",")}
            self.assertEqual(allow, methods, f"{other} {path}: Allow against the document")

    def every_documented_answer_was_seen(self):
        missing = []
        anywhere = set().union(*self.seen.values())
        for (method, template), op in self.ops.items():
            seen = self.seen.get(op["operationId"], set()) | (LISTENER_WIDE & anywhere)
            for status in op["responses"]:
                if status in seen or (op["operationId"], status) in NOT_PROVOKED or ("*", status) in NOT_PROVOKED:
                    continue
                missing.append(f"{op['operationId']} ({method.upper()} {template}) {status}")
        self.assertEqual(missing, [], "documented but never answered in this test")


if __name__ == "__main__":
    unittest.main(verbosity=2)
