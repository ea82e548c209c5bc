/* SHA-256 against the FIPS 180-4 examples and, for every length across the padding
 * boundaries (55, 56, 63, 64 bytes and their multiples), against libcrypto. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "mamori/sha256.h"

static void
hex(const uint8_t *md, char out[2 * MAMORI_SHA256_LEN + 1])
{
	for (size_t i = 0; i < MAMORI_SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
check(const void *data, size_t len, const char *want)
{
	uint8_t md[MAMORI_SHA256_LEN];
	char got[2 * MAMORI_SHA256_LEN + 1];

	mamori_sha256(data, len, md);
	hex(md, got);
	assert_string_equal(got, want);
}

static void
fips_examples(void **state)
{
	char *million = malloc(1000000);

	(void)state;
	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	check(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

static void
same_as_libcrypto(void **state)
{
	uint8_t buf[300], want[SHA256_DIGEST_LENGTH], got[MAMORI_SHA256_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		SHA256(buf, len, want);
		mamori_sha256(buf, len, got);
		assert_memory_equal(got, want, sizeof(got));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_examples),
		cmocka_unit_test(same_as_libcrypto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
