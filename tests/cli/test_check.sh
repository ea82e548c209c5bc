#!/bin/sh
# mamorictl check against temporary roots (--root) holding good and bad pam.d trees (from
# tests/data/pam), mamori.conf files, state stores and sshd configurations read by the real
# sshd -T: the exact status lines, the exit codes and the --json document.
# Env: MAMORICTL (the binary). Prints "ok - …" / "not ok - …"; exits 1 when any failed.
set -u
M=${MAMORICTL:-build/mamorictl}
DATA=tests/data/pam
if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root (mamori's files must be owned by root)"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-check.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh
NOSSHD=$T/no-sshd


# run ARGS...: sets RC and OUT (stdout; stderr goes to $T/err)
run() {
	"$M" "$@" >"$T/out" 2>"$T/err"; RC=$?
	OUT=$(cat "$T/out")
}

# The clock line depends on this machine: the kernel says TIME_ERROR (5) when unsynchronised.
if [ "$(python3 -c 'import ctypes; b = ctypes.create_string_buffer(512); print(ctypes.CDLL(None).adjtimex(b))')" = 5 ]; then
	CLOCK="WARN  clock: the system clock is not synchronised: one-time codes (TOTP) depend on the time. Enable time synchronisation (systemd-timesyncd or chrony)."
else
	CLOCK="OK    clock: the system clock is synchronised."
fi

# make_root NAME [VARIANT...]: $T/NAME with Debian's pam.d (the variants' files over it), a
# valid mamori.conf, a state store holding one user's file and its lock file, and the udev
# rules as the package installs them.
make_root() {
	r=$T/$1; shift
	mkdir -p "$r/etc/pam.d" "$r/etc/mamori" "$r/var/lib/mamori/users" "$r/usr/lib/udev/rules.d"
	install -m 0644 conf/udev/10-mamori.rules conf/udev/69-mamori-uaccess.rules \
		conf/udev/72-mamori-uaccess.rules "$r/usr/lib/udev/rules.d/"
	cp "$DATA"/debian/* "$r/etc/pam.d/"
	for v in "$@"; do cp "$DATA/$v"/* "$r/etc/pam.d/"; done
	printf 'auth {\n  unenrolled = deny\n}\n' >"$r/etc/mamori/mamori.conf"
	chmod 0644 "$r/etc/mamori/mamori.conf"
	chmod 0700 "$r/var/lib/mamori/users"
	: >"$r/var/lib/mamori/users/tanaka"
	: >"$r/var/lib/mamori/users/.tanaka.lock"
	chmod 0600 "$r/var/lib/mamori/users/tanaka" "$r/var/lib/mamori/users/.tanaka.lock"
}

# add_forward ROOT DAYS: forward.env naming a CA and a terminal certificate valid for DAYS
# days (tests/syslog/make-pki.sh), and 2 KiB of rsyslog disk queue.
add_forward() {
	mkdir -p "$1/etc/mamori/tls" "$1/var/spool/rsyslog"
	PKI_DAYS=$2 sh tests/syslog/make-pki.sh "$T/pki-$2" terminal >/dev/null
	cp "$T/pki-$2/ca.pem" "$T/pki-$2/terminal.pem" "$1/etc/mamori/tls/"
	printf 'MAMORI_COLLECTOR=log01\nMAMORI_TLS_CA=/etc/mamori/tls/ca.pem\nMAMORI_TLS_CERT=/etc/mamori/tls/terminal.pem\nMAMORI_DISABLED_FLAG=/var/spool/rsyslog/mamori-forward.disabled\n' \
		>"$1/etc/mamori/forward.env"
	chmod 0644 "$1/etc/mamori/forward.env"
	head -c 2048 /dev/zero >"$1/var/spool/rsyslog/mamori_fwd.00000001"
}

# expect_lines NAME RC WANT: exit status and the exact whole stdout
expect_lines() {
	if [ "$RC" != "$2" ]; then
		not_ok "$1 (exit $RC, expected $2)"; printf '%s\n' "$OUT" | sed 's/^/# /'
	elif [ "$OUT" != "$3" ]; then
		not_ok "$1 (stdout differs)"
		printf '%s\n' "$3" >"$T/want"; printf '%s\n' "$OUT" | diff "$T/want" - | sed 's/^/# /'
	else
		ok "$1"
	fi
}

# expect_line NAME RC LINE: exit status, and LINE is one of stdout's lines
expect_line() {
	if [ "$RC" != "$2" ]; then
		not_ok "$1 (exit $RC, expected $2)"; printf '%s\n' "$OUT" | sed 's/^/# /'
	elif ! printf '%s\n' "$OUT" | grep -qxF -- "$3"; then
		not_ok "$1 (line missing: $3)"; printf '%s\n' "$OUT" | sed 's/^/# /'
	else
		ok "$1"
	fi
}

# ---- a terminal set up right ---------------------------------------------------------------
make_root good faillock
G=$T/good
add_forward "$G" 400
run check --root "$G" --sshd "$NOSSHD"
SUMMARY_OK="Summary: 23 OK, 1 WARN, 0 FAIL."
[ "${CLOCK%% *}" = WARN ] && SUMMARY_OK="Summary: 22 OK, 2 WARN, 0 FAIL."
expect_lines "a good terminal: every line, exit 0" 0 "OK    configuration: $G/etc/mamori/mamori.conf is valid.
OK    rollout: users without an enrolled token are refused (auth.unenrolled = deny).
OK    PAM login: every successful authentication passes pam_mamori.so ($G/etc/pam.d/login).
OK    PAM login: pam_faillock.so limits password guessing.
OK    PAM sshd: every successful authentication passes pam_mamori.so ($G/etc/pam.d/sshd).
OK    PAM sshd: pam_faillock.so limits password guessing.
OK    PAM su: every successful authentication passes pam_mamori.so ($G/etc/pam.d/su).
OK    PAM su: pam_faillock.so limits password guessing.
OK    PAM sudo: every successful authentication passes pam_mamori.so ($G/etc/pam.d/sudo).
OK    PAM sudo: pam_faillock.so limits password guessing.
OK    PAM gdm-password: every successful authentication passes pam_mamori.so ($G/etc/pam.d/gdm-password).
OK    PAM gdm-password: pam_faillock.so limits password guessing.
OK    PAM polkit-1: every successful authentication passes pam_mamori.so ($G/etc/pam.d/polkit-1).
OK    PAM polkit-1: pam_faillock.so limits password guessing.
OK    sshd: not installed ($NOSSHD, $G/etc/ssh/sshd_config); nothing to check.
$CLOCK
OK    state store: $G/var/lib/mamori/users is root-owned with mode 0700 and its 2 files are root-owned with mode 0600.
OK    forwarding: the certificate $G/etc/mamori/tls/ca.pem expires in 400 days.
OK    forwarding: the certificate $G/etc/mamori/tls/terminal.pem expires in 400 days.
OK    forwarding: the disk queue holds 2 KiB, its oldest file was last written 0 minutes ago.
OK    media: the udev rules $G/usr/lib/udev/rules.d/10-mamori.rules are installed.
OK    media: the udev rules $G/usr/lib/udev/rules.d/69-mamori-uaccess.rules are installed.
OK    media: the udev rules $G/usr/lib/udev/rules.d/72-mamori-uaccess.rules are installed.
WARN  media: with --root, udevd, mamori-agent and the devices of the running system are not inspected.
$SUMMARY_OK"

# ---- forwarding to the central collector ---------------------------------------------------
make_root nofwd faillock
run check --root "$T/nofwd" --sshd "$NOSSHD"
expect_line "no forward.env: a WARN, exit 0" 0 \
	"WARN  forwarding: $T/nofwd/etc/mamori/forward.env does not exist: events stay on this terminal and do not reach the central collector (README, \"Central collector\")."
make_root soon faillock
add_forward "$T/soon" 10
run check --root "$T/soon" --sshd "$NOSSHD"
expect_line "a certificate expiring in 10 days: a WARN with the days, exit 0" 0 \
	"WARN  forwarding: the certificate $T/soon/etc/mamori/tls/terminal.pem expires in 10 days: renew it before forwarding stops."
echo garbage >"$T/soon/etc/mamori/tls/ca.pem"
run check --root "$T/soon" --sshd "$NOSSHD"
expect_line "an unreadable CA certificate: FAIL, exit 1" 1 \
	"FAIL  forwarding: the certificate $T/soon/etc/mamori/tls/ca.pem cannot be read: RELP to the collector cannot start."

# the queue: old files mean the collector has taken nothing for that long; empty is fine
head -c 4096 /dev/zero >"$T/soon/var/spool/rsyslog/mamori_fwd.00000002"
touch -d '-125 minutes' "$T/soon/var/spool/rsyslog/mamori_fwd.00000001"
run check --root "$T/soon" --sshd "$NOSSHD"
expect_line "queue files written 2 hours ago: a WARN with size and age" 1 \
	"WARN  forwarding: the disk queue holds 6 KiB, its oldest file was last written 125 minutes ago: the collector has not taken events for that long."
: >"$T/soon/var/spool/rsyslog/mamori_fwd.00000001"
: >"$T/soon/var/spool/rsyslog/mamori_fwd.00000002"
echo '{}' >"$T/soon/var/spool/rsyslog/mamori_fwd.qi"
run check --root "$T/soon" --sshd "$NOSSHD"
expect_line "empty queue files: OK, the queue is empty" 1 \
	"OK    forwarding: the disk queue is empty: the collector has every event."
# omrelp disabled the action: the flag file written by 60-mamori-forward.conf
echo "rsyslogd-2353: omrelp[log01:2514]: authentication error - DISABLING action" \
	>"$T/soon/var/spool/rsyslog/mamori-forward.disabled"
touch -d '-7 minutes' "$T/soon/var/spool/rsyslog/mamori-forward.disabled"
run check --root "$T/soon" --sshd "$NOSSHD"
expect_line "forwarding disabled by omrelp: FAIL with the time, exit 1" 1 \
	"FAIL  forwarding: rsyslog's omrelp refused the collector's certificate and stopped forwarding 7 minutes ago ($T/soon/var/spool/rsyslog/mamori-forward.disabled). mamori-forward-resume restarts it once the collector passes the name check; check its certificate."

run check --json --root "$G" --sshd "$NOSSHD"
if [ "$RC" = 0 ] && printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["second_factor_enforced"] is True, d
assert d["result"] in ("ok", "warn"), d["result"]
assert d["counts"]["fail"] == 0
ids = [c["id"] for c in d["checks"]]
assert ids[:4] == ["config", "rollout", "pam.login", "pam.login.faillock"], ids
for c in d["checks"]:
    assert set(c) <= {"id", "status", "code", "path", "line", "message"}, c
    assert c["status"] in ("ok", "warn", "fail"), c
st = [c for c in d["checks"] if c["id"] == "state"][0]
assert st["status"] == "ok" and st["code"] == "private", st
'; then ok "a good terminal: --json parses, enforced, exit 0"; else not_ok "good --json: $OUT"; fi

# ---- rollout: unenrolled users pass with the password alone --------------------------------
make_root rollout faillock
R=$T/rollout
printf 'auth {\n  unenrolled = allow\n}\n' >"$R/etc/mamori/mamori.conf"
run check --root "$R" --sshd "$NOSSHD"
expect_line "unenrolled = allow: a loud WARN, exit 0" 0 \
	"WARN  rollout: auth.unenrolled = allow: this terminal does NOT yet enforce the second factor for users without an enrolled token; they log in with their password alone. Enrol every user (mamorictl otp enroll USER), then set \"unenrolled = deny\" in the auth section of $R/etc/mamori/mamori.conf."
expect_line "unenrolled = allow: the last line says so again" 0 \
	"THE SECOND FACTOR IS NOT ENFORCED on this terminal: see the lines marked WARN and FAIL above."
run check --json --root "$R" --sshd "$NOSSHD"
if [ "$RC" = 0 ] && printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["second_factor_enforced"] is False, d
r = [c for c in d["checks"] if c["id"] == "rollout"][0]
assert r["status"] == "warn" and r["code"] == "unenrolled-allow", r
assert "does NOT yet enforce" in r["message"], r
'; then ok "unenrolled = allow in --json: rollout warn, not enforced"; else not_ok "rollout --json: $OUT"; fi

# ---- configuration ---------------------------------------------------------------------------
make_root badconf faillock
B=$T/badconf
printf 'auth {\n  lockout = abc\n}\n' >"$B/etc/mamori/mamori.conf"
run check --root "$B" --sshd "$NOSSHD"
expect_line "an invalid mamori.conf: FAIL with file:line, exit 1" 1 \
	"FAIL  configuration: $B/etc/mamori/mamori.conf:2: auth.lockout: expected seconds 0..86400, got \"abc\". Every component refuses to work with it: logins that need a one-time code are refused. Fix it and run \"mamorictl config check\"."
expect_line "an invalid mamori.conf: the rollout state is unknown" 1 \
	"WARN  rollout: unknown while the configuration is invalid."
rm "$B/etc/mamori/mamori.conf"
run check --root "$B" --sshd "$NOSSHD"
expect_line "no mamori.conf: the built-in defaults, exit 0" 0 \
	"OK    configuration: $B/etc/mamori/mamori.conf does not exist; the built-in defaults are in effect."

# ---- PAM stacks --------------------------------------------------------------------------------
# pam VARIANT NAME LINE: a root with the variant's files; LINE must be in the output, exit 1
pam() {
	make_root "$1" "$1"
	P=$T/$1
	run check --root "$P" --sshd "$NOSSHD"
	expect_line "$2" 1 "$(printf '%s' "$3" | sed "s|%D%|$P/etc/pam.d/|g")"
}
make_root debian
run check --root "$T/debian" --sshd "$NOSSHD"
expect_line "Debian's stacks without pam_faillock: a WARN naming the service, exit 0" 0 \
	"WARN  PAM sshd: pam_faillock.so is not in the auth stack: nothing limits password guessing (see pam_faillock(8))."
pam sufficient "sufficient pam_unix before pam_mamori: FAIL naming the line" \
	'FAIL  PAM login: %D%common-auth:1: "auth sufficient pam_unix.so nullok" can end authentication with success before pam_mamori.so asks for the code: logins pass without a one-time code.'
pam faillock-sufficient "pam_faillock's sufficient authsucc before pam_mamori: FAIL" \
	'FAIL  PAM sudo: %D%common-auth:7: "auth sufficient pam_faillock.so authsucc" can end authentication with success before pam_mamori.so asks for the code: logins pass without a one-time code.'
pam jump "[success=3] jumping over pam_mamori: FAIL naming the line" \
	'FAIL  PAM sshd: %D%common-auth:17: "auth [success=3 default=ignore] pam_unix.so nullok" can jump over pam_mamori.so: logins pass without a one-time code.'
pam optional "optional pam_mamori: FAIL naming its line" \
	'FAIL  PAM su: %D%common-auth:25: "auth optional pam_mamori.so": a wrong one-time code does not fail the login; pam_mamori.so needs the control "required".'
pam absent "no pam_mamori at all: FAIL" \
	'FAIL  PAM polkit-1: pam_mamori.so is not in the auth stack of %D%polkit-1: logins need no one-time code.'
pam permit "sufficient pam_permit in sshd: FAIL" \
	'FAIL  PAM sshd: %D%sshd:1: "auth sufficient pam_permit.so" can end authentication with success before pam_mamori.so asks for the code: logins pass without a one-time code.'
pam reset "reset after pam_mamori: FAIL" \
	'FAIL  PAM login: %D%common-auth:26: "auth [success=ok default=reset] pam_env.so" forgets a failure of pam_mamori.so: logins pass without a one-time code.'
pam lightdm "Debian's lightdm (nopasswdlogin): FAIL" \
	'FAIL  PAM lightdm: %D%lightdm:3: "auth sufficient pam_succeed_if.so user ingroup nopasswdlogin" can end authentication with success before pam_mamori.so asks for the code: logins pass without a one-time code.'
pam cycle "an include cycle: FAIL" \
	'FAIL  PAM gdm-password: %D%common-auth:28: "@include common-auth" includes a file that includes it again; libpam fails this service.'
pam missing-include "a missing include: FAIL" \
	'FAIL  PAM sshd: %D%sshd:4: "@include common-auth-ldap": the included file cannot be read (No such file or directory); libpam fails this service.'
pam invalid "a line libpam does not understand: FAIL" \
	'FAIL  PAM sudo: %D%sudo:9: "auth requird pam_unix.so" is not valid PAM syntax; libpam makes it a module that always fails.'
pam substack-sufficient "sufficient inside a substack: FAIL" \
	'FAIL  PAM sshd: %D%sshd-auth:1: "auth sufficient pam_unix.so" can end authentication with success before pam_mamori.so asks for the code: logins pass without a one-time code.'

make_root conf faillock
sed -i 's|pam_mamori.so$|pam_mamori.so conf=/etc/mamori/pilot.conf|' "$T/conf/etc/pam.d/common-auth"
run check --root "$T/conf" --sshd "$NOSSHD"
expect_line "pam_mamori.so conf=FILE: a WARN naming the file it reads" 0 \
	"WARN  PAM login: $T/conf/etc/pam.d/common-auth:8: pam_mamori.so reads /etc/mamori/pilot.conf, not the configuration checked above; check that file with \"mamorictl config check /etc/mamori/pilot.conf\"."

run check --json --root "$T/jump" --sshd "$NOSSHD"
if [ "$RC" = 1 ] && printf '%s' "$OUT" | T="$T" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
assert d["result"] == "fail" and d["second_factor_enforced"] is False, d
c = [c for c in d["checks"] if c["id"] == "pam.sshd"][0]
assert c["status"] == "fail" and c["code"] == "jump-over", c
assert c["path"] == os.environ["T"] + "/jump/etc/pam.d/common-auth" and c["line"] == 17, c
'; then ok "a bypass in --json: id, code, path and line"; else not_ok "jump --json: $OUT"; fi

# a line with bytes that are not UTF-8 and a control character still gives valid JSON, and the
# control character never reaches the terminal
make_root bytes faillock
printf 'auth requird pam_unix.so \377\033[2J\n@include common-auth\n' >"$T/bytes/etc/pam.d/sudo"
run check --json --root "$T/bytes" --sshd "$NOSSHD"
if [ "$RC" = 1 ] && printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = [c for c in d["checks"] if c["id"] == "pam.sudo"][0]
assert c["code"] == "invalid-line" and "\ufffd?[2J" in c["message"], c
'; then ok "bytes that are not UTF-8 in --json: U+FFFD, control characters as ?"; else not_ok "bytes --json: $OUT"; fi

# ---- state store -------------------------------------------------------------------------------
make_root state faillock
S=$T/state/var/lib/mamori/users
chmod 0644 "$S/tanaka"
: >"$S/suzuki"; chmod 0600 "$S/suzuki"; chown 1000 "$S/suzuki"
ln -s /etc/shadow "$S/yamada"
run check --root "$T/state" --sshd "$NOSSHD"
expect_line "a state file readable by others: FAIL naming it" 1 \
	"FAIL  state store: $S/tanaka has mode 0644, expected 0600: others may read the secret; logins of that user are refused."
expect_line "a state file not owned by root: FAIL naming it" 1 \
	"FAIL  state store: $S/suzuki is owned by uid 1000, expected root; logins of that user are refused."
expect_line "a symlink in the state store: FAIL naming it" 1 \
	"FAIL  state store: $S/yamada is not a regular file; logins of that user are refused. Remove it."
rm -rf "$S"; mkdir -m 0755 "$S"
run check --root "$T/state" --sshd "$NOSSHD"
expect_line "a state directory open to others: FAIL" 1 \
	"FAIL  state store: $S is owned by uid 0 with mode 0755, expected root and 0700."
rm -rf "$S"
run check --root "$T/state" --sshd "$NOSSHD"
expect_line "no state directory yet: WARN, exit 0" 0 \
	"WARN  state store: $S does not exist: nobody is enrolled yet."

# ---- removable media: the udev rules (the running system's devices: test_check_media.sh) ----
make_root rules faillock
U=$T/rules
mkdir -p "$U/etc/udev/rules.d"
ln -s /dev/null "$U/etc/udev/rules.d/10-mamori.rules"
rm "$U/usr/lib/udev/rules.d/72-mamori-uaccess.rules"
run check --root "$U" --sshd "$NOSSHD"
expect_line "rules masked by a link to /dev/null in /etc: FAIL naming it" 1 \
	"FAIL  media: $U/etc/udev/rules.d/10-mamori.rules hides mamori's udev rules (empty, a link to /dev/null or without mamori-udev): new removable devices stay writable. Remove it."
expect_line "a rule file missing: FAIL" 1 \
	"FAIL  media: the udev rule file 72-mamori-uaccess.rules is not installed: new removable devices stay writable. Reinstall the mamori-agent package."
rm "$U/etc/udev/rules.d/10-mamori.rules"
printf '# local copy\nACTION=="add", RUN+="/bin/true"\n' >"$U/etc/udev/rules.d/10-mamori.rules"
install -m 0664 conf/udev/72-mamori-uaccess.rules "$U/usr/lib/udev/rules.d/"
run check --root "$U" --sshd "$NOSSHD"
expect_line "a local copy in /etc without mamori-udev: FAIL" 1 \
	"FAIL  media: $U/etc/udev/rules.d/10-mamori.rules hides mamori's udev rules (empty, a link to /dev/null or without mamori-udev): new removable devices stay writable. Remove it."
expect_line "a group-writable rule file: FAIL with owner and mode" 1 \
	"FAIL  media: $U/usr/lib/udev/rules.d/72-mamori-uaccess.rules is owned by uid 0 with mode 0664: others can change the rules. It must be root's and writable by root only."
cp conf/udev/10-mamori.rules "$U/etc/udev/rules.d/10-mamori.rules"
run check --root "$U" --sshd "$NOSSHD"
expect_line "a copy in /etc that still runs mamori-udev: OK naming it" 1 \
	"OK    media: the udev rules $U/etc/udev/rules.d/10-mamori.rules are installed."

run check --root "$G" --sshd "$NOSSHD" --only media
expect_lines "--only media: the configuration and the media lines, exit 0" 0 "OK    configuration: $G/etc/mamori/mamori.conf is valid.
OK    media: the udev rules $G/usr/lib/udev/rules.d/10-mamori.rules are installed.
OK    media: the udev rules $G/usr/lib/udev/rules.d/69-mamori-uaccess.rules are installed.
OK    media: the udev rules $G/usr/lib/udev/rules.d/72-mamori-uaccess.rules are installed.
WARN  media: with --root, udevd, mamori-agent and the devices of the running system are not inspected.
Summary: 4 OK, 1 WARN, 0 FAIL."
run check --root "$G" --sshd "$NOSSHD" --only state,media
case $RC:$OUT in 0:*"OK    state store: "*"OK    media: the udev rules "*) ok "--only state,media: both groups";; *) not_ok "--only state,media: $OUT";; esac
run check --only media,bogus
case $RC in 2) ok "--only with an unknown group: exit 2";; *) not_ok "--only bogus: exit $RC";; esac

# ---- sshd: its effective settings, from the real sshd -T ------------------------------------
SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ] || ! command -v ssh-keygen >/dev/null; then
	echo "skip - sshd tests need openssh-server (tests/deps.txt)"
else
	# sshd -T wants its privilege separation directory, which exists while ssh.service runs;
	# give it a private one rather than touch this machine's /run.
	if [ -d /run/sshd ]; then
		WRAP=""
	elif unshare -m true 2>/dev/null; then
		WRAP="unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec \"\$@\"' sh"
	else
		WRAP=none
	fi
	if [ "$WRAP" = none ]; then
		echo "skip - sshd -T needs /run/sshd or unshare(1)"
	else
		make_root ssh faillock
		X=$T/ssh
		mkdir -p "$X/etc/ssh"
		ssh-keygen -q -t ed25519 -N '' -f "$X/etc/ssh/ssh_host_ed25519_key"
		sshd_conf() { # the HostKey, then the given lines
			{ echo "HostKey $X/etc/ssh/ssh_host_ed25519_key"; printf '%b' "$1"; } \
				>"$X/etc/ssh/sshd_config"
		}
		run_sshd() { eval "$WRAP" '"$M"' check --root '"$X"' --sshd "$SSHD" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); }

		sshd_conf 'UsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\nAuthenticationMethods publickey,keyboard-interactive keyboard-interactive\n'
		run_sshd
		if [ "$RC" = 0 ] && [ "$(printf '%s\n' "$OUT" | grep '^[A-Z]* *sshd')" = "OK    sshd: UsePAM yes.
OK    sshd: KbdInteractiveAuthentication yes.
OK    sshd: PasswordAuthentication no.
OK    sshd: AuthenticationMethods \"publickey,keyboard-interactive keyboard-interactive\": every login needs keyboard-interactive." ]; then
			ok "sshd set up like the shipped drop-in: four OK lines, exit 0"
		else
			not_ok "good sshd: $OUT"
		fi

		sshd_conf 'UsePAM no\nKbdInteractiveAuthentication no\nPasswordAuthentication yes\n'
		run_sshd
		C=$X/etc/ssh/sshd_config
		if [ "$RC" = 1 ] && [ "$(printf '%s\n' "$OUT" | grep '^[A-Z]* *sshd')" = "FAIL  sshd: UsePAM is no: sshd does not ask PAM, so no one-time code is asked. Set \"UsePAM yes\" ($C).
FAIL  sshd: KbdInteractiveAuthentication is no: sshd cannot show the one-time code prompt. Set \"KbdInteractiveAuthentication yes\" ($C).
FAIL  sshd: PasswordAuthentication is yes: the client's password is sent to the one-time code prompt too, where it burns a code and counts toward the lockout. Set \"PasswordAuthentication no\" ($C).
FAIL  sshd: AuthenticationMethods is \"any\": a public key alone logs in and skips PAM's auth step, so no one-time code is asked. Set e.g. \"AuthenticationMethods publickey,keyboard-interactive keyboard-interactive\" ($C)." ]; then
			ok "sshd's defaults: four FAIL lines naming the settings, exit 1"
		else
			not_ok "bad sshd: $OUT"
		fi

		sshd_conf 'KbdInteractiveAuthentication yes\nPasswordAuthentication no\nAuthenticationMethods keyboard-interactive publickey\n'
		run_sshd
		expect_line "a method list without keyboard-interactive: FAIL naming it" 1 \
			"FAIL  sshd: AuthenticationMethods: the list \"publickey\" does not include keyboard-interactive, so logins through it skip the one-time code. Add keyboard-interactive to every list ($C)."

		mkdir -p "$X/etc/ssh/sshd_config.d"
		printf 'Match Address 10.0.0.0/8\n  PasswordAuthentication yes\n' \
			>"$X/etc/ssh/sshd_config.d/office.conf"
		sshd_conf "UsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\nAuthenticationMethods keyboard-interactive\nInclude $X/etc/ssh/sshd_config.d/*.conf\n"
		run_sshd
		expect_line "a Match block in an included file: WARN naming it, exit 0" 0 \
			"WARN  sshd: $X/etc/ssh/sshd_config.d/office.conf:1 starts a Match block, which sshd -T does not show: check by hand that it keeps PasswordAuthentication off, KbdInteractiveAuthentication on and keyboard-interactive in every AuthenticationMethods list."

		sshd_conf 'UsePAM yes\nFrobnicate yes\n'
		run_sshd
		case $RC:$OUT in
		1:*"FAIL  sshd: \"$SSHD -T -f $C\" refuses the configuration: "*Frobnicate*) ok "a configuration sshd refuses: FAIL with sshd's words";;
		*) not_ok "sshd config error: $OUT";;
		esac
	fi
fi

# ---- usage ---------------------------------------------------------------------------------------
run check --bogus
case $RC in 2) ok "an unknown option: exit 2";; *) not_ok "unknown option: exit $RC";; esac
run check --root
case $RC in 2) ok "--root without a directory: exit 2";; *) not_ok "--root alone: exit $RC";; esac
run check --help
case $RC:$OUT in 0:"usage: mamorictl check "*) ok "check --help";; *) not_ok "check --help: $OUT";; esac
run --help
case $RC:$OUT in 0:*"  check "*) ok "mamorictl --help lists check";; *) not_ok "--help: $OUT";; esac

exit $FAILED
