#!/usr/bin/env bash
# HTTP benchmark (label bench; prints, never fails on time): accepted messages
# per second and p50/p99 latency of POST /v1/messages with a 4.4 KB iJw 323
# (the corpus declaration, made new per request) over 32
# keep-alive mutual-TLS connections, side by side with nginx answering
# `return 202` with the same TLS settings (TLS 1.2/1.3, client certificate
# verified against the same CA) on the same machine in the same run, both
# driven by the same load generator (sluis-load; wrk has no client
# certificates). Then sluisd's RSS idle and with 10 000 idle TLS connections.
# Usage: http_bench.sh BUILD_DIR SOURCE_DIR [SECONDS]   (a Release build for real numbers)
set -euo pipefail
build="$1"; src="$2"; secs="${3:-10}"
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "http_bench: installing nginx (Debian package) for the baseline" >&2
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx >/dev/null
fi
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work="$(mktemp -d /tmp/sluis-http-bench-XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
bash "$src/tests/support/make-test-pki.sh" "$work/pki"
pki="$work/pki"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1; }
sport=$(free_port); pport=$(free_port); nport=$(free_port)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/bsn.key"
cat > "$work/sluisd.toml" <<TOML
state_dir = "$work/state"
log_level = "warning"
[admin]
socket = "$work/admin.sock"
group = ""
[https]
port = $sport
max_connections = 20000
[https.tls]
cert = "$pki/server.pem"
key = "$pki/server.key"
ca = ["$pki/ca.pem"]
[plain]
port = $pport
[reference]
cbs_gemeenten = "$src/config/reference/cbs-gemeenten.csv"
productcodes = "$src/config/reference/productcodes.csv"
[schemas]
dir = "$src/schemas"
[secrets]
bsn_hash_key = "file:$work/bsn.key"
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["75302186"]
[[partners.certificates]]
spki_sha256 = "$(spki "$pki/provider.pem")"
[[partners]]
id = "gem"
role = "gemeente"
codes = ["0917"]
[[partners.certificates]]
spki_sha256 = "$(spki "$pki/gemeente.pem")"
TOML
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport ssl;
    ssl_certificate $pki/server.pem;
    ssl_certificate_key $pki/server.key;
    ssl_client_certificate $pki/ca.pem;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 25m;
    location / { return 202 '{"status":"accepted"}'; }
  }
}
CONF
"$build/gateway/sluisd" --config "$work/sluisd.toml" 2> "$work/sluisd.log" &
spid=$!; pids+=("$spid")
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=("$!")
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$pport/healthz" >/dev/null 2>&1 && break; sleep 0.1
done
# A fresh Identificatie, DeclaratieNummer and prestatie ReferentieNummers per
# request (sluis-load puts the request number where @ID@ stands), so every
# request is a new declaration, not a resubmission the rules flag (TR333, TR314).
sed -e 's/Identificatie>DECL-2602-01</Identificatie>@ID@</' -e 's/DeclaratieNummer>JW2602HRL31</DeclaratieNummer>D@ID@</' \
    -e 's/ReferentieNummer>J2602-\([0-9]*\)</ReferentieNummer>@ID@-\1</' \
    "$src/tests/conformance/xsd/ijw/323/valid-declaratie.xml" > "$work/body.xml"
grep -q 'ReferentieNummer>@ID@-' "$work/body.xml"
load="$build/gateway/tools/sluis-load"
common=(--cert "$pki/provider.pem" --key "$pki/provider.key" --ca "$pki/ca.pem" --body "$work/body.xml" --unique @ID@
        --connections 32 --seconds "$secs")
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
idle_rss=$(rss "$spid")
echo "== sluisd: POST /v1/messages, 32 connections, ${secs}s"
s=$("$load" --url "https://127.0.0.1:$sport/v1/messages" "${common[@]}")
echo "$s"
echo "== nginx: return 202, same TLS, 32 connections, ${secs}s"
n=$("$load" --url "https://127.0.0.1:$nport/v1/messages" "${common[@]}")
echo "$n"
python3 - "$s" "$n" <<'PY'
import json, sys
s, n = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"sluis {s['per_second']:.0f}/s (p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, statuses {s['status']})")
print(f"nginx {n['per_second']:.0f}/s (p50 {n['p50_ms']:.1f} ms, p99 {n['p99_ms']:.1f} ms)")
print(f"ratio sluis/nginx = {s['per_second'] / n['per_second']:.2f}  (goal >= 0.5)")
PY
echo "== memory: sluisd RSS idle (after start) ${idle_rss} KiB, after the load $(rss "$spid") KiB"
"$load" --url "https://127.0.0.1:$sport/v1/messages" --cert "$pki/provider.pem" --key "$pki/provider.key" \
  --ca "$pki/ca.pem" --idle 10000 --hold 5 > "$work/idle.out" &
lpid=$!
for _ in $(seq 1 1200); do [ -s "$work/idle.out" ] && break; sleep 0.1; done
echo "idle connections: $(cat "$work/idle.out"); sluisd RSS with them $(rss "$spid") KiB"
# Then the load generator closes them all at once: sluisd's CPU time (utime +
# stime, in clock ticks) from now, while they are held, until none is open.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
open_https() { curl -s "http://127.0.0.1:$pport/metrics" | awk '/^sluis_http_connections\{listener="https/ {n += $2} END {print n + 0}'; }
t0=$(ticks "$spid"); c0=$(date +%s.%N)
wait "$lpid" || true
for _ in $(seq 1 600); do [ "$(open_https)" -eq 0 ] && break; sleep 0.1; done
python3 -c "import os,sys; t=(int(sys.argv[2])-int(sys.argv[1]))/os.sysconf('SC_CLK_TCK'); print(f'closing 10000 idle connections: sluisd CPU {t:.2f} s, {sys.argv[3]} open after {float(sys.argv[5])-float(sys.argv[4]):.1f} s (5 s of it held)')" \
  "$t0" "$(ticks "$spid")" "$(open_https)" "$c0" "$(date +%s.%N)"
