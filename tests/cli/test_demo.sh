#!/bin/sh
# `make demo` boots a VM for minutes and is not part of `make check`; this checks what can be
# checked without booting: its scripts parse, every bench helper they call is defined, the
# Makefile has the target, and README's quick start is the two commands it promises.
set -u
DEMO=tests/vm/demo.sh
LIBS="tests/vm/lib.sh tests/vm/collector.sh $DEMO"
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

if sh -n "$DEMO" && sh -n tests/vm/collector.sh; then ok "demo scripts parse (sh -n)"
else not_ok "demo scripts parse (sh -n)"; fi

# Every vm_* and collector_* word the demo uses is a function of the bench (or of the demo).
missing=''
for f in $(grep -o '\b\(vm\|collector\)_[a-z_]*\b' "$DEMO" | sort -u); do
	# shellcheck disable=SC2086 # a list of file names
	grep -q "^$f() *{" $LIBS || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "every bench helper the demo calls is defined"
else not_ok "demo calls undefined helpers:$missing"; fi

if make -n demo >/dev/null 2>&1 && make -n demo | grep -q 'tests/vm/demo.sh'; then
	ok "make demo runs tests/vm/demo.sh"
else not_ok "make demo runs tests/vm/demo.sh"; fi

# The quick start is exactly these two commands (comments aside).
quick=$(sed -n '/^## Quick start/,/^## /p' README.md | sed -n '/^```$/,/^```$/p' |
	grep -v '^```' | sed 's/ *#.*//' | paste -sd '|' -)
if [ "$quick" = 'make demo|make check' ]; then ok "README quick start is make demo, make check"
else not_ok "README quick start is '$quick', expected make demo, make check"; fi
exit $FAILED
