/* Window, single use and lockout, with the clock in the test's hand. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/otp_verify.h"
#include "mamori/recovery.h"

static const struct mamori_verify_policy pol = {
	.window = 1, .hotp_window = 10, .max_failures = 5, .lockout = 900,
};

static void
make_state(struct mamori_userstate *st, enum mamori_token_type type)
{
	memset(st, 0, sizeof(*st));
	st->type = type;
	st->algorithm = MAMORI_OTP_SHA1;
	st->digits = 6;
	st->step = 30;
	memcpy(st->key, "12345678901234567890", 20);
	st->key_len = 20;
}

/* The code an authenticator app shows at time t (or an HOTP token at counter t). */
static const char *
code_at(const struct mamori_userstate *st, uint64_t counter)
{
	static char text[9];
	uint32_t v;

	assert_int_equal(mamori_hotp(st->key, st->key_len, st->algorithm, counter, st->digits,
				     &v), 0);
	assert_int_equal(mamori_otp_format(v, st->digits, text, sizeof(text)), 0);
	return text;
}

static enum mamori_verdict
try_code(struct mamori_userstate *st, const char *input, time_t now,
	 struct mamori_verify_result *res)
{
	assert_int_equal(mamori_otp_verify(st, input, now, &pol, res), 0);
	return res->verdict;
}

static void
totp_window_is_one_step_each_side(void **state)
{
	const time_t now = 1764300000; /* step 58810000 */
	struct mamori_userstate st;
	struct mamori_verify_result res;

	(void)state;
	make_state(&st, MAMORI_TOKEN_TOTP);
	assert_int_equal(try_code(&st, code_at(&st, 58810000 - 2), now, &res),
			 MAMORI_VERDICT_WRONG);
	assert_int_equal(try_code(&st, code_at(&st, 58810000 + 2), now, &res),
			 MAMORI_VERDICT_WRONG);
	assert_int_equal(try_code(&st, code_at(&st, 58810000 - 1), now, &res), MAMORI_VERDICT_OK);
	assert_int_equal(res.skew, -1);
	assert_int_equal(res.failures, 0); /* success clears the two wrong tries */
	assert_true(st.active);
	assert_int_equal(try_code(&st, code_at(&st, 58810000 + 1), now, &res), MAMORI_VERDICT_OK);
	assert_int_equal(res.skew, 1);
}

static void
totp_code_is_single_use(void **state)
{
	const time_t now = 1764300000;
	struct mamori_userstate st;
	struct mamori_verify_result res;
	char code[9], earlier[9];

	(void)state;
	make_state(&st, MAMORI_TOKEN_TOTP);
	strcpy(earlier, code_at(&st, 58810000 - 1));
	strcpy(code, code_at(&st, 58810000));
	assert_int_equal(try_code(&st, code, now, &res), MAMORI_VERDICT_OK);
	assert_int_equal(res.skew, 0);
	assert_int_equal(try_code(&st, code, now + 5, &res), MAMORI_VERDICT_REPLAY);
	/* an older code still inside the window must not open after a newer one did */
	assert_int_equal(try_code(&st, earlier, now + 5, &res), MAMORI_VERDICT_REPLAY);
	assert_int_equal(res.failures, 2);
	assert_int_equal(st.counter, 58810001);
}

static void
lockout_after_max_failures(void **state)
{
	time_t now = 1764300000;
	struct mamori_userstate st;
	struct mamori_verify_result res;

	(void)state;
	make_state(&st, MAMORI_TOKEN_TOTP);
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(try_code(&st, "000000", now, &res), MAMORI_VERDICT_WRONG);
		assert_int_equal(res.failures, i);
		assert_false(res.locked_now);
	}
	assert_int_equal(try_code(&st, "000000", now, &res), MAMORI_VERDICT_WRONG);
	assert_true(res.locked_now);
	assert_int_equal(res.locked_until, now + 900);
	/* while locked even the right code fails, and the lock is not extended */
	now += 600;
	assert_int_equal(try_code(&st, code_at(&st, (uint64_t)now / 30), now, &res),
			 MAMORI_VERDICT_LOCKED);
	assert_int_equal(st.locked_until, now - 600 + 900);
	now += 301;
	assert_int_equal(try_code(&st, code_at(&st, (uint64_t)now / 30), now, &res),
			 MAMORI_VERDICT_OK);
	assert_int_equal(st.locked_until, 0);
}

static void
malformed_input_counts_as_failure(void **state)
{
	static const char *const bad[] = {"", "12345", "1234567", "12345a", " 23456", "123 56",
					  "１２３４５６", "-12345"};
	struct mamori_userstate st;
	struct mamori_verify_result res;

	(void)state;
	make_state(&st, MAMORI_TOKEN_TOTP);
	st.counter = 7;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st.failures = 0;
		assert_int_equal(try_code(&st, bad[i], 1764300000, &res),
				 MAMORI_VERDICT_MALFORMED);
		assert_int_equal(res.failures, 1);
	}
	assert_int_equal(st.counter, 7);
}

static void
hotp_look_ahead_and_counter(void **state)
{
	struct mamori_userstate st;
	struct mamori_verify_result res;
	char c11[9];

	(void)state;
	make_state(&st, MAMORI_TOKEN_HOTP);
	st.counter = 3;
	strcpy(c11, code_at(&st, 3 + 11));
	assert_int_equal(try_code(&st, c11, 0, &res), MAMORI_VERDICT_WRONG);
	assert_int_equal(try_code(&st, code_at(&st, 3 + 10), 0, &res), MAMORI_VERDICT_OK);
	assert_int_equal(res.skew, 10);
	assert_int_equal(st.counter, 14);
	assert_int_equal(try_code(&st, code_at(&st, 13), 0, &res), MAMORI_VERDICT_WRONG);
	assert_int_equal(try_code(&st, c11, 0, &res), MAMORI_VERDICT_OK);
	assert_int_equal(res.skew, 0);
}

static void
recovery_code_instead_of_otp(void **state)
{
	char codes[2][MAMORI_RECOVERY_TEXT];
	struct mamori_userstate st;
	struct mamori_verify_result res;

	(void)state;
	make_state(&st, MAMORI_TOKEN_TOTP);
	st.counter = 58810000;
	assert_int_equal(mamori_recovery_generate(&st, 2, codes), 0);
	assert_int_equal(try_code(&st, "zzzzz-zzzzz", 1764300000, &res), MAMORI_VERDICT_WRONG);
	assert_int_equal(res.factor, MAMORI_FACTOR_RECOVERY);
	assert_int_equal(res.failures, 1);
	assert_int_equal(try_code(&st, codes[1], 1764300000, &res), MAMORI_VERDICT_OK);
	assert_int_equal(res.factor, MAMORI_FACTOR_RECOVERY);
	assert_int_equal(res.recovery_index, 1);
	assert_int_equal(res.failures, 0);
	assert_int_equal(st.counter, 58810000); /* the token's position is not moved */
	assert_int_equal(try_code(&st, codes[1], 1764300000, &res), MAMORI_VERDICT_WRONG);
	assert_string_equal(mamori_factor_name(res.factor), "recovery");
}

static void
unusable_state_is_refused(void **state)
{
	struct mamori_userstate st;
	struct mamori_verify_result res = {.failures = 42};

	(void)state;
	make_state(&st, MAMORI_TOKEN_TOTP);
	st.key_len = 0;
	assert_int_equal(mamori_otp_verify(&st, "123456", 0, &pol, &res), -EINVAL);
	assert_int_equal(res.failures, 42);
	assert_string_equal(mamori_verdict_name(MAMORI_VERDICT_REPLAY), "replay");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totp_window_is_one_step_each_side),
		cmocka_unit_test(totp_code_is_single_use),
		cmocka_unit_test(lockout_after_max_failures),
		cmocka_unit_test(malformed_input_counts_as_failure),
		cmocka_unit_test(hotp_look_ahead_and_counter),
		cmocka_unit_test(recovery_code_instead_of_otp),
		cmocka_unit_test(unusable_state_is_refused),
	};
	return cmocka_run_group_tests_name("otp_verify", tests, NULL, NULL);
}
