/* HOTP and TOTP against every test vector of RFC 4226 Appendix D and RFC 6238 Appendix B. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/otp.h"

static const char seed20[] = "12345678901234567890";
static const char seed32[] = "12345678901234567890123456789012";
static const char seed64[] =
	"1234567890123456789012345678901234567890123456789012345678901234";

static void
rfc4226_appendix_d(void **state)
{
	static const uint32_t expect[] = {755224, 287082, 359152, 969429, 338314,
					  254676, 287922, 162583, 399871, 520489};
	uint32_t code;
	char text[9];

	(void)state;
	for (uint64_t c = 0; c < 10; c++) {
		assert_int_equal(mamori_hotp((const uint8_t *)seed20, 20, MAMORI_OTP_SHA1, c, 6,
					     &code), 0);
		assert_int_equal(code, expect[c]);
	}
	assert_int_equal(mamori_otp_format(expect[0], 6, text, sizeof(text)), 0);
	assert_string_equal(text, "755224");
}

struct totp_vector {
	long long t;
	uint32_t sha1, sha256, sha512;
};

static void
check_totp(const char *seed, size_t len, enum mamori_otp_algorithm alg, long long t,
	   uint32_t want)
{
	uint64_t counter;
	uint32_t code;

	assert_int_equal(mamori_totp_step((time_t)t, 30, &counter), 0);
	assert_int_equal(mamori_hotp((const uint8_t *)seed, len, alg, counter, 8, &code), 0);
	assert_int_equal(code, want);
}

static void
rfc6238_appendix_b(void **state)
{
	/* The last two rows lie beyond 2038: a 32-bit time_t would get them wrong. */
	static const struct totp_vector v[] = {
		{59LL, 94287082, 46119246, 90693936},
		{1111111109LL, 7081804, 68084774, 25091201},
		{1111111111LL, 14050471, 67062674, 99943326},
		{1234567890LL, 89005924, 91819424, 93441116},
		{2000000000LL, 69279037, 90698825, 38618901},
		{20000000000LL, 65353130, 77737706, 47863826},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_totp(seed20, 20, MAMORI_OTP_SHA1, v[i].t, v[i].sha1);
		check_totp(seed32, 32, MAMORI_OTP_SHA256, v[i].t, v[i].sha256);
		check_totp(seed64, 64, MAMORI_OTP_SHA512, v[i].t, v[i].sha512);
	}
}

static void
leading_zeros_are_kept(void **state)
{
	char text[9];

	(void)state;
	/* RFC 6238's 1111111109 SHA-1 code is 07081804: the zero is part of what the app shows */
	assert_int_equal(mamori_otp_format(7081804, 8, text, sizeof(text)), 0);
	assert_string_equal(text, "07081804");
	assert_int_equal(mamori_otp_format(42, 6, text, sizeof(text)), 0);
	assert_string_equal(text, "000042");
}

static void
bad_arguments_are_refused(void **state)
{
	uint32_t code = 123;
	uint64_t counter = 7;
	char text[9];

	(void)state;
	assert_int_equal(mamori_hotp((const uint8_t *)seed20, 20, MAMORI_OTP_SHA1, 0, 5, &code),
			 -EINVAL);
	assert_int_equal(mamori_hotp((const uint8_t *)seed20, 20, MAMORI_OTP_SHA1, 0, 9, &code),
			 -EINVAL);
	assert_int_equal(mamori_hotp((const uint8_t *)seed20, 0, MAMORI_OTP_SHA1, 0, 6, &code),
			 -EINVAL);
	assert_int_equal(mamori_hotp(NULL, 20, MAMORI_OTP_SHA1, 0, 6, &code), -EINVAL);
	assert_int_equal(code, 123); /* untouched on failure */
	assert_int_equal(mamori_totp_step(-1, 30, &counter), -ERANGE);
	assert_int_equal(mamori_totp_step(100, 0, &counter), -EINVAL);
	assert_int_equal(counter, 7);
	assert_int_equal(mamori_otp_format(1000000, 6, text, sizeof(text)), -EINVAL);
	assert_int_not_equal(mamori_otp_format(1, 8, text, 8), 0); /* no room for the NUL */
}

static void
key_lengths_follow_rfc6238(void **state)
{
	(void)state;
	assert_int_equal(mamori_otp_key_length(MAMORI_OTP_SHA1), 20);
	assert_int_equal(mamori_otp_key_length(MAMORI_OTP_SHA256), 32);
	assert_int_equal(mamori_otp_key_length(MAMORI_OTP_SHA512), 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4226_appendix_d),
		cmocka_unit_test(rfc6238_appendix_b),
		cmocka_unit_test(leading_zeros_are_kept),
		cmocka_unit_test(bad_arguments_are_refused),
		cmocka_unit_test(key_lengths_follow_rfc6238),
	};
	return cmocka_run_group_tests_name("otp", tests, NULL, NULL);
}
