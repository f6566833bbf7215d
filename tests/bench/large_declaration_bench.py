#!/usr/bin/env python3
"""Large declarations (label bench; prints, fails only when the declaration cannot be made or is not accepted).

Issue #26: a 24 MB iJw 323 (about 40 000 prestaties) against 100 000 allocations, XSD + model + all
rules + commit + 325, end to end through HTTPS; time and sluisd's peak RSS, beside
`xmllint --stream` validating the same file against the same schema. Goals: at most 2 s, and a
peak RSS of at most 3x the file.

    large_declaration_bench.py BUILD_DIR SOURCE_DIR [--prestaties N] [--allocations M]
                               [--attach 'CMD {pid}'] [--sluisd-env NAME=VALUE]... [--keep]

What it does, in a scratch directory (under $SLUIS_BENCH_DIR when set, else the temp dir):
  - starts BUILD_DIR/gateway/sluisd with the development PKI (scripts/lib/dev-pki.sh) and a
    configuration of its own: the provider 87654321 and the gemeente 0935 (which has sluis answer
    for it, retour = "gateway"), the example region's contracts with tariffs, ceilings and the
    degressive tariff (config/contracts/), free loopback ports read back from status-get, and
    admin.max_request raised to 64 MiB for the import;
  - imports M allocations (iJw 45A04, minutes per month, two per client: one ended, one current)
    as a back-office CSV with `sluisctl ledger-import --apply --batch 10000`, which judges every
    row with the daemon's own rules (several runs when the CSV exceeds the request limit);
  - writes a 323 for the month before today with N prestaties on the clients' current
    allocations (one per client for the declaration month, then the month before for more),
    consistent with every rule sluis applies to it: totals, periods, volume, product and unit,
    contract tariff, unique references;
  - restarts sluisd (a clean stop), so that the declaration meets a daemon without the import's
    heap, and resets its VmHWM to its VmRSS (/proc/PID/clear_refs);
  - POSTs the 323 once over mutual TLS to /v1/messages as the provider, timing from the first
    byte sent to the last byte of the answer read (the handshake before it); the answer must be
    202 "accepted"; reads VmHWM (the peak of the POST) and fetches the 325 sluis composed from
    the provider's mailbox;
  - runs `xmllint --stream --noout --schema jw323.xsd` on the same file (installing
    libxml2-utils when it is missing) and reads its time and maximum RSS (wait4);
  - prints a table, then one `bench-result: {json}` line per figure.

--attach runs CMD (with {pid} replaced by sluisd's pid) from just before the POST until the 325
has been fetched, then interrupts it (SIGINT): e.g. --attach 'perf record -g -p {pid} -o perf.data'.
--sluisd-env sets a variable for sluisd alone, {start} in its value replaced by "import" or
"declaration" (which of the two starts): e.g. LD_PRELOAD=/usr/lib/heaptrack/libheaptrack_preload.so
and DUMP_HEAPTRACK_OUTPUT=/tmp/heap-{start}.raw for heaptrack (heaptrack_interpret reads the
file), or MALLOC_ARENA_MAX=1.
--keep leaves the scratch directory (with sluisd's log, the CSV and the 323) and says where.
Bounded: the whole run stops after 10 minutes. Run by ctest (label bench) on the build it
belongs to; a Release build for real numbers.
"""
import argparse
import datetime
import http.client
import json
import os
import pathlib
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from partners import listener, port_of  # noqa: E402

LIMIT_S = 600
PROVIDER, GEMEENTE = "87654321", "0935"
# iJw 45A04 (jeugdhulp ambulant specialistisch) is in the development product list and in the
# example region's catalogue for heuvelland (which covers 0935) in minutes (Eenheid 01), at the
# contract's default tariff of 142 eurocent per minute, and 87654321 is contracted for it.
CATEGORIE, PRODUCTCODE, EENHEID, TARIEF = "45", "45A04", "01", 142
VOLUME_PER_MONTH = 600  # minutes per month (Frequentie 4) in each allocation
ALLOCATION_BASE = 400000001  # ToewijzingNummers from here (9 digits)
CSV_ROWS_PER_RUN = 200000  # about 20 MB of CSV per ledger-import request (limit 64 MiB)


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout(f"the run took more than {LIMIT_S} s")


def bsns(count):
    """count fictional BSNs that pass the 11-check, from 990000000 upwards."""
    out, n = [], 99000000
    while len(out) < count:
        digits = f"{n:08d}"
        s = sum((9 - i) * int(c) for i, c in enumerate(digits)) % 11
        if s <= 9:
            out.append(digits + str(s))
        n += 1
    return out


def month_start(d):
    return d.replace(day=1)


def month_before(d):
    return (month_start(d) - datetime.timedelta(days=1)).replace(day=1)


def month_end(d):
    return (month_start(d) + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


class Plan:
    """The allocations and the declaration, derived from today's date so that the run stays valid."""

    def __init__(self, prestaties, allocations, today):
        self.today = today
        self.month = month_before(today)  # the declaration month: the last whole month
        self.earlier = month_before(self.month)  # the month before it, for more than one prestatie per client
        # Current allocations begin two months before the declaration month, open-ended; each client
        # also has an ended one from a year before (history the ledger carries, not declared on).
        self.current_from = month_before(self.earlier)
        self.ended_from = month_start(self.current_from.replace(year=self.current_from.year - 1))
        self.ended_to = self.current_from - datetime.timedelta(days=1)
        self.clients = allocations // 2
        self.allocations = self.clients * 2
        if prestaties > 2 * self.clients:
            raise SystemExit(f"--prestaties {prestaties}: at most two per client's current allocation, "
                             f"{2 * self.clients} with {self.allocations} allocations")
        self.prestaties = prestaties
        self.bsn = bsns(self.clients)
        tag = os.urandom(3).hex().upper()
        self.identificatie = f"LD{tag}"
        self.declaratienummer = f"LD{tag}"
        self.ref_prefix = f"LD{tag}-"

    def current_nummer(self, client):
        return ALLOCATION_BASE + 2 * client + 1

    def csv_files(self, directory):
        header = ("soort;wet;gemeente;aanbieder;bsn;toewijzingnummer;categorie;productcode;"
                  "ingangsdatum;einddatum;volume;eenheid;frequentie\n")
        rows = []
        for c in range(self.clients):
            common = f"toewijzing;ijw;{GEMEENTE};{PROVIDER};{self.bsn[c]};"
            product = f";{CATEGORIE};{PRODUCTCODE};"
            omvang = f";{VOLUME_PER_MONTH};{EENHEID};4\n"
            rows.append(common + str(ALLOCATION_BASE + 2 * c) + product +
                        f"{self.ended_from};{self.ended_to}" + omvang)
            rows.append(common + str(self.current_nummer(c)) + product + f"{self.current_from};" + omvang)
        files = []
        for i in range(0, len(rows), CSV_ROWS_PER_RUN):
            path = directory / f"toewijzingen-{i // CSV_ROWS_PER_RUN + 1:02d}.csv"
            path.write_text(header + "".join(rows[i:i + CSV_ROWS_PER_RUN]))
            files.append(path)
        return files

    def declaration(self):
        """The 323 as bytes, and its TotaalIngediendBedrag."""
        per_client = 1 if self.prestaties <= self.clients else 2
        months = [self.month, self.earlier]
        lines, total, made = [], 0, 0
        c = 0
        while made < self.prestaties:
            take = min(per_client, self.prestaties - made)
            lines.append(f"<Client>\n<Bsn>{self.bsn[c]}</Bsn>\n<Prestaties>\n")
            for k in range(take):
                m = months[k]
                volume = 10 + (made % 21)  # 10..30 minutes: the year stays under the ceiling
                amount = volume * TARIEF
                total += amount
                lines.append(
                    "<Prestatie>\n"
                    f"<ProductReferentie>\n<ijw:ReferentieNummer>{self.ref_prefix}{made + 1}</ijw:ReferentieNummer>\n"
                    "</ProductReferentie>\n"
                    f"<ToewijzingNummer>{self.current_nummer(c)}</ToewijzingNummer>\n"
                    f"<ProductCategorie>{CATEGORIE}</ProductCategorie>\n"
                    f"<ProductCode>{PRODUCTCODE}</ProductCode>\n"
                    f"<ProductPeriode>\n<ijw:Begindatum>{month_start(m)}</ijw:Begindatum>\n"
                    f"<ijw:Einddatum>{month_end(m)}</ijw:Einddatum>\n</ProductPeriode>\n"
                    f"<GeleverdVolume>{volume}</GeleverdVolume>\n"
                    f"<Eenheid>{EENHEID}</Eenheid>\n"
                    f"<ProductTarief>{TARIEF}</ProductTarief>\n"
                    f"<IngediendBedrag>\n<ijw:Bedrag>{amount}</ijw:Bedrag>\n<ijw:DebetCredit>D</ijw:DebetCredit>\n"
                    "</IngediendBedrag>\n"
                    "</Prestatie>\n")
                made += 1
            lines.append("</Prestaties>\n</Client>\n")
            c += 1
        head = f"""<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/ijw/3_2/jw323/schema" xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema">
<Header>
<BerichtCode>490</BerichtCode>
<BerichtVersie>3</BerichtVersie>
<BerichtSubversie>2</BerichtSubversie>
<Afzender>{PROVIDER}</Afzender>
<Ontvanger>{GEMEENTE}</Ontvanger>
<BerichtIdentificatie>
<ijw:Identificatie>{self.identificatie}</ijw:Identificatie>
<ijw:Dagtekening>{self.today}</ijw:Dagtekening>
</BerichtIdentificatie>
<XsdVersie>
<ijw:BasisschemaXsdVersie>0.1.0</ijw:BasisschemaXsdVersie>
<ijw:BerichtXsdVersie>0.1.0</ijw:BerichtXsdVersie>
</XsdVersie>
</Header>
<Declaratie>
<DeclaratieNummer>{self.declaratienummer}</DeclaratieNummer>
<DeclaratiePeriode>
<ijw:Begindatum>{month_start(self.month)}</ijw:Begindatum>
<ijw:Einddatum>{month_end(self.month)}</ijw:Einddatum>
</DeclaratiePeriode>
<DeclaratieDagtekening>{self.today}</DeclaratieDagtekening>
<TotaalIngediendBedrag>
<ijw:TotaalBedrag>{total}</ijw:TotaalBedrag>
<ijw:DebetCredit>D</ijw:DebetCredit>
</TotaalIngediendBedrag>
<Clienten>
"""
        tail = "</Clienten>\n</Declaratie>\n</Bericht>\n"
        return (head + "".join(lines) + tail).encode(), total, c


def spki(pki, name):
    return subprocess.run(
        f"openssl x509 -in {name}.pem -noout -pubkey | openssl pkey -pubin -outform der | sha256sum",
        shell=True, cwd=pki, check=True, capture_output=True, text=True).stdout.split()[0]


def write_config(work, pki, src):
    (work / "bsn.key").write_text(os.urandom(32).hex())
    contracts = src / "config/contracts"
    (work / "sluisd.toml").write_text(f"""\
state_dir = "{work}/state"
log_level = "warning"
[admin]
socket = "{work}/admin.sock"
group = ""
read_timeout = "5m"
max_request = "64MiB"
[https]
port = 0
body_timeout = "5m"
[https.tls]
cert = "{pki}/server.pem"
key = "{pki}/server.key"
ca = ["{pki}/ca.pem"]
[plain]
port = 0
[reference]
cbs_gemeenten = "{src}/config/reference/cbs-gemeenten.csv"
productcodes = "{src}/config/reference/productcodes.csv"
[contracts]
catalogue = "{contracts}/catalogus.csv"
coverage = "{contracts}/gemeenten.csv"
tariffs = "{contracts}/tarieven.csv"
ceilings = "{contracts}/plafonds.csv"
degressive = "{contracts}/degressief.csv"
[schemas]
dir = "{src}/schemas"
[secrets]
bsn_hash_key = "file:{work}/bsn.key"
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["{PROVIDER}"]
[[partners.certificates]]
spki_sha256 = "{spki(pki, 'provider')}"
[[partners]]
id = "gem"
role = "gemeente"
codes = ["{GEMEENTE}"]
retour = "gateway"
[[partners.certificates]]
spki_sha256 = "{spki(pki, 'gemeente')}"
""")


def unit_environment(src):
    """The Environment= lines of systemd/sluisd.service: sluisd runs here as the unit runs it."""
    lines = (src / "systemd/sluisd.service").read_text().splitlines()
    return dict(line.split("=", 2)[1:] for line in lines if line.startswith("Environment="))


def start_daemon(build, work, extra_env, which):
    """Starts sluisd on work/sluisd.toml; returns (process, HTTPS port), or (None, None) when it is not ready.
    `which` ("import" or "declaration") replaces {start} in the values of extra_env."""
    extra_env = {k: v.replace("{start}", which) for k, v in extra_env.items()}
    notify_path = work / "notify.sock"
    notify_path.unlink(missing_ok=True)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(notify_path))
    env = dict(os.environ, NOTIFY_SOCKET=str(notify_path), **extra_env)
    env.pop("SLUIS_PORT", None)
    env.pop("SLUIS_PLAIN_PORT", None)
    log = open(work / "sluisd.log", "ab")
    daemon = subprocess.Popen([str(build / "gateway/sluisd"), "--config", str(work / "sluisd.toml")],
                              stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    notify.settimeout(1)
    ready, until = False, time.monotonic() + 60
    while not ready and time.monotonic() < until and daemon.poll() is None:
        try:
            ready = "READY=1" in notify.recv(4096).decode(errors="replace").splitlines()
        except socket.timeout:
            pass
    notify.close()
    if not ready:
        print("FAILED: sluisd did not become ready:\n" + (work / "sluisd.log").read_text(errors="replace")[-4000:])
        stop_daemon(daemon)
        return None, None
    port = port_of(listener(build / "gateway/tools/sluisctl", work / "admin.sock", "https"))
    return daemon, port


def stop_daemon(daemon):
    """A clean stop (SIGTERM), a kill after 30 s."""
    if daemon is None or daemon.poll() is not None:
        return
    daemon.terminate()
    try:
        daemon.wait(timeout=30)
    except subprocess.TimeoutExpired:
        daemon.kill()
        daemon.wait()


def reset_peak(pid):
    """Sets VmHWM to the current VmRSS (clear_refs 5, Linux 4.0 and later); False when not possible."""
    try:
        pathlib.Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def proc_kib(pid, *keys):
    out = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in keys:
            out[key] = int(line.split()[1])
    return out


def ensure_xmllint():
    if shutil.which("xmllint"):
        return shutil.which("xmllint")
    print("installing libxml2-utils (Debian package) for xmllint, the peer", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q",
                           "--no-install-recommends", "libxml2-utils"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("xmllint")


def run_measured(argv):
    """Runs argv; returns (exit status, seconds, max RSS in KiB, output, CPU seconds) of that child alone (wait4)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(p.pid, 0)
    took = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    out = p.stdout.read().decode(errors="replace")
    p.stdout.close()
    return p.returncode, took, usage.ru_maxrss, out, usage.ru_utime + usage.ru_stime


def post(ctx, port, body):
    """POSTs body once; returns (status, answer bytes, seconds from the first byte sent to the last read)."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=300)
    conn.connect()  # the handshake is not part of the figure
    t0 = time.monotonic()
    conn.request("POST", "/v1/messages", body=body, headers={"Content-Type": "application/xml"})
    r = conn.getresponse()
    answer = r.read()
    took = time.monotonic() - t0
    conn.close()
    return r.status, answer, took


def get(ctx, port, path):
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=120)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


def cpu_seconds(pid):
    """User plus system CPU time of pid (all its threads), in seconds."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(kib):
    return kib / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("source")
    ap.add_argument("--prestaties", type=int, default=40000)
    ap.add_argument("--allocations", type=int, default=100000)
    ap.add_argument("--attach", default="")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--sluisd-env", action="append", default=[], metavar="NAME=VALUE")
    a = ap.parse_args()
    build, src = pathlib.Path(a.build).resolve(), pathlib.Path(a.source).resolve()
    daemon_env = dict(unit_environment(src), **dict(e.split("=", 1) for e in a.sluisd_env))
    command = f"tests/bench/large_declaration_bench.py {a.build} {a.source}"
    if a.prestaties != 40000 or a.allocations != 100000:
        command += f" --prestaties {a.prestaties} --allocations {a.allocations}"
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(LIMIT_S)

    base = os.environ.get("SLUIS_BENCH_DIR") or None
    work = pathlib.Path(tempfile.mkdtemp(prefix="sluis-large-bench-", dir=base))
    pki = work / "pki"
    daemon = attached = None
    try:
        xmllint = ensure_xmllint()
        today = datetime.date.today()
        plan = Plan(a.prestaties, a.allocations, today)
        subprocess.run(["bash", "-c", '. "$1/scripts/lib/dev-pki.sh" && sluis_dev_pki "$2"', "_", str(src), str(pki)],
                       check=True)
        write_config(work, pki, src)
        sluisctl = [str(build / "gateway/tools/sluisctl"), "--socket", str(work / "admin.sock")]
        daemon, port = start_daemon(build, work, daemon_env, "import")
        if daemon is None:
            return 1
        print(f"machine: {os.cpu_count()} cores, "
              f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') >> 20} MiB, load {os.getloadavg()[0]:.2f}; "
              f"sluisd {build / 'gateway/sluisd'} (pid {daemon.pid}); its environment: "
              f"{' '.join(f'{k}={v}' for k, v in daemon_env.items()) or 'none added'}", flush=True)

        # The allocations: through the daemon's own judging (ledger-import), in batches of 10 000.
        t0 = time.monotonic()
        csvs = plan.csv_files(work)
        imported = 0
        for path in csvs:
            r = subprocess.run(sluisctl + ["--json", "ledger-import", "--apply", "--batch", "10000", str(path)],
                               capture_output=True, text=True)
            try:
                totals = json.loads(r.stdout)["arguments"]["totals"]
            except (ValueError, KeyError):
                print(f"FAILED: ledger-import of {path.name} (exit {r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
                return 1
            if r.returncode != 0 or totals.get("refused"):
                print(f"FAILED: ledger-import of {path.name} (exit {r.returncode}): {totals}")
                return 1
            imported += totals.get("imported", 0)
        import_s = time.monotonic() - t0
        csv_bytes = sum(p.stat().st_size for p in csvs)
        if imported != plan.allocations:
            print(f"FAILED: {imported} allocations imported of {plan.allocations}")
            return 1
        import_hwm = proc_kib(daemon.pid, "VmHWM")["VmHWM"]
        print(f"allocations: {imported} imported in {import_s:.1f} s ({len(csvs)} ledger-import run(s), "
              f"{csv_bytes / 1e6:.1f} MB of CSV, batches of 10 000; sluisd VmHWM {mib(import_hwm):.0f} MiB)",
              flush=True)
        # A clean restart: the declaration meets a daemon as it runs day to day (the import's heap,
        # which glibc keeps, is gone), with the ledger of M allocations in its store.
        stop_daemon(daemon)
        daemon, port = start_daemon(build, work, daemon_env, "declaration")
        if daemon is None:
            return 1

        body, total, clients = plan.declaration()
        decl = work / "declaratie-323.xml"
        decl.write_bytes(body)
        size = len(body)
        print(f"declaration: {size} bytes ({size / 1e6:.1f} MB, {size / 2**20:.1f} MiB), {plan.prestaties} prestaties "
              f"of {clients} clients, DeclaratiePeriode {month_start(plan.month)}..{month_end(plan.month)}, "
              f"TotaalIngediendBedrag {total} eurocent", flush=True)

        ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
        ctx.load_cert_chain(str(pki / "provider.pem"), str(pki / "provider.key"))
        time.sleep(1)
        # VmHWM from here on: the peak of the POST, not of the start.
        if not reset_peak(daemon.pid):
            print("note: /proc/PID/clear_refs refused; VmHWM includes sluisd's start")
        before = proc_kib(daemon.pid, "VmHWM", "VmRSS")
        if a.attach:
            attached = subprocess.Popen(shlex.split(a.attach.replace("{pid}", str(daemon.pid))),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(2)
        cpu0 = cpu_seconds(daemon.pid)
        code, answer, took = post(ctx, port, body)
        cpu = cpu_seconds(daemon.pid) - cpu0
        after = proc_kib(daemon.pid, "VmHWM", "VmRSS")
        try:
            verdict = json.loads(answer)
        except ValueError:
            verdict = {}
        findings = verdict.get("findings", [])
        count = verdict.get("findings_total", len(findings))
        rules = sorted({f.get("rule") or f.get("origin") or "?" for f in findings})
        print(f"answer: HTTP {code}, status {verdict.get('status')!r}, {count} finding(s) {rules}, "
              f"in {took:.3f} s (sluisd CPU {cpu:.2f} s)", flush=True)
        if code != 202 or verdict.get("status") != "accepted":
            print(f"FAILED: the declaration was not accepted:\n{answer[:4000].decode(errors='replace')}")
            return 1
        retour = verdict.get("retour")
        if not retour:
            print(f"FAILED: the answer names no 325 (retour): {answer[:2000].decode(errors='replace')}")
            return 1
        rcode, antwoord = get(ctx, port, f"/v1/mailbox/{retour}")
        if rcode != 200 or b"<jw325:BerichtCode>491<" not in antwoord and b"BerichtCode>491<" not in antwoord:
            print(f"FAILED: the 325 {retour} is not in the provider's mailbox (HTTP {rcode}): {antwoord[:2000]!r}")
            return 1
        full = b"8001" in antwoord
        print(f"325: {retour}, {len(antwoord)} bytes in the provider's mailbox"
              f"{', RetourCode 8001 (declaration fully allocated)' if full else ''}", flush=True)
        if attached is not None:
            attached.send_signal(signal.SIGINT)
            try:
                attached.wait(timeout=120)
            except subprocess.TimeoutExpired:
                attached.kill()
                attached.wait()
            attached = None

        xsd = src / "schemas/ijw/3.2/jw323.xsd"
        xcode, xtook, xrss, xout, xcpu = run_measured([xmllint, "--stream", "--noout", "--schema", str(xsd), str(decl)])
        if xcode != 0:
            print(f"xmllint --stream did not validate the file (exit {xcode}): {xout[-2000:]}")
        else:
            print(f"xmllint --stream: {xout.strip().splitlines()[-1] if xout.strip() else 'valid'}")

        size_mib = size / 2**20
        hwm_mib = mib(after["VmHWM"])
        base_mib = mib(before["VmRSS"])
        growth_mib = hwm_mib - base_mib
        x_mib = mib(xrss)

        def verdict_of(ok):
            return "met" if ok else "not met"

        rows = [
            ("end to end (POST sent -> 202 read)", f"{took:.2f} s", f"{xtook:.2f} s", f"{took / xtook:.1f}x peer",
             "<= 2 s", verdict_of(took <= 2)),
            ("CPU time (user + system)", f"{cpu:.2f} s", f"{xcpu:.2f} s", f"{cpu / xcpu:.1f}x peer", "", ""),
            ("sluisd peak RSS (VmHWM)", f"{hwm_mib:.0f} MiB", f"{x_mib:.0f} MiB", f"{hwm_mib / size_mib:.1f}x file",
             "<= 3x file", verdict_of(hwm_mib <= 3 * size_mib)),
            ("sluisd peak RSS above its idle RSS", f"{growth_mib:.0f} MiB", "", f"{growth_mib / size_mib:.1f}x file",
             "<= 3x file", verdict_of(growth_mib <= 3 * size_mib)),
        ]
        print()
        print(f"file: {size_mib:.1f} MiB ({plan.prestaties} prestaties, {plan.allocations} allocations in the ledger)")
        print(f"sluisd before the POST: VmRSS {base_mib:.0f} MiB (VmHWM reset to it: {mib(before['VmHWM']):.0f} MiB); "
              f"after: VmHWM {hwm_mib:.0f} MiB, VmRSS {mib(after['VmRSS']):.0f} MiB")
        print(f"xmllint --stream: {xtook:.2f} s (CPU {xcpu:.2f} s), max RSS {x_mib:.0f} MiB ({x_mib / size_mib:.1f}x file)")
        print(f"{'figure':<38} {'sluisd':>9} {'xmllint':>9} {'ratio':>14} {'goal':>11} {'':>8}")
        for name, v, p, r, g, m in rows:
            print(f"{name:<38} {v:>9} {p:>9} {r:>14} {g:>11} {m:>8}")
        print()
        results = [
            {"name": "large_declaration_end_to_end", "value": round(took, 3), "unit": "s",
             "peer": "xmllint --stream", "peer_value": round(xtook, 3), "ratio": round(took / xtook, 2),
             "goal": "≤ 2 s"},
            {"name": "large_declaration_sluisd_cpu", "value": round(cpu, 2), "unit": "s",
             "peer": "xmllint --stream", "peer_value": round(xcpu, 3), "ratio": round(cpu / xcpu, 2),
             "goal": ""},
            {"name": "large_declaration_peak_rss", "value": round(hwm_mib, 1), "unit": "MiB",
             "peer": "xmllint --stream", "peer_value": round(x_mib, 1), "ratio": round(hwm_mib / size_mib, 2),
             "ratio_of": "file", "file_mib": round(size_mib, 1), "goal": "≤ 3× file"},
            {"name": "large_declaration_peak_rss_above_idle", "value": round(growth_mib, 1), "unit": "MiB",
             "peer": "xmllint --stream", "peer_value": round(x_mib, 1), "ratio": round(growth_mib / size_mib, 2),
             "ratio_of": "file", "file_mib": round(size_mib, 1), "idle_mib": round(base_mib, 1), "goal": "≤ 3× file"},
            {"name": "xmllint_stream_time", "value": round(xtook, 3), "unit": "s", "peer": "xmllint --stream",
             "peer_value": round(xtook, 3), "ratio": 1.0, "goal": ""},
            {"name": "xmllint_stream_peak_rss", "value": round(x_mib, 1), "unit": "MiB", "peer": "xmllint --stream",
             "peer_value": round(x_mib, 1), "ratio": round(x_mib / size_mib, 2), "ratio_of": "file", "goal": ""},
            {"name": "ledger_import_allocations", "value": round(import_s, 1), "unit": "s", "peer": "",
             "peer_value": 0, "ratio": round(plan.allocations / import_s), "ratio_of": "allocations per second",
             "goal": ""},
        ]
        for r in results:
            r["command"] = command
            print("bench-result: " + json.dumps(r, ensure_ascii=False))
        return 0
    except Timeout as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        signal.alarm(0)
        if attached is not None and attached.poll() is None:
            attached.kill()
            attached.wait()
        stop_daemon(daemon)
        if a.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
