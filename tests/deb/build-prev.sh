#!/bin/sh
# The packages of an earlier release REF (a tag or commit of this repository), built for SUITE
# in a clean chroot the way `make deb` builds today's, into OUTDIR: what `make deb-test PREV=REF`
# upgrades from.
#   tests/deb/build-prev.sh REF SUITE OUTDIR
set -eu
REF=${1:?usage: tests/deb/build-prev.sh REF SUITE OUTDIR}
SUITE=${2:?usage: tests/deb/build-prev.sh REF SUITE OUTDIR}
OUT=${3:?usage: tests/deb/build-prev.sh REF SUITE OUTDIR}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
git -C "$TOP" rev-parse --verify -q "$REF^{commit}" >/dev/null ||
	{ echo "build-prev: $REF is no commit of this repository" >&2; exit 1; }
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
trap 'exit 1' HUP INT TERM
git -C "$TOP" archive "$REF" | tar -C "$SRC" -xf -
MAMORI_SRC=$SRC sh "$TOP/debian/chroot-build.sh" "$SUITE" "$OUT"
