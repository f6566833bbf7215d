#!/usr/bin/env bash
# The operator's path of docs/operations.md, in the throwaway root of
# package_root.sh, as root with the package file in $1. sluisd runs as sluis
# with the environment its unit gives it (STATE_DIRECTORY, RUNTIME_DIRECTORY,
# CREDENTIALS_DIRECTORY, the directories systemd makes); sluisctl runs as an
# operator in sluis-admin and as a user who is not.
set -euo pipefail
walk="$1"
cd "$walk"
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
as() { local u="$1"; shift; setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
# Runs a command expecting exit code $1; prints its output.
expect() {
  local want="$1"; shift
  local rc=0
  "$@" >"$walk/out" 2>&1 || rc=$?
  cat "$walk/out"
  [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want: $*"
}

step "apt install ./sluis_*.deb (dpkg -i; the dependencies are present)"
dpkg -i ./sluis_*.deb
getent passwd sluis >/dev/null || fail "no user sluis"
getent group sluis-admin >/dev/null || fail "no group sluis-admin"
[ "$(stat -c '%a %U %G' /etc/sluis)" = "750 root sluis" ] || fail "/etc/sluis is $(stat -c '%a %U %G' /etc/sluis)"
[ "$(stat -c '%a %U %G' /etc/sluis/credentials)" = "700 root root" ] || fail "/etc/sluis/credentials"
[ ! -e /etc/sluis/credentials/bsn-hash.key ] || fail "the package made a key"
[ ! -e /etc/sluis/tls ] || fail "the package made certificates"
systemctl is-enabled sluisd.service 2>/dev/null && fail "an unconfigured sluisd was enabled"

# What systemd gives the unit: the credential copied for the service, the
# state and runtime directories owned by sluis (StateDirectoryMode=0750,
# RuntimeDirectoryMode=0755).
unit_dirs() {
  install -d -o sluis -g sluis -m 0750 /var/lib/sluis
  install -d -o sluis -g sluis -m 0755 /run/sluis
  install -d -o sluis -g sluis -m 0500 /run/credentials/sluisd.service
  if [ -f /etc/sluis/credentials/bsn-hash.key ]; then
    install -o sluis -g sluis -m 0400 /etc/sluis/credentials/bsn-hash.key /run/credentials/sluisd.service/bsn-hash.key
  fi
}
# And the unit's own Environment= lines, as installed.
mapfile -t unit_set < <(sed -n 's/^Environment=//p' /usr/lib/systemd/system/sluisd.service)
unit_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin STATE_DIRECTORY=/var/lib/sluis RUNTIME_DIRECTORY=/run/sluis
  CREDENTIALS_DIRECTORY=/run/credentials/sluisd.service "${unit_set[@]}")
check_config() { as sluis "${unit_env[@]}" /usr/sbin/sluisd --check-config --config /etc/sluis/sluisd.toml; }

step "the packaged configuration as installed: refused until the marked places are filled (first the BSN key)"
unit_dirs
expect 78 check_config
grep -q "bsn-hash.key" "$walk/out" || fail "check-config does not name the missing BSN key"
(umask 077 && openssl rand -hex 32 > /etc/sluis/credentials/bsn-hash.key)
unit_dirs
expect 78 check_config
grep -q "/etc/sluis/tls/server.pem" "$walk/out" || fail "check-config does not name the missing server certificate"

step "fill in: server certificate, partners' CA and CRL, listener, partners"
. ./dev-pki.sh
sluis_dev_pki "$walk/pki"
install -d -o root -g sluis -m 0750 /etc/sluis/tls
install -o root -g sluis -m 0644 "$walk/pki/server.pem" /etc/sluis/tls/server.pem
install -o root -g sluis -m 0640 "$walk/pki/server.key" /etc/sluis/tls/server.key
install -o root -g sluis -m 0644 "$walk/pki/ca.pem" /etc/sluis/tls/partners-ca.pem
# The CA's current CRL (an operator fetches the partners' CA's CRL).
( cd "$walk/pki" && : > index.txt && echo 01 > crlnumber &&
  printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n' > ca.cnf &&
  openssl ca -batch -config ca.cnf -gencrl -keyfile ca.key -cert ca.pem -out partners.crl 2>/dev/null )
install -o root -g sluis -m 0644 "$walk/pki/partners.crl" /etc/sluis/tls/partners.crl
spki() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -r | cut -d' ' -f1; }
conf=/etc/sluis/sluisd.toml
# The listener on loopback and any free port (the walk shares the host's
# network); the plain listener off.
sed -i -e '/^\[https\]/,/^\[/ s/^address = .*/address = "127.0.0.1"/' -e '/^\[https\]/,/^\[/ s/^port = .*/port = 0/' \
  -e '/^\[plain\]/,/^\[/ s/^enabled = .*/enabled = false/' "$conf"
cat >> "$conf" <<TOML

[[partners]]
id = "gemeente-0935"
role = "gemeente"
codes = ["0935"]
mode = "live"
retour = "gateway"
[[partners.certificates]]
spki_sha256 = "$(spki "$walk/pki/gemeente.pem")"

[[partners]]
id = "aanbieder-87654321"
role = "aanbieder"
codes = ["87654321"]
mode = "not_enrolled"
[[partners.certificates]]
spki_sha256 = "$(spki "$walk/pki/provider.pem")"
TOML
unit_dirs
expect 0 check_config

step "sluisd starts as sluis with the unit's environment"
start_daemon() {
  setpriv --reuid=sluis --regid=sluis --init-groups -- "${unit_env[@]}" /usr/sbin/sluisd \
    --config /etc/sluis/sluisd.toml >"$walk/sluisd.log" 2>&1 &
  echo $! > "$walk/sluisd.pid"
  local i
  for i in $(seq 1 300); do  # up to 30 s for the admin socket to answer
    if sluisctl status-get >/dev/null 2>&1; then return 0; fi
    kill -0 "$(cat "$walk/sluisd.pid")" 2>/dev/null || { cat "$walk/sluisd.log"; fail "sluisd exited"; }
    sleep 0.1
  done
  cat "$walk/sluisd.log"; fail "sluisd did not answer on /run/sluis/sluisd.sock"
}
stop_daemon() {
  local pid; pid="$(cat "$walk/sluisd.pid")"
  kill -TERM "$pid"
  local i
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || { rm -f "$walk/sluisd.pid"; return 0; }; sleep 0.1; done
  fail "sluisd did not stop on SIGTERM"
}
start_daemon
[ "$(stat -c %U "/proc/$(cat "$walk/sluisd.pid")")" = sluis ] || fail "sluisd does not run as sluis: $(ps -o user=,comm= -p "$(cat "$walk/sluisd.pid")")"
[ "$(stat -c '%a %U %G' /run/sluis/sluisd.sock)" = "660 sluis sluis-admin" ] ||
  fail "the admin socket is $(stat -c '%a %U %G' /run/sluis/sluisd.sock)"
[ "$(stat -c '%a %U' /var/lib/sluis/sluis.db)" = "600 sluis" ] || fail "the store is $(stat -c '%a %U' /var/lib/sluis/sluis.db)"
# The unit asks glibc for transparent huge pages for the heap
# (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): sluisd has it, and glibc advised
# its heap (MADV_HUGEPAGE: "hg" among the mapping's VmFlags).
grep -qz '^GLIBC_TUNABLES=glibc.malloc.hugetlb=1$' "/proc/$(cat "$walk/sluisd.pid")/environ" ||
  fail "sluisd lacks the unit's GLIBC_TUNABLES"
if [ -e /sys/kernel/mm/transparent_hugepage/enabled ]; then  # a kernel with THP
  awk '/^[0-9a-f]+-[0-9a-f]+ / {heap = ($6 == "[heap]")} heap && /^VmFlags:/' "/proc/$(cat "$walk/sluisd.pid")/smaps" |
    grep -qw hg || fail "glibc did not advise sluisd's heap for huge pages"
fi

step "an operator in sluis-admin and a user who is not"
useradd --create-home --groups sluis-admin op
useradd --create-home other
expect 0 as op sluisctl status-get
port="$(as op sluisctl --json status-get | python3 -c 'import json,sys; a=json.load(sys.stdin)["arguments"]; print(next(u.rsplit(":", 1)[1] for u in a["listeners"] if u.startswith("https://")))')"
[ -n "$port" ] || fail "no https port in status-get"
expect 77 as other sluisctl status-get
grep -q "permission denied" "$walk/out" || fail "the refusal does not say why"
expect 0 as op sluisctl queue-list
# An offline command on the installed data (no configuration needed).
expect 0 as op sluisctl validate /usr/share/doc/sluis/examples/messages/301-toewijzing.xml
grep -q "VALID" "$walk/out" || fail "validate does not say VALID"

step "enrol the provider: not enrolled -> shadow -> live, each by config-reload"
url="https://127.0.0.1:$port"
curl_as() {  # pki-name path [curl args]
  local who="$1" path="$2"; shift 2
  curl -sS --cacert "$walk/pki/ca.pem" --cert "$walk/pki/$who.pem" --key "$walk/pki/$who.key" \
    -o "$walk/answer" -w '%{http_code}' "$@" "$url$path"
}
submit_301() {  # file -> the message id in $msg
  local code
  code="$(curl_as gemeente /v1/messages -H 'Content-Type: application/xml' --data-binary "@$1")"
  [ "$code" = 202 ] || { cat "$walk/answer"; fail "the 301 $1 was answered $code"; }
  msg="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$walk/answer")"
}
set_mode() {  # the provider's mode, applied the documented way
  sed -i '/^id = "aanbieder-87654321"/,/^\[\[partners.certificates\]\]/ s/^mode = .*/mode = "'"$1"'"/' "$conf"
  expect 0 as op sluisctl config-test --file "$conf"
  expect 0 as op sluisctl config-reload
}
code="$(curl_as provider /v1/whoami)"
[ "$code" = 403 ] && grep -q not_enrolled "$walk/answer" || { cat "$walk/answer"; fail "not enrolled: whoami was $code"; }
set_mode shadow
[ "$(curl_as provider /v1/whoami)" = 200 ] || { cat "$walk/answer"; fail "shadow: whoami refused"; }
submit_301 /usr/share/doc/sluis/examples/messages/301-toewijzing.xml
shadowed="$msg"
as op sluisctl --json message-show "$shadowed" > "$walk/show.json"
python3 - "$walk/show.json" <<'PY2'
import json, sys
m = json.load(open(sys.argv[1]))["arguments"]["message"]
if m["state"] != "held" or m["hold_reason"] != "receiver_shadow":
    sys.exit(f"FAIL: a 301 to a shadow provider is {m['state']}/{m['hold_reason']}, not held/receiver_shadow")
PY2
set_mode live
sed 's/TW-2026-0824/TW-2026-0825/' /usr/share/doc/sluis/examples/messages/301-toewijzing.xml > "$walk/301-live.xml"
submit_301 "$walk/301-live.xml"
[ "$(curl_as provider /v1/mailbox)" = 200 ] || fail "live: the provider's mailbox was refused"
python3 - "$walk/answer" "$msg" "$shadowed" <<'PY2'
import json, sys
ids = {m["id"] for m in json.load(open(sys.argv[1]))["messages"]}
if sys.argv[2] not in ids or sys.argv[3] in ids:
    sys.exit(f"FAIL: the live provider's mailbox holds {ids}: want {sys.argv[2]}, not the shadow-period {sys.argv[3]}")
PY2
expect 0 as op sluisctl queue-list
grep -q "$msg" "$walk/out" || fail "queue-list does not show $msg"

step "the operator's uid reaches the audit"
expect 0 as op sluisctl message-hold "$msg" --reason "walk: check before delivery"
expect 0 as op sluisctl message-release "$msg" --reason "walk: checked"
as op sluisctl --json message-show "$msg" > "$walk/show.json"
python3 - "$walk/show.json" "$(id -u op)" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["arguments"]["message"]
uids = {h.get("uid") for h in a.get("history", []) if h.get("actor") == "admin"}
if len(a.get("history", [])) < 3 or uids != {int(sys.argv[2])}:
    sys.exit(f"FAIL: audit uids {uids}, expected the operator's {sys.argv[2]}")
PY

step "go-live ledger import: dry run, then apply"
cat > "$walk/ledger.csv" <<'CSV'
soort;wet;gemeente;aanbieder;bsn;toewijzingnummer;categorie;productcode;ingangsdatum;einddatum;volume;eenheid;frequentie;budget
toewijzing;ijw;0935;87654321;999931234;260935900;45;45A01;2026-01-01;;8;04;2;
CSV
chmod 0644 "$walk/ledger.csv"
expect 0 as op sluisctl ledger-import "$walk/ledger.csv"
grep -qi "would be imported" "$walk/out" || fail "the dry run does not report what it would import"
expect 0 as op sluisctl ledger-import --apply "$walk/ledger.csv"
expect 0 as op sluisctl ledger-import --apply "$walk/ledger.csv"
grep -qi "already imported" "$walk/out" || fail "a second apply does not skip what was imported"

step "backup, then restore into a fresh state directory"
expect 0 as op sluisctl backup walk.db
[ -f /var/lib/sluis/backups/walk.db ] || fail "no backup file"
as op sluisctl --json queue-list > "$walk/before.json"
stop_daemon
mv /var/lib/sluis /var/lib/sluis.old
unit_dirs
install -o sluis -g sluis -m 0600 /var/lib/sluis.old/backups/walk.db /var/lib/sluis/sluis.db
start_daemon
as op sluisctl --json queue-list > "$walk/after.json"
python3 - "$walk/before.json" "$walk/after.json" <<'PY'
import json, sys
ids = [sorted(m["id"] for m in json.load(open(f))["arguments"]["messages"]) for f in sys.argv[1:3]]
if not ids[0] or ids[0] != ids[1]:
    sys.exit(f"FAIL: messages before the backup {ids[0]}, after the restore {ids[1]}")
PY
stop_daemon

step "upgrade: the package installed again keeps the edited configuration and the store"
dpkg -i ./sluis_*.deb
grep -q 'id = "gemeente-0935"' /etc/sluis/sluisd.toml || fail "the upgrade replaced the edited conffile"
start_daemon
as op sluisctl --json queue-list > "$walk/upgraded.json"
python3 - "$walk/before.json" "$walk/upgraded.json" <<'PY'
import json, sys
ids = [sorted(m["id"] for m in json.load(open(f))["arguments"]["messages"]) for f in sys.argv[1:3]]
if ids[0] != ids[1]:
    sys.exit(f"FAIL: messages before the upgrade {ids[0]}, after {ids[1]}")
PY
stop_daemon

step "remove and purge keep the store"
dpkg --purge sluis
[ -f /var/lib/sluis/sluis.db ] || fail "purge removed the store"
echo "walk complete"
