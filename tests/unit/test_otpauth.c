/* otpauth:// URIs: the Key Uri Format's examples, escaping of issuer and account, limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/err.h"
#include "mamori/otpauth.h"

/* "Hello!" followed by 0xDEADBEEF: the Key Uri Format page's secret JBSWY3DPEHPK3PXP */
static const uint8_t example_key[] = {'H', 'e', 'l', 'l', 'o', '!', 0xde, 0xad, 0xbe, 0xef};

static void
state_with(struct mamori_userstate *st, enum mamori_token_type type,
	   enum mamori_otp_algorithm alg, unsigned digits)
{
	memset(st, 0, sizeof(*st));
	st->type = type;
	st->algorithm = alg;
	st->digits = digits;
	st->step = 30;
	memcpy(st->key, example_key, sizeof(example_key));
	st->key_len = sizeof(example_key);
}

static void
totp_uri_matches_the_format(void **state)
{
	struct mamori_userstate st;
	char uri[MAMORI_OTPAUTH_MAX];

	(void)state;
	state_with(&st, MAMORI_TOKEN_TOTP, MAMORI_OTP_SHA1, 6);
	assert_int_equal(mamori_otpauth_uri(&st, "Example", "alice@google.com", uri, sizeof(uri)),
			 0);
	assert_string_equal(uri, "otpauth://totp/Example:alice%40google.com"
				 "?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1"
				 "&digits=6&period=30");
}

static void
hotp_uri_carries_the_counter(void **state)
{
	struct mamori_userstate st;
	char uri[MAMORI_OTPAUTH_MAX];

	(void)state;
	state_with(&st, MAMORI_TOKEN_HOTP, MAMORI_OTP_SHA512, 8);
	st.counter = 42;
	assert_int_equal(mamori_otpauth_uri(&st, "mamori term01", "tanaka", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "otpauth://hotp/mamori%20term01:tanaka"
				 "?secret=JBSWY3DPEHPK3PXP&issuer=mamori%20term01&algorithm=SHA512"
				 "&digits=8&counter=42");
}

static void
label_parts_are_escaped(void **state)
{
	char out[64];

	(void)state;
	/* a directory name, a colon that would split the label, UTF-8, reserved characters */
	assert_int_equal(mamori_uri_escape("DOMAIN\\user", out, sizeof(out)), 0);
	assert_string_equal(out, "DOMAIN%5Cuser");
	assert_int_equal(mamori_uri_escape("a:b/c?d&e=f#g+h i", out, sizeof(out)), 0);
	assert_string_equal(out, "a%3Ab%2Fc%3Fd%26e%3Df%23g%2Bh%20i");
	assert_int_equal(mamori_uri_escape("総務", out, sizeof(out)), 0);
	assert_string_equal(out, "%E7%B7%8F%E5%8B%99");
	assert_int_equal(mamori_uri_escape("A-z.0_9~", out, sizeof(out)), 0);
	assert_string_equal(out, "A-z.0_9~");
	assert_int_equal(mamori_uri_escape("%%%%", out, 8), MAMORI_E_TRUNC);
}

static void
bad_inputs_are_refused(void **state)
{
	struct mamori_userstate st;
	char uri[MAMORI_OTPAUTH_MAX], longname[MAMORI_OTPAUTH_ISSUER_MAX + 2];

	(void)state;
	state_with(&st, MAMORI_TOKEN_TOTP, MAMORI_OTP_SHA256, 6);
	assert_int_equal(mamori_otpauth_uri(&st, "a:b", "tanaka", uri, sizeof(uri)), -EINVAL);
	assert_int_equal(mamori_otpauth_uri(&st, "mamori", "", uri, sizeof(uri)), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(mamori_otpauth_uri(&st, longname, "tanaka", uri, sizeof(uri)), -EINVAL);
	/* too small a buffer: an error and nothing of the secret left behind */
	assert_int_equal(mamori_otpauth_uri(&st, "mamori", "tanaka", uri, 40), MAMORI_E_TRUNC);
	assert_null(memchr(uri, 'J', 40));
}

static void
longest_key_fits(void **state)
{
	struct mamori_userstate st;
	char uri[MAMORI_OTPAUTH_MAX], account[200];

	(void)state;
	state_with(&st, MAMORI_TOKEN_HOTP, MAMORI_OTP_SHA512, 8);
	st.key_len = MAMORI_OTP_MAX_KEY;
	st.counter = UINT64_MAX - 1;
	memset(account, 0xff, sizeof(account) - 1); /* every byte escaped: three times longer */
	account[sizeof(account) - 1] = '\0';
	assert_int_equal(mamori_otpauth_uri(&st, "mamori", account, uri, sizeof(uri)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totp_uri_matches_the_format),
		cmocka_unit_test(hotp_uri_carries_the_counter),
		cmocka_unit_test(label_parts_are_escaped),
		cmocka_unit_test(bad_inputs_are_refused),
		cmocka_unit_test(longest_key_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
