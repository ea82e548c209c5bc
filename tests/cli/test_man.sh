#!/bin/sh
# The manual pages (doc/man/, doc/man/ja/): each renders through man-db and groff without a
# warning, as lintian renders them; mamori.conf(5) names every option of the installed
# conf/mamori.conf; mamorictl(8) names every command that `mamorictl --help`, `mamorictl
# config --help` and `mamorictl otp --help` list; every event identifier a page names is in
# the catalogue (include/mamori/events.h).
set -u
cd "$(dirname "$0")/../.."
MAMORICTL=${MAMORICTL:-build/mamorictl}

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
	echo "skip: man (man-db) or groff not installed"
	exit 77
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mamori-man.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

PAGES=$(ls doc/man/*.[1-8] doc/man/ja/*.[1-8])
[ -n "$PAGES" ] || { not_ok "manual pages found in doc/man"; exit 1; }

render() { # page width -> text on stdout, groff's and man's complaints in $TMP/err
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=$2 man --warnings -E UTF-8 -l "$1" 2>"$TMP/err"
}

# 1. Each page renders, with nothing on stderr (lintian's manpage-has-errors-from-man).
for page in $PAGES; do
	if render "$page" 80 >"$TMP/out" && [ ! -s "$TMP/err" ] && [ -s "$TMP/out" ]; then
		ok "$page renders at 80 columns without a warning"
	else
		not_ok "$page renders at 80 columns without a warning"
		sed 's/^/# /' "$TMP/err"
	fi
done

# 2. Every option of conf/mamori.conf, by section ("media", "auth", "report", and "allow"
# for the options inside an allowlist entry), as "section option" lines.
conf_options() {
	awk '
		/^(media|auth|report) *\{/ { sec = $1; next }
		/^ *#? *allow "/ { inallow = 1; next }
		inallow && /^ *#? *\}/ { inallow = 0; next }
		/^\}/ { sec = ""; next }
		sec != "" && match($0, /^ *#? *[a-z_]+ = /) {
			s = substr($0, RSTART, RLENGTH); gsub(/[# =]/, "", s)
			print (inallow ? "allow" : sec), s
		}' conf/mamori.conf
}
conf_options >"$TMP/options"
n_options=$(wc -l <"$TMP/options")
if [ "$n_options" -ge 25 ]; then
	ok "conf/mamori.conf lists $n_options options"
else
	not_ok "conf/mamori.conf lists at least 25 options (found $n_options)"
fi

# The page, rendered wide, cut into its sections (headings start in column 0): an option is
# documented when a line of its section's part starts with "option =" (a .TP tag); the
# options of an allowlist entry stand in the tag of "allow".
missing_options() { # page
	render "$1" 200 >"$TMP/wide"
	while read -r sec opt; do
		if [ "$sec" = allow ]; then
			grep -Eq "^ +allow .*[{ ]$opt = " "$TMP/wide" || echo "$sec.$opt"
			continue
		fi
		awk -v sec="$sec" -v opt="$opt" '
			/^[^ ]/ { inside = index($0, sec) > 0 }
			inside && $1 == opt && $2 == "=" { found = 1 }
			END { exit !found }' "$TMP/wide" || echo "$sec.$opt"
	done <"$TMP/options"
}
for page in doc/man/mamori.conf.5 doc/man/ja/mamori.conf.5; do
	miss=$(missing_options "$page")
	if [ -z "$miss" ]; then
		ok "$page documents all $n_options options of conf/mamori.conf in their sections"
	else
		not_ok "$page documents every option of conf/mamori.conf; missing: $(echo $miss)"
	fi
done

# 3. Every command the help texts list ("  name   summary" under "commands:").
help_commands() { # mamorictl arguments... -> command names
	"$MAMORICTL" "$@" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }'
}
{
	help_commands | sed 's/^/mamorictl /'
	help_commands config | sed 's/^/config /'
	help_commands otp | sed 's/^/otp /'
} >"$TMP/commands"
n_commands=$(wc -l <"$TMP/commands")
if [ "$n_commands" -ge 10 ]; then
	ok "mamorictl's help lists $n_commands commands and subcommands"
else
	not_ok "mamorictl's help lists at least 10 commands (found $n_commands)"
fi

# A command is documented when a heading or tag line starts with it ("   otp", "   config
# check", "       otp enroll USER ...", "   report [OPTIONS] FILE...").
missing_commands() { # page
	render "$1" 200 >"$TMP/wide"
	while read -r parent cmd; do
		if [ "$parent" = mamorictl ]; then words=$cmd; else words="$parent $cmd"; fi
		grep -Eq "^ +(mamorictl )?$words([^a-z-]|\$)" "$TMP/wide" || echo "$words"
	done <"$TMP/commands"
}
for page in doc/man/mamorictl.8 doc/man/ja/mamorictl.8; do
	miss=$(missing_commands "$page")
	if [ -z "$miss" ]; then
		ok "$page documents all $n_commands commands of mamorictl --help"
	else
		not_ok "$page documents every command of mamorictl --help; missing: $(echo "$miss" | paste -s -d, -)"
	fi
done

# 4. Event identifiers named in the pages, as roff writes them (\- for -, \% before words).
sed -e 's/\\-/-/g' -e 's/\\%//g' $PAGES | grep -Eo 'MAMORI-[A-Z]+-[0-9]{3}' | sort -u >"$TMP/named"
n_named=$(wc -l <"$TMP/named")
unknown=$(while read -r id; do grep -q "\"$id\"" include/mamori/events.h || echo "$id"; done <"$TMP/named")
if [ "$n_named" -gt 0 ] && [ -z "$unknown" ]; then
	ok "all $n_named event identifiers the pages name are in include/mamori/events.h"
else
	not_ok "event identifiers the pages name are in include/mamori/events.h; unknown: $(echo $unknown)"
fi

exit $FAILED
