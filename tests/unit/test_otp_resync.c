/* HOTP resynchronisation against the RFC 4226 Appendix D codes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/otp_resync.h"

/* RFC 4226 Appendix D: key "12345678901234567890", counters 0..9 */
static const char *const rfc[] = {"755224", "287082", "359152", "969429", "338314",
				  "254676", "287922", "162583", "399871", "520489"};

static void
hotp_state(struct mamori_userstate *st, uint64_t counter)
{
	memset(st, 0, sizeof(*st));
	st->type = MAMORI_TOKEN_HOTP;
	st->algorithm = MAMORI_OTP_SHA1;
	st->digits = 6;
	st->step = 30;
	memcpy(st->key, "12345678901234567890", 20);
	st->key_len = 20;
	st->counter = counter;
}

static void
consecutive_codes_move_the_counter_past_them(void **state)
{
	struct mamori_userstate st;
	uint64_t skipped = 99;

	(void)state;
	hotp_state(&st, 1);
	assert_int_equal(mamori_hotp_resync(&st, rfc[5], rfc[6], 1000, &skipped), 0);
	assert_int_equal(skipped, 4);
	assert_int_equal(st.counter, 7);
	/* the pair right at the stored counter counts too */
	assert_int_equal(mamori_hotp_resync(&st, rfc[7], rfc[8], 0, &skipped), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(st.counter, 9);
}

static void
refusals_leave_the_state_alone(void **state)
{
	struct mamori_userstate st;
	uint64_t skipped = 99;

	(void)state;
	hotp_state(&st, 0);
	/* not consecutive, in the wrong order, beyond the window, behind the counter */
	assert_int_equal(mamori_hotp_resync(&st, rfc[5], rfc[7], 1000, &skipped), -ENOENT);
	assert_int_equal(mamori_hotp_resync(&st, rfc[6], rfc[5], 1000, &skipped), -ENOENT);
	assert_int_equal(mamori_hotp_resync(&st, rfc[5], rfc[6], 4, &skipped), -ENOENT);
	hotp_state(&st, 6);
	assert_int_equal(mamori_hotp_resync(&st, rfc[4], rfc[5], 1000, &skipped), -ENOENT);
	assert_int_equal(mamori_hotp_resync(&st, "25467", rfc[6], 1000, &skipped), -EINVAL);
	assert_int_equal(mamori_hotp_resync(&st, rfc[5], "28792a", 1000, &skipped), -EINVAL);
	assert_int_equal(st.counter, 6);
	assert_int_equal(skipped, 99);
	st.type = MAMORI_TOKEN_TOTP;
	assert_int_equal(mamori_hotp_resync(&st, rfc[6], rfc[7], 1000, &skipped), -EOPNOTSUPP);
}

static void
counter_near_its_limit_does_not_wrap(void **state)
{
	struct mamori_userstate st;
	uint64_t skipped = 0;

	(void)state;
	hotp_state(&st, UINT64_MAX - 3);
	assert_int_equal(mamori_hotp_resync(&st, rfc[0], rfc[1], 1000, &skipped), -ENOENT);
	assert_int_equal(st.counter, UINT64_MAX - 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(consecutive_codes_move_the_counter_past_them),
		cmocka_unit_test(refusals_leave_the_state_alone),
		cmocka_unit_test(counter_near_its_limit_does_not_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
