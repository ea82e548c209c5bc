#!/bin/sh
# mamorictl config check: exit codes, messages on stderr, --show, --help, --version.
# Env: MAMORICTL (the binary). Prints "ok - …" / "not ok - …"; exits 1 when any failed.
set -u
M=${MAMORICTL:-build/mamorictl}
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

# run ARGS...: sets RC, OUT and ERR
run() {
	"$M" "$@" >"$T/out" 2>"$T/err"; RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}

# expect NAME RC WANT_OUT WANT_ERR: exact stdout and stderr ("-" to skip one)
expect() {
	if [ "$RC" != "$2" ]; then
		not_ok "$1 (exit $RC, expected $2; stderr: $ERR)"
	elif [ "$3" != "-" ] && [ "$OUT" != "$3" ]; then
		not_ok "$1 (stdout: $OUT)"
	elif [ "$4" != "-" ] && [ "$ERR" != "$4" ]; then
		not_ok "$1 (stderr: $ERR)"
	else
		ok "$1"
	fi
}

conf() { # NAME TEXT: writes $T/NAME with mode 0644
	printf '%b' "$2" >"$T/$1"; chmod 0644 "$T/$1"
}

conf good.conf 'media {\n  policy = deny\n  allow "0781:5567:SN1" { comment = "総務課" }\n}\nauth { lockout = 60 }\n'
run config check "$T/good.conf"
expect "a good file: ok, exit 0" 0 "$T/good.conf: ok" ""

conf bad.conf 'auth {\n  digits = 6\n  lockout = abc\n}\n'
run config check "$T/bad.conf"
expect "a bad value: file:line: option: expected, got; exit 1" 1 "" \
	"$T/bad.conf:3: auth.lockout: expected seconds 0..86400, got \"abc\""

# each USB class that is a way out has its own setting, checked like every other
conf classes.conf 'media {\n  network = audit\n  wireless = allow\n  printer = allow\n  vendor = deny\n}\n'
run config check "$T/classes.conf"
expect "USB class settings: network, wireless, printer, vendor accepted" 0 "$T/classes.conf: ok" ""
conf badclass.conf 'media {\n  policy = deny\n  network = yes\n}\n'
run config check "$T/badclass.conf"
expect "a bad USB class setting: file:line, the option and its words" 1 "" \
	"$T/badclass.conf:3: media.network: expected one of deny, audit, allow, got \"yes\""
conf badmtp.conf 'media {\n  mtp = allow\n}\n'
run config check "$T/badmtp.conf"
expect "media.mtp cannot be allow" 1 "" \
	"$T/badmtp.conf:2: media.mtp: expected one of deny, audit, got \"allow\""

conf unknown.conf 'report {\n  colour = red\n}\n'
run config check "$T/unknown.conf"
expect "an unknown option is an error" 1 "" \
	"$T/unknown.conf:2: report.colour: unknown option, expected one of event_log, state_dir, spool_dir, syslog_socket, heartbeat, debug"

run config check "$T/missing.conf"
expect "a named file that is missing" 1 "" "$T/missing.conf: cannot open: No such file or directory"

conf loose.conf ''
chmod 0666 "$T/loose.conf"
run config check "$T/loose.conf"
expect "a world-writable file is refused" 1 "" \
	"$T/loose.conf: refused: mode 0666 is writable by group or others"

ln -s "$T/good.conf" "$T/link.conf"
run config check "$T/link.conf"
expect "a symlink is refused" 1 "" "$T/link.conf: refused: is a symbolic link"

if [ "$(id -u)" = 0 ]; then
	conf other.conf ''
	chown 65534 "$T/other.conf"
	run config check "$T/other.conf"
	expect "a file not owned by root is refused" 1 "" \
		"$T/other.conf: refused: owned by uid 65534, expected uid 0"
	conf mine.conf 'auth { digits = 8 }\n'
	run config check "$T/mine.conf"
	expect "a root-owned file is accepted" 0 "$T/mine.conf: ok" ""
else
	echo "skip - owner checks need root (the tool trusts only uid 0)"
fi

run config check "$T/good.conf" --show
expect "--show prints the status as a comment, then the configuration" 0 - ""
if [ "$RC" = 0 ]; then
	printf '%s\n' "$OUT" >"$T/shown.conf"; chmod 0644 "$T/shown.conf"
	case $OUT in
	"# $T/good.conf: ok"*"policy = deny"*'allow "0781:5567:SN1" {'*"lockout = 60"*)
		ok "--show has the file's values and the defaults";;
	*) not_ok "--show output: $OUT";;
	esac
	"$M" config check --show "$T/shown.conf" | sed 1d >"$T/shown2"
	if sed 1d "$T/shown.conf" | cmp -s - "$T/shown2"; then
		ok "--show output loads again to the same configuration"
	else
		not_ok "--show output does not round-trip"
	fi
fi

if [ ! -e /etc/mamori/mamori.conf ]; then
	run config check
	expect "no file at the default path: built-in defaults, and it says so" 0 \
		"/etc/mamori/mamori.conf: not found, using the built-in defaults
built-in defaults: ok" ""
else
	echo "skip - /etc/mamori/mamori.conf exists; the built-in defaults case is not testable"
fi

run config check a.conf b.conf
expect "two files: usage error, exit 2" 2 "" -
run config check --bogus
expect "an unknown option: usage error, exit 2" 2 "" -
run config frobnicate
expect "an unknown subcommand: exit 2" 2 "" -
run config
expect "no subcommand: usage on stderr, exit 2" 2 "" -

run --help
case $RC:$OUT in 0:*"config "*) ok "mamorictl --help lists config";; *) not_ok "mamorictl --help: $OUT";; esac
run config --help
case $RC:$OUT in 0:*"check "*) ok "mamorictl config --help lists check";; *) not_ok "config --help: $OUT";; esac
run config check --help
case $RC:$OUT in
0:"usage: mamorictl config check [FILE] [--show]"*) ok "config check --help";;
*) not_ok "config check --help: $OUT";;
esac
run --version
case $RC:$OUT in 0:"mamorictl "[0-9]*) ok "--version";; *) not_ok "--version: $OUT";; esac

exit $FAILED
