/* Recovery codes through the real libcrypt: shape, single use, storage round trip. */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/recovery.h"
#include "mamori/userstate.h"

static struct mamori_userstate st;
static char codes[10][MAMORI_RECOVERY_TEXT];

static int
setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	st.type = MAMORI_TOKEN_TOTP;
	st.digits = 6;
	st.step = 30;
	memcpy(st.key, "12345678901234567890", 20);
	st.key_len = 20;
	return mamori_recovery_generate(&st, 10, codes);
}

static void
codes_have_the_printed_shape(void **state)
{
	(void)state;
	assert_int_equal(st.n_recovery, 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(strlen(codes[i]), 11);
		assert_int_equal(codes[i][5], '-');
		assert_true(mamori_recovery_shaped(codes[i]));
		assert_memory_equal(st.recovery[i], "$y$", 3); /* yescrypt, salted */
		assert_null(strstr(st.recovery[i], codes[i])); /* never stored in clear */
		for (int j = 0; j < i; j++)
			assert_string_not_equal(codes[i], codes[j]);
	}
	assert_false(mamori_recovery_shaped("123456"));
	assert_false(mamori_recovery_shaped("abcde-fghi0")); /* 0 is not in the alphabet */
	assert_true(mamori_recovery_shaped("ABCDE FGHJK"));
}

static void
each_code_works_once(void **state)
{
	char typed[32];
	size_t idx = 99;

	(void)state;
	/* typed in capitals with a space instead of the dash, as people do */
	for (size_t i = 0; i < 11; i++)
		typed[i] = (char)toupper((unsigned char)codes[3][i]);
	typed[5] = ' ';
	typed[11] = '\0';
	assert_int_equal(mamori_recovery_use(&st, typed, &idx), 0);
	assert_int_equal(idx, 3);
	assert_int_equal(mamori_recovery_left(&st), 9);
	idx = 99;
	assert_int_equal(mamori_recovery_use(&st, codes[3], &idx), -ENOENT);
	assert_int_equal(idx, 99);
	assert_int_equal(mamori_recovery_use(&st, "22222-22222", &idx), -ENOENT);
	assert_int_equal(mamori_recovery_use(&st, "not a code", &idx), -ENOENT);
}

static void
used_codes_survive_storage(void **state)
{
	struct mamori_userstate back;
	char text[MAMORI_USERSTATE_MAX_SIZE];
	size_t len, idx;

	(void)state;
	assert_int_equal(mamori_recovery_use(&st, codes[0], &idx), 0);
	assert_int_equal(mamori_userstate_format(&st, text, sizeof(text), &len), 0);
	assert_int_equal(mamori_userstate_parse(text, &back), 0);
	assert_int_equal(mamori_recovery_left(&back), 8);
	assert_int_equal(mamori_recovery_use(&back, codes[0], &idx), -ENOENT);
	assert_int_equal(mamori_recovery_use(&back, codes[9], &idx), 0);
	assert_int_equal(idx, 9);
}

static void
regeneration_replaces_all(void **state)
{
	char fresh[10][MAMORI_RECOVERY_TEXT];
	size_t idx;

	(void)state;
	assert_int_equal(mamori_recovery_generate(&st, 10, fresh), 0);
	assert_int_equal(mamori_recovery_left(&st), 10);
	assert_int_equal(mamori_recovery_use(&st, codes[5], &idx), -ENOENT);
	assert_int_equal(mamori_recovery_use(&st, fresh[5], &idx), 0);
	/* the key was not touched */
	assert_memory_equal(st.key, "12345678901234567890", 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_have_the_printed_shape),
		cmocka_unit_test(each_code_works_once),
		cmocka_unit_test(used_codes_survive_storage),
		cmocka_unit_test(regeneration_replaces_all),
	};
	return cmocka_run_group_tests_name("recovery", tests, setup, NULL);
}
