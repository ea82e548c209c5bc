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
	(cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1 || {
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
	# --fail-on error: warnings are shown and meant to be fixed, errors stop the build.
	lintian --fail-on error --info "$CHANGES"
}

# Every ELF file in the packages must carry the hardening that debian/rules asks for. Control
# flow protection is demanded only where dpkg-buildflags asks for it (trixie on): bookworm's C
# start files carry no IBT/SHSTK note, so no program linked there has one (see /usr/bin/ls).
check_hardening() {
	opts=
	DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS |
		grep -q -- -fcf-protection || opts=--nocfprotection
	for deb in "$OUT"/*.deb; do
		case $deb in *-dbgsym_*) continue ;; esac
		dir=$TMP/unpack/$(basename "$deb" .deb)
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		find "$dir" -type f -perm -u+x | while read -r f; do
			[ "$(head -c 4 "$f" | tail -c 3)" = ELF ] || continue
			hardening-check $opts "$f"
		done
	done
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
