# Shared by tests/cli/test_otp*.sh: a scratch configuration, state directory and event log,
# a PAM service with the built module, and helpers to enrol, read the URI and log in.
# Env: MAMORICTL, BUILD. Sets T (scratch), CONF, USERS, EVENTS, PAMDIR.
M=${MAMORICTL:-build/mamorictl}
BUILD=${BUILD:-build}
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

for tool in oathtool zbarimg; do
	command -v $tool >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skip: mamorictl otp runs as root only"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-otp.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
chmod 0755 "$T"
CONF=$T/mamori.conf USERS=$T/users EVENTS=$T/log/events.log PAMDIR=$T/pam
mkdir -m 0700 "$T/lib" && mkdir -m 0750 "$T/log" && mkdir -m 0755 "$PAMDIR"

# write_conf [AUTH_EXTRA]: the configuration every command and the module read
write_conf() {
	cat >"$CONF" <<-CONF
	auth {
	  state_dir = "$USERS"
	  $1
	}
	report {
	  event_log = "$EVENTS"
	  state_dir = "$T/lib"
	  spool_dir = "$T/run"
	  syslog_socket = "$T/no-syslog"
	}
	CONF
	chmod 0644 "$CONF"
}
write_conf ""
echo "auth required $(pwd)/$BUILD/pam_mamori.so conf=$CONF" >"$PAMDIR/mamori-test"

otp() { "$M" otp --config "$CONF" "$@"; }

# run ARGS...: mamorictl otp with stdin from /dev/null; sets RC, OUT, ERR
run() {
	otp "$@" </dev/null >"$T/out" 2>"$T/err"; RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}

# login USER ANSWER...: through the real libpam and pam_mamori; sets RC and OUT (transcript)
login() {
	OUT=$("$BUILD/tests/progs/pam_login" "$PAMDIR" "$@" 2>&1); RC=$?
}

uri_of() { grep -a '^otpauth://' "$1" | head -n 1; }
secret_of() { printf '%s\n' "$1" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p'; }
events() { grep -c -- "$1" "$EVENTS" 2>/dev/null || true; }

# enroll_with CODE_FN USER ARGS...: run enroll, wait for its URI, answer the code prompt with
# what `CODE_FN URI` prints; sets RC, URI and leaves stdout in $T/enroll.out
enroll_with() {
	fn=$1; shift
	rm -f "$T/in" "$T/enroll.out"; mkfifo "$T/in"
	otp enroll "$@" <"$T/in" >"$T/enroll.out" 2>"$T/enroll.err" &
	pid=$!
	exec 3>"$T/in"
	i=0
	while ! grep -aq '^Code shown' "$T/enroll.out" 2>/dev/null && [ $i -lt 100 ] &&
	      kill -0 $pid 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	URI=$(uri_of "$T/enroll.out")
	"$fn" "$URI" >&3
	exec 3>&-
	wait $pid; RC=$?
}

# oathtool options for a URI: --totp=sha256 / --hotp, digits
oath_opts() {
	alg=$(printf '%s\n' "$1" | sed -n 's/.*algorithm=SHA\([0-9]*\).*/sha\1/p')
	digits=$(printf '%s\n' "$1" | sed -n 's/.*digits=\([0-9]\).*/\1/p')
	case $1 in
	otpauth://hotp/*) echo "--hotp -d $digits" ;;
	*) echo "--totp=$alg -d $digits" ;;
	esac
}

# code_at URI [SECONDS_AHEAD | counter=N]: the code oathtool computes from the URI's secret
code_at() {
	case ${2:-0} in
	counter=*) oathtool $(oath_opts "$1") -c "${2#counter=}" -b "$(secret_of "$1")" ;;
	*) oathtool $(oath_opts "$1") -N "@$(( $(date +%s) + ${2:-0} ))" -b "$(secret_of "$1")" ;;
	esac
}
code_now() { code_at "$1" 0; }
code_hotp0() { code_at "$1" counter=0; }
no_code() { :; }
