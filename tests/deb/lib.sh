# shellcheck shell=sh disable=SC2016 # single quotes: expanded inside the chroot, not here
# The steps of tests/deb/test_install.sh. Each runs in the chroot R (debian/chroot.sh) and
# asserts what an administrator or a member of staff would see there.
PASSED=0
FAILED=0
TANAKA_PW='Tanaka-pw-1'
SUZUKI_PW='Suzuki-pw-2'
PACKAGES='mamori-tools libpam-mamori mamori-agent'

ok() { echo "ok - $SUITE: $1"; PASSED=$((PASSED + 1)); }
nok() { echo "not ok - $SUITE: $1"; FAILED=$((FAILED + 1)); }
check() { # NAME COMMAND...: ok when the command succeeds
	name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}

in_root() { chroot_run "$R" "$@"; }
in_sh() { chroot_run "$R" sh -c "$1"; }

# apt-get as a fleet runs it: no recommends, no questions; its output goes to $R/apt.log.
apt_get() { # arguments...
	in_root apt-get -y -q --no-install-recommends -o Dpkg::Options::=--force-confold "$@" \
		>"$R/apt.log" 2>&1 || { tail -n 25 "$R/apt.log"; return 1; }
}

debs_in() { # directory of R -> the package files, as paths inside R
	for f in "$R/$1"/*.deb; do echo "/${f#"$R"/}"; done
}

installed() { # package
	[ "$(in_root dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# The same packages as version V+upgradetest, strict dependencies among them included.
bump_versions() { # srcdir dstdir (inside R)
	in_sh "set -e
		for deb in /debs/*.deb; do
			rm -rf /tmp/bump && dpkg-deb -R \"\$deb\" /tmp/bump
			v=\$(sed -n 's/^Version: //p' /tmp/bump/DEBIAN/control)
			sed -i -e \"s/^Version: \$v\\\$/Version: \$v+upgradetest/\" \
				-e \"s/(= \$v)/(= \$v+upgradetest)/g\" /tmp/bump/DEBIAN/control
			dpkg-deb -b /tmp/bump /debs-next/ >/dev/null
		done
		rm -rf /tmp/bump"
}

setup_users() {
	in_sh "useradd -m tanaka && useradd -m suzuki &&
		printf '%s\n' 'tanaka:$TANAKA_PW' 'suzuki:$SUZUKI_PW' | chpasswd"
}

# Every module a line of /etc/pam.d names exists; libpam fails a "required" line whose module
# it cannot load, and with it every login through that stack. A "-type" line may name a missing
# module (libpam skips it); "include" and "substack" name another file of /etc/pam.d.
pam_modules_exist() {
	missing=$(in_sh '
		dir=$(dirname "$(dpkg -L libpam-modules | grep "/pam_unix.so$" | head -n 1)")
		cat /etc/pam.d/* | sed -e "s/#.*//" -e "s/\[[^]]*\]/control/" |
			awk "NF >= 3 && \$1 !~ /^[-@]/ && \$2 !~ /^(include|substack)\$/ { print \$3 }" | sort -u |
			while read -r m; do
				case $m in /*) p=$m ;; *) p=$dir/$m ;; esac
				[ -e "$p" ] || echo "$m"
			done')
	[ -z "$missing" ] || { echo "# missing PAM modules: $missing"; return 1; }
}

# pamtester through the "login" stack; the answers are the lines of the conversation.
login_as() { # user answer...
	user=$1
	shift
	printf '%s\n' "$@" | chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 pamtester login "$user" authenticate >"$R/pamtester.log" 2>&1
}

refused() { ! login_as "$@"; }

common_auth_has_mamori() { grep -q -E '^[^#]*pam_mamori\.so' "$R/etc/pam.d/common-auth"; }
no_mamori_in_common_auth() { ! common_auth_has_mamori; }

# The code is asked only after pam_unix: pam_mamori's line comes after it in common-auth.
mamori_after_unix() {
	awk '/^[^#]*pam_unix\.so/ { u = NR } /^[^#]*pam_mamori\.so/ { m = NR }
		END { exit !(u && m > u) }' "$R/etc/pam.d/common-auth"
}

check_output() { # NAME TEXT COMMAND...: ok when the command's output contains TEXT
	name=$1 text=$2
	shift 2
	"$@" >"$R/out.log" 2>&1 || :
	if grep -q -F -- "$text" "$R/out.log"; then ok "$name"; else
		nok "$name"
		sed 's/^/#   /' "$R/out.log" | head -n 30
	fi
}

reported() { # event text: the journal has a line of that event with that text
	grep -F "$1" "$R/var/log/mamori/events.log" 2>/dev/null | grep -q -F "$2"
}

mode_of() { stat -c '%a %U:%G' "$R$1"; }

set_unenrolled() { # allow|deny
	sed -i -E "s/^[[:space:]]*#?unenrolled = .*/  unenrolled = $1/" "$R/etc/mamori/mamori.conf"
}

# Recovery code N of tanaka's enrolment (each works once).
code() { sed -n "$1p" "$R/codes"; }

# An earlier release (`make deb-test PREV=REF`) installed first: step_install then upgrades it
# to these packages and every check of a fresh install must hold just the same.
step_install_prev() {
	v=$(dpkg-deb -f "$(ls "$R"/debs-prev/mamori-tools_*.deb)" Version)
	# shellcheck disable=SC2046
	check "the earlier release ($PREV, $v) installs" apt_get install $(debs_in debs-prev)
	check "with the earlier release every module in /etc/pam.d exists" pam_modules_exist
	check "with the earlier release staff log in with the password" login_as tanaka "$TANAKA_PW"
}

step_install() {
	# shellcheck disable=SC2046 # one word per package file
	check "packages install from the archive with --no-install-recommends" \
		apt_get install $(debs_in debs)
	for p in rsyslog rsyslog-relp; do
		check "$p is installed with them (terminals report without recommends)" installed "$p"
	done
	check "/var/lib/mamori is root's alone (0700)" [ "$(mode_of /var/lib/mamori)" = "700 root:root" ]
	check "/var/log/mamori is root:adm 2750" [ "$(mode_of /var/log/mamori)" = "2750 root:adm" ]
	check "mamori-agent.service is enabled" \
		[ -L "$R/etc/systemd/system/multi-user.target.wants/mamori-agent.service" ]
	check "the pam-auth-update profile is known, not enabled (Default: no)" \
		grep -q -x mamori "$R/var/lib/pam/seen"
	check "installing adds nothing to common-auth" no_mamori_in_common_auth
	check "after install every module in /etc/pam.d exists" pam_modules_exist
	check "after install staff log in with the password alone (no lock-out)" \
		login_as tanaka "$TANAKA_PW"
	check_output "mamorictl check says loudly the second factor is not enforced" \
		"THE SECOND FACTOR IS NOT ENFORCED" in_root mamorictl check
}

step_rollout() {
	# README "Rolling out to a terminal": allow the unenrolled, enrol, check, turn the profile
	# on, switch to deny, verify.
	set_unenrolled allow
	check "mamorictl config check accepts unenrolled = allow" \
		in_sh 'mamorictl config check >/dev/null'
	in_root mamorictl otp enroll tanaka --no-verify >"$R/enroll.out" 2>&1 || :
	grep -o -E '\b[2-9a-z]{5}-[2-9a-z]{5}\b' "$R/enroll.out" >"$R/codes" || :
	check "mamorictl otp enroll tanaka prints recovery codes" [ "$(wc -l <"$R/codes")" -ge 3 ]
	check_output "mamorictl otp list shows tanaka" tanaka in_root mamorictl otp list
	check_output "unenrolled = allow: mamorictl check reports the terminal not enforcing" \
		"auth.unenrolled = allow: this terminal does NOT yet enforce" in_root mamorictl check
	check "pam-auth-update --enable mamori" in_root pam-auth-update --enable mamori
	check "enabled: pam_mamori.so follows pam_unix.so in common-auth" mamori_after_unix
	check "enabled: every module in /etc/pam.d exists" pam_modules_exist
	check "enabled, unenrolled = allow: unenrolled staff log in with the password" \
		login_as suzuki "$SUZUKI_PW"
	check "that login is reported (MAMORI-AUTH-206)" reported MAMORI-AUTH-206 suzuki
	check "enrolled: the password alone is refused" refused tanaka "$TANAKA_PW" ""
	check "enrolled: password and a recovery code log in" \
		login_as tanaka "$TANAKA_PW" "$(code 1)"
	set_unenrolled deny
	check "unenrolled = deny: an unenrolled member of staff is refused" \
		refused suzuki "$SUZUKI_PW" ""
	check_output "unenrolled = deny: mamorictl check reports the rollout finished" \
		"rollout: users without an enrolled token are refused" in_root mamorictl check
	check_output "mamorictl check: the login stack passes pam_mamori.so" \
		"PAM login: every successful authentication passes pam_mamori.so" \
		in_root mamorictl check
}

step_upgrade() {
	# shellcheck disable=SC2046
	check "upgrade to a newer build of the same packages" apt_get install $(debs_in debs-next)
	check "upgraded: the newer version is installed" \
		sh -c 'chroot "$1" dpkg-query -W -f="\${Version}" mamori-tools | grep -q upgradetest' sh "$R"
	check "upgraded: the profile stays enabled" mamori_after_unix
	check "upgraded: the administrator's unenrolled = deny is kept" \
		grep -q -x '  unenrolled = deny' "$R/etc/mamori/mamori.conf"
	check "upgraded: every module in /etc/pam.d exists" pam_modules_exist
	check "upgraded: enrolments are kept (password and a recovery code log in)" \
		login_as tanaka "$TANAKA_PW" "$(code 2)"
	check "upgraded: unenrolled staff are still refused" \
		refused suzuki "$SUZUKI_PW" ""
	check "upgraded: mamori-agent.service is still enabled" \
		[ -L "$R/etc/systemd/system/multi-user.target.wants/mamori-agent.service" ]
}

step_remove() {
	# shellcheck disable=SC2086 # one word per package
	check "remove" apt_get remove $PACKAGES
	check "removed: pam_mamori.so is out of common-auth" no_mamori_in_common_auth
	check "removed: every module in /etc/pam.d exists" pam_modules_exist
	check "removed: staff log in with the password alone" login_as tanaka "$TANAKA_PW"
	check "removed: the unenrolled log in too" login_as suzuki "$SUZUKI_PW"
	check "removed: /var/lib/mamori and the enrolments are kept" \
		sh -c '[ -n "$(ls -A "$1/var/lib/mamori/users")" ]' sh "$R"
	check "removed: /etc/mamori/mamori.conf is kept" [ -f "$R/etc/mamori/mamori.conf" ]
}

step_purge() {
	# dpkg, not apt: libpam-mamori has no conffiles and is gone entirely after remove.
	# shellcheck disable=SC2086
	check "purge" in_sh "dpkg --purge $PACKAGES >/apt.log 2>&1"
	for d in /var/lib/mamori /var/log/mamori /etc/mamori; do
		check "purged: $d is gone" [ ! -e "$R$d" ]
	done
	in_sh 'find / -xdev -name "*mamori*" ! -path "/debs*" ! -path /proc' >"$R/left.log" || :
	check "purged: no file named after mamori is left" [ ! -s "$R/left.log" ]
	[ ! -s "$R/left.log" ] || sed 's/^/#   /' "$R/left.log"
	check "purged: every module in /etc/pam.d exists" pam_modules_exist
	check "purged: staff log in with the password alone" login_as tanaka "$TANAKA_PW"
}
