"""Test support: a throwaway PostgreSQL 15 server for one Python test, as
tests/support/postgres.hpp is for the C++ ones (the same choices, for the same
reasons): initdb in a fresh temporary directory, a Unix socket there and no
TCP, as Debian's `postgres` user when the test runs as root (initdb and the
server refuse root), ICU nl-NL collation, fsync off, and a parent-death signal
so a killed test leaves no server behind.

Without PostgreSQL installed the test should be skipped (exit 77), unless
SLUIS_REQUIRE_POSTGRESQL=1 (scripts/test sets it), when it fails:
`PostgresServer.available()` says why, and `unavailable_exit()` prints it and
gives the exit code."""
import ctypes
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

BIN = pathlib.Path(os.environ.get("SLUIS_PG_BIN", "/usr/lib/postgresql/15/bin"))
SKIP = 77


def _die_with_parent():
    # After the change of user (subprocess applies user= first): changing
    # credentials would clear the signal.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGQUIT)  # PR_SET_PDEATHSIG


class PostgresServer:
    @staticmethod
    def available():
        """None when a server can be started here, else why not."""
        if not (BIN / "initdb").exists() or not (BIN / "postgres").exists():
            return f"no PostgreSQL server in {BIN} (Debian package postgresql-15)"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root, and there is no user postgres to run PostgreSQL as"
        return None

    @staticmethod
    def unavailable_exit():
        """None when a server can be started here; else prints why and returns the test's exit code:
        77 (a skip), or 1 when SLUIS_REQUIRE_POSTGRESQL=1."""
        why = PostgresServer.available()
        if not why:
            return None
        if os.environ.get("SLUIS_REQUIRE_POSTGRESQL") == "1":
            print(f"FAILED: PostgreSQL is required (SLUIS_REQUIRE_POSTGRESQL=1): {why}", flush=True)
            return 1
        print(f"SKIP: {why}", flush=True)
        return SKIP

    def __init__(self, durable=False):
        """`durable`: fsync on, as in production (benchmarks); off for the tests."""
        self.durable = durable
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="sluis-pg-"))
        self.user = None
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            self.user = pw.pw_uid, pw.pw_gid
            os.chown(self.dir, *self.user)
        self.proc = None
        self.databases = 0
        with open(self.dir / "initdb.log", "wb") as log:
            subprocess.run([str(BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "sluis", "-A", "trust",
                            "-E", "UTF8", "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=nl-NL",
                            "--no-sync", "--no-instructions"], stdout=log, stderr=subprocess.STDOUT, check=True,
                           **self._as_owner())
        self.start()

    def _as_owner(self):
        return {"user": self.user[0], "group": self.user[1], "extra_groups": []} if self.user else {}

    def conninfo(self, dbname="postgres"):
        return f"host={self.dir} port=5432 user=sluis dbname={dbname}"

    def psql(self, sql, dbname="postgres"):
        """One statement through psql; its output (unaligned, no headers)."""
        return subprocess.run([str(BIN / "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                               "-d", self.conninfo(dbname), "-c", sql], check=True, capture_output=True,
                              text=True).stdout.strip()

    def create_database(self):
        self.databases += 1
        name = f"t{self.databases}"
        self.psql(f"CREATE DATABASE {name}")
        return self.conninfo(name)

    def start(self):
        log = open(self.dir / "server.log", "ab")
        self.proc = subprocess.Popen([str(BIN / "postgres"), "-D", str(self.dir / "data"), "-k", str(self.dir),
                                      "-p", "5432", "-c", "listen_addresses=",
                                      "-c", "fsync=" + ("on" if self.durable else "off"),
                                      "-c", "max_connections=100"],
                                     stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
                                     **self._as_owner())
        log.close()
        until = time.monotonic() + 60
        while subprocess.run([str(BIN / "pg_isready"), "-q", "-h", str(self.dir), "-p", "5432"]).returncode != 0:
            if self.proc.poll() is not None:
                raise RuntimeError("the PostgreSQL server exited at start: " + self.log_tail())
            if time.monotonic() > until:
                raise RuntimeError("the PostgreSQL server did not accept connections in 60 s")
            time.sleep(0.05)

    def log_tail(self):
        try:
            return (self.dir / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            self.proc.wait(timeout=60)
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
