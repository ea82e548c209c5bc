#!/bin/sh
# mamorictl otp import-pskc: the RFC 6030 files in tests/data/pskc are listed without a seed,
# imported, and the stored tokens then accept the codes the real oathtool computes from the
# known seeds; refused files (wrong key, altered MAC, malformed, unsupported) leave no state
# and each leaves its event in the durable log.
# Env: MAMORICTL, BUILD. Prints "ok - …" / "not ok - …"; exits 1 when any failed.
set -u
M=${MAMORICTL:-build/mamorictl}
B=${BUILD:-build}
MABS=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
TRY=$B/tests/progs/otp_try
D=tests/data/pskc
if [ "$(id -u)" != 0 ]; then
	echo "skip: mamorictl trusts only root-owned configuration and key files"; exit 77
fi
if ! command -v oathtool >/dev/null; then
	echo "skip: oathtool is not installed"; exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-pskc.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

check_eval() { # WHAT SHELL-TEXT: ok when the text, evaluated, succeeds
	if eval "$2"; then ok "$1"; else not_ok "$1"; fi
}

mkdir -p "$T/users" "$T/state" "$T/run" "$T/in"
chmod 0700 "$T/users" "$T/in"
cat >"$T/mamori.conf" <<CONF
auth {
  state_dir = "$T/users"
}
report {
  event_log = "$T/events.log"
  state_dir = "$T/state"
  spool_dir = "$T/run"
  syslog_socket = "$T/no-syslog"
}
CONF
for f in "$D"/*.pskcxml "$D"/*.key; do cp "$f" "$T/in/"; done
chmod 0600 "$T"/in/*
IN=$T/in
KEY=$IN/rfc6030.key

# run ARGS...: mamorictl otp import-pskc ARGS with the test configuration; RC, OUT, ERR
run() {
	"$M" otp import-pskc "$@" --config "$T/mamori.conf" >"$T/out" 2>"$T/err"; RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}
# events ID TEXT...: lines of the durable log with the identifier and every text
events() {
	id=$1; shift
	grep "^$id " "$T/events.log" 2>/dev/null | {
		n=0
		while IFS= read -r line; do
			all=1
			for t in "$@"; do case $line in *"$t"*) ;; *) all=0 ;; esac; done
			n=$((n + all))
		done
		echo $n
	}
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# try USER CODE [EPOCH]: a login's verdict, e.g. "ok counter=1"
try() { "$TRY" "$T/users" "$@" 2>&1; }
# no USER CODE [EPOCH]: the login ran and said no
no() { try "$@" | grep -Eq '^(wrong|replay) '; }

SEED_RFC=12345678901234567890
SEED_1=mamori-hotp-token-001
SEED_2=12345678901234567890123456789012
SEED_3=mamori-hotp-token-003

# ---- listing -------------------------------------------------------------------------------
run "$IN/box-of-three-psk.pskcxml" --key-file "$KEY" --list
check_eval "--list of an encrypted box: exit 0" '[ $RC = 0 ]'
check_eval "--list shows every serial with kind, hash and digits" \
	'printf "%s\n" "$OUT" | grep -q "^MMR-0001 *hotp *sha1 *6 *counter 5$" &&
	 printf "%s\n" "$OUT" | grep -q "^MMR-0002 *totp *sha256 *8 *30 s$" &&
	 printf "%s\n" "$OUT" | grep -q "^MMR-0003 *hotp *sha1 *6 *counter 100$"'
leaks=0
for s in "$SEED_1" "$SEED_2" "$SEED_3"; do
	for form in "$s" "$(hex "$s")" "$(printf %s "$s" | base64)" \
		"$(printf %s "$s" | base32 | tr -d =)"; do
		case "$OUT$ERR" in *"$form"*) leaks=1 ;; esac
		grep -qF -- "$form" "$T/events.log" && leaks=1
	done
done
check_eval "--list prints no seed in any encoding, nor does its event" '[ $leaks = 0 ]'
check_eval "--list is an event (MAMORI-ADMIN-525)" \
	'[ "$(events MAMORI-ADMIN-525 tokens=3 encrypted=1)" = 1 ]'
(cd "$IN" && "$MABS" otp import-pskc totp-sha256-plain.pskcxml --list \
	--config "$T/mamori.conf" >/dev/null 2>&1)
check_eval "events name a file given relative to the working directory by its absolute path" \
	'[ "$(events MAMORI-ADMIN-525 "file=$IN/totp-sha256-plain.pskcxml tokens=1")" = 1 ]'

# ---- refused files leave no state ----------------------------------------------------------
refused() { # NAME FILE EVENT REASON [ARGS...]
	name=$1 file=$2 ev=$3 reason=$4; shift 4
	before=$(events "$ev" "reason=$reason")
	run "$IN/$file" --serial 987654321 --user refused "$@"
	if [ "$RC" != 1 ]; then
		not_ok "$name: exit $RC, expected 1 ($ERR)"
	elif [ -e "$T/users/refused" ]; then
		not_ok "$name: a state file was written"
	elif [ "$(events "$ev" "reason=$reason")" != $((before + 1)) ]; then
		not_ok "$name: no $ev reason=$reason event"
	else
		ok "$name: refused, $ev reason=$reason, no state"
	fi
}
printf '0123456789abcdef0123456789abcdef\n' >"$T/wrong.key"; chmod 0600 "$T/wrong.key"
refused "encrypted file without --key-file" rfc6030-6.1-hotp-psk.pskcxml MAMORI-ADMIN-521 no-key
refused "wrong pre-shared key" rfc6030-6.1-hotp-psk.pskcxml MAMORI-ADMIN-522 wrong-key \
	--key-file "$T/wrong.key"
refused "altered MAC" bad-mac-psk.pskcxml MAMORI-ADMIN-522 bad-mac --key-file "$KEY"
refused "altered ciphertext" altered-ciphertext-psk.pskcxml MAMORI-ADMIN-522 bad-mac \
	--key-file "$KEY"
refused "HOTP without a counter" missing-counter.pskcxml MAMORI-ADMIN-521 malformed
refused "not XML" not-xml.pskcxml MAMORI-ADMIN-521 malformed
refused "a DOCTYPE with an external entity" doctype-entity.pskcxml MAMORI-ADMIN-521 malformed
refused "OCRA token" unsupported-ocra.pskcxml MAMORI-ADMIN-521 unsupported
check_eval "the wrong-key message says what to check" \
	'run "$IN/rfc6030-6.1-hotp-psk.pskcxml" --key-file "$T/wrong.key" --list;
	 case $ERR in *"pre-shared key does not open this file"*"check the key"*) true ;; *) false ;; esac'
ln -s "$IN/rfc6030-fig2-hotp-plain.pskcxml" "$T/link.pskcxml"
before=$(events MAMORI-ADMIN-521 reason=symlink)
run "$T/link.pskcxml" --list
check_eval "a symlinked PSKC file is refused" \
	'[ $RC = 1 ] && [ "$(events MAMORI-ADMIN-521 reason=symlink)" = $((before + 1)) ]'
cp "$KEY" "$T/loose.key"; chmod 0644 "$T/loose.key"
run "$IN/rfc6030-6.1-hotp-psk.pskcxml" --key-file "$T/loose.key" --list
check_eval "a key file readable by others is refused (MAMORI-ADMIN-523)" \
	'[ $RC = 1 ] && [ "$(events MAMORI-ADMIN-523 reason=mode)" = 1 ] && [ -z "$OUT" ]'

# ---- imports whose codes oathtool computes --------------------------------------------------
run "$IN/rfc6030-6.1-hotp-psk.pskcxml" --key-file "$KEY" --serial 987654321 --user tanaka
check_eval "RFC 6030 §6.1 file: token assigned, exit 0" \
	'[ $RC = 0 ] && [ "$OUT" = "token 987654321 (hotp, sha1, 8 digits) is now tanaka'"'"'s second factor" ]'
check_eval "the import is an event (MAMORI-ADMIN-520)" \
	'[ "$(events MAMORI-ADMIN-520 user=tanaka serial=987654321 kind=hotp encrypted=1 forced=0)" = 1 ]'
c0=$(oathtool --hotp -d 8 -c 0 "$(hex $SEED_RFC)")
c1=$(oathtool --hotp -d 8 -c 1 "$(hex $SEED_RFC)")
check_eval "oathtool's HOTP code 0 opens tanaka's login" '[ "$(try tanaka "$c0")" = "ok counter=1" ]'
check_eval "the same code again does not" 'no tanaka "$c0"'
check_eval "oathtool's HOTP code 1 opens it" '[ "$(try tanaka "$c1")" = "ok counter=2" ]'

run "$IN/box-of-three-psk.pskcxml" --key-file "$KEY" --serial MMR-0001 --user suzuki
check_eval "box token MMR-0001 (HOTP, counter 5) assigned" '[ $RC = 0 ]'
check_eval "oathtool's code for counter 4 (before the file's counter) is refused" \
	'no suzuki "$(oathtool --hotp -c 4 "$(hex $SEED_1)")"'
check_eval "oathtool's code for counter 5 opens suzuki's login" \
	'[ "$(try suzuki "$(oathtool --hotp -c 5 "$(hex $SEED_1)")")" = "ok counter=6" ]'

run "$IN/box-of-three-psk.pskcxml" --key-file "$KEY" --serial MMR-0002 --user sato
check_eval "box token MMR-0002 (TOTP SHA-256, 8 digits) assigned" '[ $RC = 0 ]'
now=$(date +%s)
code=$(oathtool --totp=sha256 -d 8 -s 30 -N "@$now" "$(hex $SEED_2)")
check_eval "oathtool's TOTP SHA-256 code opens sato's login" \
	'try sato "$code" "$now" | grep -q "^ok "'
check_eval "the same TOTP code again does not" 'no sato "$code" "$now"'

run "$IN/totp-sha256-plain.pskcxml" --serial TOTP-256-01 --user ito
code=$(oathtool --totp=sha256 -d 8 -N "@2000000000" "$(hex $SEED_2)")
check_eval "plain TOTP file: oathtool's code at 2033-05-18 opens ito's login" \
	'[ $RC = 0 ] && try ito "$code" 2000000000 | grep -q "^ok "'

run "$IN/rfc6030-fig2-hotp-plain.pskcxml" --serial 987654321 --user kato
check_eval "RFC 6030 Figure 2 (plain): oathtool's code 0 opens kato's login" \
	'[ $RC = 0 ] && [ "$(try kato "$(oathtool --hotp -d 8 -c 0 "$(hex $SEED_RFC)")")" = "ok counter=1" ]'

leaks=0
for s in "$SEED_RFC" "$SEED_1" "$SEED_2"; do
	for form in "$s" "$(hex "$s")" "$(printf %s "$s" | base64)"; do
		grep -qF -- "$form" "$T/events.log" && leaks=1
	done
done
check_eval "no seed in the event log" '[ $leaks = 0 ]'

# ---- an enrolled user is replaced only with --force ----------------------------------------
cp "$T/users/suzuki" "$T/suzuki.before"
run "$IN/box-of-three-psk.pskcxml" --key-file "$KEY" --serial MMR-0003 --user suzuki
check_eval "an enrolled user is not overwritten without --force (MAMORI-ADMIN-524)" \
	'[ $RC = 1 ] && cmp -s "$T/users/suzuki" "$T/suzuki.before" &&
	 [ "$(events MAMORI-ADMIN-524 user=suzuki reason=enrolled)" = 1 ]'
run "$IN/box-of-three-psk.pskcxml" --key-file "$KEY" --serial MMR-0003 --user suzuki --force
check_eval "--force replaces the token; the new one's code 100 works, the old one's do not" \
	'[ $RC = 0 ] && [ "$(events MAMORI-ADMIN-520 user=suzuki serial=MMR-0003 forced=1)" = 1 ] &&
	 no suzuki "$(oathtool --hotp -c 6 "$(hex $SEED_1)")" &&
	 try suzuki "$(oathtool --hotp -c 100 "$(hex $SEED_3)")" | grep -q "^ok counter=101$"'
run "$IN/box-of-three-psk.pskcxml" --key-file "$KEY" --serial NOPE --user mori
check_eval "an unknown serial: exit 1, MAMORI-ADMIN-524 no-such-serial, no state" \
	'[ $RC = 1 ] && [ ! -e "$T/users/mori" ] &&
	 [ "$(events MAMORI-ADMIN-524 user=mori reason=no-such-serial)" = 1 ]'
check_eval "the state file is root's, mode 0600" \
	'[ "$(stat -c %u:%a "$T/users/tanaka")" = 0:600 ]'

# ---- usage ---------------------------------------------------------------------------------
run
check_eval "no FILE: usage, exit 2" '[ $RC = 2 ] && case $ERR in *usage:*) true ;; *) false ;; esac'
run "$IN/box-of-three-psk.pskcxml" --list --serial MMR-0001
check_eval "--list with --serial: exit 2" '[ $RC = 2 ]'
run "$IN/box-of-three-psk.pskcxml" --serial MMR-0001
check_eval "--serial without --user: exit 2" '[ $RC = 2 ]'
"$M" otp import-pskc --help >"$T/out" 2>&1
check_eval "--help: exit 0, the usage" 'grep -q -- "--key-file KEYFILE" "$T/out"'

# ---- the PAM module stays free of the PSKC libraries ----------------------------------------
if [ -e "$B/pam_mamori.so" ]; then
	check_eval "pam_mamori.so does not load libpskc or libxml2" \
		'! ldd "$B/pam_mamori.so" | grep -Eq "libpskc|libxml2"'
fi
exit $FAILED
