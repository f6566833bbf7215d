#!/usr/bin/env python3
"""The ready-made files for Prometheus users in contrib/ are valid and name only what sluisd exposes.

- contrib/prometheus/sluis-alerts.yml passes `promtool check rules`;
- every query of contrib/grafana/sluis-dashboard.json (every panel's targets, rows included) is
  written as a recording rule into a scratch rules file, which passes `promtool check rules` too;
- a real sluisd (the development configuration, as readme_walkthrough_test.py starts it, with a
  CRL of the development CA added so the CRL gauge is there too) is scraped before any traffic, and every metric name an alert expression or a panel query uses must
  be exposed: as a series name, or as a histogram's family with its _bucket, _sum or _count.
  The one name allowed that sluisd does not expose is `up`, which Prometheus makes per target.

promtool comes with the Debian package prometheus (scripts/lib/deps.sh, test packages): a
missing promtool fails the test, it does not skip it.

Run by ctest (SLUIS_SOURCE_DIR, SLUIS_BIN_DIR)."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

SRC = pathlib.Path(os.environ.get("SLUIS_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(SRC / "tests/integration"))
import readme_walkthrough_test as walkthrough  # noqa: E402  (its Daemon: sluisd on the development config)

ALERTS = SRC / "contrib/prometheus/sluis-alerts.yml"
DASHBOARD = SRC / "contrib/grafana/sluis-dashboard.json"
PROMETHEUS_NAMES = {"up"}  # made by Prometheus for each target, not by sluisd

# Words of PromQL that look like names: operators, modifiers, aggregations, functions are
# told apart by what follows them ("(" for a call), these by the word itself.
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "inf", "nan", "atan2", "start", "end"}


def promtool():
    path = shutil.which("promtool")
    if path is None:
        raise AssertionError("promtool not found: install the Debian package prometheus "
                             "(scripts/lib/deps.sh installs it with the test packages)")
    return path


def check_rules(path):
    done = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"promtool check rules {path}:\n{done.stdout}{done.stderr}"
    return done.stdout


def alert_expressions():
    """The expr of every rule in the alert file: YAML read by hand (promtool validated it), as the
    file's `expr:` values: a plain scalar on the line, or a folded block on the lines below."""
    exprs, lines = [], ALERTS.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)expr:\s*(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, value = len(m.group(1)), m.group(2).strip()
        if value in (">-", ">", "|", "|-"):
            block = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i].strip())
                i += 1
            exprs.append(" ".join(b for b in block if b))
        else:
            exprs.append(value)
            i += 1
    return exprs


def panel_queries(panels):
    out = []
    for p in panels:
        for t in p.get("targets", []):
            if t.get("expr"):
                out.append((p.get("title", "?"), t["expr"]))
        out.extend(panel_queries(p.get("panels", [])))  # rows
    return out


def metric_names(expr):
    """The metric names a PromQL expression selects."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)        # strings (label values, quantile args are numbers)
    s = re.sub(r"\{[^}]*\}", " ", s)                     # label matchers
    s = re.sub(r"\[[^\]]*\]", " ", s)                    # ranges and subqueries
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)  # label lists
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        word, rest = m.group(0), s[m.end():]
        if word.lower() in KEYWORDS or re.match(r"\s*\(", rest):  # a keyword, or a call
            continue
        if m.start() > 0 and (s[m.start() - 1].isdigit() or s[m.start() - 1] == "."):
            continue  # the exponent or unit of a number (1e3)
        names.add(word)
    return names


def exposed_names(text):
    """Series names on a /metrics page, and each histogram's family name."""
    names, histograms = set(), set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            if kind.strip() == "histogram":
                histograms.add(name)
        elif line and not line.startswith("#"):
            names.add(re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line).group(0))
    for h in histograms:
        assert {h + "_bucket", h + "_sum", h + "_count"} <= names, f"histogram {h} lacks a suffix series"
    return names | histograms


def with_crl(root):
    """dir/config: the repository's, with https.tls.crl set to a CRL of the development CA."""
    (root / "ca-db").mkdir()
    (root / "ca-db/index.txt").write_text("")
    (root / "ca-db/crlnumber").write_text("01\n")
    (root / "ca-db/ca.cnf").write_text(
        "[ca]\ndefault_ca = dev\n[dev]\ndatabase = ca-db/index.txt\ncrlnumber = ca-db/crlnumber\n"
        "default_md = sha256\ndefault_crl_days = 30\ncertificate = var/pki/ca.pem\nprivate_key = var/pki/ca.key\n")
    subprocess.run(["openssl", "ca", "-config", "ca-db/ca.cnf", "-gencrl", "-out", "var/pki/crl.pem"], cwd=root,
                   check=True, capture_output=True, timeout=60)
    commented = '#crl = ["/etc/sluis/tls/partners.crl"]'
    walkthrough.own_config(root, lambda text: text.replace(commented, f'crl = ["{root / "var/pki/crl.pem"}"]', 1))


class ContribTest(unittest.TestCase):
    def test_alert_rules_pass_promtool(self):
        out = check_rules(ALERTS)
        self.assertRegex(out, r"SUCCESS: \d+ rules found")
        self.assertGreaterEqual(len(alert_expressions()), 10)

    def test_dashboard_queries_pass_promtool(self):
        queries = panel_queries(json.loads(DASHBOARD.read_text())["panels"])
        self.assertGreaterEqual(len(queries), 10)
        with tempfile.TemporaryDirectory(prefix="sluis-contrib-") as d:
            rules = pathlib.Path(d) / "dashboard-rules.yml"
            # One recording rule per query; JSON is YAML, so json.dumps quotes each expression.
            lines = ["groups:", "  - name: dashboard", "    rules:"]
            for n, (title, expr) in enumerate(queries):
                lines.append(f"      - record: sluis_dashboard:query_{n}")
                lines.append(f"        expr: {json.dumps(expr)}")
            rules.write_text("\n".join(lines) + "\n")
            out = check_rules(rules)
            self.assertIn(f"SUCCESS: {len(queries)} rules found", out)

    def test_metric_names_parse(self):
        # The extraction itself, on the shapes the files use.
        self.assertEqual(metric_names('histogram_quantile(0.99, sum by (instance, le) '
                                      '(rate(sluis_x_bucket{outcome=~"a|b"}[5m]))) > 0.5'), {"sluis_x_bucket"})
        self.assertEqual(metric_names('(sluis_a - time()) and sluis_b > 2 * 86400'), {"sluis_a", "sluis_b"})
        self.assertEqual(metric_names('up{job="sluis"} == 0 or absent(sluis_c)'), {"up", "sluis_c"})

    def test_every_metric_named_is_exposed_by_sluisd(self):
        if walkthrough.BIN is None:
            self.skipTest("SLUIS_BIN_DIR not set (run through ctest)")
        promtool()  # fails, not skips, without it
        used = {}
        for expr in alert_expressions():
            for name in metric_names(expr):
                used.setdefault(name, f"alert: {expr}")
        for title, expr in panel_queries(json.loads(DASHBOARD.read_text())["panels"]):
            for name in metric_names(expr):
                used.setdefault(name, f"panel {title!r}: {expr}")
        self.assertTrue(any(n.endswith("_bucket") for n in used), "the files use the histograms")
        daemon = walkthrough.Daemon(prepare=with_crl)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{daemon.plain_port}/metrics", timeout=30) as r:
                page = r.read().decode()
        finally:
            code = daemon.stop()
        log = daemon.log_text()
        shutil.rmtree(daemon.dir, ignore_errors=True)
        self.assertEqual(code, 0, log)
        exposed = exposed_names(page)
        missing = {n: where for n, where in used.items() if n not in exposed and n not in PROMETHEUS_NAMES}
        self.assertEqual(missing, {}, "named in contrib/ but not exposed by a running sluisd")


if __name__ == "__main__":
    unittest.main(verbosity=2)
