#!/bin/sh
# mamori-verify's own refusals, run the way a user could run it: the test build (which
# takes -c CONF), copied root-owned with mode 4755, started by `nobody` through setpriv.
# Every refusal is an exit status and an event; none of them looks at a code or counts a
# failure.
set -u
VERIFY=$BUILD/testbuild/mamori-verify
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to make a setuid file"; exit 77; }
command -v setpriv >/dev/null || { echo "skip: setpriv (util-linux) not installed"; exit 77; }
getent passwd nobody >/dev/null || { echo "skip: no user nobody"; exit 77; }
[ -x "$VERIFY" ] || { echo "not ok - $VERIFY is built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-verify.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 0755 "$T"
mkdir -m 0700 "$T/users"
mkdir -m 0750 "$T/log"
cat >"$T/mamori.conf" <<CONF
auth {
  state_dir = "$T/users"
}
report {
  event_log = "$T/log/events.log"
  state_dir = "$T"
  spool_dir = "$T/run"
}
CONF
chmod 0644 "$T/mamori.conf"
cp "$VERIFY" "$T/mamori-verify"
chown root:root "$T/mamori-verify"
chmod 4755 "$T/mamori-verify"

NOBODY_GID=$(id -g nobody)
as_nobody() { setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups -- "$@"; }
verify_as_nobody() { as_nobody "$T/mamori-verify" -c "$T/mamori.conf" "$@"; }
events() { grep -c -- "$1" "$T/log/events.log" 2>/dev/null || true; }
lines() { cat "$T/log/events.log" 2>/dev/null | wc -l; }

# Each check looks at the status and at the one line the request added to the event log.
n=0 seen=0
check() { # description expected-status actual-status [event-text]
	n=$((n + 1))
	added=$(($(lines) - seen)); seen=$(lines)
	if [ "$2" -ne "$3" ]; then
		echo "not ok $n - $1: exit status $3, want $2"
	elif [ $# -ge 4 ] && { [ $added -ne 1 ] || ! tail -n1 "$T/log/events.log" | grep -q -- "$4"; }; then
		echo "not ok $n - $1: want one new event with '$4'"; sed 's/^/# /' "$T/log/events.log"
	elif [ $# -lt 4 ] && [ $added -ne 0 ]; then
		echo "not ok $n - $1: want no event"; sed 's/^/# /' "$T/log/events.log"
	else
		echo "ok $n - $1"
	fi
}

echo 123456 | verify_as_nobody nobody screensaver; rc=$?
check "no state for the caller: refused as not enrolled (3)" 3 $rc \
	"MAMORI-AUTH-205 .*user=nobody service=screensaver"

echo 123456 | verify_as_nobody root screensaver; rc=$?
check "another user's account: refused (4), reported" 4 $rc "reason=other-user caller=nobody"

printf '%070d\n' 0 | verify_as_nobody nobody; rc=$?
check "input longer than any code: refused (4)" 4 $rc "reason=too-long"

printf '12\0003456' | verify_as_nobody nobody; rc=$?
check "a NUL byte in the input: refused (4)" 4 $rc "reason=not-text caller=nobody"

echo 123456 >"$T/code"
verify_as_nobody nobody <"$T/code"; rc=$?
check "input from a file, not a pipe: refused (4)" 4 $rc "reason=not-a-pipe"

script -qec "setpriv --reuid=nobody --regid=$NOBODY_GID --clear-groups -- \
	$T/mamori-verify -c $T/mamori.conf nobody; echo status=\$?" /dev/null </dev/null \
	>"$T/tty.out" 2>&1
rc=$(sed -n 's/.*status=\([0-9]*\).*/\1/p' "$T/tty.out")
check "input from a terminal: refused (4)" 4 "${rc:-255}" "reason=tty"

echo 123456 | verify_as_nobody; rc=$?
check "no account named: refused (4)" 4 $rc "reason=usage"

echo 123456 | setpriv --reuid=54321 --regid=54321 --clear-groups -- \
	"$T/mamori-verify" -c "$T/mamori.conf" nobody; rc=$?
check "a caller without a passwd entry: refused (4)" 4 $rc "reason=unknown-caller caller=\"uid 54321\""

chmod 0755 "$T/mamori-verify"
echo 123456 | verify_as_nobody nobody; rc=$?
check "installed without the setuid bit: says so (6)" 6 $rc

if [ "$(events MAMORI-AUTH-20[1-4])" -eq 0 ] && [ -z "$(ls "$T/users")" ]; then
	echo "ok $((n + 1)) - no code was judged and no state was written"
else
	echo "not ok $((n + 1)) - a refused request judged a code or wrote state"
fi
