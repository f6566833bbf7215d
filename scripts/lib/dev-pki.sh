# Creates a development PKI in directory $1 when it has no ca.pem yet:
#   ca.pem/ca.key                 a private CA (never trusted outside this machine)
#   server.pem/server.key         for localhost and 127.0.0.1 (serverAuth)
#   provider.pem/provider.key     client cert of a provider, AGB code $SLUIS_DEV_AGB
#   gemeente.pem/gemeente.key     client cert of a municipality, CBS code $SLUIS_DEV_GEMEENTE
#   README                        the lines provider_agb=NNNNNNNN and gemeente_code=NNNN
# Keys are EC P-256, mode 0600. Also used by tests to make throw-away PKIs.
# sluis_dev_state DIR prepares the whole development state dir (scripts/run's var/).
sluis_dev_pki() {
  local dir="$1"
  local agb="${SLUIS_DEV_AGB:-87654321}"
  local gemeente="${SLUIS_DEV_GEMEENTE:-0935}"
  if [ -f "$dir/ca.pem" ]; then
    return 0
  fi
  mkdir -p "$dir"
  chmod 0700 "$dir"
  local days=825
  (
    set -e
    cd "$dir"
    umask 077
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
      -days 3650 -subj "/O=sluis development/CN=sluis development CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem 2>/dev/null
    issue() {  # name subject extensions
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
      printf '%s\n' "$3" > "$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" \
        -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    issue server "/O=sluis development/CN=localhost" \
      "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
    issue provider "/O=Zorgaanbieder Voorbeeld (fictief)/serialNumber=AGB-$agb/CN=aanbieder $agb" \
      "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
    issue gemeente "/O=Gemeente Voorbeeld (fictief)/serialNumber=CBS-$gemeente/CN=gemeente $gemeente" \
      "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
    chmod 0644 ca.pem server.pem provider.pem gemeente.pem
    printf 'provider_agb=%s\ngemeente_code=%s\n' "$agb" "$gemeente" > README
  )
}

# Prepares the state dir $1 the way scripts/run uses var/ (and the README
# walk-through test a scratch copy of it): the directory (mode 0750), the
# development PKI in $1/pki and a BSN hash key in $1/secrets/bsn-hash.key
# (32 random bytes as hex, mode 0600). Keeps what is already there.
sluis_dev_state() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 0750 "$dir"
  sluis_dev_pki "$dir/pki"
  if [ ! -f "$dir/secrets/bsn-hash.key" ]; then
    mkdir -p "$dir/secrets"
    chmod 0700 "$dir/secrets"
    (umask 077 && openssl rand -hex 32 > "$dir/secrets/bsn-hash.key")
  fi
}
