#!/bin/sh
# Break-glass (緊急時対応) through the real libpam: a member of the group mamori-emergency logs
# in on the physical console without the second factor even when mamori.conf is broken or
# missing and when the disk is full; every such login is a critical event; nobody else, and
# not that member from a pseudo-terminal or over the network, gets in that way.
# The users and the group come from nss_wrapper; the default paths the module falls back to
# without a configuration (/var/log/mamori, /var/lib/mamori, /run/mamori) are tmpfs mounts in
# a private mount namespace, so the machine's own files are never touched.
NSSW=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -n 1)
[ -n "$NSSW" ] || { echo "skip: libnss-wrapper not installed"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skip: needs root for a mount namespace"; exit 77; }
if [ -z "${MAMORI_IN_NS:-}" ]; then
	MAMORI_IN_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
. tests/cli/otp_lib.sh

for d in /var/log /var/lib /run; do mount -t tmpfs -o mode=0755 mamori-test "$d" || exit 1; done
# what the package creates on installation
mkdir -m 2750 /var/log/mamori && mkdir -m 0700 /var/lib/mamori
trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT

cat >"$T/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
kanri:x:1500:1500:emergency administrator:/home/kanri:/bin/sh
tanaka:x:1501:1501:staff:/home/tanaka:/bin/sh
hoshu:x:1502:990:emergency group as primary group:/home/hoshu:/bin/sh
EOF
cat >"$T/group" <<EOF
root:x:0:
kanri:x:1500:
tanaka:x:1501:
mamori-emergency:x:990:kanri
EOF
# Under ASan (SANITIZE=1): the preloaded nss_wrapper comes before the ASan runtime, and it must
# not open libc with RTLD_DEEPBIND, which the sanitizers cannot follow
export NSS_WRAPPER_DISABLE_DEEPBIND=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export LD_PRELOAD=$NSSW NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group

# service FILE: the module reads FILE as its configuration
service() { echo "auth required $(pwd)/$BUILD/pam_mamori.so conf=$1" >"$PAMDIR/mamori-test"; }
# console USER [ANSWER...]: a login on the first virtual console
console() { PAM_LOGIN_TTY=tty1 login "$@"; }
# journal TEXT: lines of the default journal (used when no configuration could be read)
journal() { grep -c -- "$1" /var/log/mamori/events.log 2>/dev/null || true; }
# no_prompt: the transcript asked for nothing
no_prompt() { ! printf '%s\n' "$OUT" | grep -q '^prompt:'; }

printf 'auth {\n  window = abc\n}\n' >"$T/broken.conf"
chmod 0644 "$T/broken.conf"

service "$T/broken.conf"
console kanri
check "broken mamori.conf: the emergency member logs in on tty1" [ $RC = 0 ]
check "... without being asked for a code" no_prompt
check "... and the login is an event naming the user" [ "$(journal 'MAMORI-AUTH-208.*user=kanri')" = 1 ]
check "... reported as critical" grep -q 'crit.*MAMORI-AUTH-208\|MAMORI-AUTH-208.*crit' /var/log/mamori/events.log

console hoshu
check "broken mamori.conf: a user whose primary group is mamori-emergency logs in on tty1" [ $RC = 0 ]
PAM_LOGIN_TTY=/dev/tty2 login kanri
check "broken mamori.conf: /dev/tty2 counts as the console too" [ $RC = 0 ]
PAM_LOGIN_TTY=pts/0 login kanri
check "broken mamori.conf: the emergency member is refused on a pseudo-terminal" [ $RC = 1 ]
PAM_LOGIN_TTY=tty1 PAM_LOGIN_RHOST=192.0.2.7 login kanri
check "broken mamori.conf: ... and from a remote host, even with tty1 claimed" [ $RC = 1 ]
PAM_LOGIN_TTY=ttyS0 login kanri
check "broken mamori.conf: ... and on a serial line" [ $RC = 1 ]
before=$(journal 'MAMORI-AUTH-208')
console tanaka
check "broken mamori.conf: someone outside the group is refused on tty1 (fails closed)" [ $RC = 1 ]
check "... and no break-glass event is written for the refusals" [ "$(journal 'MAMORI-AUTH-208')" = "$before" ]
check "... the broken configuration is reported with its line" \
	grep -q 'MAMORI-CONF-001.*broken.conf:2' /var/log/mamori/events.log

service "$T/no-such.conf"
console kanri
check "mamori.conf named but missing: the emergency member logs in on tty1" [ $RC = 0 ]
console tanaka
check "mamori.conf named but missing: everyone else is refused" [ $RC = 1 ]

# a valid configuration on a disk that is full: state and journal cannot be written
mkdir "$T/full" && mount -t tmpfs -o size=64k,mode=0755 mamori-full "$T/full" || exit 1
cat >"$T/full.conf" <<EOF
auth {
  state_dir = "$T/full/users"
}
report {
  event_log = "$T/full/log/events.log"
  state_dir = "$T/full/lib"
  spool_dir = "$T/full/run"
  syslog_socket = "$T/no-syslog"
}
EOF
chmod 0644 "$T/full.conf"
mkdir -m 0700 "$T/full/users" "$T/full/lib" && mkdir -m 0750 "$T/full/log"
dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null
service "$T/full.conf"
console kanri
check "full disk: the emergency member logs in on tty1" [ $RC = 0 ]
console tanaka 123456
check "full disk: an unenrolled user outside the group is refused" [ $RC = 1 ]

exit $FAILED
