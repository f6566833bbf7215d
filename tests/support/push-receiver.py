#!/usr/bin/env python3
"""A receiver's HTTPS endpoint for sluis's push delivery tests (loopback only).

Requires a client certificate chaining to --ca (mutual TLS, as a real
municipality's endpoint would). Behaviour per request from the file DIR/mode
(read on every request): "ok" (200), "500", "403", "hang" (answers only after
30 s, for crash tests), "echo" (400 with an error text that repeats the
client's BSN from the request in several spellings, with control characters
and broken UTF-8, then the whole request: a careless receiver's answer). Writes to DIR:
  port            the port it listens on (written once it listens)
  started.log     one line per request as it arrives: the Sluis-Message-Id
  received.jsonl  one JSON object per request answered 2xx: id, law, type,
                  size, sha256, client (the client certificate's CN)
Usage: push-receiver.py DIR CERT KEY CA
"""
import hashlib
import http.server
import json
import os
import re
import ssl
import sys
import time

DIR, CERT, KEY, CA = sys.argv[1:5]


def mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            return f.read().strip() or "ok"
    except FileNotFoundError:
        return "ok"


def append(name, line):
    with open(os.path.join(DIR, name), "a") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        msg_id = self.headers.get("Sluis-Message-Id", "")
        append("started.log", msg_id)
        m = mode()
        if m == "hang":
            time.sleep(30)
        status = {"ok": 200, "500": 500, "403": 403, "hang": 200, "echo": 400}.get(m, 200)
        if status == 200:
            cert = self.connection.getpeercert()
            cn = dict(x[0] for x in cert.get("subject", ())).get("commonName", "")
            append("received.jsonl", json.dumps({
                "id": msg_id, "law": self.headers.get("Sluis-Law"),
                "type": self.headers.get("Sluis-Message-Type"), "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(), "client": cn}))
        answer = b"thank you" if status == 200 else b"cannot take it now"
        if m == "echo":
            found = re.search(rb"Bsn>(\d{9})<", body)
            bsn = found.group(1) if found else b"000000000"
            dotted = b".".join([bsn[0:3], bsn[3:6], bsn[6:9]])
            spaced = b" ".join([bsn[0:3], bsn[3:6], bsn[6:9]])
            answer = (b"client " + dotted + b" (" + spaced + b") onbekend\r\nX-Forged: yes\x00\xff\xfe " + body)
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(CERT, KEY)
ctx.load_verify_locations(CA)
ctx.verify_mode = ssl.CERT_REQUIRED
srv = Server(("127.0.0.1", 0), Handler)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
tmp = os.path.join(DIR, "port.tmp")
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, os.path.join(DIR, "port"))
srv.serve_forever()
