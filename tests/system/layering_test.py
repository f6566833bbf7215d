#!/usr/bin/env python3
"""Dependencies between gateway modules point one way (style.md §1):

  core <- config <- standard <- xml, rules, store <- intake, route, net, steering, portal, admin <- app <- sluisd

A module may include only modules of a lower rank (or its own); rules never
includes Xerces or Asio; store knows no XML and no network. Modules of the same
rank may use each other only as ALLOWED_SIDEWAYS lists, and never both ways: a
pair allowed in both directions is itself a violation. Besides the CMake link
graph (sluis_module in cmake/), this test reads every #include so that a
header-only upward dependency is caught too. tests/system/layering_selftest.py
runs it on synthetic trees. Usage: layering_test.py SOURCE_DIR
"""
import pathlib
import re
import sys

RANK = {
    "core": 0, "config": 1, "standard": 2,
    "xml": 3, "rules": 3, "store": 3,
    "intake": 4, "route": 4, "net": 4, "steering": 4, "admin": 4,
    "watch": 4, "portal": 4,
    "app": 5, "tools": 6,
}
# Same-rank modules that may use each other (documented in style.md), one way only.
# admin reaches the store only (the daemon's state through app's DaemonControl).
ALLOWED_SIDEWAYS = {("intake", "net"), ("route", "net"), ("admin", "steering")}
# The watches read the CRLs as net does (crl_info); `sluisctl watches` explains cases by the watch's kinds.
ALLOWED_SIDEWAYS |= {("watch", "net"), ("admin", "watch")}
# The partner API draws its pages (a message, the partner's status) with portal.
ALLOWED_SIDEWAYS |= {("intake", "portal")}
FORBIDDEN_EXTERNAL = {
    "rules": [r"xercesc/", r"boost/asio", r"boost/beast", r"sqlite3\.h", r"libpq"],
    "store": [r"xercesc/", r"boost/asio", r"boost/beast"],
    "standard": [r"xercesc/", r"boost/asio", r"sqlite3\.h"],
    "core": [r"xercesc/", r"sqlite3\.h", r"boost/beast"],
}


def two_way_pairs(allowed):
    """The pairs of `allowed` whose reverse is allowed too (each once)."""
    return sorted((a, b) for (a, b) in allowed if (b, a) in allowed and a < b)


def check(root, allowed=ALLOWED_SIDEWAYS):
    """Every layering violation under root/gateway, as texts."""
    bad = [f"ALLOWED_SIDEWAYS allows {a} and {b} to include each other: one way only"
           for a, b in two_way_pairs(allowed)]
    gw = pathlib.Path(root) / "gateway"
    for f in sorted(gw.rglob("*")):
        if f.suffix not in (".hpp", ".cpp", ".h") or f.parent == gw:
            continue
        mod = f.relative_to(gw).parts[0]
        if mod not in RANK:
            bad.append(f"{f}: module '{mod}' has no rank in tests/system/layering_test.py")
            continue
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
            if not m:
                continue
            inc = m.group(1)
            g = re.match(r"gateway/([a-z_]+)/", inc)
            if g:
                other = g.group(1)
                if other == mod:
                    continue
                if other not in RANK:
                    bad.append(f"{f}:{n}: includes unknown module {inc}")
                elif RANK[other] > RANK[mod] or (RANK[other] == RANK[mod] and (mod, other) not in allowed):
                    bad.append(f"{f}:{n}: {mod} must not include {inc} ({other} is not below {mod})")
            for pat in FORBIDDEN_EXTERNAL.get(mod, []):
                if re.search(pat, inc):
                    bad.append(f"{f}:{n}: {mod} must not include {inc}")
    return bad


def main() -> int:
    bad = check(sys.argv[1])
    for b in bad:
        print(b)
    print(f"layering: {len(bad)} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
