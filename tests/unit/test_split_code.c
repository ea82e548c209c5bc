/* The single-prompt format: where the password ends and the code begins. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/recovery.h"
#include "mamori/split_code.h"
#include "mamori/userstate.h"

static int
split(const char *answer, unsigned digits, size_t *at)
{
	return mamori_split_code(answer, strlen(answer), digits, at);
}

static void
totp_code_is_the_last_digits(void **state)
{
	size_t at;

	(void)state;
	assert_int_equal(split("pass-word123456", 6, &at), 0);
	assert_int_equal(at, 9);
	assert_int_equal(split("pass-word12345678", 8, &at), 0);
	assert_int_equal(at, 9);
	/* a password ending in digits keeps them: only the last `digits` are the code */
	assert_int_equal(split("abc2024123456", 6, &at), 0);
	assert_int_equal(at, 7);
}

static void
recovery_code_in_printed_form(void **state)
{
	size_t at;

	(void)state;
	assert_int_equal(split("pass-wordabcde-fghjk", 6, &at), 0);
	assert_int_equal(at, 9);
	assert_int_equal(split("pass-wordABCDE-FGHJK", 8, &at), 0);
	assert_int_equal(at, 9);
	/* all-digit recovery code: the dash makes it one, not a one-time code */
	assert_int_equal(split("pw23456-78923", 6, &at), 0);
	assert_int_equal(at, 2);
}

static void
generated_recovery_codes_split(void **state)
{
	struct mamori_userstate st;
	char codes[10][MAMORI_RECOVERY_TEXT], answer[16 + sizeof(codes)];
	size_t at;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.type = MAMORI_TOKEN_TOTP;
	st.digits = 6;
	st.step = 30;
	st.key_len = 20;
	assert_int_equal(mamori_recovery_generate(&st, 10, codes), 0);
	for (int i = 0; i < 10; i++) {
		(void)snprintf(answer, sizeof(answer), "pass-word%s", codes[i]);
		assert_int_equal(split(answer, 6, &at), 0);
		assert_int_equal(at, 9);
		assert_string_equal(answer + at, codes[i]);
	}
	mamori_userstate_wipe(&st);
}

static void
no_code_means_all_password(void **state)
{
	size_t at = 99;

	(void)state;
	assert_int_equal(split("pass-word", 6, &at), -EINVAL);
	assert_int_equal(at, 9);
	assert_int_equal(split("pass-word12345", 6, &at), -EINVAL); /* only five digits */
	assert_int_equal(at, 14);
	assert_int_equal(split("pass-word12345a", 6, &at), -EINVAL);
	/* nothing but a code: the password part would be empty */
	assert_int_equal(split("123456", 6, &at), -EINVAL);
	assert_int_equal(at, 6);
	assert_int_equal(split("abcde-fghjk", 6, &at), -EINVAL);
	assert_int_equal(split("", 6, &at), -EINVAL);
	assert_int_equal(at, 0);
	/* a length the configuration cannot hold finds no one-time code */
	assert_int_equal(split("pass-word12345", 5, &at), -EINVAL);
	assert_int_equal(split("pass-word123456789", 9, &at), -EINVAL);
	/* the dash in the wrong place, or a look-alike symbol, is no recovery code */
	assert_int_equal(split("pass-wordabcd-efghjk", 6, &at), -EINVAL);
	assert_int_equal(split("pass-wordabcde-fghj1", 6, &at), -EINVAL);
}

static void
never_reads_past_the_length(void **state)
{
	const char answer[] = "pass-word123456XXXX";
	size_t at;

	(void)state;
	assert_int_equal(mamori_split_code(answer, 15, 6, &at), 0);
	assert_int_equal(at, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totp_code_is_the_last_digits),
		cmocka_unit_test(recovery_code_in_printed_form),
		cmocka_unit_test(generated_recovery_codes_split),
		cmocka_unit_test(no_code_means_all_password),
		cmocka_unit_test(never_reads_past_the_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
