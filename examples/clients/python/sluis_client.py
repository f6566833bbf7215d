#!/usr/bin/env python3
"""An example back office for sluis, with Python's standard library only.

It does what docs/integration.md asks of a partner's software:
- one kept-alive HTTPS connection with the partner's certificate (mutual TLS), opened again when
  sluis closes it (Connection: close, max_connection_age, a restart) or it breaks;
- submit: POST /v1/messages; on a timeout, a broken connection, 503 or 429 the *same bytes* are
  sent again (sluis answers a message it already has with its stored answer: idempotent);
- fetch: page GET /v1/mailbox, fetch each message, store it durably (written, fsynced, renamed),
  and only then acknowledge it; a message already stored (a redelivery: same id) is only
  acknowledged again.

    sluis_client.py --url https://127.0.0.1:8443 --cert var/pki/gemeente.pem \\
        --key var/pki/gemeente.key --ca var/pki/ca.pem whoami
    sluis_client.py ... submit examples/301-toewijzing.xml
    sluis_client.py ... fetch --into inbox/

submit prints one JSON line per file (file, http, id, status, retour, code); fetch prints one per message
(id, type, stored or already stored) and a summary line. Exit status 0 when every request got
the answer it should (submit: 202 or 422; fetch: every message stored and acknowledged)."""
import argparse
import http.client
import json
import os
import pathlib
import socket
import ssl
import sys
import time
import urllib.parse

RETRIES = 6  # attempts per request
RETRY_AFTER_CAP = 30  # seconds: the longest wait a Retry-After may ask of this client


class Sluis:
    """A partner's connection to sluis: keep-alive, reconnect, resend."""

    def __init__(self, url, cert, key, ca, timeout=30):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 443
        self.tls = ssl.create_default_context(cafile=ca)
        self.tls.load_cert_chain(cert, key)
        self.timeout = timeout
        self.conn = None
        self.connections = 0  # how many connections were opened
        self.resends = 0  # requests sent again after a failure or a 503/429

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) of one request, sent again on a broken connection,
        a timeout, 503 or 429, with the same bytes."""
        delay = 0.2
        for attempt in range(RETRIES):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.tls,
                                                        timeout=self.timeout)
                self.connections += 1
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                res = self.conn.getresponse()
                data = res.read()
            except (OSError, http.client.HTTPException):
                # Broken, closed under us, or timed out: a new connection, the same bytes.
                self.close()
                self.resends += 1
                time.sleep(delay)
                delay = min(delay * 2, 5)
                continue
            if res.getheader("Connection", "").lower() == "close":
                self.close()
            if res.status in (429, 503) and attempt + 1 < RETRIES:
                self.resends += 1
                wait = res.getheader("Retry-After", "1")
                time.sleep(min(int(wait) if wait.isdigit() else 1, RETRY_AFTER_CAP))
                continue
            return res.status, res.headers, data
        raise ConnectionError(f"{method} {path}: no answer after {RETRIES} attempts")

    def json(self, method, path, body=None, headers=None):
        status, _, data = self.request(method, path, body, headers)
        return status, (json.loads(data) if data else None)

    def whoami(self):
        return self.json("GET", "/v1/whoami")

    def submit(self, xml_bytes):
        return self.json("POST", "/v1/messages", xml_bytes, {"Content-Type": "application/xml"})

    def mailbox(self, limit=100):
        """Every unacknowledged message in the mailbox, page by page ({"id", "type", ...})."""
        after = None
        while True:
            query = {"limit": str(limit)}
            if after is not None:
                query["after"] = after
            status, page = self.json("GET", "/v1/mailbox?" + urllib.parse.urlencode(query))
            if status != 200:
                raise RuntimeError(f"GET /v1/mailbox: HTTP {status}: {page}")
            yield from page["messages"]
            # The last page has no "next" (or, from an older sluis, lists nothing more).
            if not page["messages"] or "next" not in page:
                return
            after = page["next"]

    def fetch_into(self, inbox):
        """Stores every mailbox message under inbox/<id>.xml, then acknowledges it. A message
        already stored is acknowledged only. Returns the list of (id, type, what)."""
        inbox = pathlib.Path(inbox)
        inbox.mkdir(parents=True, exist_ok=True)
        done = []
        for m in list(self.mailbox()):
            target = inbox / f"{m['id']}.xml"
            what = "already stored"
            if not target.exists():
                status, _, body = self.request("GET", f"/v1/mailbox/{urllib.parse.quote(m['id'])}")
                if status != 200:
                    raise RuntimeError(f"GET /v1/mailbox/{m['id']}: HTTP {status}: {body[:300]!r}")
                store_durably(target, body)
                what = "stored"
            status, answer = self.json("POST", f"/v1/mailbox/{urllib.parse.quote(m['id'])}/ack")
            if status != 200:
                raise RuntimeError(f"ack {m['id']}: HTTP {status}: {answer}")
            done.append((m["id"], m["type"], what))
        return done


def refusal_code(answer):
    """The stable code of a refusal (application/problem+json "code"; {"error": {"code"}} before)."""
    if "code" in answer:
        return answer["code"]
    return (answer.get("error") or {}).get("code")


def store_durably(target, body):
    """Written, fsynced and renamed into place, the directory fsynced: stored before the ack."""
    tmp = target.with_suffix(".part")
    with open(tmp, "wb") as f:
        f.write(body)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    fd = os.open(target.parent, os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def main(argv=None):
    p = argparse.ArgumentParser(description="An example sluis client (standard library only).")
    p.add_argument("--url", default="https://127.0.0.1:8443")
    p.add_argument("--cert", required=True, help="the partner's client certificate (PEM)")
    p.add_argument("--key", required=True, help="its private key (PEM)")
    p.add_argument("--ca", required=True, help="the CA that issued sluis's server certificate")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("whoami")
    s = sub.add_parser("submit")
    s.add_argument("files", nargs="+")
    f = sub.add_parser("fetch")
    f.add_argument("--into", required=True)
    a = p.parse_args(argv)
    client = Sluis(a.url, a.cert, a.key, a.ca)
    ok = True
    try:
        if a.command == "whoami":
            status, who = client.whoami()
            print(json.dumps({"status": status, **(who or {})}))
            ok = status == 200
        elif a.command == "submit":
            for name in a.files:
                status, answer = client.submit(pathlib.Path(name).read_bytes())
                answer = answer or {}
                # 202/422: the verdict ("status": accepted, rejected, ...) and the retour sluis
                # composed; anything else: a refusal with its stable "code".
                print(json.dumps({"file": name, "http": status, "id": answer.get("id"),
                                  "status": answer.get("status"), "retour": answer.get("retour"),
                                  "code": refusal_code(answer)}))
                ok = ok and status in (202, 422)
        else:
            done = client.fetch_into(a.into)
            for mid, mtype, what in done:
                print(json.dumps({"id": mid, "type": mtype, "result": what}))
            print(json.dumps({"fetched": len(done), "connections": client.connections,
                              "resends": client.resends}))
    finally:
        client.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
