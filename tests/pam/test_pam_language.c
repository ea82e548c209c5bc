/* The language of what pam_mamori shows, through the real libpam: the application's locale
 * decides (Japanese in ja_JP.UTF-8, English in C and en_US.UTF-8), except on the Linux text
 * console (TERM=linux), which cannot draw kanji and gets English whatever the locale.
 * The module is the test build: it reads this build's catalogues, not the installed ones.
 * The locales are compiled into the build directory (tests/make-locales.sh, LOCPATH), so the
 * machine needs none generated. */
#include <limits.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "harness.h"
#include "mamori/buf.h"
#include "tmpdir.h"

#ifndef MAMORI_TEST_BUILD
#define MAMORI_TEST_BUILD "build"
#endif

#define FMT(buf, ...) assert_int_equal(mamori_snprintf((buf), sizeof(buf), __VA_ARGS__), 0)
#define ANSWERS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* One wrong code locks: the lockout message comes with the first failure. */
#define LOCK_AT_ONCE "max_failures = 1"

static int
make_locales(void **state)
{
	char top[PATH_MAX], dir[PATH_MAX + 64], cmd[2 * PATH_MAX + 128];

	(void)state;
	if (geteuid() != 0)
		return 0; /* every test skips: the configuration must be root's */
	assert_non_null(getcwd(top, sizeof(top)));
	FMT(dir, "%s/%s/test-locales", top, MAMORI_TEST_BUILD);
	FMT(cmd, "sh tests/make-locales.sh '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_pam_language: the test locales cannot be made\n");
		return -1;
	}
	assert_int_equal(setenv("LOCPATH", dir, 1), 0);
	return 0;
}

static int
setup(void **state)
{
	struct pam_bench *b = calloc(1, sizeof(*b));

	if (geteuid() != 0) {
		free(b);
		skip();
	}
	assert_non_null(b);
	assert_int_equal(pam_bench_setup(b, LOCK_AT_ONCE), 0);
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct pam_bench *b = *state;

	if (b != NULL) {
		pam_bench_teardown(b);
		free(b);
	}
	(void)setlocale(LC_ALL, "C");
	return 0;
}

/* The application's side, as login sets it up: environment, then setlocale. */
static void
as_application(const char *lang, const char *term)
{
	assert_int_equal(unsetenv("LC_ALL"), 0);
	assert_int_equal(unsetenv("LC_MESSAGES"), 0);
	assert_int_equal(unsetenv("LANGUAGE"), 0);
	assert_int_equal(setenv("LANG", lang, 1), 0);
	assert_int_equal(setenv("TERM", term, 1), 0);
	assert_non_null(setlocale(LC_ALL, ""));
}

/* The test build of the module, stacked as pam_bench_service stacks the installed one. */
static void
service(struct pam_bench *b)
{
	char path[PATH_MAX + 32], top[PATH_MAX], text[4096];

	assert_non_null(getcwd(top, sizeof(top)));
	FMT(path, "%s/mamori-test", b->dir);
	FMT(text,
	    "auth [success=1 default=ignore] pam_pwdfile.so pwdfile=%s/passwd\n"
	    "auth requisite pam_deny.so\n"
	    "auth required pam_permit.so\n"
	    "auth required %s/%s/testbuild/pam_mamori.so conf=%s\n",
	    b->dir, top, MAMORI_TEST_BUILD, b->conf);
	assert_int_equal(test_write_file(path, text, 0644), 0);
}

/* The time the lock message shows: the clock time when the lock ends today. */
static void
lock_end(struct pam_bench *b, char *out, size_t cap)
{
	struct mamori_userstate st;
	time_t until, now = time(NULL);
	struct tm tm, today;

	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	until = (time_t)st.locked_until;
	assert_true(until > now);
	assert_non_null(localtime_r(&until, &tm));
	assert_non_null(localtime_r(&now, &today));
	assert_true(strftime(out, cap,
			     tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday
				     ? "%H:%M"
				     : "%Y-%m-%d %H:%M",
			     &tm) > 0);
}

/* A wrong code for an enrolled user: the prompt, and the lockout it causes. */
static void
lock_out(struct pam_bench *b)
{
	service(b);
	pam_bench_enrol(b, "tanaka", NULL);
	assert_int_equal(pam_bench_run(b, "tanaka", ANSWERS("pass-word", "000000")),
			 PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-203"), 1);
}

static void
assert_english_lockout(struct pam_bench *b)
{
	char when[32], want[512];

	lock_out(b);
	lock_end(b, when, sizeof(when));
	FMT(want,
	    "prompt:One-time code: \n"
	    "error:This account is locked until %s.\n"
	    "error:Please contact IT desk, ext. 1234.\n",
	    when);
	/* after the password prompt, which is libpam's and translated by it */
	assert_non_null(strstr(b->transcript, want));
}

static void
japanese_locale_speaks_japanese(void **state)
{
	struct pam_bench *b = *state;
	char when[32], want[512];

	as_application("ja_JP.UTF-8", "xterm-256color");
	lock_out(b);
	lock_end(b, when, sizeof(when));
	FMT(want,
	    "prompt:ワンタイムパスワード: \n"
	    "error:このアカウントは %s までロックされています。\n"
	    "error:IT desk, ext. 1234 にご連絡ください。\n",
	    when);
	assert_non_null(strstr(b->transcript, want));
	/* the event stays English: collectors parse it */
	assert_int_equal(pam_bench_events(b, "account locked after repeated wrong codes"), 1);
}

static void
japanese_locale_unenrolled_in_japanese(void **state)
{
	struct pam_bench *b = *state;

	as_application("ja_JP.UTF-8", "xterm-256color");
	service(b);
	assert_int_equal(pam_bench_run(b, "suzuki", ANSWERS("pass-word")), PAM_AUTH_ERR);
	assert_non_null(strstr(b->transcript,
			       "error:このアカウントにはワンタイムパスワードが設定されていません。\n"
			       "error:IT desk, ext. 1234 にご連絡ください。\n"));
}

static void
c_locale_speaks_english(void **state)
{
	as_application("C", "xterm-256color");
	assert_english_lockout(*state);
}

static void
us_locale_speaks_english(void **state)
{
	as_application("en_US.UTF-8", "xterm-256color");
	assert_english_lockout(*state);
}

static void
linux_console_speaks_english_in_japanese_locale(void **state)
{
	as_application("ja_JP.UTF-8", "linux");
	assert_english_lockout(*state);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(japanese_locale_speaks_japanese),
		T(japanese_locale_unenrolled_in_japanese),
		T(c_locale_speaks_english),
		T(us_locale_speaks_english),
		T(linux_console_speaks_english_in_japanese_locale),
	};
	return cmocka_run_group_tests_name("pam_language", tests, make_locales, NULL);
}
