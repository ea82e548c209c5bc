#!/bin/sh
# Proves that a fresh Debian with only git, make and gcc builds and tests mamori with nothing
# typed by hand: makes a minimal chroot, clones the current commit into it, runs a make target
# there (default: check) and reports how long that took. Takes minutes; not part of make check.
#   tests/fresh-machine.sh [SUITE [TARGET...]]     e.g. tests/fresh-machine.sh trixie check deb
# Needs root (chroot, mounts) and mmdebstrap, which it installs when missing.
# MIRROR overrides the Debian mirror; KEEP=1 keeps the chroot for a look afterwards.
set -eu
SUITE=${1:-bookworm}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- check
MIRROR=${MIRROR:-http://deb.debian.org/debian}
TOP=$(cd "$(dirname "$0")/.." && pwd)
COMMIT=$(git -C "$TOP" rev-parse HEAD)

[ "$(id -u)" -eq 0 ] || { echo "fresh-machine: run as root" >&2; exit 1; }
command -v mmdebstrap >/dev/null || {
	apt-get update -q && apt-get install -y -q --no-install-recommends mmdebstrap
}

ROOT=$(mktemp -d "${TMPDIR:-/var/tmp}/mamori-fresh.XXXXXX")
cleanup() {
	for m in dev/pts dev sys proc; do
		mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"
	done
	[ "${KEEP:-0}" = 1 ] && { echo "fresh-machine: chroot kept in $ROOT"; return; }
	rm -rf --one-file-system "$ROOT"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

make_chroot() {
	# minbase leaves no package lists behind: the first install must refresh them itself.
	mmdebstrap --variant=minbase --include=git,make,gcc,ca-certificates \
		"$SUITE" "$ROOT" "deb $MIRROR $SUITE main"
	mount -t proc proc "$ROOT/proc"
	mount -t sysfs sys "$ROOT/sys"
	mount --rbind /dev "$ROOT/dev"
	# Unmounting the copy must not propagate to the host's /dev/pts.
	mount --make-rslave "$ROOT/dev"
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
}

clone_commit() {
	git clone -q --no-local "$TOP" "$ROOT/src"
	git -C "$ROOT/src" checkout -q "$COMMIT"
}

# A clean environment, as on a new machine: no CFLAGS, no DEB_* leaking in from here.
run_in_chroot() { # make target...
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		sh -c 'cd /src && make "$@"' make "$@" </dev/null
}

start=$(date +%s)
make_chroot
made=$(date +%s)
echo "fresh-machine: $SUITE chroot (git, make, gcc) made in $((made - start))s"
dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f='${binary:Package}\n' | wc -l |
	xargs printf 'fresh-machine: %s packages before make\n'
clone_commit
echo "fresh-machine: running make $* on commit $COMMIT"
run_in_chroot "$@"
done_at=$(date +%s)
dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f='${binary:Package}\n' | wc -l |
	xargs printf 'fresh-machine: %s packages after make\n'
echo "fresh-machine: make $* in a fresh $SUITE chroot passed in $((done_at - made))s" \
	"(chroot creation $((made - start))s)"
