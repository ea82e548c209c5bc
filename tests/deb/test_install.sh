#!/bin/sh
# Install tests of mamori's packages in a clean chroot of SUITE (what `make deb-test` runs):
# a fresh minbase tree from the cached tarball (debian/chroot.sh), the packages of DEBDIR
# installed with apt and --no-install-recommends, as on a fleet, then the rollout of README
# ("Rolling out to a terminal"), an upgrade to a version-bumped copy of the same packages,
# remove and purge. With PREVDIR (the packages of an earlier release: `make deb-test PREV=REF`),
# those are installed first, and DEBDIR's install is an upgrade from them. After every step the PAM stack is checked: every module any /etc/pam.d file
# names exists, and a password login of a staff member through the real libpam (pamtester,
# service "login") gets exactly what that step promises.
#   tests/deb/test_install.sh SUITE DEBDIR [PREVDIR]
# Prints "ok - …" / "not ok - …" and "deb-test: N passed, N failed"; exit 1 when any failed.
set -eu
SUITE=${1:?usage: tests/deb/test_install.sh SUITE DEBDIR}
DEBDIR=$(cd "${2:?usage: tests/deb/test_install.sh SUITE DEBDIR}" && pwd)
PREVDIR=${3:+$(cd "$3" && pwd)}
PREV=${PREV:-$(basename "${PREVDIR:-none}")}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# mmdebstrap and chroot need root: through sudo when not root, like tests/install-deps.sh.
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deb-test: needs root (mmdebstrap, chroot)" >&2; exit 1; }
	exec sudo sh "$0" "$@"
fi
. "$TOP/debian/chroot.sh"
. "$TOP/tests/deb/lib.sh"

ls "$DEBDIR"/*.deb >/dev/null 2>&1 || { echo "deb-test: no packages in $DEBDIR" >&2; exit 1; }
start=$(date +%s)
TARBALL=$(chroot_tarball "$SUITE" test)
R=$(mktemp -d "${TMPDIR:-/var/tmp}/mamori-debtest.XXXXXX")
trap 'chroot_leave "$R"' EXIT
trap 'exit 1' HUP INT TERM
chroot_enter "$TARBALL" "$R"
mkdir "$R/debs" "$R/debs-next"
cp "$DEBDIR"/*.deb "$R/debs/"
bump_versions "$R/debs" "$R/debs-next"
setup_users

if [ -n "$PREVDIR" ]; then
	mkdir "$R/debs-prev"
	cp "$PREVDIR"/*.deb "$R/debs-prev/"
	step_install_prev
fi
step_install
step_rollout
step_upgrade
step_remove
step_purge

echo "deb-test: $SUITE took $(($(date +%s) - start))s"
echo "deb-test: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
