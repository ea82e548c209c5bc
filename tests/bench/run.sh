#!/bin/sh
# make bench: run every benchmark built into BUILD_DIR/bench, each given BUILD_DIR as the
# place for its scratch files (the work disk, not tmpfs: fsync must cost what it costs).
#   tests/bench/run.sh BUILD_DIR
set -u
B=${1:?usage: run.sh BUILD_DIR}
rc=0
for bench in "$B"/bench/bench_*; do
	[ -x "$bench" ] || continue
	"$bench" "$B" || { echo "FAILED: $bench"; rc=1; }
done
exit $rc
