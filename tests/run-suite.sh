#!/bin/sh
# Runs the named test tiers against the build directory and prints one summary line per tier
# and a total ("total: N passed, N failed, N skipped"). Exits non-zero when anything failed.
#   tests/run-suite.sh BUILD_DIR TIER...     tiers: unit pam cli syslog valgrind vm
set -u
B=$1; shift
TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
LOGDIR=$B/test-logs
mkdir -p "$LOGDIR"
# The failing tests again at the end, after the long logs: a reader of the tail (CI shows the
# start and the end of the output) learns which test failed and its diagnostics.
FAILURES=$LOGDIR/failures
: >"$FAILURES"

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:" per group.
count_cmocka() { # log -> "passed failed skipped"
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	s=$(sed -n 's/.*\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	echo "$p $f $s"
}

# TAP-like lines from shell tests: "ok - …", "not ok - …", "skip - …"
count_tap() { # log -> "passed failed skipped"
	p=$(grep -c '^ok ' "$1"); f=$(grep -c '^not ok ' "$1"); s=$(grep -c '^skip ' "$1")
	echo "$p $f $s"
}

tier_summary() { # name passed failed skipped
	echo "$1: $2 passed, $3 failed, $4 skipped"
	TOTAL_P=$((TOTAL_P + $2)); TOTAL_F=$((TOTAL_F + $3)); TOTAL_S=$((TOTAL_S + $4))
}

# The shell tests print their diagnostics before the "not ok" line, cmocka its assertion before
# "[  FAILED  ]": what came since the previous result (at most 30 lines) is shown too.
note_failures() { # name log pattern: the failing lines with the diagnostics around them
	{
		echo "failed: $1 (full log: $2)"
		awk -v pat="$3" '
			$0 ~ pat { if (n > 30) print "# (" n - 30 " lines before left out)"
				for (i = (n > 30 ? n - 30 : 0); i < n; i++) print kept[i]
				print; after = 6; n = 0; next }
			after > 0 { print; after--; next }
			/^(ok |skip |not ok |\[ RUN      \]|\[       OK \])/ { n = 0; next }
			{ kept[n++] = $0 }' "$2" | head -n 120
	} >>"$FAILURES"
}

run_cmocka_bins() { # tier dir wrapper...
	tier=$1 dir=$2; shift 2
	P=0 F=0 S=0
	for t in "$dir"/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		log=$LOGDIR/$tier-$name.log
		"$@" "$t" >"$log" 2>&1; rc=$?
		set -- $(count_cmocka "$log") "$@"
		p=$1 f=$2 s=$3; shift 3
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		[ "$f" -gt 0 ] && { echo "FAILED: $name ($tier, exit $rc), log follows"; cat "$log"
			note_failures "$tier/$name" "$log" '^\[  FAILED  \]|^\[  ERROR   \]'; }
		P=$((P + p)); F=$((F + f)); S=$((S + s))
	done
	tier_summary "$tier" $P $F $S
}

run_unit() { run_cmocka_bins unit "$B/tests" env; }

run_valgrind() {
	if ! command -v valgrind >/dev/null; then
		echo "valgrind: skipped (valgrind not installed)"; tier_summary valgrind 0 0 1; return
	fi
	run_cmocka_bins valgrind "$B/tests" valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --track-fds=no
}

run_tap_scripts() { # tier script...
	tier=$1; shift
	P=0 F=0 S=0
	for t in "$@"; do
		[ -f "$t" ] || continue
		log=$LOGDIR/$tier-$(basename "$t" .sh).log
		BUILD=$B MAMORICTL=$B/mamorictl sh "$t" >"$log" 2>&1; rc=$?
		set -- $(count_tap "$log") "$@"
		p=$1 f=$2 s=$3; shift 3
		if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then f=1; fi
		if [ $rc -eq 77 ]; then
			echo "$tier: $(basename "$t") skipped: $(sed -n 's/^skip: //p' "$log" | head -n1)"
			[ "$s" -eq 0 ] && s=1
		fi
		[ "$f" -gt 0 ] && { echo "FAILED: $t (exit $rc), log follows"; cat "$log"
			note_failures "$t" "$log" '^not ok '; }
		P=$((P + p)); F=$((F + f)); S=$((S + s))
	done
	tier_summary "$tier" $P $F $S
}

for tier in "$@"; do
	case $tier in
	unit) run_unit ;;
	pam) run_cmocka_bins pam "$B/tests/pam" env ;;
	valgrind) run_valgrind ;;
	cli) run_tap_scripts cli tests/cli/test_*.sh ;;
	syslog) run_tap_scripts syslog tests/syslog/test_*.sh ;;
	vm) run_tap_scripts vm tests/vm/check.sh ;;
	*) echo "run-suite: unknown tier $tier" >&2; exit 2 ;;
	esac
done
[ -s "$FAILURES" ] && { echo; echo "==== failures"; cat "$FAILURES"; echo; }
echo "total: $TOTAL_P passed, $TOTAL_F failed, $TOTAL_S skipped"
[ $TOTAL_F -eq 0 ]
