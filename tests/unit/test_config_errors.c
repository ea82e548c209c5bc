/* mamori.conf: every class of mistake gives one exact line "FILE:LINE: OPTION: expected …,
 * got …", no configuration, and a negative code. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/config.h"
#include "mamori/err.h"
#include "tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	char err[1024];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(f->path, sizeof(f->path), "%s/mamori.conf", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static int
try_load(struct fixture *f, uid_t owner)
{
	struct mamori_config_load_opts opts = {.path = f->path, .trusted_uid = owner};
	struct mamori_config *cfg = NULL;
	int r;

	f->err[0] = '\0';
	r = mamori_config_load(&opts, &cfg, f->err, sizeof(f->err));
	if (r < 0)
		assert_null(cfg);
	mamori_config_free(&cfg);
	return r;
}

/* text is written as the file; want is the message after "FILE:" */
static void
assert_refused(struct fixture *f, const char *text, const char *want)
{
	char full[PATH_MAX + 1024];

	assert_int_equal(test_write_file(f->path, text, 0644), 0);
	snprintf(full, sizeof(full), "%s:%s", f->path, want);
	if (try_load(f, geteuid()) != MAMORI_E_CONFIG)
		fail_msg("accepted or wrong code for:\n%s", text);
	assert_string_equal(f->err, full);
}

static const struct {
	const char *text, *want;
} cases[] = {
	/* values */
	{"auth {\n lockout = abc\n}\n",
	 "2: auth.lockout: expected seconds 0..86400, got \"abc\""},
	{"auth {\n\n\n lockout = 86401 }", "4: auth.lockout: expected seconds 0..86400, got \"86401\""},
	{"auth { digits = 5 }", "1: auth.digits: expected digits 6..8, got \"5\""},
	{"auth { digits = 9 }", "1: auth.digits: expected digits 6..8, got \"9\""},
	{"auth { window = 11 }", "1: auth.window: expected time steps 0..10, got \"11\""},
	{"auth { hotp_window = 101 }",
	 "1: auth.hotp_window: expected counter steps 0..100, got \"101\""},
	{"auth { step = 9 }", "1: auth.step: expected seconds 10..300, got \"9\""},
	{"auth { step = 301 }", "1: auth.step: expected seconds 10..300, got \"301\""},
	{"auth { max_failures = 0 }", "1: auth.max_failures: expected failures 1..100, got \"0\""},
	{"auth { recovery_codes = 51 }", "1: auth.recovery_codes: expected codes 0..50, got \"51\""},
	{"auth { lockout = -1 }", "1: auth.lockout: expected seconds 0..86400, got \"-1\""},
	{"auth { lockout = 0x10 }", "1: auth.lockout: expected seconds 0..86400, got \"0x10\""},
	{"auth { lockout = 99999999999999999999 }",
	 "1: auth.lockout: expected seconds 0..86400, got \"99999999999999999999\""},
	{"media { recheck_interval = 0 }",
	 "1: media.recheck_interval: expected seconds 1..3600, got \"0\""},
	{"report { heartbeat = 9 }", "1: report.heartbeat: expected seconds 10..86400, got \"9\""},
	{"media {\n policy = readwrite\n}",
	 "2: media.policy: expected one of readonly, deny, audit, got \"readwrite\""},
	{"media { mtp = allow }", "1: media.mtp: expected one of deny, audit, got \"allow\""},
	{"media { printer = yes }",
	 "1: media.printer: expected one of deny, audit, allow, got \"yes\""},
	{"auth { algorithm = md5 }",
	 "1: auth.algorithm: expected one of sha1, sha256, sha512, got \"md5\""},
	{"auth { unenrolled = maybe }",
	 "1: auth.unenrolled: expected one of deny, allow, got \"maybe\""},
	{"report {\n debug = maybe\n}", "2: report.debug: expected true or false, got \"maybe\""},
	{"media { loop = 1 }", "1: media.loop: expected true or false, got \"1\""},
	{"report { event_log = var/log/x }",
	 "1: report.event_log: expected an absolute path, got \"var/log/x\""},
	{"auth { state_dir = \"\" }", "1: auth.state_dir: expected an absolute path, got \"\""},
	{"auth { emergency_user = kinkyu }",
	 "1: auth.emergency_user: unknown option, expected one of digits, window, hotp_window, "
	 "step, algorithm, max_failures, lockout, unenrolled, recovery_codes, contact, prompt, "
	 "state_dir"},
	{"auth { contact = \"a\\nb\" }",
	 "1: auth.contact: expected text without control characters, at most 256 bytes, got "
	 "\"a\\x0ab\""},
	/* names */
	{"media {\n colour = red\n}",
	 "2: media.colour: unknown option, expected one of policy, optical, mtp, network, "
	 "wireless, printer, vendor, recheck_interval, loop, allow"},
	{"\nnetwork { }", "2: network: unknown section, expected one of media, auth, report"},
	{"lockout = 5", "1: lockout: unknown section, expected one of media, auth, report"},
	{"media { allow \"0781:5567:x\" {\n size = 1 } }",
	 "2: media.allow[0781:5567:x].size: unknown option, expected one of policy, comment"},
	{"media {\n allow \"0781:5567:x\" { policy = bogus } }",
	 "2: media.allow[0781:5567:x].policy: expected one of readonly, readwrite, deny, audit, "
	 "got \"bogus\""},
	/* given twice */
	{"auth {\n lockout = 5\n lockout = 6\n}",
	 "3: auth.lockout: expected each option once in a section, got it again"},
	{"auth { lockout = 5 }\nauth { lockout = 6 }",
	 "2: auth.lockout: expected each option once in a section, got it again"},
	/* allow titles */
	{"media {\n allow \"0781:5567:\" { }\n}",
	 "2: media.allow[0781:5567:]: expected a serial number after vid:pid (printable ASCII, "
	 "1..255 bytes; an entry names one device, not a model), got \"0781:5567:\""},
	{"media {\n allow \"0781:5567\" { }\n}",
	 "2: media.allow[0781:5567]: expected \"vid:pid:serial\" with vid and pid of 4 hex "
	 "digits, got \"0781:5567\""},
	{"media {\n\n allow \"781:5567:x\" {\n policy = deny\n }\n}",
	 "3: media.allow[781:5567:x]: expected \"vid:pid:serial\" with vid and pid of 4 hex "
	 "digits, got \"781:5567:x\""},
	{"media { allow \"g781:5567:x\" { } }",
	 "1: media.allow[g781:5567:x]: expected \"vid:pid:serial\" with vid and pid of 4 hex "
	 "digits, got \"g781:5567:x\""},
	{"media {\n allow \"0781:5567:a\" { }\n allow \"0781:5567:a\" { }\n}",
	 "3: media.allow[0781:5567:a]: expected each device once, got a second entry (first on "
	 "line 2)"},
	{"media {\n allow \"0781:ABCD:a\" { }\n\n allow \"0781:abcd:a\" { }\n}",
	 "4: media.allow[0781:abcd:a]: expected each device once, got a second entry (first on "
	 "line 2)"},
	{"media {\n allow { }\n}",
	 "2: media.allow: expected a title \"vid:pid:serial\" before \"{\""},
	/* syntax */
	{"auth {\n contact = \"unterminated\n}\n",
	 "2: expected a closing quote, got the end of the file"},
	{"auth { contact = 'x }", "1: expected a closing quote, got the end of the file"},
	{"media {\n policy = deny\n", "1: expected \"}\" closing the section opened here, got the "
				      "end of the file"},
	{"media { }\n}\n", "2: expected an option or a section, got \"}\" with no section open"},
	{"/* a\n", "1: expected \"*/\" closing the comment, got the end of the file"},
	{"auth {\n digits = 8\n digits\n}", "3: auth.digits: expected \"=\" after the option name"},
	{"auth {\n lockout += 5\n}", "2: auth.lockout: expected \"=\", got \"+=\""},
	{"auth = 3", "1: auth: expected \"{\" to open the section"},
	{"media { policy = , }", "1: media: expected an option or a value, got \",\""},
	{"media", "1: expected the rest of the setting, got the end of the file"},
	{"auth { prompt = \"${HOME}\" }",
	 "1: expected a value, got \"${\" (mamori.conf does not expand environment variables)"},
	{"auth { contact = ${HOME} }",
	 "1: expected a value, got \"${\" (mamori.conf does not expand environment variables)"},
	{"auth { contact = \"a\\777\" }",
	 "1: auth: expected an escape \\n \\t \\\" \\\\ \\xHH or \\ooo up to \\377, got "
	 "\"\\\\777\""},
	/* inside an unquoted value "//" is no comment: what follows is still checked */
	{"auth { contact = a//\"${HOME}\" }",
	 "1: expected a value, got \"${\" (mamori.conf does not expand environment variables)"},
	/* a C comment would make libconfuse count one line too many */
	{"/* a */\n/* b\n */\nauth {\n lockout = x\n}\n",
	 "5: auth.lockout: expected seconds 0..86400, got \"x\""},
};

static void
every_mistake_has_its_message(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_refused(f, cases[i].text, cases[i].want);
}

static void
nul_byte(void **state)
{
	struct fixture *f = *state;
	struct mamori_config *cfg = NULL;
	static const char text[] = "auth {\n contact = a\0b\n}\n";

	assert_int_equal(mamori_config_parse(text, sizeof(text) - 1, "t.conf", &cfg, f->err,
					     sizeof(f->err)), MAMORI_E_CONFIG);
	assert_string_equal(f->err, "t.conf:2: expected text, got a NUL byte");
	assert_null(cfg);
}

static void
too_many_allow_entries(void **state)
{
	struct fixture *f = *state;
	struct mamori_config *cfg = NULL;
	size_t cap = 1100 * 40, len = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	len += (size_t)snprintf(text, cap, "media {\n");
	for (int i = 0; i <= 1024; i++)
		len += (size_t)snprintf(text + len, cap - len, "allow \"0781:5567:%d\" {}\n", i);
	len += (size_t)snprintf(text + len, cap - len, "}\n");
	assert_int_equal(mamori_config_parse(text, len, "t.conf", &cfg, f->err, sizeof(f->err)),
			 MAMORI_E_CONFIG);
	assert_string_equal(f->err, "t.conf:1026: media.allow[0781:5567:1024]: expected at most "
				    "1024 allow entries, got more");
	free(text);
}

/* Parses before + n times fill + after. */
static int
parse_with(const char *before, size_t n, char fill, const char *after, char *err, size_t errlen)
{
	struct mamori_config *cfg = NULL;
	char text[1400], value[1100];
	int r;

	memset(value, fill, n);
	value[n] = '\0';
	snprintf(text, sizeof(text), "%s%s%s", before, value, after);
	r = mamori_config_parse(text, strlen(text), "t.conf", &cfg, err, errlen);
	mamori_config_free(&cfg);
	return r;
}

/* every string has a bound; one byte more is refused, and a long value is cut in the message */
static void
length_limits(void **state)
{
	struct fixture *f = *state;
	char want[256];

	assert_int_equal(parse_with("auth { contact = \"", 256, 'c', "\" }",
				    f->err, sizeof(f->err)), 0);
	assert_int_equal(parse_with("auth { contact = \"", 257, 'c', "\" }",
				    f->err, sizeof(f->err)), MAMORI_E_CONFIG);
	memset(want, 'c', 80);
	want[80] = '\0';
	assert_non_null(strstr(f->err, want));
	assert_non_null(strstr(f->err, "ccc...\""));
	assert_int_equal(parse_with("report { event_log = /", 1023, 'p', " }",
				    f->err, sizeof(f->err)), 0);
	assert_int_equal(parse_with("report { event_log = /", 1024, 'p', " }",
				    f->err, sizeof(f->err)), MAMORI_E_CONFIG);
	assert_int_equal(parse_with("media { allow \"0781:5567:", 255, 's', "\" {} }", f->err, sizeof(f->err)), 0);
	assert_int_equal(parse_with("media { allow \"0781:5567:", 256, 's', "\" {} }", f->err, sizeof(f->err)), MAMORI_E_CONFIG);
	assert_non_null(strstr(f->err, "expected a serial number"));
}

static void
file_not_found_when_named(void **state)
{
	struct fixture *f = *state;
	char want[PATH_MAX + 64];

	assert_int_equal(try_load(f, geteuid()), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", f->path);
	assert_string_equal(f->err, want);
}

static void
unsafe_files_refused(void **state)
{
	struct fixture *f = *state;
	char want[PATH_MAX + 128], target[PATH_MAX + 16], *big;

	assert_int_equal(test_write_file(f->path, "", 0664), 0);
	assert_int_equal(try_load(f, geteuid()), MAMORI_E_MODE);
	snprintf(want, sizeof(want), "%s: refused: mode 0664 is writable by group or others",
		 f->path);
	assert_string_equal(f->err, want);

	assert_int_equal(chmod(f->path, 0602), 0);
	assert_int_equal(try_load(f, geteuid()), MAMORI_E_MODE);

	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(try_load(f, geteuid() + 1), MAMORI_E_OWNER);
	snprintf(want, sizeof(want), "%s: refused: owned by uid %ld, expected uid %ld", f->path,
		 (long)geteuid(), (long)geteuid() + 1);
	assert_string_equal(f->err, want);

	assert_non_null(big = malloc(MAMORI_CONFIG_MAX_SIZE + 2));
	memset(big, '#', MAMORI_CONFIG_MAX_SIZE + 1);
	big[MAMORI_CONFIG_MAX_SIZE + 1] = '\0';
	assert_int_equal(test_write_file(f->path, big, 0644), 0);
	free(big);
	assert_int_equal(try_load(f, geteuid()), MAMORI_E_TOOBIG);
	snprintf(want, sizeof(want), "%s: refused: %d bytes, expected at most %d", f->path,
		 MAMORI_CONFIG_MAX_SIZE + 1, MAMORI_CONFIG_MAX_SIZE);
	assert_string_equal(f->err, want);

	assert_int_equal(unlink(f->path), 0);
	snprintf(target, sizeof(target), "%s/real.conf", f->dir);
	assert_int_equal(test_write_file(target, "", 0644), 0);
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(try_load(f, geteuid()), -ELOOP);
	snprintf(want, sizeof(want), "%s: refused: is a symbolic link", f->path);
	assert_string_equal(f->err, want);

	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(mkdir(f->path, 0755), 0);
	assert_int_equal(try_load(f, geteuid()), MAMORI_E_NOTREG);
	snprintf(want, sizeof(want), "%s: refused: not a regular file", f->path);
	assert_string_equal(f->err, want);
}

static void
exact_limit_is_accepted(void **state)
{
	struct fixture *f = *state;
	char *text;

	assert_non_null(text = malloc(MAMORI_CONFIG_MAX_SIZE + 1));
	memset(text, '\n', MAMORI_CONFIG_MAX_SIZE);
	text[MAMORI_CONFIG_MAX_SIZE] = '\0';
	assert_int_equal(test_write_file(f->path, text, 0644), 0);
	free(text);
	assert_int_equal(try_load(f, geteuid()), 0);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(every_mistake_has_its_message),
		T(nul_byte),
		T(too_many_allow_entries),
		T(length_limits),
		T(file_not_found_when_named),
		T(unsafe_files_refused),
		T(exact_limit_is_accepted),
	};
	return cmocka_run_group_tests_name("config_errors", tests, NULL, NULL);
}
