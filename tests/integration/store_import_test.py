#!/usr/bin/env python3
"""Moving a store from SQLite to PostgreSQL as an operator does it
(docs/operations.md, "PostgreSQL and several nodes"): a region simulation
fills sluisd's SQLite store; sluisd stops; its configuration gets
`[store] engine = "postgresql"` and a connection; `sluisctl store-import`
copies the store and prints each table's rows and checksum; sluisd starts on
PostgreSQL and its queue and audit log are what they were. Misuse: the
command refuses a configuration still on SQLite (exit 78), a missing store
file (exit 1) and a database that already holds a store (exit 1, nothing
added); the connection string's password appears in no output. Then
`sluisctl backup` on PostgreSQL: a private pg_dump archive that restores into
an empty database with the same messages; the same name again is refused.

Label `postgresql`; exit 77 (a skip) without PostgreSQL, unless
SLUIS_REQUIRE_POSTGRESQL=1. Loopback only."""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import BIN, SRC, Daemon, free_port  # noqa: E402
from postgres_server import BIN as PG_BIN, PostgresServer  # noqa: E402


def sluisctl(root, *args):
    done = subprocess.run([str(BIN / "tools/sluisctl"), *args], cwd=root, capture_output=True, text=True,
                          timeout=300)
    return done.returncode, done.stdout, done.stderr


def snapshot(root):
    """What an operator compares: the queue per state and destination, and the messages listed."""
    code, summary, err = sluisctl(root, "--socket", "state/admin.sock", "--json", "queue-summary")
    assert code == 0, err
    code, listed, err = sluisctl(root, "--socket", "state/admin.sock", "--json", "queue-list", "--limit", "1000")
    assert code == 0, err
    return json.loads(summary), json.loads(listed)


def main():
    if (code := PostgresServer.unavailable_exit()) is not None:
        return code
    pg = PostgresServer()
    root = pathlib.Path(tempfile.mkdtemp(prefix="sluis-move-"))
    d = None
    try:
        load = str(BIN / "tools/sluis-load")
        subprocess.run([load, "--region-setup", str(root / "region"), "--municipalities", "2", "--providers", "4",
                        "--seed", "7", "--push-port", str(free_port()),
                        "--cbs", str(SRC / "config/reference/cbs-gemeenten.csv")], check=True,
                       stdout=subprocess.DEVNULL)
        node = root / "node"
        d = Daemon(node, region=root / "region")
        d.start()
        sim = subprocess.run([load, "--region", str(root / "region"), "--url", f"https://127.0.0.1:{d.port}",
                              "--rate", "2", "--seconds", "4", "--drain", "120", "--seed", "7",
                              "--corpus", str(SRC / "tests/conformance"), "--schemas", str(SRC / "schemas")],
                             capture_output=True, text=True, timeout=300)
        report = json.loads(sim.stdout.strip().splitlines()[-1])
        assert report["mismatch_count"] == 0, report["mismatches"]
        # The drop directories' files are all taken; sluisd notes each pick-up at its next check
        # (delivery.pickup_interval): wait for those notes, so the store is at rest when copied.
        deadline = time.monotonic() + 60
        while True:
            before = snapshot(node)
            if "delivered" not in before[0]["arguments"]["states"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert d.stop() == 0

        # Still on SQLite: refused, the configuration named.
        code, out, err = sluisctl(node, "store-import", "--config", "sluisd.toml")
        assert code == 78, (code, out, err)
        assert 'engine = "sqlite"' in err, err

        # The configuration moves to PostgreSQL (a password in the connection string, which PostgreSQL's trust
        # ignores: it must appear nowhere).
        database = pg.create_database() + " password=not-shown-anywhere"
        lite = node / "state/sluis.db"
        d = Daemon(node, region=root / "region", postgres=database, node="node-1")
        code, out, err = sluisctl(node, "store-import", "--config", "sluisd.toml", "--from", str(root / "nothing.db"))
        assert code == 1 and "no SQLite store" in err, (code, out, err)
        code, out, err = sluisctl(node, "store-import", "--config", "sluisd.toml", "--from", str(lite))
        assert code == 0, (code, out, err)
        assert "counts and checksums agree" in out, out
        assert "messages" in out and "audit" in out, out
        assert "not-shown-anywhere" not in out + err
        code, out, err = sluisctl(node, "--json", "store-import", "--config", "sluisd.toml", "--from", str(lite))
        assert code == 1 and "only into an empty one" in err, (code, out, err)
        assert "not-shown-anywhere" not in out + err

        d.start()
        after = snapshot(node)
        assert after[0] == before[0], (before[0], after[0])
        assert after[1] == before[1], (json.dumps(before[1])[:2000], json.dumps(after[1])[:2000])

        # sluisctl backup on PostgreSQL: a pg_dump archive in the backup directory, private, audited; it
        # restores into an empty database with the same messages and audit log.
        code, out, err = sluisctl(node, "--socket", "state/admin.sock", "backup", "moved.dump")
        assert code == 0, (code, out, err)
        archive = node / "state/backups/moved.dump"
        assert archive.stat().st_mode & 0o777 == 0o600, oct(archive.stat().st_mode)
        assert archive.read_bytes()[:5] == b"PGDMP", "not a pg_dump custom-format archive"
        code, out, err = sluisctl(node, "--socket", "state/admin.sock", "backup", "moved.dump")
        assert code == 1 and "exists already" in out + err, (code, out, err)
        restored = pg.create_database()
        subprocess.run([str(PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, str(archive)],
                       check=True, capture_output=True, text=True)
        digest = ("SELECT count(*) || ' ' || md5(string_agg(id || ':' || state || ':' || coalesce(sha256(body)::text, '-'), ',' "
                  "ORDER BY id COLLATE \"C\")) FROM messages")
        live_db, copy_db = database.split("dbname=")[1].split()[0], restored.split("dbname=")[1].split()[0]
        assert pg.psql(digest, live_db) == pg.psql(digest, copy_db)
        audit = "SELECT count(*) FROM audit WHERE action = 'backup'"
        assert pg.psql(audit, live_db) == "1", pg.psql(audit, live_db)
        assert d.stop() == 0
        assert "not-shown-anywhere" not in d.log_tail()
        print(f"moved: {json.dumps(before[0])[:300]}", flush=True)
    except Exception as e:  # noqa: BLE001 - report with the logs
        print(f"FAILED: {type(e).__name__}: {e}", flush=True)
        if d is not None:
            print("sluisd log (tail):\n" + d.log_tail(), flush=True)
            if d.proc and d.proc.poll() is None:
                d.proc.kill()
        print(f"state kept in {root}", flush=True)
        pg.close()
        return 1
    pg.close()
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
