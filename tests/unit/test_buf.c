/* Bounded buffers and constant-time comparison: the helpers every formatter leans on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/secmem.h"

static void
append_within_capacity(void **state)
{
	char s[16];
	struct mamori_buf b;

	(void)state;
	mamori_buf_init(&b, s, sizeof(s));
	assert_int_equal(mamori_buf_adds(&b, "abc"), 0);
	assert_int_equal(mamori_buf_addc(&b, '-'), 0);
	assert_int_equal(mamori_buf_printf(&b, "%d", 42), 0);
	assert_string_equal(s, "abc-42");
	assert_int_equal(b.len, 6);
	assert_false(b.truncated);
}

static void
overflow_is_cut_and_flagged(void **state)
{
	char s[8];
	struct mamori_buf b;

	(void)state;
	mamori_buf_init(&b, s, sizeof(s));
	assert_int_equal(mamori_buf_adds(&b, "0123456789"), MAMORI_E_TRUNC);
	assert_string_equal(s, "0123456");
	assert_true(b.truncated);
	assert_int_equal(mamori_buf_addc(&b, 'x'), MAMORI_E_TRUNC);
	assert_int_equal(mamori_buf_printf(&b, "%s", "y"), MAMORI_E_TRUNC);
	assert_string_equal(s, "0123456");
}

static void
printf_overflow_keeps_prefix(void **state)
{
	char s[6];
	struct mamori_buf b;

	(void)state;
	mamori_buf_init(&b, s, sizeof(s));
	assert_int_equal(mamori_buf_adds(&b, "ab"), 0);
	assert_int_equal(mamori_buf_printf(&b, "%s", "cdefgh"), MAMORI_E_TRUNC);
	assert_string_equal(s, "abcde");
	assert_int_equal(b.len, 5);
}

static void
snprintf_reports_truncation(void **state)
{
	char s[4];

	(void)state;
	assert_int_equal(mamori_snprintf(s, sizeof(s), "%s", "abc"), 0);
	assert_int_equal(mamori_snprintf(s, sizeof(s), "%s", "abcd"), MAMORI_E_TRUNC);
	assert_string_equal(s, "abc");
	assert_int_equal(mamori_snprintf(s, 0, "x"), MAMORI_E_TRUNC);
}

static void
constant_time_equality(void **state)
{
	(void)state;
	assert_true(mamori_memeq_ct("123456", "123456", 6));
	assert_false(mamori_memeq_ct("123456", "123457", 6));
	assert_false(mamori_memeq_ct("023456", "123456", 6));
	assert_true(mamori_streq_ct("", ""));
	assert_false(mamori_streq_ct("12345", "123456"));
	assert_true(mamori_streq_ct("987654", "987654"));
}

static void
freezero_clears_pointer(void **state)
{
	char *p = strdup("secret");
	void *v;

	(void)state;
	assert_non_null(p);
	mamori_free_secret_str(&p);
	assert_null(p);
	mamori_free_secret_str(&p); /* NULL is accepted */
	v = malloc(32);
	assert_non_null(v);
	mamori_freezero(&v, 32);
	assert_null(v);
	mamori_freezero(NULL, 0);
	mamori_wipe(NULL, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_within_capacity),
		cmocka_unit_test(overflow_is_cut_and_flagged),
		cmocka_unit_test(printf_overflow_keeps_prefix),
		cmocka_unit_test(snprintf_reports_truncation),
		cmocka_unit_test(constant_time_equality),
		cmocka_unit_test(freezero_clears_pointer),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
