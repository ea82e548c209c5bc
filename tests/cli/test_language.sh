#!/bin/sh
# mamorictl speaks the language of the locale: Japanese in ja_JP.UTF-8, English in C and
# en_US.UTF-8, and English on the Linux text console (TERM=linux), which cannot draw kanji.
# Runs the test build of mamorictl, which reads this build's catalogues; the locales are
# compiled into the build directory (tests/make-locales.sh), so the machine needs none.
# Env: BUILD. Prints "ok - …" / "not ok - …"; exits 1 when any failed.
set -u
BUILD=${BUILD:-build}
M=$BUILD/testbuild/mamorictl
T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-lang.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

command -v localedef >/dev/null || { echo "skip: localedef not installed (package locales)"; exit 77; }
[ -x "$M" ] || { echo "not ok - $M is built (make all-tests)"; exit 1; }
sh tests/make-locales.sh "$BUILD/test-locales" || { echo "not ok - the test locales are made"; exit 1; }
LOCPATH=$(cd "$BUILD/test-locales" && pwd)
export LOCPATH
unset LC_ALL LC_MESSAGES LANGUAGE

# run LANG TERM ARGS...: sets RC, OUT and ERR
run() {
	lang=$1 term=$2; shift 2
	LANG=$lang TERM=$term "$M" "$@" >"$T/out" 2>"$T/err"; RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}

# has NAME TEXT WANT: ok when TEXT holds the line WANT
has() {
	if printf '%s\n' "$2" | grep -qxF -- "$3"; then ok "$1"; else not_ok "$1 (got: $2)"; fi
}

run ja_JP.UTF-8 xterm-256color --help
has "ja_JP.UTF-8: --help in Japanese" "$OUT" "使い方: mamorictl COMMAND [ARGS...]"
has "ja_JP.UTF-8: command summaries in Japanese" "$OUT" \
	"  otp              利用者を二要素認証に登録し、その状態を管理します"

run ja_JP.UTF-8 xterm-256color frobnicate
has "ja_JP.UTF-8: an error in Japanese, on stderr" "$ERR" \
	"mamorictl: 不明なコマンドです: 'frobnicate'"
[ "$RC" = 2 ] && ok "ja_JP.UTF-8: the error's exit code is unchanged (2)" ||
	not_ok "ja_JP.UTF-8: exit $RC, expected 2"

run ja_JP.UTF-8 xterm-256color otp enroll
has "ja_JP.UTF-8: a subcommand's error in Japanese" "$ERR" \
	"mamorictl otp enroll: USER が指定されていません"

run C xterm-256color --help
has "C: --help in English" "$OUT" "usage: mamorictl COMMAND [ARGS...]"
run C xterm-256color frobnicate
has "C: the error in English" "$ERR" "mamorictl: unknown command 'frobnicate'"

run en_US.UTF-8 xterm-256color --help
has "en_US.UTF-8: --help in English" "$OUT" "usage: mamorictl COMMAND [ARGS...]"

run ja_JP.UTF-8 linux --help
has "ja_JP.UTF-8 on the Linux console: --help in English" "$OUT" \
	"usage: mamorictl COMMAND [ARGS...]"
run ja_JP.UTF-8 linux otp enroll
has "ja_JP.UTF-8 on the Linux console: the error in English" "$ERR" \
	"mamorictl otp enroll: no USER given"

# a root holding only the udev rules the package installs: no FAIL line
mkdir -p "$T/empty-root/usr/lib/udev/rules.d"
install -m 0644 conf/udev/10-mamori.rules conf/udev/69-mamori-uaccess.rules \
	conf/udev/72-mamori-uaccess.rules "$T/empty-root/usr/lib/udev/rules.d/"
run ja_JP.UTF-8 xterm-256color check --root "$T/empty-root" --sshd /nonexistent
has "ja_JP.UTF-8: check's results in Japanese" "$OUT" \
	"OK    設定: $T/empty-root/etc/mamori/mamori.conf がありません。組み込みの既定値が有効です。"
has "ja_JP.UTF-8: the media lines in Japanese" "$OUT" \
	"OK    外部媒体: udev ルール $T/empty-root/usr/lib/udev/rules.d/10-mamori.rules がインストールされています。"
case $OUT in
*"集計: OK "*" 件、警告 "*" 件、失敗 0 件。"*) ok "ja_JP.UTF-8: check's summary in Japanese" ;;
*) not_ok "ja_JP.UTF-8: check's summary in Japanese (got: $OUT)" ;;
esac

# --json is for machines: English whatever the locale
run ja_JP.UTF-8 xterm-256color check --json --root "$T/empty-root" --sshd /nonexistent
case $OUT in
*[!\ -~]*) not_ok "ja_JP.UTF-8: check --json stays English (got: $OUT)" ;;
*'"message":"configuration: '*) ok "ja_JP.UTF-8: check --json stays English" ;;
*) not_ok "ja_JP.UTF-8: check --json (got: $OUT)" ;;
esac
exit $FAILED
