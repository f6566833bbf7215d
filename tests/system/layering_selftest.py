#!/usr/bin/env python3
"""The layering test tested: run on small synthetic trees, it passes a clean
one and fails one with an upward include, one with a two-way include between
same-rank modules, and an ALLOWED_SIDEWAYS that allows a pair both ways.
Usage: layering_selftest.py SOURCE_DIR
"""
import pathlib
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # nothing written into the source tree
SCRIPT = pathlib.Path(sys.argv[1]) / "tests/system/layering_test.py"
sys.path.insert(0, str(SCRIPT.parent))
import layering_test  # noqa: E402


def tree(base, files):
    """Writes {relative path: text} under a fresh directory; returns it."""
    root = pathlib.Path(tempfile.mkdtemp(dir=base))
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def run(root):
    """The script as CTest runs it: exit status and output."""
    r = subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout


CLEAN = {
    "gateway/core/ids.hpp": "#pragma once\n#include <string>\n",
    "gateway/store/store.hpp": '#pragma once\n#include "gateway/core/ids.hpp"\n',
    "gateway/net/tls.hpp": '#pragma once\n#include "gateway/core/ids.hpp"\n',
    "gateway/route/push.cpp": '#include "gateway/net/tls.hpp"\n#include "gateway/store/store.hpp"\n',
    "gateway/app/app.cpp": '#include "gateway/route/push.hpp"\n',
}


def main() -> int:
    failures = []

    def expect(what, cond, detail=""):
        if not cond:
            failures.append(f"{what}: {detail}")

    with tempfile.TemporaryDirectory() as base:
        code, out = run(tree(base, CLEAN))
        expect("a clean tree passes", code == 0, out)

        upward = dict(CLEAN)
        upward["gateway/store/sqlite_store.cpp"] = '#include "gateway/net/tls.hpp"\n'
        code, out = run(tree(base, upward))
        expect("an upward include (store -> net) fails", code == 1 and "store must not include gateway/net/tls.hpp" in out, out)

        into_core = dict(CLEAN)
        into_core["gateway/core/log.cpp"] = '#include "gateway/app/app.hpp"\n'
        code, out = run(tree(base, into_core))
        expect("an include of app from core fails", code == 1 and "core must not include gateway/app/app.hpp" in out, out)

        two_way = dict(CLEAN)
        two_way["gateway/net/server.cpp"] = '#include "gateway/route/push.hpp"\n'  # route -> net is allowed
        code, out = run(tree(base, two_way))
        expect("a two-way include (route <-> net) fails", code == 1 and "net must not include gateway/route/push.hpp" in out, out)

        # The allowed list itself: a pair both ways is refused even when no file uses it.
        allowed = set(layering_test.ALLOWED_SIDEWAYS) | {("net", "route")}
        bad = layering_test.check(tree(base, CLEAN), allowed)
        expect("ALLOWED_SIDEWAYS with a two-way pair fails", any("net and route" in b for b in bad), bad)
        expect("the project's ALLOWED_SIDEWAYS is one way", not layering_test.two_way_pairs(layering_test.ALLOWED_SIDEWAYS),
               layering_test.two_way_pairs(layering_test.ALLOWED_SIDEWAYS))

    for f in failures:
        print("FAILED", f)
    print(f"layering_selftest: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
