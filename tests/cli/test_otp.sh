#!/bin/sh
# mamorictl otp enroll: interoperability with oathtool and zbarimg, activation by the first
# code, login through the real module afterwards, pending enrolments treated as not enrolled.
# Env: MAMORICTL, BUILD. Prints "ok - …" / "not ok - …"; exits 1 when any failed.
set -u
. tests/cli/otp_lib.sh

listed() { otp list | grep -q "^$1 .* $2 "; }     # USER STATE
shown() { otp show "$1" | grep -q "^$2"; }        # USER PATTERN

# ---- every algorithm: oathtool's code activates, the next one logs in ----
for alg in sha1 sha256 sha512; do
	user=user-$alg
	enroll_with code_now "$user" --algorithm $alg --digits 8 --png "$T/$alg.png"
	check "$alg: enroll exits 0 after oathtool's code (stderr: $(cat "$T/enroll.err"))" \
		[ "$RC" = 0 ]
	check "$alg: the URI names the algorithm, 8 digits, issuer and label" \
		expr "$URI" : "otpauth://totp/mamori%20[^:]*:$user?secret=[A-Z2-7]*&issuer=mamori%20.*&algorithm=$(echo $alg | tr a-z A-Z)&digits=8&period=30\$" \
		>/dev/null
	len=$(secret_of "$URI" | tr -d '\n' | wc -c)
	case $alg in sha1) want=32 ;; sha256) want=52 ;; sha512) want=103 ;; esac
	check "$alg: the secret is as long as the hash ($want base32 characters, got $len)" \
		[ "$len" = "$want" ]
	check "$alg: the output says the code verified" \
		grep -q "Code verified: $user is enrolled" "$T/enroll.out"
	check "$alg: zbarimg decodes the PNG to exactly the printed URI" \
		[ "$(zbarimg --raw -q "$T/$alg.png" 2>/dev/null)" = "$URI" ]
	check "$alg: the PNG is a new file, mode 0600" \
		[ "$(stat -c %a "$T/$alg.png")" = 600 ]
	check "$alg: the state file is root's, mode 0600" \
		[ "$(stat -c %u:%a "$USERS/$user")" = 0:600 ]
	login "$user" "$(code_now "$URI")"
	check "$alg: the code used for activation cannot log in again" [ "$RC" = 1 ]
	login "$user" "$(code_at "$URI" 30)"
	check "$alg: oathtool's next code logs in through pam_mamori" [ "$RC" = 0 ]
done
check "three activations reported (MAMORI-ADMIN-502)" [ "$(events MAMORI-ADMIN-502)" = 3 ]

# ---- HOTP: counter 0 activates, counter 1 logs in, 0 never again ----
enroll_with code_hotp0 token1 --hotp --digits 6
check "hotp: enroll exits 0 after oathtool's counter-0 code" [ "$RC" = 0 ]
check "hotp: the URI carries counter=0" expr "$URI" : 'otpauth://hotp/.*&counter=0$' >/dev/null
login token1 "$(code_at "$URI" counter=0)"
check "hotp: the activation code is burned" [ "$RC" = 1 ]
login token1 "$(code_at "$URI" counter=1)"
check "hotp: the counter-1 code logs in" [ "$RC" = 0 ]

# ---- pending enrolments are exactly "not enrolled" ----
login nobody-here 123456
NOT_ENROLLED=$OUT
run enroll pending1
check "no first code: enroll fails and says the enrolment stays pending" \
	sh -c "[ $RC = 1 ] && grep -q 'stays pending' '$T/err'"
URI=$(uri_of "$T/out")
check "the pending enrolment is listed as pending" listed pending1 pending
login pending1 "$(code_now "$URI")"
check "pending: the right code does not log in" [ "$RC" = 1 ]
check "pending: the transcript is that of a user who is not enrolled" \
	[ "$OUT" = "$(printf '%s\n' "$NOT_ENROLLED" | sed 's/nobody-here/pending1/')" ]
login pending1 ""
check "pending: an empty code does not log in" [ "$RC" = 1 ]
check "pending: the login is reported as not enrolled (MAMORI-AUTH-205)" \
	[ "$(grep -c 'MAMORI-AUTH-205.*user=pending1' "$EVENTS")" = 2 ]
check "pending: the failed first code is reported (MAMORI-ADMIN-503)" \
	grep -q 'MAMORI-ADMIN-503.*user=pending1.*reason=no-input' "$EVENTS"

write_conf "unenrolled = allow"
login pending1
check "pending under unenrolled = allow: like any unenrolled user, no code asked" \
	[ "$RC:$OUT" = "0:result:Success" ]
write_conf ""

wrong() { echo 000000; echo 12345; echo 99999999; }
enroll_with wrong pending2
check "three wrong first codes: exit 1" [ "$RC" = 1 ]
check "three wrong first codes: the enrolment stays pending" shown pending2 "state: *pending"
check "a malformed first code is named so" grep -q "not a 6-digit code" "$T/enroll.out"
login pending2 "$(code_now "$URI")"
check "pending after wrong codes: the right code still does not log in" [ "$RC" = 1 ]

# ---- --no-verify and --force ----
run enroll direct1 --no-verify
check "--no-verify: exit 0" [ "$RC" = 0 ]
check "--no-verify: in force at once" shown direct1 "state: *active"
URI=$(uri_of "$T/out")
login direct1 "$(code_now "$URI")"
check "--no-verify: the first code logs in" [ "$RC" = 0 ]
run enroll direct1 --no-verify
check "re-enrolling an enrolled user needs --force" \
	sh -c "[ $RC = 1 ] && grep -q 'already enrolled; --force' '$T/err'"
check "the refusal is reported (MAMORI-ADMIN-509 reason=enrolled)" \
	grep -q 'MAMORI-ADMIN-509.*command=enroll user=direct1.*reason=enrolled' "$EVENTS"
run enroll direct1 --no-verify --force
NEW=$(uri_of "$T/out")
check "--force replaces it with a new secret" \
	sh -c "[ $RC = 0 ] && [ '$(secret_of "$URI")' != '$(secret_of "$NEW")' ]"
check "the replacement is reported with replaced=1" \
	grep -q 'MAMORI-ADMIN-501.*user=direct1.*state=active replaced=1' "$EVENTS"

# ---- recovery codes printed at enrolment work once ----
CODES=$(sed -n 's/^  \([a-z0-9]\{5\}-[a-z0-9]\{5\}\)$/\1/p' "$T/out")
check "ten recovery codes printed" [ "$(printf '%s\n' "$CODES" | wc -l)" = 10 ]
FIRST=$(printf '%s\n' "$CODES" | head -n 1)
login direct1 "$FIRST"
check "a printed recovery code logs in" [ "$RC" = 0 ]
login direct1 "$FIRST"
check "and only once" [ "$RC" = 1 ]

# ---- nothing secret in the event log ----
leak=0
for s in $(grep -ah '^otpauth://' "$T"/out "$T"/enroll.out | sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p'); do
	grep -q "$s" "$EVENTS" && leak=1
done
grep -q "$FIRST" "$EVENTS" && leak=1
check "no secret or recovery code in the event log" [ $leak = 0 ]

exit $FAILED
