#!/bin/sh
# Runs each libFuzzer target for SECONDS on a copy of its seed corpus (tests/fuzz/corpus/NAME,
# copied under build-fuzz/ so the tree stays clean; what the fuzzer adds stays there too).
# Prints "NAME: N runs, no finding" or the finding with its reproducer; exits 1 on any finding.
#   tests/fuzz/run.sh SECONDS BIN...
set -u
SECONDS_EACH=$1; shift
WORK=build-fuzz
FOUND=0

for bin in "$@"; do
	name=$(basename "$bin")
	corpus=$WORK/corpus/$name
	artifacts=$WORK/artifacts/$name
	log=$WORK/$name.log
	mkdir -p "$corpus" "$artifacts"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -R "tests/fuzz/corpus/$name/." "$corpus/"
	fi
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	if [ $rc -eq 0 ]; then
		echo "$name: ${runs:-0} runs, no finding"
	else
		FOUND=1
		echo "$name: FINDING after ${runs:-?} runs (exit $rc); reproducer(s):"
		ls "$artifacts" | sed "s|^|  $artifacts/|"
		grep -E -A40 '^==[0-9]+==ERROR|^SUMMARY|deadly signal|round trip|refused' "$log" | head -n 80
	fi
done
exit $FOUND
