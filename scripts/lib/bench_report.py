#!/usr/bin/env python3
"""The figures of a scripts/bench run as a Markdown table.

    bench_report.py RESULTS_DIR SECONDS [DOC]

Reads every `bench-result: {json}` line of RESULTS_DIR/*.log (one figure each: name, value, unit,
peer, peer_value, ratio, goal, command), prints the table, and with DOC replaces the part of DOC
between `<!-- scripts/bench: begin -->` and `<!-- scripts/bench: end -->` by it, with the date,
the commit and the machine. Exit 1 when DOC lacks the markers or no figure was found.
"""
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys

BEGIN, END = "<!-- scripts/bench: begin -->", "<!-- scripts/bench: end -->"
ORDER = ["http", "idle", "restart", "large", "engines"]


def figures(results):
    rows = []
    logs = sorted(results.glob("*.log"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("bench-result: "):
                try:
                    rows.append(json.loads(line[len("bench-result: "):]))
                except json.JSONDecodeError:
                    print(f"bench_report: {log.name}: not JSON: {line}", file=sys.stderr)
    return rows


def number(v):
    if v is None or v == "":
        return ""
    if isinstance(v, float) and 0 < abs(v) < 0.01:
        return f"{v:.2g}"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.2f}".replace(",", " ")
    return f"{int(v):,}".replace(",", " ")


def machine():
    cpu = ""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return f"{os.cpu_count()} cores ({cpu or platform.machine()}), {mem:.0f} GiB, Linux {platform.release()}"


def table(rows, seconds):
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        if subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "gateway", "tests", "CMakeLists.txt"]).returncode:
            commit += " with uncommitted changes"
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"Run of `scripts/bench` on {day}, commit {commit}; machine: {machine()}; "
           f"the benchmarks took {seconds} s (the build not counted).", "",
           "| figure | value | beside | its value | ratio | goal | command |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        unit = r.get("unit", "")
        out.append("| {} | {} {} | {} | {} | {} | {} | `{}` |".format(
            r.get("name", ""), number(r.get("value")), unit, r.get("peer", ""),
            number(r.get("peer_value")), number(r.get("ratio")), r.get("goal", ""), r.get("command", "")))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 64
    rows = figures(pathlib.Path(sys.argv[1]))
    text = table(rows, sys.argv[2])
    print(text)
    if not rows:
        print("bench_report: no figures found", file=sys.stderr)
        return 1
    if len(sys.argv) == 4:
        doc = pathlib.Path(sys.argv[3])
        body = doc.read_text()
        if BEGIN not in body or END not in body:
            print(f"bench_report: {doc} lacks the lines {BEGIN} and {END}", file=sys.stderr)
            return 1
        head, rest = body.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc.write_text(head + BEGIN + "\n" + text + END + tail)
        print(f"bench_report: {doc} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
