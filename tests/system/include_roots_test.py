#!/usr/bin/env python3
"""The build half of the layering picture (cmake/SluisModule.cmake): a module's
sources see only the headers of the modules it links. With the include path
CMake gives a module, its own headers and those of the modules below it that
it links compile, and a header of a module it does not link is not found.
Usage: include_roots_test.py COMPILER SOURCE_DIR MODULE=DIR;DIR... ...
"""
import subprocess
import sys
import tempfile

# module: (headers it must see, headers it must not see)
CASES = {
    "store": (["gateway/store/store.hpp", "gateway/core/ids.hpp", "gateway/standard/catalog.hpp"],
              ["gateway/net/tls.hpp", "gateway/xml/validator.hpp", "gateway/route/table.hpp"]),
    "rules": (["gateway/rules/reference_loader.hpp", "gateway/config/config.hpp"],
              ["gateway/xml/schema_set.hpp", "gateway/store/store.hpp"]),
    "net": (["gateway/net/https_client.hpp", "gateway/config/config.hpp"],
            ["gateway/intake/intake.hpp", "gateway/route/push.hpp", "gateway/store/store.hpp"]),
    "route": (["gateway/route/push.hpp", "gateway/net/tls.hpp"],
              ["gateway/intake/intake.hpp", "gateway/app/app.hpp"]),
}


def compiles(compiler, dirs, header):
    with tempfile.NamedTemporaryFile("w", suffix=".cpp") as f:
        f.write(f'#include "{header}"\n')
        f.flush()
        r = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", *[f"-I{d}" for d in dirs], f.name],
                           capture_output=True, text=True, timeout=120)
        return r.returncode == 0, r.stderr


def main() -> int:
    compiler = sys.argv[1]
    paths, mod = {}, None
    for arg in sys.argv[3:]:  # CTest may split a list into several arguments
        if "=" in arg:
            mod, _, arg = arg.partition("=")
            paths[mod] = []
        paths[mod] += [d for d in arg.split(";") if d]
    failures = []
    for mod, (seen, unseen) in CASES.items():
        dirs = paths[mod]
        if any(d.rstrip("/") == sys.argv[2].rstrip("/") for d in dirs):
            failures.append(f"{mod}: the whole source tree is on its include path")
        for h in seen:
            ok, err = compiles(compiler, dirs, h)
            if not ok:
                failures.append(f"{mod} does not see {h}: {err.strip()[:300]}")
        for h in unseen:
            ok, err = compiles(compiler, dirs, h)
            if ok or "No such file" not in err:
                failures.append(f"{mod} sees {h}, a module it does not link")
    for f in failures:
        print("FAILED", f)
    print(f"include_roots: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
