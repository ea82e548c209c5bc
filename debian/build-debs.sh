#!/bin/sh
# Builds mamori's binary packages into OUTDIR (what `make deb` runs) and checks them.
# dpkg-buildpackage writes into the parent of the tree it builds, so it runs in a copy of the
# working tree (without .git and build directories) inside a temporary directory; the tree and
# its parent stay clean. Fails on a lintian error or a hardening-check failure.
#   debian/build-debs.sh OUTDIR
set -eu
OUT=${1:?usage: debian/build-debs.sh OUTDIR}
cd "$(dirname "$0")/.."
TOP=$(pwd)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mamori-deb.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM

VERSION=$(dpkg-parsechangelog -S Version)
SRC=$TMP/mamori-$VERSION

copy_tree() {
	mkdir "$SRC"
	tar -C "$TOP" --exclude=./.git --exclude=./build --exclude=./build-san \
		--exclude=./build-fuzz -cf - . | tar -C "$SRC" -xf -
}

build() {
	# A package build of its own, even when a `make check` tier asked for it: no job server,
	# silence or make level leaks in from the caller.
	(cd "$SRC" && unset MAKEFLAGS MFLAGS MAKELEVEL && dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1 || {
		cat "$TMP/build.log"
		echo "build-debs: dpkg-buildpackage failed" >&2
		exit 1
	}
}

collect() {
	mkdir -p "$OUT"
	rm -f "$OUT"/*.deb "$OUT"/*.ddeb "$OUT"/*.buildinfo "$OUT"/*.changes
	for f in "$TMP"/*.deb "$TMP"/*.ddeb "$TMP"/*.buildinfo "$TMP"/*.changes; do
		[ -e "$f" ] && mv "$f" "$OUT"/
	done
	CHANGES=$(ls "$OUT"/*.changes)
}

run_lintian() {
	echo "build-debs: lintian $(basename "$CHANGES")"
	# Errors and warnings stop the build; every override says why (debian/*.lintian-overrides).
	lintian --fail-on error,warning --info "$CHANGES"
}

# Every ELF file in the packages must carry the hardening that debian/rules asks for.
check_hardening() {
	opts=$(platform_skips)
	for deb in "$OUT"/*.deb; do
		dpkg-deb -x "$deb" "$TMP/unpack"
	done
	# Every ELF file, shared objects (pam_mamori.so, mode 0644) as well as programs.
	find "$TMP/unpack" -path "$TMP/unpack/usr/lib/debug" -prune -o -type f -print |
		while read -r f; do
			[ "$(head -c 4 "$f" | tail -c 3)" = ELF ] || continue
			# shellcheck disable=SC2086 # options, one word each
			check_elf "$f" $opts
		done
}

# hardening-check also asks for x86 CET (IBT, SHSTK) and AArch64 BTI/PAC notes. The linker keeps
# such a note only when every object has it, the C library's start files included; bookworm's
# and trixie's have none (hardening-check /usr/bin/ls fails the same way), so those two are
# demanded only where Scrt1.o carries them.
platform_skips() {
	notes=$(readelf -n "$(${CC:-cc} -print-file-name=Scrt1.o)" 2>/dev/null || true)
	case $notes in *IBT*SHSTK*) ;; *) printf ' --nocfprotection' ;; esac
	hardening-check --help 2>&1 | grep -q -- --nobranchprotection || return 0
	case $notes in *BTI*PAC*) ;; *) printf ' --nobranchprotection' ;; esac
}

check_elf() { # file hardening-check-options...
	f=$1; shift
	hardening-check "$@" "$f" >"$TMP/hc.log" && { cat "$TMP/hc.log"; return 0; }
	cat "$TMP/hc.log"
	if hardening-check --nostackprotector "$@" "$f" >/dev/null && stack_protected_by_flags "$f"
	then
		echo " (stack protector: no function needs a canary; every unit compiled with it)"
		return 0
	fi
	echo "build-debs: hardening-check failed on ${f#"$TMP/unpack"}" >&2
	return 1
}

# hardening-check sees stack protection through calls to the canary's failure handler, which a
# program whose functions hold no arrays never makes. Then the compiler's own record in the
# debug symbols (DW_AT_producer) must show every unit compiled with -fstack-protector-strong.
stack_protected_by_flags() { # file
	id=$(readelf -n "$1" | sed -n 's/.*Build ID: *//p')
	dbg=$TMP/unpack/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
	[ -f "$dbg" ] || return 1
	readelf --debug-dump=info "$dbg" 2>/dev/null | grep -o 'GNU C[^)]*' >"$TMP/producers"
	[ -s "$TMP/producers" ] &&
		! grep -v -e '-fstack-protector-strong' -e '-fstack-protector-all' "$TMP/producers"
}

list_packages() {
	for deb in "$OUT"/*.deb; do
		echo "built: $deb"
		dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ { print "   ", $1, $2, $6 }'
	done
}

copy_tree
build
collect
run_lintian
check_hardening
list_packages
