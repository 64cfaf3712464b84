#!/usr/bin/env bash
# Regenerates the test-only TLS files for the https stand-in (valid 100 years; the keys are public test keys).
#   ca.pem          the private CA a user would give as the environment's CA file
#   server.pem/key  the stand-in's certificate for 127.0.0.1 and localhost, signed by that CA
#   other-ca.pem    an unrelated CA: trusting it must not make the server trusted
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
    -subj "/CN=DeepExtension Test CA" -keyout "$tmp/ca.key" -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout server.key -out "$tmp/server.csr"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tmp/ext"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial -CAserial "$tmp/ca.srl" -days 36500 \
    -extfile "$tmp/ext" -out server.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
    -subj "/CN=Some Other CA" -keyout "$tmp/other.key" -out other-ca.pem \
    -addext "basicConstraints=critical,CA:TRUE"
