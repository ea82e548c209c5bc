#!/bin/sh
# `make install DESTDIR=…` puts exactly the expected files, with the expected modes, under
# DESTDIR and nowhere else. Runs the already built tree's install target into a temporary
# directory; never touches the real system.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
# Run as a fresh make, not as part of the `make check` that started this test.
unset MAKEFLAGS MFLAGS MAKELEVEL
SAN=
[ "$BUILD" = build-san ] && SAN=SANITIZE=1

DEST=$(mktemp -d "${TMPDIR:-/tmp}/mamori-install.XXXXXX")
trap 'rm -rf "$DEST"' EXIT

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

# What must be installed: "path mode" lines.
expected() {
	echo "/usr/sbin/mamorictl 755"
	echo "/etc/mamori/mamori.conf 644"
	echo "/etc/logrotate.d/mamori 644"
	echo "/usr/share/doc/mamori/events.md 644"
	echo "/usr/libexec/mamori/mamori-udev 755"
	echo "/usr/lib/udev/rules.d/10-mamori.rules 644"
	echo "/usr/lib/udev/rules.d/69-mamori-uaccess.rules 644"
	echo "/usr/lib/udev/rules.d/72-mamori-uaccess.rules 644"
	echo "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)/security/pam_mamori.so 644"
	echo "/usr/libexec/mamori/mamori-verify 4755"
	for po in po/*.po; do
		echo "/usr/share/locale/$(basename "$po" .po)/LC_MESSAGES/mamori.mo 644"
	done
	echo "/usr/share/pam-configs/mamori 644"
	echo "/usr/share/mamori/pam.d/mamori-single-prompt 644"
	echo "/usr/share/mamori/sshd_config.d/mamori.conf 644"
	for f in 60-mamori-forward.conf 60-mamori-collector.conf forward.env collector.env \
		rsyslog-service-mamori.conf logrotate.mamori-central mamori-forward-resume.path \
		mamori-forward-resume.service; do
		echo "/usr/share/mamori/rsyslog/$f 644"
	done
	echo "/usr/libexec/mamori/mamori-forward-resume 755"
	echo "/usr/libexec/mamori/mamori-journal-wait 755"
	echo "/usr/libexec/mamori/mamori-forward-replay 755"
	echo "/usr/libexec/mamori/mamori-agent 755"
	echo "$(make_var SYSTEMDUNITDIR)/mamori-agent.service 644"
	for page in mamori.7 mamori.conf.5 mamorictl.8 pam_mamori.8 mamori-udev.8 mamori-agent.8 \
		mamori-forward-resume.8 mamori-forward-replay.8; do
		echo "/usr/share/man/man${page##*.}/$page 644"
	done
	for page in mamori.7 mamori.conf.5 mamorictl.8; do
		echo "/usr/share/man/ja/man${page##*.}/$page 644"
	done
}

installed() {
	(cd "$DEST" && find . -type f -exec stat -c '%n %a' {} + | sed 's|^\.||')
}

make_var() { # name -> its value as the Makefile computes it
	make -s --no-print-directory --eval "print-var: ; @echo \$($1)" print-var
}

# Every command `make install` would run names DESTDIR in each absolute path it writes.
dry_run_stays_in_destdir() {
	make -s -n install DESTDIR=/DESTDIR-MARK $SAN |
		grep -E '^install ' | tr ' ' '\n' | grep '^/' | grep -v '^/DESTDIR-MARK/' || true
}

if make -s install DESTDIR="$DEST" $SAN >"$DEST.log" 2>&1; then
	ok "make install DESTDIR=<tmp> succeeds"
else
	not_ok "make install DESTDIR=<tmp> succeeds"; sed 's/^/# /' "$DEST.log"
fi
rm -f "$DEST.log"

want=$(expected | sort); got=$(installed | sort)
if [ "$want" = "$got" ]; then
	ok "installed files and modes are exactly: $(echo "$want" | paste -s -d ' ' -)"
else
	not_ok "installed files and modes"
	printf '# want:\n%s\n# got:\n%s\n' "$want" "$got" | sed 's/^/# /'
fi

stray=$(dry_run_stays_in_destdir)
if [ -z "$stray" ]; then
	ok "every path make install writes is under DESTDIR"
else
	not_ok "make install writes outside DESTDIR: $(echo "$stray" | paste -s -d ' ' -)"
fi

version=$(make_var VERSION)
if [ -x "$DEST/usr/sbin/mamorictl" ] &&
	[ "$("$DEST/usr/sbin/mamorictl" --version)" = "mamorictl $version" ]; then
	ok "installed mamorictl runs and reports version $version"
else
	not_ok "installed mamorictl runs and reports version $version"
fi

# The PAM module's directory follows Debian's multiarch layout (used once pam_mamori.so exists).
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || cc -print-multiarch)
pamdir=$(make_var PAMDIR)
if [ "$pamdir" = "/usr/lib/$arch/security" ]; then
	ok "PAM modules go to $pamdir"
else
	not_ok "PAM modules go to /usr/lib/$arch/security, not '$pamdir'"
fi

exit $FAILED
