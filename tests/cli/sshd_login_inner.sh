# The body of test_sshd_login.sh, inside its private mount namespace. Env: T (scratch,
# removed by the caller), M, BUILD, SSHD, TOP.
set -u
# shellcheck source=tests/cli/tap_lib.sh
. "$TOP/tests/cli/tap_lib.sh"

mount --make-rprivate / || exit 1
mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd || exit 1

# ---- scratch PAM configuration, users, mamori ----------------------------------------------
CONF=$T/mamori.conf USERS=$T/users EVENTS=$T/log/events.log
mkdir -m 0700 "$USERS" "$T/lib" && mkdir -m 0750 "$T/log" && mkdir -m 0755 "$T/pam.d" \
	"$T/home" || exit 1
cat >"$CONF" <<CONF
auth {
  state_dir = "$USERS"
}
report {
  event_log = "$EVENTS"
  state_dir = "$T/lib"
  spool_dir = "$T/run"
  syslog_socket = "$T/no-syslog"
}
CONF
chmod 0644 "$CONF"
# two users whose password is "pass-word", known to sshd through a copy of /etc/passwd
HASH=$(python3 -c 'import ctypes; c = ctypes.CDLL("libcrypt.so.1"); c.crypt.restype = ctypes.c_char_p; print(c.crypt(b"pass-word", b"$6$mamorisshd$").decode())') ||
	exit 1
printf 'ssh-one:%s\nssh-two:%s\n' "$HASH" "$HASH" >"$T/passwd.pw"
cp /etc/passwd "$T/passwd"
printf 'ssh-one:x:4241:4241::%s/home:/bin/sh\nssh-two:x:4242:4242::%s/home:/bin/sh\n' \
	"$T" "$T" >>"$T/passwd"
mount --bind "$T/passwd" /etc/passwd || exit 1
MOD="$TOP/$BUILD/pam_mamori.so conf=$CONF"
PWD_MOD="pam_pwdfile.so pwdfile=$T/passwd.pw"
two_prompts() {
	cat >"$T/pam.d/sshd" <<PAM
auth [success=1 default=ignore] $PWD_MOD
auth requisite pam_deny.so
auth required pam_permit.so
auth required $MOD
account required pam_permit.so
session required pam_permit.so
PAM
}
# the shipped single-prompt stack, pam_unix replaced by the scratch password file
single_prompt() {
	grep -v '^#' "$TOP/conf/pam.d/mamori-single-prompt" |
		sed -e "s|pam_mamori.so|$TOP/$BUILD/pam_mamori.so conf=$CONF|" \
		    -e "s|pam_unix.so nullok use_first_pass|$PWD_MOD|" >"$T/pam.d/sshd"
	printf 'account required pam_permit.so\nsession required pam_permit.so\n' >>"$T/pam.d/sshd"
}
two_prompts
mount --bind "$T/pam.d" /etc/pam.d || exit 1

enrol() { # USER: TOTP, prints the base32 secret
	"$M" otp --config "$CONF" enroll --no-verify "$1" </dev/null 2>/dev/null |
		grep -a '^otpauth://' | head -n 1 | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p'
}
S1=$(enrol ssh-one) && [ -n "$S1" ] && S2=$(enrol ssh-two) && [ -n "$S2" ] ||
	{ not_ok "enrolment"; exit 1; }
code() { oathtool --totp -b "$1"; }
events() { grep -c -- "$1" "$EVENTS" 2>/dev/null || true; }

# ---- sshd with the shipped drop-in over a main file that says the opposite --------------------
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" || exit 1
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/sshd_config" <<CFG
Include $TOP/conf/sshd/mamori.conf
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile none
KbdInteractiveAuthentication no
PasswordAuthentication yes
UsePAM no
CFG
if "$SSHD" -t -f "$T/sshd_config" 2>"$T/err"; then
	ok "sshd -t accepts the drop-in"
else
	not_ok "sshd -t: $(cat "$T/err")"
fi
"$M" check --sshd "$SSHD" --sshd-config "$T/sshd_config" >"$T/out" 2>&1
if [ "$(grep '^[A-Z]* *sshd' "$T/out")" = "OK    sshd: UsePAM yes.
OK    sshd: KbdInteractiveAuthentication yes.
OK    sshd: PasswordAuthentication no.
OK    sshd: AuthenticationMethods \"publickey,keyboard-interactive keyboard-interactive\": every login needs keyboard-interactive." ]; then
	ok "mamorictl check: sshd -T's effective settings are the drop-in's"
else
	not_ok "mamorictl check of the drop-in:"; sed 's/^/# /' "$T/out"
fi

"$SSHD" -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
SSHD_PID=$!
i=0
while ! grep -q 'Server listening' "$T/sshd.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# ---- the client: its prompts answered from files, and recorded ---------------------------
cat >"$T/askpass" <<'ASK'
#!/bin/sh
printf '%s\n' "$1" >>"$T/prompts"
case $1 in
*"Password and one-time code:"*) cat "$T/answer.both" ;;
*"Password:"*|*"password:"*) cat "$T/answer.password" ;;
*"One-time code:"*) cat "$T/answer.code" ;;
esac
ASK
chmod 0755 "$T/askpass"
# login USER METHOD: sets RC, OUT; the prompts seen are in $T/prompts
login() {
	: >"$T/prompts"
	OUT=$(SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force T="$T" \
		ssh -F /dev/null -p "$PORT" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o PubkeyAuthentication=no \
		-o PreferredAuthentications="$2" -o NumberOfPasswordPrompts=1 \
		-o KbdInteractiveAuthentication=yes -o PasswordAuthentication=yes \
		"$1@127.0.0.1" echo logged-in </dev/null 2>&1)
	RC=$?
}
denied() { case $OUT in *"Permission denied"*) return 0 ;; esac; return 1; }
prompts() { sed 's/^([^)]*) //' "$T/prompts" | tr '\n' '|'; }

echo pass-word >"$T/answer.password"
code "$S1" >"$T/answer.code"
login ssh-one keyboard-interactive
if [ "$RC" = 0 ] && [ "$OUT" = logged-in ] && [ "$(prompts)" = "Password: |One-time code: |" ] &&
	[ "$(events MAMORI-AUTH-201)" = 1 ]; then
	ok "ssh keyboard-interactive: password, then the code: logged in, MAMORI-AUTH-201"
else
	not_ok "ssh two prompts: rc=$RC out=$OUT prompts=$(prompts)"; sed 's/^/# /' "$T/sshd.log" | tail -20
fi

echo 000000 >"$T/answer.code"
login ssh-one keyboard-interactive
if [ "$RC" != 0 ] && denied && [ "$(events 'MAMORI-AUTH-202.*failures=1')" = 1 ]; then
	ok "ssh keyboard-interactive with a wrong code: refused, MAMORI-AUTH-202"
else
	not_ok "ssh wrong code: rc=$RC out=$OUT"
fi

# the password method is off: its password never reaches the code prompt
before=$(wc -l <"$EVENTS")
login ssh-two password
if [ "$RC" != 0 ] && denied && [ ! -s "$T/prompts" ] &&
	[ "$(wc -l <"$EVENTS")" = "$before" ]; then
	ok "ssh with the password method: refused before PAM, no event, no code burned"
else
	not_ok "ssh password method: rc=$RC out=$OUT prompts=$(prompts)"
fi

# ---- the single-prompt stack ---------------------------------------------------------------
single_prompt
printf 'pass-word%s\n' "$(code "$S2")" >"$T/answer.both"
login ssh-two keyboard-interactive
if [ "$RC" = 0 ] && [ "$OUT" = logged-in ] &&
	[ "$(prompts)" = "Password and one-time code: |" ] &&
	[ "$(events 'MAMORI-AUTH-201.*user=ssh-two')" = 1 ]; then
	ok "ssh single prompt: password and code in one answer: logged in"
else
	not_ok "ssh single prompt: rc=$RC out=$OUT prompts=$(prompts)"; sed 's/^/# /' "$T/sshd.log" | tail -20
fi
printf 'guess%s\n' "$(code "$S2")" >"$T/answer.both"
before=$(wc -l <"$EVENTS")
login ssh-two keyboard-interactive
if [ "$RC" != 0 ] && denied && [ "$(wc -l <"$EVENTS")" = "$before" ]; then
	ok "ssh single prompt with a wrong password: refused, no event"
else
	not_ok "ssh single prompt wrong password: rc=$RC out=$OUT"
fi

kill "$SSHD_PID" 2>/dev/null
wait "$SSHD_PID" 2>/dev/null
exit $FAILED
