#!/bin/sh
# Compiles the locales the language tests switch between (ja_JP.UTF-8, en_US.UTF-8) into DIR,
# for use with LOCPATH=DIR: the machine's own locales (/etc/locale.gen, the locale archive)
# stay as they are, and a machine that never generated Japanese still runs the tests.
# Needs localedef and the locale sources (Debian package "locales", in tests/deps.txt).
#   tests/make-locales.sh DIR
set -eu
DIR=${1:?usage: tests/make-locales.sh DIR}
mkdir -p "$DIR"
for l in ja_JP en_US; do
	[ -f "$DIR/$l.UTF-8/LC_CTYPE" ] && continue
	# into a temporary name first: concurrent test runs never see half a locale
	tmp=$DIR/.$l.$$
	rm -rf "$tmp"
	if ! localedef -i "$l" -f UTF-8 "$tmp" >"$DIR/.$l.log" 2>&1 || [ ! -f "$tmp/LC_CTYPE" ]; then
		cat "$DIR/.$l.log" >&2
		echo "make-locales: localedef -i $l -f UTF-8 failed (is the package locales installed?)" >&2
		rm -rf "$tmp"
		exit 1
	fi
	mv -T "$tmp" "$DIR/$l.UTF-8" 2>/dev/null || rm -rf "$tmp"
	rm -f "$DIR/.$l.log"
done
