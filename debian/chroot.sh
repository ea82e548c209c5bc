#!/bin/sh
# Clean Debian chroots for building and testing mamori's packages, made with mmdebstrap and
# cached as tarballs (like the VM bench's image), one per suite and purpose:
#   build: the buildd variant, the Build-Depends of debian/control under the nocheck profile,
#          lintian and hardening-check of that suite
#   test:  minbase and pamtester; the packages under test fetch their own dependencies
# The cache key is the suite, the mirror, the source stanza of debian/control (Build-Depends)
# and the recipe (chroot_make).
#   debian/chroot.sh tarball SUITE build|test      prints the tarball's path (builds it if new)
#   . debian/chroot.sh; chroot_enter TARBALL DIR; ...; chroot_leave DIR
# env: MIRROR (http://deb.debian.org/debian), MAMORI_DEB_CACHE (~/.cache/mamori-deb)
set -eu
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CACHE=${MAMORI_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mamori-deb}
# A script that sources this file sets TOP, the top of the source tree, first.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
CHROOT_SH=$TOP/debian/chroot.sh

chroot_log() { echo "chroot: $*" >&2; }

chroot_sources() { # suite
	echo "deb $MIRROR $1 main"
}

# Only the recipe counts, not the rest of this file.
chroot_key() { # suite kind
	{ echo "$1 $2"; chroot_sources "$1"; sed '/^$/q' "$TOP/debian/control"
	  sed -n '/^chroot_make()/,/^}/p' "$CHROOT_SH"; } |
		sha256sum | cut -c1-16
}

# apt-get build-dep reads debian/control from a directory: only that file goes in.
chroot_make() { # suite kind tarball
	case $2 in
	build) set -- "$1" "$2" "$3" --variant=buildd --include=lintian,devscripts \
		--customize-hook="mkdir -p \"\$1/tmp/mamori/debian\"" \
		--customize-hook="cp '$TOP/debian/control' \"\$1/tmp/mamori/debian/\"" \
		--customize-hook="chroot \"\$1\" apt-get -y -q --no-install-recommends -P nocheck build-dep /tmp/mamori" \
		--customize-hook="rm -rf \"\$1/tmp/mamori\"" ;;
	test) set -- "$1" "$2" "$3" --variant=minbase --include=pamtester ;;
	*) chroot_log "unknown kind $2"; exit 2 ;;
	esac
	suite=$1 out=$3
	shift 3
	tmp="$out.tmp.$$"
	# The package lists stay: the test chroot installs the packages' dependencies with apt.
	mmdebstrap --mode=root --format=tar --skip=cleanup/apt/lists "$@" "$suite" "$tmp" \
		"$(chroot_sources "$suite")" </dev/null >"$tmp.log" 2>&1 || {
		tail -n 30 "$tmp.log" >&2
		rm -f "$tmp" "$tmp.log"
		chroot_log "mmdebstrap failed"
		exit 1
	}
	rm -f "$tmp.log"
	mv "$tmp" "$out"
}

chroot_tarball() { # suite kind
	[ "$(id -u)" -eq 0 ] || { chroot_log "needs root (mmdebstrap, chroot)"; exit 1; }
	command -v mmdebstrap >/dev/null || {
		apt-get update -q && apt-get install -y -q --no-install-recommends mmdebstrap
	} >&2
	mkdir -p "$CACHE"
	tarball=$CACHE/$1-$2-$(chroot_key "$1" "$2").tar
	if [ ! -f "$tarball" ]; then
		# One maker per tarball; a second run waits and then finds it.
		exec 9>"$tarball.lock"
		flock 9
		[ -f "$tarball" ] || {
			chroot_log "making the $1 $2 chroot (minutes, once per debian/control)"
			chroot_make "$1" "$2" "$tarball"
		}
		exec 9>&-
	fi
	touch "$tarball"
	# Tarballs unused for a week: older debian/control or recipes.
	find "$CACHE" -maxdepth 1 -name '*.tar' -mtime +7 -delete || :
	echo "$tarball"
}

# A fresh tree from the tarball, with /proc, /sys and /dev as a build or an install needs.
chroot_enter() { # tarball dir
	mkdir -p "$2"
	tar -C "$2" -xf "$1"
	mount -t proc proc "$2/proc"
	mount -t sysfs sys "$2/sys"
	mount --rbind /dev "$2/dev"
	# Unmounting the copy must not propagate to the host's /dev/pts.
	mount --make-rslave "$2/dev"
	cp /etc/resolv.conf "$2/etc/resolv.conf"
}

# Processes left in the tree end, mounts go, then the tree; --one-file-system keeps rm out of
# any mount still there.
chroot_leave() { # dir
	[ -d "$1" ] || return 0
	for p in /proc/[0-9]*; do
		case $(readlink "$p/root" 2>/dev/null) in "$1" | "$1"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac
	done
	grep " $1/" /proc/mounts | cut -d ' ' -f 2 | sort -r | while read -r m; do
		umount -l "$m" || :
	done
	rm -rf --one-file-system "$1"
}

# The command in the chroot with a clean environment, as on a new machine.
chroot_run() { # dir command...
	dir=$1
	shift
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@" </dev/null
}

if [ "${1:-}" = tarball ]; then
	chroot_tarball "${2:?suite}" "${3:?build or test}"
fi
