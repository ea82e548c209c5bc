#!/bin/sh
# ssh logins through a real sshd with the shipped drop-in (conf/sshd/mamori.conf) and the
# built pam_mamori.so: sshd -t accepts the drop-in and mamorictl check finds sshd -T's
# effective settings right even over a main file that says the opposite; then a real ssh
# client logs in over loopback with keyboard-interactive, its prompts answered by an askpass
# program that records them: password and code in two prompts, a wrong code, the password
# method (refused, and no code burned), and the single-prompt stack
# (conf/pam.d/mamori-single-prompt). Everything runs in a private mount namespace whose
# /etc/pam.d, /etc/passwd and /run are scratch copies: the machine's own sshd and PAM
# configuration are never touched. Env: MAMORICTL, BUILD. Prints "ok - …" / "not ok - …".
set -u
M=${MAMORICTL:-build/mamorictl}
BUILD=${BUILD:-build}
SSHD=/usr/sbin/sshd
if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root (sshd, mount namespace)"
	exit 77
fi
for tool in "$SSHD" ssh ssh-keygen oathtool unshare python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip: $tool is not installed (tests/deps.txt)"
		exit 77
	fi
done
if ! unshare -m true 2>/dev/null; then
	echo "skip: no mount namespace (unshare -m)"
	exit 77
fi
# a sanitizer build's module needs its runtime loaded first, which sshd does not do
if ldd "$BUILD/pam_mamori.so" 2>/dev/null | grep -q 'libasan'; then
	echo "skip: $BUILD/pam_mamori.so is a sanitizer build; sshd cannot load it"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-sshd.XXXXXX") || exit 1
chmod 0755 "$T"
export T M BUILD SSHD
TOP=$(pwd)
export TOP
unshare -m sh "$TOP/tests/cli/sshd_login_inner.sh"
RC=$?
rm -rf "$T"
exit $RC
