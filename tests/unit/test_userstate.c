/* The user state's text form: round trip, and every kind of damage refused as corrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/err.h"
#include "mamori/userstate.h"

static const char good[] =
	"version=1\n"
	"type=totp\n"
	"algorithm=sha256\n"
	"digits=8\n"
	"step=30\n"
	"active=1\n"
	"key=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
	"counter=56666666\n"
	"failures=2\n"
	"locked_until=0\n"
	"recovery=$y$j9T$abc/def$0123456789ABCDEFabcdef.\n"
	"recovery=-\n";

static void
parses_and_formats_back(void **state)
{
	struct mamori_userstate st;
	char out[MAMORI_USERSTATE_MAX_SIZE];
	size_t len;

	(void)state;
	assert_int_equal(mamori_userstate_parse(good, &st), 0);
	assert_int_equal(st.type, MAMORI_TOKEN_TOTP);
	assert_int_equal(st.algorithm, MAMORI_OTP_SHA256);
	assert_int_equal(st.digits, 8);
	assert_true(st.active);
	assert_int_equal(st.key_len, 20);
	assert_memory_equal(st.key, "12345678901234567890", 20);
	assert_int_equal(st.counter, 56666666);
	assert_int_equal(st.failures, 2);
	assert_int_equal(st.n_recovery, 2);
	assert_string_equal(st.recovery[1], "");
	assert_int_equal(mamori_userstate_format(&st, out, sizeof(out), &len), 0);
	assert_string_equal(out, good);
	assert_int_equal(len, strlen(good));
	mamori_userstate_wipe(&st);
}

/* A pending enrolment (made, first code not verified yet) is stored as active=0 and must
 * come back pending: the module treats it as not enrolled, and only active=1 enforces. */
static void
pending_round_trips(void **state)
{
	struct mamori_userstate st;
	char text[sizeof(good)], out[MAMORI_USERSTATE_MAX_SIZE];
	size_t len;

	(void)state;
	memcpy(text, good, sizeof(good));
	memcpy(strstr(text, "active=1"), "active=0", 8);
	assert_int_equal(mamori_userstate_parse(text, &st), 0);
	assert_false(st.active);
	assert_int_equal(mamori_userstate_format(&st, out, sizeof(out), &len), 0);
	assert_string_equal(out, text);
	mamori_userstate_wipe(&st);
}

/* Replace the first line starting with `key=` by `line` (or drop it when line is ""). */
static void
edit(char *dst, size_t cap, const char *key, const char *line)
{
	const char *at = strstr(good, key);
	const char *end;

	assert_non_null(at);
	end = strchr(at, '\n') + 1;
	snprintf(dst, cap, "%.*s%s%s", (int)(at - good), good, line, end);
}

static void
damage_is_corrupt(void **state)
{
	static const char *const cases[][2] = {
		{"version=", "version=2\n"},      {"type=", "type=sms\n"},
		{"algorithm=", "algorithm=md5\n"}, {"digits=", "digits=5\n"},
		{"digits=", "digits=9\n"},        {"step=", "step=5\n"},
		{"active=", "active=2\n"},        {"key=", "key=not base32!\n"},
		{"key=", "key=GEZDGNBV\n"},       {"counter=", "counter=-1\n"},
		{"counter=", "counter=18446744073709551616\n"},
		{"failures=", "failures= 1\n"},   {"locked_until=", "locked_until=+5\n"},
		{"recovery=$", "recovery=plain text\n"},
		{"failures=", "failures=1\nfailures=0\n"},
		{"active=", "unknown=1\n"},       {"key=", ""},
		{"active=", "active\n"},          {"version=", "type=totp\nversion=1\n"},
	};
	struct mamori_userstate st;
	char text[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		edit(text, sizeof(text), cases[i][0], cases[i][1]);
		if (mamori_userstate_parse(text, &st) != MAMORI_E_CORRUPT)
			fail_msg("accepted damaged state: %s", cases[i][1]);
		/* a refused file leaves no secret behind in the output */
		assert_int_equal(st.key_len, 0);
	}
}

static void
torn_write_is_corrupt(void **state)
{
	struct mamori_userstate st;
	char text[sizeof(good)];

	(void)state;
	/* every prefix that ends mid-line is what a torn write leaves */
	for (size_t n = 1; n < sizeof(good) - 1; n++) {
		memcpy(text, good, n);
		text[n] = '\0';
		if (good[n - 1] != '\n')
			assert_int_equal(mamori_userstate_parse(text, &st), MAMORI_E_CORRUPT);
	}
	assert_int_equal(mamori_userstate_parse("", &st), MAMORI_E_CORRUPT);
}

static void
format_refuses_small_buffer(void **state)
{
	struct mamori_userstate st;
	char out[64];
	size_t len = 7;

	(void)state;
	assert_int_equal(mamori_userstate_parse(good, &st), 0);
	assert_int_equal(mamori_userstate_format(&st, out, sizeof(out), &len), MAMORI_E_TRUNC);
	assert_int_equal(len, 7);
	mamori_userstate_wipe(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_formats_back),
		cmocka_unit_test(pending_round_trips),
		cmocka_unit_test(damage_is_corrupt),
		cmocka_unit_test(torn_write_is_corrupt),
		cmocka_unit_test(format_refuses_small_buffer),
	};
	return cmocka_run_group_tests_name("userstate", tests, NULL, NULL);
}
