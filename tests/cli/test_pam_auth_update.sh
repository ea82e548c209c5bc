#!/bin/sh
# conf/pam-configs/mamori through the real pam-auth-update (libpam-runtime), in a private mount
# namespace whose /etc/pam.d, /usr/share/pam-configs, /var/lib/pam and debconf database are
# scratch directories, so the machine's own PAM configuration is never touched: installed it
# changes nothing (Default: no); enabled, pam_mamori.so comes after a successful pam_unix in
# common-auth and `mamorictl check` finds every service enforced; disabled, it is gone and the
# check fails. Env: MAMORICTL (the binary). Prints "ok - …" / "not ok - …"; exits 1 when any
# failed.
set -u
M=${MAMORICTL:-build/mamorictl}
PROFILE=conf/pam-configs/mamori
if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root (mount namespace; mamori's files must be owned by root)"
	exit 77
fi
for tool in unshare pam-auth-update; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip: $tool is not installed (libpam-runtime, util-linux)"
		exit 77
	fi
done
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-pau.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

# The root mamorictl check reads: Debian's service files (their common-* are pam-auth-update's),
# a valid configuration, a state store.
R=$T/root
mkdir -p "$R/etc/pam.d" "$R/etc/mamori" "$R/var/lib/mamori/users" "$T/configs" "$T/saved" \
	"$T/debconf"
for f in tests/data/pam/debian/*; do
	case ${f##*/} in common-*) ;; *) cp "$f" "$R/etc/pam.d/" ;; esac
done
printf 'auth {\n  unenrolled = deny\n}\n' >"$R/etc/mamori/mamori.conf"
chmod 0644 "$R/etc/mamori/mamori.conf"
chmod 0700 "$R/var/lib/mamori/users"
# the profiles: pam_unix's (libpam-runtime) and ours
cp /usr/share/pam-configs/unix "$PROFILE" "$T/configs/"
cp -a /var/cache/debconf/. "$T/debconf/"

# pau ARGS...: pam-auth-update in the private namespace
pau() {
	unshare -m sh -c '
		mount --make-rprivate / &&
		mount --bind "$1/root/etc/pam.d" /etc/pam.d &&
		mount --bind "$1/configs" /usr/share/pam-configs &&
		mount --bind "$1/saved" /var/lib/pam &&
		mount --bind "$1/debconf" /var/cache/debconf || exit 99
		shift
		DEBIAN_FRONTEND=noninteractive exec pam-auth-update "$@"' sh "$T" "$@" \
		>"$T/pau.out" 2>&1
}

auth_lines() { grep '^auth' "$R/etc/pam.d/common-auth" | tr -s ' \t' ' ' | sed 's/ $//'; }

# what the machine's own files hold, to show afterwards that nothing of them changed
host_sum() { cat /etc/pam.d/common-* /var/lib/pam/* 2>/dev/null | md5sum; }
HOST=$(host_sum)

# ---- installed: a fresh common-auth, as libpam-runtime's postinst makes it ------------------
if pau --package --force && [ "$(auth_lines)" = "auth [success=1 default=ignore] pam_unix.so nullok
auth requisite pam_deny.so
auth required pam_permit.so" ]; then
	ok "installing the profile enables nothing (Default: no)"
else
	not_ok "installed: $(cat "$T/pau.out"; auth_lines)"
fi

# ---- enabled -----------------------------------------------------------------------------------
if pau --enable mamori && [ "$(auth_lines)" = "auth [success=1 default=ignore] pam_unix.so nullok
auth requisite pam_deny.so
auth required pam_permit.so
auth required pam_mamori.so" ]; then
	ok "enabled: pam_mamori.so required after pam_unix's success jump over pam_deny"
else
	not_ok "enabled: $(cat "$T/pau.out"; auth_lines)"
fi
"$M" check --root "$R" --sshd "$T/no-sshd" --only rollout,pam >"$T/out" 2>"$T/err"
RC=$?
want=0
for svc in login sshd su sudo gdm-password polkit-1; do
	grep -qxF "OK    PAM $svc: every successful authentication passes pam_mamori.so ($R/etc/pam.d/$svc)." \
		"$T/out" || want=1
done
if [ "$RC" = 0 ] && [ "$want" = 0 ] && ! grep -q '^FAIL' "$T/out"; then
	ok "enabled: mamorictl check finds every service enforced, exit 0"
else
	not_ok "enabled: mamorictl check exit $RC"; sed 's/^/# /' "$T/out" "$T/err"
fi

# ---- disabled ----------------------------------------------------------------------------------
if pau --disable mamori && ! grep -q pam_mamori "$R/etc/pam.d/common-auth" &&
	[ "$(auth_lines)" = "auth [success=1 default=ignore] pam_unix.so nullok
auth requisite pam_deny.so
auth required pam_permit.so" ]; then
	ok "disabled: pam_mamori.so is gone from common-auth"
else
	not_ok "disabled: $(cat "$T/pau.out"; auth_lines)"
fi
"$M" check --root "$R" --sshd "$T/no-sshd" --only rollout,pam >"$T/out" 2>"$T/err"
RC=$?
if [ "$RC" = 1 ] && grep -qxF "FAIL  PAM login: pam_mamori.so is not in the auth stack of $R/etc/pam.d/login: logins need no one-time code." "$T/out"; then
	ok "disabled: mamorictl check fails, exit 1"
else
	not_ok "disabled: mamorictl check exit $RC"; sed 's/^/# /' "$T/out"
fi

if [ "$(host_sum)" = "$HOST" ]; then
	ok "the machine's own /etc/pam.d/common-* and /var/lib/pam are untouched"
else
	not_ok "the machine's PAM files changed"
fi
exit $FAILED
