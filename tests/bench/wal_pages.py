#!/usr/bin/env python3
"""Where the pages of a store's transactions go (label bench's tool; docs/performance.md).

Usage: wal_pages.py STORE [--last N] [--json]

Reads the write-ahead log next to STORE (STORE-wal): its frames since the last
checkpoint, grouped into transactions by their commit frames. It names the
table or index each page belongs to (SQLite's dbstat, on a copy of the store
and its log, so a running sluisd is not disturbed) and prints, for the last N
transactions (default 10), the pages each one wrote and their mean by table
(an index counted with its table). A page of a single message's transaction
is a page the COMMIT writes and syncs. Most are written again by the next
transaction (the last leaf of each index and table); the pages that no earlier
transaction of the log wrote are what the next checkpoint copies into the
database for it ("new" below, mean over the same transactions).
--json prints the same as one JSON object.
"""
import argparse
import collections
import json
import os
import shutil
import sqlite3
import struct
import sys
import tempfile

WAL_HEADER = 32
FRAME_HEADER = 24


def transactions(wal: bytes):
    """The page numbers of each committed transaction in the log, oldest first."""
    if len(wal) < WAL_HEADER:
        return []
    _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", wal[:WAL_HEADER])
    out, current, off = [], [], WAL_HEADER
    while off + FRAME_HEADER + page_size <= len(wal):
        page, commit_size, s1, s2 = struct.unpack(">4I", wal[off:off + 16])
        if (s1, s2) != (salt1, salt2):
            break  # frames of a log before the last restart
        current.append(page)
        if commit_size:
            out.append(current)
            current = []
        off += FRAME_HEADER + page_size
    return out


def owners(store: str):
    """Page number -> the table or index it belongs to, read on a copy."""
    with tempfile.TemporaryDirectory(prefix="wal-pages-") as tmp:
        copy = os.path.join(tmp, "store.db")
        shutil.copyfile(store, copy)
        if os.path.exists(store + "-wal"):
            shutil.copyfile(store + "-wal", copy + "-wal")
        db = sqlite3.connect(copy)
        try:
            tables = dict(db.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
            pages = {p: n for n, p in db.execute("SELECT name, pageno FROM dbstat")}
        finally:
            db.close()
    return pages, tables


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--last", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    wal_path = a.store + "-wal"
    if not os.path.exists(wal_path):
        print(f"wal_pages: {wal_path} does not exist (not a store in WAL mode, or checkpointed and removed)",
              file=sys.stderr)
        return 1
    with open(wal_path, "rb") as f:
        every = transactions(f.read())
    txs = every[-a.last:]
    seen = set(p for tx in every[:len(every) - len(txs)] for p in tx)
    new = []
    for tx in txs:
        new.append(len(set(tx) - seen))
        seen.update(tx)
    if not txs:
        print(f"wal_pages: {wal_path} holds no committed transaction since its last restart", file=sys.stderr)
        return 1
    pages, tables = owners(a.store)
    by_table = collections.Counter()
    for tx in txs:
        for p in tx:
            name = pages.get(p, "?")
            # page 1 is the database header (the change counter), written by every commit
            by_table["(header)" if p == 1 else tables.get(name, name)] += 1
    mean = {t: round(n / len(txs), 1) for t, n in by_table.most_common()}
    result = {"transactions": len(txs), "pages": [len(t) for t in txs],
              "mean_pages": round(sum(len(t) for t in txs) / len(txs), 1),
              "mean_new_pages": round(sum(new) / len(txs), 1), "mean_by_table": mean}
    if a.json:
        print(json.dumps(result))
        return 0
    print(f"last {len(txs)} transactions in {wal_path}: pages {result['pages']}, mean {result['mean_pages']}, "
          f"of which new to the log {result['mean_new_pages']}")
    for t, n in mean.items():
        print(f"  {t:28} {n:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
