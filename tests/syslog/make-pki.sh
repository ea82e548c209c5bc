#!/bin/sh
# make-pki.sh DIR [TERMINAL...]
# A throw-away PKI for the syslog tests and the demo, never for production and never installed
# as a default: a CA, a collector certificate for collector.mamori.test, one for a collector
# with the wrong name (wrong.mamori.test, same CA), and one client certificate per terminal
# name (default term01.mamori.test). Keys are written 0600. Every name is a DNS subjectAltName
# as well as the CN, since RELP's tls.authMode="name" matches either (librelp).
#   DIR/ca.pem  DIR/collector.{pem,key}  DIR/wrong.{pem,key}  DIR/<terminal>.{pem,key}
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR [TERMINAL...]" >&2; exit 2; }
dir=$1; shift
[ $# -ge 1 ] || set -- term01.mamori.test
DAYS=${PKI_DAYS:-30}
umask 077
mkdir -p "$dir"

ossl() { openssl "$@" 2>/dev/null || { echo "make-pki: openssl $1 failed" >&2; exit 1; }; }

newkey() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

ossl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days "$DAYS" \
	-subj "/O=mamori test/CN=mamori test CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign

issue() { # file-stem cn usage
	newkey "$dir/$1.key"
	ossl req -new -key "$dir/$1.key" -subj "/O=mamori test/CN=$2" -out "$dir/$1.csr"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=DNS:%s\n' \
		"$3" "$2" >"$dir/$1.ext"
	ossl x509 -req -in "$dir/$1.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
		-days "$DAYS" -extfile "$dir/$1.ext" -out "$dir/$1.pem"
	rm -f "$dir/$1.csr" "$dir/$1.ext"
}

issue collector collector.mamori.test serverAuth,clientAuth
issue wrong wrong.mamori.test serverAuth,clientAuth
for t in "$@"; do
	issue "$t" "$t" clientAuth,serverAuth
done
chmod 0644 "$dir"/*.pem
