#!/bin/sh
# piuparts on mamori's packages (what `make deb-piuparts` runs): in a fresh minbase chroot of
# SUITE, install the packages of DEBDIR with their dependencies, remove and purge them, and
# fail on any file left behind or changed outside what a package may own, on a broken
# maintainer script and on what adequate finds (missing libraries, broken symlinks).
# The upgrade from an earlier release is tests/deb/test_install.sh's part (`make deb-test
# PREV=REF`): piuparts tests upgrades only between versions in the archive.
# The chroot piuparts makes is kept as a tarball in the cache (~/.cache/mamori-deb) and reused.
#   tests/deb/piuparts.sh SUITE DEBDIR     env: MIRROR, MAMORI_DEB_CACHE
set -eu
SUITE=${1:?usage: tests/deb/piuparts.sh SUITE DEBDIR}
DEBDIR=$(cd "${2:?usage: tests/deb/piuparts.sh SUITE DEBDIR}" && pwd)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CACHE=${MAMORI_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mamori-deb}
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "piuparts: needs root" >&2; exit 1; }
	exec sudo sh "$0" "$@"
fi
command -v piuparts >/dev/null || {
	apt-get update -q && apt-get install -y -q --no-install-recommends piuparts debootstrap
}
DEBS=$(for f in "$DEBDIR"/*.deb; do case $f in *-dbgsym_*) ;; *) echo "$f" ;; esac; done)
[ -n "$DEBS" ] || { echo "piuparts: no packages in $DEBDIR" >&2; exit 1; }

# What trixie's systemd and debconf make when piuparts installs them as dependencies and leave
# after their purge (tmpfiles: /root/.ssh for credentials, the private directories of
# DynamicUser=, the locale and console links); bookworm's piuparts does not know them yet.
# Each is the exact path: a file of mamori's under one of them would still be found.
IGNORE=
[ "$SUITE" = bookworm ] || for p in /etc/default/locale /etc/vconsole.conf /root/.ssh/ \
	/var/cache/private/ /var/lib/private/ /var/log/private/ /var/cache/debconf/tmp.ci/ /usr/lib/udev/; do
	IGNORE="$IGNORE --ignore=$p"
done

mkdir -p "$CACHE"
BASE=$CACHE/piuparts-$SUITE-$(echo "$SUITE $MIRROR" | sha256sum | cut -c1-16).tgz
if [ -s "$BASE" ]; then set -- --basetgz="$BASE"; else set -- --save="$BASE"; fi
LOG=$DEBDIR/piuparts-$SUITE.log
# shellcheck disable=SC2086 # one word per package file and per ignored path
if piuparts --distribution="$SUITE" --mirror="$MIRROR" --log-file="$LOG" $IGNORE "$@" $DEBS >/dev/null; then
	grep 'INFO: PASS: ' "$LOG" | sed "s/.*INFO: /piuparts: $SUITE: /"
	echo "piuparts: log in $LOG"
else
	grep -E 'ERROR|FAIL' "$LOG" | tail -n 30
	echo "piuparts: $SUITE: FAIL (log $LOG)" >&2
	exit 1
fi
