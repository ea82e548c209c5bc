#!/bin/sh
# The translations are complete and current: po/mamori.pot is what xgettext makes of today's
# sources (else: run `make po-update`), and every po/LANG.po translates each of its messages,
# none fuzzy, and passes msgfmt --check (printf directives kept, header complete).
# Prints "ok - …" / "not ok - …" naming what is wrong; exits 1 when any failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-po.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

for tool in xgettext msgfmt msgattrib msgcmp; do
	command -v $tool >/dev/null || { echo "skip: $tool not installed (package gettext)"; exit 77; }
done

# What a template says, in one form whatever gettext version wrote it (line wrapping and order
# differ between Debian releases); without the creation date, the one line that differs
# between two runs on the same sources.
undated() {
	msgcat --no-wrap --sort-output --no-location "$1" | grep -v '^"POT-Creation-Date: '
}

# the Makefile's own xgettext invocation, whatever make level this runs at
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory po-template \
	POT="$T/fresh.pot" >"$T/make.log" 2>&1; then
	not_ok "xgettext runs over the sources ($(cat "$T/make.log"))"
elif undated po/mamori.pot >"$T/old" && undated "$T/fresh.pot" >"$T/new" &&
	diff -u "$T/old" "$T/new" >"$T/pot.diff"; then
	ok "po/mamori.pot is up to date with the sources"
else
	not_ok "po/mamori.pot is out of date with the sources: run make po-update; differences:"
	sed 's/^/#   /' "$T/pot.diff"
fi

# The msgid of each entry msgattrib selects, one line each (a message of several lines by its
# first); the header, whose msgid is empty, left out.
msgids() {
	msgattrib --no-wrap --no-obsolete "$@" 2>/dev/null | awk '
		/^msgid "/ { id = $0; sub(/^msgid /, "", id); want = (id == "\"\""); if (!want) print id; next }
		want && /^"/ { print; want = 0; next }
		{ want = 0 }'
}

for po in po/*.po; do
	lang=$(basename "$po" .po)
	if msgfmt --check -o /dev/null "$po" 2>"$T/msgfmt.log"; then
		ok "$lang: msgfmt --check"
	else
		not_ok "$lang: msgfmt --check:"; sed 's/^/#   /' "$T/msgfmt.log"
	fi
	# every message of the template is in the catalogue (msgmerge has been run)
	if msgcmp --use-untranslated "$po" po/mamori.pot 2>"$T/msgcmp.log"; then
		ok "$lang: has every message of po/mamori.pot"
	else
		not_ok "$lang: lacks messages of po/mamori.pot (run make po-update):"
		sed 's/^/#   /' "$T/msgcmp.log"
	fi
	msgids --untranslated "$po" >"$T/untranslated"
	if [ -s "$T/untranslated" ]; then
		not_ok "$lang: untranslated:"; sed 's/^/#   /' "$T/untranslated"
	else
		ok "$lang: every message translated"
	fi
	msgids --only-fuzzy "$po" >"$T/fuzzy"
	if [ -s "$T/fuzzy" ]; then
		not_ok "$lang: fuzzy (check the translation, then remove the fuzzy mark):"
		sed 's/^/#   /' "$T/fuzzy"
	else
		ok "$lang: no fuzzy translation"
	fi
done
exit $FAILED
