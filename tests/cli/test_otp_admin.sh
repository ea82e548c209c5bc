#!/bin/sh
# mamorictl otp list, show, remove, unlock, recovery-codes, resync and the refusals: what the
# administrator sees, what logins through the real module do afterwards, and the events.
# Env: MAMORICTL, BUILD. Prints "ok - …" / "not ok - …"; exits 1 when any failed.
set -u
. tests/cli/otp_lib.sh

# enrol USER ARGS...: in force at once; sets URI, SECRET and CODES (the recovery codes)
enrol() {
	run enroll "$@" --no-verify
	URI=$(uri_of "$T/out"); SECRET=$(secret_of "$URI")
	CODES=$(sed -n 's/^  \([a-z0-9]\{5\}-[a-z0-9]\{5\}\)$/\1/p' "$T/out")
}
no_secret() { ! grep -q "$SECRET" "$T/out" "$T/err"; }

# ---- list and show ----
enrol tanaka --algorithm sha256 --digits 7
TANAKA=$URI TANAKA_SECRET=$SECRET
enrol 'CITY\suzuki' --hotp --algorithm sha512 --digits 8
run list
check "list: exit 0" [ "$RC" = 0 ]
check "list: a heading and one line per user, sorted by file name" \
	[ "$(printf '%s\n' "$OUT" | awk '{print $1}' | tr '\n' ' ')" = "USER CITY\\suzuki tanaka " ]
check "list: kind, algorithm, digits, state, lock, failures" \
	expr "$OUT" : '.*tanaka  *totp sha256 7  *active  *-  *0' >/dev/null
check "list: a directory user name comes back as typed" \
	expr "$OUT" : '.*CITY\\suzuki  *hotp sha512 8  *active' >/dev/null
SECRET=$TANAKA_SECRET
check "list: never the secret" no_secret
run show tanaka
check "show: exit 0 with kind, algorithm, digits, step, state, recovery codes" \
	sh -c "[ $RC = 0 ] && printf '%s\n' '$OUT' | grep -q '^algorithm: *sha256$' &&
	       printf '%s\n' '$OUT' | grep -q '^time step: *30 s$' &&
	       printf '%s\n' '$OUT' | grep -q '^recovery codes: 10 of 10 unused$'"
check "show: never the secret" no_secret
check "show: never the stored hashes" sh -c "! grep -qF '\$y\$' '$T/out'"
run show nobody
check "show of a user who is not enrolled: exit 1, said so" \
	[ "$RC:$ERR" = "1:mamorictl otp show: the user is not enrolled" ]

# ---- unlock: five wrong codes lock, unlock clears tally and lock ----
for i in 1 2 3 4 5; do login tanaka 0000000; done
run list
check "after five wrong codes the list shows a lock time" \
	expr "$OUT" : '.*tanaka  *totp sha256 7  *active  *[0-9-]*T[0-9:+]* ' >/dev/null
login tanaka "$(code_now "$TANAKA")"
check "locked: the right code fails" [ "$RC" = 1 ]
login tanaka 0000000
run unlock tanaka
check "unlock: exit 0" [ "$RC:$OUT" = "0:tanaka: failures and lock cleared." ]
check "unlock: reported with the cleared tally (MAMORI-ADMIN-505)" \
	grep -q 'MAMORI-ADMIN-505.*user=tanaka by=root failures=0 was_locked=1' "$EVENTS"
run show tanaka
check "unlock: no failures, no lock" \
	sh -c "printf '%s\n' '$OUT' | grep -q '^failures: *0$' &&
	       printf '%s\n' '$OUT' | grep -q '^locked until: *-$'"
login tanaka "$(code_at "$TANAKA" 30)"
check "unlock: the next code logs in again" [ "$RC" = 0 ]

# ---- recovery-codes: new ones work, old ones do not ----
enrol kimura
OLD=$(printf '%s\n' "$CODES" | head -n 1)
run recovery-codes kimura
NEW=$(printf '%s\n' "$OUT" | sed -n 's/^  \([a-z0-9]\{5\}-[a-z0-9]\{5\}\)$/\1/p')
check "recovery-codes: exit 0 and ten new codes" \
	[ "$RC:$(printf '%s\n' "$NEW" | wc -l)" = "0:10" ]
check "recovery-codes: reported (MAMORI-ADMIN-506 codes=10)" \
	grep -q 'MAMORI-ADMIN-506.*user=kimura by=root codes=10' "$EVENTS"
login kimura "$OLD"
check "recovery-codes: an old code no longer logs in" [ "$RC" = 1 ]
login kimura "$(printf '%s\n' "$NEW" | sed -n 3p)"
check "recovery-codes: a new one does" [ "$RC" = 0 ]
login kimura "$(code_now "$URI")"
check "recovery-codes: the secret is unchanged (the app's code still works)" [ "$RC" = 0 ]
check "recovery-codes: no code in the event log" sh -c "! grep -q '$OLD' '$EVENTS'"

# ---- resync: two consecutive HOTP codes far ahead ----
enrol token7 --hotp
c50=$(code_at "$URI" counter=50) c51=$(code_at "$URI" counter=51)
login token7 "$(code_at "$URI" counter=40)"
check "a token 40 presses ahead is beyond the look-ahead window" [ "$RC" = 1 ]
run resync token7 "$c50" "$c51"
check "resync: exit 0, next counter 52" \
	[ "$RC:$OUT" = "0:token7: token resynchronised; next counter 52." ]
check "resync: reported (MAMORI-ADMIN-507 skipped=50 counter=52)" \
	grep -q 'MAMORI-ADMIN-507.*user=token7 by=root skipped=50 counter=52' "$EVENTS"
login token7 "$c51"
check "resync: the codes used cannot log in" [ "$RC" = 1 ]
login token7 "$(code_at "$URI" counter=52)"
check "resync: the next code logs in" [ "$RC" = 0 ]
run resync token7 "$(code_at "$URI" counter=60)" "$(code_at "$URI" counter=62)"
check "resync: codes that are not consecutive are refused, exit 1" [ "$RC" = 1 ]
run resync token7 "$(code_at "$URI" counter=2000)" "$(code_at "$URI" counter=2001)"
check "resync: codes beyond 1000 presses are refused, exit 1" [ "$RC" = 1 ]
check "resync: refusals reported (MAMORI-ADMIN-508 reason=not-found)" \
	[ "$(grep -c 'MAMORI-ADMIN-508.*user=token7.*reason=not-found searched=1001' "$EVENTS")" = 2 ]
run resync tanaka 1234567 2345678
check "resync of a TOTP user: refused, exit 1" \
	sh -c "[ $RC = 1 ] && grep -q 'MAMORI-ADMIN-508.*user=tanaka.*reason=not-hotp' '$EVENTS'"
check "resync: no code in the event log" sh -c "! grep -q -e '$c50' -e '$c51' '$EVENTS'"

# ---- remove ----
run remove kimura
check "remove: exit 0" [ "$RC:$OUT" = "0:The enrolment of kimura was removed." ]
check "remove: reported (MAMORI-ADMIN-504)" \
	grep -q 'MAMORI-ADMIN-504.*user=kimura by=root state=active' "$EVENTS"
check "remove: the state file is gone" [ ! -e "$USERS/kimura" ]
login kimura "$(code_now "$URI")"
check "remove: logins follow auth.unenrolled (deny)" \
	sh -c "[ $RC = 1 ] && grep -q 'MAMORI-AUTH-205.*user=kimura' '$EVENTS'"
run remove kimura
check "remove of a user who is not enrolled: exit 1" [ "$RC" = 1 ]
printf 'garbage\n' >"$USERS/broken"; chmod 0600 "$USERS/broken"
run list
check "list shows a corrupt state as unusable" \
	expr "$OUT" : '.*broken  *unusable: stored data is corrupt' >/dev/null
run remove broken
check "remove clears a corrupt state" sh -c "[ $RC = 0 ] && [ ! -e '$USERS/broken' ]"

# ---- refusals: clear error, non-zero exit, an event, nothing changed ----
run enroll 'bad/name'
check "a user name with '/' is refused" \
	sh -c "[ $RC = 1 ] && grep -q 'invalid user name' '$T/err' && [ ! -e '$USERS/bad' ]"
check "the bad name is reported (MAMORI-ADMIN-509 reason=bad-user)" \
	grep -q 'MAMORI-ADMIN-509.*command=enroll user=bad/name.*reason=bad-user' "$EVENTS"
run enroll "$(printf 'a\tb')"
check "a user name with a control character is refused" [ "$RC" = 1 ]
run enroll -- -rf
check "a user name starting with '-' is refused" [ "$RC" = 1 ]
run enroll ito --digits 9
check "--digits 9: usage error, exit 2" \
	sh -c "[ $RC = 2 ] && grep -q -- '--digits: expected 6, 7 or 8, got \"9\"' '$T/err'"
run enroll ito --algorithm md5
check "--algorithm md5: usage error, exit 2" [ "$RC" = 2 ]
run enroll ito --issuer 'a:b' --no-verify
check "an issuer with ':' is refused, nothing stored" \
	sh -c "[ $RC = 1 ] && [ ! -e '$USERS/ito' ]"
: >"$T/exists.png"
run enroll ito --png "$T/exists.png" --no-verify
check "an existing PNG is not overwritten: exit 1, nothing enrolled" \
	sh -c "[ $RC = 1 ] && grep -q 'cannot create $T/exists.png: File exists' '$T/err' &&
	       [ ! -s '$T/exists.png' ] && [ ! -e '$USERS/ito' ]"
ln -s "$T/exists.png" "$T/link.png"
run enroll ito --png "$T/link.png" --no-verify
check "a symlinked PNG path is refused" [ "$RC" = 1 ]
run enroll tanaka --png "$T/new.png"
check "a refused enrolment leaves no PNG behind" sh -c "[ $RC = 1 ] && [ ! -e '$T/new.png' ]"

mv "$USERS" "$T/users.real" && ln -s "$T/users.real" "$USERS"
run list
check "a symlinked state directory is refused" \
	sh -c "[ $RC = 1 ] && grep -q 'state directory $USERS refused: is a symbolic link' '$T/err'"
run enroll ito --no-verify
check "enroll into a symlinked state directory is refused" \
	sh -c "[ $RC = 1 ] && [ ! -e '$T/users.real/ito' ]"
rm "$USERS" && mv "$T/users.real" "$USERS"
chmod 0600 "$USERS/tanaka" && chmod 0644 "$USERS/tanaka"
run show tanaka
check "a state file readable by others is refused" \
	sh -c "[ $RC = 1 ] && grep -q 'writable by group or others\|state cannot be used' '$T/err'"
chmod 0600 "$USERS/tanaka"

setpriv --reuid=65534 --regid=65534 --clear-groups "$M" otp --config "$CONF" list \
	>"$T/out" 2>"$T/err"; RC=$?
check "not root: refused with a clear error" \
	[ "$RC:$(cat "$T/err")" = "1:mamorictl otp list: must be run as root" ]
run frobnicate
check "an unknown subcommand: exit 2" [ "$RC" = 2 ]
run --help
missing=""
for c in enroll list show remove unlock recovery-codes resync; do
	printf '%s\n' "$OUT" | grep -q "^  $c " || missing="$missing $c"
done
for c in enroll list show remove unlock recovery-codes resync; do
	run $c --help
	case $OUT in "usage: mamorictl otp $c"*) [ "$RC" = 0 ] || missing="$missing $c-help" ;;
	*) missing="$missing $c-help" ;; esac
done
check "otp --help lists every subcommand (missing:$missing)" [ "$RC:$missing" = "0:" ]

exit $FAILED
