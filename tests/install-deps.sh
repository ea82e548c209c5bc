#!/bin/sh
# Installs what mamori needs from Debian, only when something is missing, so that a fresh
# Debian 12 or 13 with git, make and gcc builds and tests with nothing typed by hand.
#   build: the Build-Depends of debian/control (the one list), checked with dpkg-checkbuilddeps
#          and installed with apt-get build-dep
#   test:  tests/deps.txt, the heavier tools only the test suite uses
#   deb:   the build dependencies plus the tools that check a package (lintian, hardening-check)
# With MAMORI_NO_APT=1 (set by debian/rules) it only checks: a package build never installs.
set -eu
cd "$(dirname "$0")/.."

# What `make deb` runs after dpkg-buildpackage; not build dependencies of the package itself.
DEB_TOOLS="lintian devscripts"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "install-deps: need root to run: $*; install sudo or run as root" >&2
		exit 1
	fi
}

refuse_when_told() { # what...
	[ "${MAMORI_NO_APT:-0}" = 1 ] || return 0
	echo "install-deps: missing: $*; not installing (MAMORI_NO_APT=1)" >&2
	exit 1
}

# A minbase system or container ships without package lists; apt-get cannot find anything then.
lists_empty() {
	! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1
}

apt_get() { # apt-get arguments...
	lists_empty && as_root apt-get update -q
	# A stale list names versions the mirror no longer has: refresh once and retry.
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends "$@" ||
		{ as_root apt-get update -q &&
			as_root env DEBIAN_FRONTEND=noninteractive \
				apt-get -y -q --no-install-recommends "$@"; }
}

missing_of() { # package... -> the ones not installed
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
			printf ' %s' "$p"
	done
}

install_missing() { # package...
	missing=$(missing_of "$@")
	[ -n "$missing" ] || return 0
	refuse_when_told "$missing"
	echo "install-deps: installing from Debian:$missing"
	# shellcheck disable=SC2086 # one word per package
	apt_get install $missing
}

build_deps() {
	install_missing dpkg-dev
	unmet=$(dpkg-checkbuilddeps 2>&1) && return 0
	unmet=$(printf '%s\n' "$unmet" | sed -n 's/.*Unmet build dependencies: //p')
	refuse_when_told "$unmet"
	echo "install-deps: installing build dependencies: $unmet"
	apt_get build-dep ./
	dpkg-checkbuilddeps
}

test_deps() {
	# shellcheck disable=SC2046 # one word per package
	install_missing $(sed 's/#.*//' tests/deps.txt)
}

deb_tools() {
	# shellcheck disable=SC2086 # one word per package
	install_missing $DEB_TOOLS
}

case ${1:-build} in
build) build_deps ;;
test) test_deps ;;
deb) build_deps; deb_tools ;;
*) echo "usage: $0 build|test|deb" >&2; exit 2 ;;
esac
