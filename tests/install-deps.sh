#!/bin/sh
# Installs what mamori needs from Debian, only when something is missing.
#   build: the Build-Depends of debian/control (the one list), checked with dpkg-checkbuilddeps
#   test:  tests/deps.txt, the heavier tools only the test suite uses
set -eu
cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	echo "install-deps: installing from Debian: $*"
	# An empty or stale package list makes apt-get install fail; refresh once and retry.
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" ||
		{ as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "$@"; }
}

build_deps() {
	command -v dpkg-checkbuilddeps >/dev/null || apt_install dpkg-dev
	if ! dpkg-checkbuilddeps >/dev/null 2>&1; then
		echo "install-deps: missing build dependencies: $(dpkg-checkbuilddeps 2>&1 | sed 's/.*Unmet build dependencies: //')"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./ ||
			{ as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive \
				apt-get build-dep -y -q ./; }
	fi
}

test_deps() {
	missing=
	for p in $(sed 's/#.*//' tests/deps.txt); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] || apt_install $missing
}

case ${1:-build} in
build) build_deps ;;
test) test_deps ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
