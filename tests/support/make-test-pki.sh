#!/usr/bin/env bash
# Creates a throw-away PKI for the TLS tests in directory $1 (generated at test
# time, never committed): the development set of scripts/lib/dev-pki.sh plus
#   stranger.pem/.key   valid client cert of the same CA, registered nowhere
#   expired.pem/.key    client cert whose validity ended
#   revoked.pem/.key    client cert listed in crl.pem
#   noeku.pem/.key      cert without the clientAuth extended key usage
#   other-ca.pem, alien.pem/.key   a second CA and a client cert it issued
#   crl.pem             CRL of ca.pem revoking revoked.pem
#   crl-provider.pem    CRL revoking revoked.pem and provider.pem (for reload tests)
#   notenrolled.pem/.key, shadow.pem/.key   certs of partners in those modes
# and prints nothing on success.
set -euo pipefail
dir="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../scripts/lib/dev-pki.sh"
SLUIS_DEV_AGB=87654321 SLUIS_DEV_GEMEENTE=0935 sluis_dev_pki "$dir"
cd "$dir"
umask 077
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
csr() { openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null; }
ext_client='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
sign() {  # name ca extfile-text [extra x509 args]
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -sha256 \
    -extfile "$1.ext" -out "$1.pem" "${@:4}" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
for n in stranger notenrolled shadow revoked; do
  key $n; csr $n "/O=Test/CN=$n"; sign $n ca "$ext_client" -days 30
done
key noeku; csr noeku "/O=Test/CN=noeku"
sign noeku ca 'basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth' -days 30
# Expired: valid from 2020-01-01 to 2020-01-02 (openssl x509 -not_before/-not_after
# needs OpenSSL 3.4; use `openssl ca` with explicit dates instead).
mkdir -p ca-db && : > ca-db/index.txt && echo 1000 > ca-db/serial
cat > ca-db/ca.cnf <<CNF
[ ca ]
default_ca = test
[ test ]
dir = $dir/ca-db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = any
default_crl_days = 30
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
organizationName = optional
serialNumber = optional
[ client ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
key expired; csr expired "/O=Test/CN=expired"
openssl ca -batch -config ca-db/ca.cnf -extensions client -startdate 20200101000000Z \
  -enddate 20200102000000Z -in expired.csr -out expired.pem -notext 2>/dev/null
rm -f expired.csr
# CRLs: revoked.pem; and revoked.pem + provider.pem.
openssl ca -config ca-db/ca.cnf -revoke revoked.pem 2>/dev/null
openssl ca -config ca-db/ca.cnf -gencrl -out crl.pem 2>/dev/null
openssl ca -config ca-db/ca.cnf -revoke provider.pem 2>/dev/null
openssl ca -config ca-db/ca.cnf -gencrl -out crl-provider.pem 2>/dev/null
# A second CA and a client certificate it issued.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
  -subj "/O=Elsewhere/CN=other CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout other-ca.key -out other-ca.pem 2>/dev/null
key alien; csr alien "/O=Zorgaanbieder Voorbeeld (fictief)/serialNumber=AGB-87654321/CN=aanbieder 87654321"
sign alien other-ca "$ext_client" -days 30
chmod 0644 ./*.pem
