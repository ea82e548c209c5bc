#!/bin/sh
# Builds the base image of the VM test bench, or finds it in the cache, and prints its
# directory (vmlinuz, initrd.img, rootfs.raw, manifest) on the last line of stdout.
#   build-image.sh [EXTRA_PACKAGE...]
# The cache key is the suite, the mirrors, the package list (packages.txt plus the extras,
# e.g. what the mamori packages depend on) and this recipe; the mamori packages themselves
# are installed at boot, so a code change never rebuilds the base image.
# env: SUITE (bookworm), MAMORI_VM_MIRROR, MAMORI_VM_SECURITY_MIRROR, MAMORI_VM_CACHE
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=${SUITE:-bookworm}
MIRROR=${MAMORI_VM_MIRROR:-http://deb.debian.org/debian}
SECMIRROR=${MAMORI_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CACHE=${MAMORI_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mamori-vm}
DISK_SIZE=2G
# Fixed time and filesystem ids: the same inputs give the same image.
EPOCH=1700000000
FS_UUID=6d616d6f-7269-4000-8000-766d726f6f74

log() { echo "build-image: $*" >&2; }

package_list() {
	{ sed 's/#.*//' "$HERE/packages.txt"; for p in "$@"; do echo "$p"; done; } |
		tr -s ' \t' '\n' | sed '/^$/d' | LC_ALL=C sort -u
}

sources() {
	echo "deb $MIRROR $SUITE main"
	case $SUITE in
	sid | unstable) ;;
	*) echo "deb $MIRROR $SUITE-updates main"
	   echo "deb $SECMIRROR $SUITE-security main" ;;
	esac
}

cache_key() { # packages -> key
	{ echo "$SUITE"; sources; echo "$1"; cat "$HERE/build-image.sh" "$HERE/image-hook.sh"; } |
		sha256sum | cut -c1-16
}

# mmdebstrap runs in the background, in a process group of its own (setsid), so that a
# signal reaches the trap at once and the trap can stop all of mmdebstrap's processes.
build() { # packages dest
	tmp=$(mktemp -d "$CACHE/build.XXXXXX")
	pid=''
	trap 'stop_build; discard "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	log "building the $SUITE base image (a few minutes, once per package list)"
	SOURCE_DATE_EPOCH=$EPOCH setsid mmdebstrap --mode=root --variant=required \
		--include="$(echo "$1" | paste -sd, -)" \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--essential-hook="sh '$HERE/image-hook.sh' essential \"\$1\"" \
		--customize-hook="sh '$HERE/image-hook.sh' customize \"\$1\"" \
		"$SUITE" "$tmp/root" "$(sources)" </dev/null >"$tmp/mmdebstrap.log" 2>&1 &
	pid=$!
	r=0
	wait "$pid" || r=$?
	pid=''
	if [ $r -ne 0 ]; then
		tail -n 30 "$tmp/mmdebstrap.log" >&2
		log "mmdebstrap failed"
		exit 1
	fi
	# shellcheck disable=SC2012 # kernel file names are plain
	cp "$(ls "$tmp"/root/boot/vmlinuz-* | tail -n 1)" "$tmp/vmlinuz"
	# shellcheck disable=SC2012
	cp "$(ls "$tmp"/root/boot/initrd.img-* | tail -n 1)" "$tmp/initrd.img"
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	chroot "$tmp/root" dpkg-query -W -f '${Package} ${Version}\n' >"$tmp/manifest"
	echo "$1" >"$tmp/packages"
	E2FSPROGS_FAKE_TIME=$EPOCH mke2fs -q -t ext4 -L mamori-root -U "$FS_UUID" \
		-E "hash_seed=$FS_UUID" -d "$tmp/root" "$tmp/rootfs.raw" "$DISK_SIZE"
	discard "$tmp/root"
	mv "$tmp" "$2"
	trap - EXIT INT TERM
	log "base image ready: $2"
}

stop_build() {
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || return 0
	i=0
	while kill -0 -- "-$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL -- "-$pid" 2>/dev/null || :
}

# A killed mmdebstrap can leave processes chrooted in the tree (dpkg runs in a session of
# its own) and /proc, /sys, /dev mounted in it: end those, unmount, then remove;
# --one-file-system keeps rm out of any mount still there.
discard() { # dir
	for _ in 1 2 3; do
		for p in /proc/[0-9]*; do
			case $(readlink "$p/root" 2>/dev/null) in "$1"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac
		done
		grep " $1/" /proc/mounts | cut -d ' ' -f 2 | sort -r | while read -r m; do
			umount -l "$m" || :
		done
		rm -rf --one-file-system "$1" 2>/dev/null && return 0
		sleep 1
	done
	log "could not remove $1"
}

# Images unused for a day: older package lists and recipes. A run touches the image it
# uses, and a running VM keeps its (unlinked) backing file open anyway.
prune() {
	find "$CACHE" -mindepth 1 -maxdepth 1 -name 'base-*' -mmin +1440 -exec rm -rf {} + || :
}

main() {
	if [ "$(id -u)" -ne 0 ]; then
		log "building the image needs root (mmdebstrap root mode, mke2fs -d)"
		exit 77
	fi
	mkdir -p "$CACHE"
	pkgs=$(package_list "$@")
	dir=$CACHE/base-$SUITE-$(cache_key "$pkgs")
	if [ ! -f "$dir/rootfs.raw" ]; then
		# One builder at a time; a second run waits and then finds the image.
		exec 9>"$CACHE/lock"
		flock 9
		if [ ! -f "$dir/rootfs.raw" ]; then build "$pkgs" "$dir"; fi
		exec 9>&-
	fi
	touch "$dir"
	prune
	echo "$dir"
}

main "$@"
