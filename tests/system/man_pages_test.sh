#!/usr/bin/env bash
# The man pages sluis-man rendered (sluisd(8), sluisctl(8), sluisd.toml(5)) are
# well-formed troff with the sections a man page has and nothing left of their
# templates; sluisctl(8) documents every command sluisctl knows and every exit
# code; groff renders each without a warning (when groff is installed: it is
# not a build dependency, so without it only the troff source is checked).
# The bash completion parses and completes commands, options and values.
# Usage: man_pages_test.sh MAN_DIR SLUISCTL_BINARY
set -euo pipefail
man="$1"
ctl="$2"
fail() { echo "FAIL: $*"; exit 1; }
# Nothing is piped into `grep -q` here: it exits at its first match, and a
# writer still writing (bash writes echo's and printf's output line by line,
# groff in pieces) then dies of SIGPIPE, which pipefail turns into a failure
# that depends on scheduling. Output is taken whole and searched with <<<.

commands="$("$ctl" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && $1 !~ /^\(/ && NF { print $1 }')"
[ -n "$commands" ] || fail "sluisctl --help lists no commands"

for page in sluisd.8 sluisctl.8 sluisd.toml.5; do
  f="$man/$page"
  echo "== $page"
  [ -s "$f" ] || fail "$f is missing or empty"
  name="${page%.*}"
  section="${page##*.}"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  grep -q "^\.TH $upper $section " "$f" || fail "$page: no .TH $upper $section"
  for sh in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    grep -q "^\.SH $sh\$" "$f" || fail "$page: no .SH $sh"
  done
  # NAME is "name \- what", as whatis/apropos read it.
  grep -q "^$(echo "$name" | sed 's/\./\\./g') \\\\- " <<< "$(awk '/^\.SH NAME$/ { getline; print; exit }' "$f")" ||
    fail "$page: the NAME line is not 'name \\- description'"
  ! grep -n '@[A-Z_]*@' "$f" || fail "$page: a template placeholder is left"
  # Every request line is a man macro or a comment.
  bad="$(grep -n '^\.' "$f" | grep -Ev '^[0-9]+:\.(\\"|TH|SH|SS|TP|PP|RS|RE|B|I|BR|IR|br|nf|fi)( |$)' || true)"
  [ -z "$bad" ] || fail "$page: unknown requests: $bad"
  if command -v groff > /dev/null; then
    warnings="$(groff -man -ww -z -Tutf8 "$f" 2>&1 || true)"
    [ -z "$warnings" ] || fail "$page: groff warns: $warnings"
    grep -q "^NAME$" <<< "$(groff -man -Tutf8 -P-cbou "$f" 2>/dev/null)" || fail "$page: groff renders no NAME"
  else
    echo "groff not installed: the troff source is checked, not its rendering"
  fi
done

echo "== sluisctl(8) documents every command and exit code"
for c in $commands; do
  grep -q "^\\\\fB$(echo "$c" | sed 's/-/\\\\-/g')\\\\fR" "$man/sluisctl.8" || fail "sluisctl.8: no command $c"
done
for code in 0 1 64 69 77 78; do
  grep -q "^\.B $code\$" <<< "$(sed -n '/^\.SH EXIT STATUS$/,/^\.SH /p' "$man/sluisctl.8")" || fail "sluisctl.8: no exit code $code"
done

echo "== sluisd.toml(5) has every section and the keys"
for s in '\[admin\]' '\[https\]' '\[\[partners\]\]' '\[store\]' '\[secrets\]'; do
  grep -q "^\.SS $s\$" "$man/sluisd.toml.5" || fail "sluisd.toml.5: no section $s"
done
for k in state_dir drain_timeout max_connections bsn_hash_key retention; do
  grep -q "^\\\\fB$k\\\\fR (" "$man/sluisd.toml.5" || fail "sluisd.toml.5: no key $k"
done

echo "== the bash completion"
comp="$man/sluisctl.bash"
bash -n "$comp" || fail "sluisctl.bash does not parse"
complete_words() {  # complete_words WORD... : the completions of the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sluisctl; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$comp" "$@"
}
# completes WORD LINE... : the completions of LINE include WORD.
completes() {
  local want="$1" got
  shift
  got="$(complete_words "$@")"
  grep -qx -- "$want" <<< "$got"
}
got="$(complete_words sluisctl '')"
for c in $commands; do grep -qx -- "$c" <<< "$got" || fail "no completion of command $c"; done
completes queue-list sluisctl que || fail "que does not complete to queue-list"
completes --state sluisctl --socket /tmp/x.sock queue-list --st || fail "no --state for queue-list"
completes held sluisctl queue-list --state he || fail "no state values"
completes csv sluisctl --format c || fail "no --format values"
completes --body sluisctl message-show --b || fail "no --body for message-show"
completes en sluisctl validate --lang '' || fail "no --lang values"
[ -z "$(complete_words sluisctl status-get --st)" ] || fail "status-get has no --state"
echo "OK"
