/* Base32 against RFC 4648 §10 and the forms people type secrets in. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/base32.h"
#include "mamori/err.h"

static void
rfc4648_vectors(void **state)
{
	/* RFC 4648 §10, with the padding an authenticator URI leaves out */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"",      "MY",       "MZXQ",      "MZXW6",
					    "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	char text[32];
	uint8_t bytes[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(mamori_base32_encode((const uint8_t *)plain[i], strlen(plain[i]),
						      text, sizeof(text)), 0);
		assert_string_equal(text, coded[i]);
		assert_int_equal(mamori_base32_decode(coded[i], bytes, sizeof(bytes), &n), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(bytes, plain[i], n);
	}
}

static void
typed_forms_are_accepted(void **state)
{
	uint8_t bytes[16];
	size_t n;

	(void)state;
	assert_int_equal(mamori_base32_decode("mzxw 6ytb oi", bytes, sizeof(bytes), &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(bytes, "foobar", 6);
	assert_int_equal(mamori_base32_decode("MZXW6YTBOI======", bytes, sizeof(bytes), &n), 0);
	assert_int_equal(n, 6);
}

static void
garbage_is_refused(void **state)
{
	uint8_t bytes[16];
	size_t n = 99;

	(void)state;
	assert_int_equal(mamori_base32_decode("MZXW1", bytes, sizeof(bytes), &n), -EINVAL);
	assert_int_equal(mamori_base32_decode("MZ=XW", bytes, sizeof(bytes), &n), -EINVAL);
	/* "MZ" and "M3" differ only in bits that do not make a byte: only one is canonical */
	assert_int_equal(mamori_base32_decode("M3", bytes, sizeof(bytes), &n), -EINVAL);
	assert_int_equal(mamori_base32_decode("A", bytes, sizeof(bytes), &n), -EINVAL);
	assert_int_equal(mamori_base32_decode("MZXW6YTBOI", bytes, 5, &n), MAMORI_E_TOOBIG);
	assert_int_equal(n, 99);
}

static void
encode_checks_room(void **state)
{
	char text[10];

	(void)state;
	assert_int_equal(mamori_base32_encode((const uint8_t *)"foobar", 6, text, sizeof(text)),
			 MAMORI_E_TRUNC);
	assert_int_equal(MAMORI_BASE32_LEN(20), 33);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4648_vectors),
		cmocka_unit_test(typed_forms_are_accepted),
		cmocka_unit_test(garbage_is_refused),
		cmocka_unit_test(encode_checks_room),
	};
	return cmocka_run_group_tests_name("base32", tests, NULL, NULL);
}
