# shellcheck shell=sh disable=SC2034 # FAILED is read by the test that sources this
# The result lines of the shell tests (TAP, as tests/run-suite.sh counts them), sourced by
# every test of tests/cli: ok WHAT, not_ok WHAT (and FAILED=1, the test's exit status), and
# check WHAT COMMAND... (ok when the command succeeds).
FAILED=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILED=1; }
check() {
	tap_what=$1
	shift
	if "$@"; then ok "$tap_what"; else not_ok "$tap_what"; fi
}
