#!/bin/sh
# Builds mamori's binary packages for SUITE in a clean chroot of that suite (what `make deb`
# runs): the cached build chroot (debian/chroot.sh: the Build-Depends under the nocheck
# profile, lintian, hardening-check) is unpacked afresh, the working tree without .git and
# build directories is copied in, and debian/build-debs.sh builds there with the nocheck
# profile, then runs that suite's lintian and hardening-check. The packages land in OUTDIR.
# MAMORI_SRC names another source tree to build instead (an earlier release: `make deb-test PREV=`).
#   debian/chroot-build.sh SUITE OUTDIR
set -eu
SUITE=${1:?usage: debian/chroot-build.sh SUITE OUTDIR}
OUT=${2:?usage: debian/chroot-build.sh SUITE OUTDIR}
TOP=$(cd "$(dirname "$0")/.." && pwd)
# mmdebstrap and chroot need root: through sudo when not root, like tests/install-deps.sh.
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "chroot-build: needs root (mmdebstrap, chroot)" >&2; exit 1; }
	exec sudo sh "$0" "$@"
fi
. "$TOP/debian/chroot.sh"

start=$(date +%s)
TARBALL=$(chroot_tarball "$SUITE" build)
ROOT=$(mktemp -d "${TMPDIR:-/var/tmp}/mamori-build.XXXXXX")
trap 'chroot_leave "$ROOT"' EXIT
trap 'exit 1' HUP INT TERM

chroot_enter "$TARBALL" "$ROOT"
mkdir "$ROOT/src"
tar -C "${MAMORI_SRC:-$TOP}" --exclude=./.git --exclude=./build --exclude=./build-san --exclude=./build-fuzz \
	-cf - . | tar -C "$ROOT/src" -xf -
ready=$(date +%s)
chroot_run "$ROOT" DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck \
	sh /src/debian/build-debs.sh /out
mkdir -p "$OUT"
rm -f "$OUT"/*.deb "$OUT"/*.ddeb "$OUT"/*.buildinfo "$OUT"/*.changes
cp "$ROOT"/out/* "$OUT"/
end=$(date +%s)
echo "chroot-build: $SUITE packages in $OUT: chroot ready in $((ready - start))s," \
	"build and checks $((end - ready))s"
