/* The PSKC reader on the RFC 6030 examples and on files that must be refused: plain and
 * pre-shared-key values, a wrong key, a tampered MAC or ciphertext, missing fields,
 * unsupported kinds; and the key file. Files come from tests/data/pskc (built by
 * make-encrypted.sh); the seeds are known, so the tokens' codes are checked too. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/err.h"
#include "mamori/pskc_read.h"
#include "mamori/safefile.h"
#include "tmpdir.h"

#define DATA "tests/data/pskc/"

static const struct mamori_pskc_psk rfc_psk = {
	{0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x78,
	 0x90, 0x12},
	16};

static char err[256];

static char *
slurp(const char *name, size_t *len)
{
	char path[PATH_MAX];
	FILE *f;
	char *buf = malloc((1 << 16) + 1);

	assert_non_null(buf);
	snprintf(path, sizeof(path), DATA "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* parse tests/data/pskc/name; returns the code, *ret on success */
static int
parse(const char *name, const struct mamori_pskc_psk *psk, struct mamori_pskc **ret)
{
	size_t len;
	char *text = slurp(name, &len);
	int r = mamori_pskc_parse(text, len, psk, ret, err, sizeof(err));

	free(text);
	return r;
}

static void
refused(const char *name, const struct mamori_pskc_psk *psk, int want, const char *says)
{
	struct mamori_pskc *p = NULL;

	assert_int_equal(parse(name, psk, &p), want);
	assert_null(p);
	if (strstr(err, says) == NULL)
		fail_msg("%s: error \"%s\" does not say \"%s\"", name, err, says);
}

static uint32_t
code(const struct mamori_pskc_token *t, uint64_t counter)
{
	uint32_t c = 0;

	assert_int_equal(mamori_hotp(t->key, t->key_len, t->algorithm, counter, t->digits, &c), 0);
	return c;
}

static void
figure2_plain_hotp(void **state)
{
	struct mamori_pskc *p = NULL;
	const struct mamori_pskc_token *t;

	(void)state;
	assert_int_equal(parse("rfc6030-fig2-hotp-plain.pskcxml", NULL, &p), 0);
	assert_false(p->encrypted);
	assert_int_equal(p->n_tokens, 1);
	t = mamori_pskc_find(p, "987654321");
	assert_non_null(t);
	assert_int_equal(t->type, MAMORI_TOKEN_HOTP);
	assert_int_equal(t->algorithm, MAMORI_OTP_SHA1);
	assert_int_equal(t->digits, 8);
	assert_int_equal(t->counter, 0);
	assert_int_equal(t->key_len, 20);
	assert_memory_equal(t->key, "12345678901234567890", 20);
	/* RFC 4226 Appendix D, count 0, as eight digits */
	assert_int_equal(code(t, 0), 84755224);
	assert_null(mamori_pskc_find(p, "12345678"));
	mamori_pskc_free(&p);
	assert_null(p);
}

static void
section61_preshared_key(void **state)
{
	struct mamori_pskc *p = NULL;

	(void)state;
	assert_int_equal(parse("rfc6030-6.1-hotp-psk.pskcxml", &rfc_psk, &p), 0);
	assert_true(p->encrypted);
	assert_int_equal(p->n_tokens, 1);
	assert_string_equal(p->tokens[0].serial, "987654321");
	assert_int_equal(p->tokens[0].key_len, 20);
	assert_memory_equal(p->tokens[0].key, "12345678901234567890", 20);
	assert_int_equal(code(&p->tokens[0], 1), 94287082); /* RFC 4226 count 1 */
	mamori_pskc_free(&p);
}

static void
box_of_tokens(void **state)
{
	struct mamori_pskc *p = NULL;
	const struct mamori_pskc_token *t;

	(void)state;
	assert_int_equal(parse("box-of-three-psk.pskcxml", &rfc_psk, &p), 0);
	assert_int_equal(p->n_tokens, 3);
	t = mamori_pskc_find(p, "MMR-0001");
	assert_non_null(t);
	assert_int_equal(t->type, MAMORI_TOKEN_HOTP);
	assert_int_equal(t->counter, 5);
	assert_int_equal(t->digits, 6);
	assert_memory_equal(t->key, "mamori-hotp-token-001", 21);
	t = mamori_pskc_find(p, "MMR-0002");
	assert_non_null(t);
	assert_int_equal(t->type, MAMORI_TOKEN_TOTP);
	assert_int_equal(t->algorithm, MAMORI_OTP_SHA256);
	assert_int_equal(t->digits, 8);
	assert_int_equal(t->step, 30);
	/* RFC 6238 Appendix B, SHA-256, T = 59 s: step 1 */
	assert_int_equal(code(t, 1), 46119246);
	t = mamori_pskc_find(p, "MMR-0003");
	assert_non_null(t);
	assert_int_equal(t->counter, 100);
	mamori_pskc_free(&p);
}

static void
totp_sha256_plain(void **state)
{
	struct mamori_pskc *p = NULL;

	(void)state;
	assert_int_equal(parse("totp-sha256-plain.pskcxml", NULL, &p), 0);
	assert_int_equal(p->tokens[0].type, MAMORI_TOKEN_TOTP);
	assert_int_equal(p->tokens[0].algorithm, MAMORI_OTP_SHA256);
	assert_int_equal(p->tokens[0].step, 30);
	assert_int_equal(code(&p->tokens[0], 1), 46119246);
	mamori_pskc_free(&p);
}

static void
plain_file_ignores_a_key(void **state)
{
	struct mamori_pskc *p = NULL;

	(void)state;
	assert_int_equal(parse("rfc6030-fig2-hotp-plain.pskcxml", &rfc_psk, &p), 0);
	mamori_pskc_free(&p);
}

static void
encrypted_needs_the_right_key(void **state)
{
	struct mamori_pskc_psk wrong = rfc_psk, longer = {{0}, 32};

	(void)state;
	refused("rfc6030-6.1-hotp-psk.pskcxml", NULL, -ENOKEY, "pre-shared key is needed");
	wrong.key[15] ^= 1;
	refused("rfc6030-6.1-hotp-psk.pskcxml", &wrong, -EKEYREJECTED,
		"pre-shared key does not open");
	refused("rfc6030-6.1-hotp-psk.pskcxml", &longer, -EKEYREJECTED,
		"pre-shared key does not open");
}

/* A wrong key opens the MAC key's padding about once in 256 tries; the values' MACs must
 * refuse it then. */
static void
wrong_key_with_valid_padding_fails_the_mac(void **state)
{
	struct mamori_pskc_psk k = rfc_psk;
	struct mamori_pskc *p = NULL;
	size_t len;
	char *text = slurp("rfc6030-6.1-hotp-psk.pskcxml", &len);
	int r = 0;

	(void)state;
	for (unsigned i = 1; i < 8192 && r != -EBADMSG; i++) {
		k.key[14] = (uint8_t)(rfc_psk.key[14] ^ (i >> 8));
		k.key[15] = (uint8_t)(rfc_psk.key[15] ^ i);
		r = mamori_pskc_parse(text, len, &k, &p, err, sizeof(err));
		if (r != -EKEYREJECTED && r != -EBADMSG)
			fail_msg("key %u: %d (%s)", i, r, err);
		assert_null(p);
	}
	assert_int_equal(r, -EBADMSG);
	free(text);
}

static void
tampering_is_caught_by_the_mac(void **state)
{
	(void)state;
	refused("bad-mac-psk.pskcxml", &rfc_psk, -EBADMSG, "MAC does not match");
	refused("altered-ciphertext-psk.pskcxml", &rfc_psk, -EBADMSG, "MAC does not match");
	refused("no-macmethod-psk.pskcxml", &rfc_psk, MAMORI_E_CORRUPT, "without a MACMethod");
}

static void
missing_fields(void **state)
{
	(void)state;
	refused("missing-length.pskcxml", NULL, MAMORI_E_CORRUPT, "no ResponseFormat Length");
	refused("missing-counter.pskcxml", NULL, MAMORI_E_CORRUPT, "HOTP without a Counter");
	refused("missing-secret.pskcxml", NULL, MAMORI_E_CORRUPT, "no Secret");
}

static void
unsupported(void **state)
{
	(void)state;
	refused("unsupported-ocra.pskcxml", NULL, -ENOTSUP, "is not HOTP or TOTP");
	refused("unsupported-4-digits.pskcxml", NULL, -ENOTSUP, "4 digits");
	refused("short-secret.pskcxml", NULL, -ENOTSUP, "shorter than 128 bits");
}

static void
malformed(void **state)
{
	(void)state;
	refused("not-xml.pskcxml", NULL, MAMORI_E_CORRUPT, "not well-formed XML");
	refused("truncated.pskcxml", NULL, MAMORI_E_CORRUPT, "not well-formed XML");
	refused("doctype-entity.pskcxml", NULL, MAMORI_E_CORRUPT, "DOCTYPE");
	refused("misspelt-counter.pskcxml", NULL, MAMORI_E_CORRUPT, "does not follow RFC 6030");
	refused("repeated-issuer.pskcxml", NULL, MAMORI_E_CORRUPT,
		"line 17: element Issuer given twice");
}

static void
empty_and_odd_input(void **state)
{
	struct mamori_pskc *p = NULL;
	static const char no_packages[] =
		"<KeyContainer Version=\"1.0\" xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\"/>";

	(void)state;
	assert_int_equal(mamori_pskc_parse("", 0, NULL, &p, err, sizeof(err)), MAMORI_E_CORRUPT);
	assert_int_equal(mamori_pskc_parse(no_packages, sizeof(no_packages) - 1, NULL, &p, err,
					   sizeof(err)),
			 MAMORI_E_CORRUPT);
	assert_null(p);
}

static void
read_from_disk(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], link[PATH_MAX + 32];
	struct mamori_file_rules rules = {getuid(), S_IWGRP | S_IWOTH, MAMORI_PSKC_MAX_SIZE};
	struct mamori_pskc *p = NULL;
	size_t len;
	char *text = slurp("rfc6030-fig2-hotp-plain.pskcxml", &len);

	(void)state;
	text[len] = '\0';
	assert_int_equal(test_tmpdir_make(dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/t.pskcxml", dir);
	snprintf(link, sizeof(link), "%s/l.pskcxml", dir);
	assert_int_equal(test_write_file(path, text, 0600), 0);
	assert_int_equal(mamori_pskc_read(path, &rules, NULL, &p, err, sizeof(err)), 0);
	mamori_pskc_free(&p);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(mamori_pskc_read(link, &rules, NULL, &p, err, sizeof(err)), -ELOOP);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(mamori_pskc_read(path, &rules, NULL, &p, err, sizeof(err)),
			 MAMORI_E_MODE);
	assert_int_equal(chmod(path, 0600), 0);
	rules.max_size = 100;
	assert_int_equal(mamori_pskc_read(path, &rules, NULL, &p, err, sizeof(err)),
			 MAMORI_E_TOOBIG);
	assert_null(p);
	free(text);
	test_tmpdir_remove(dir);
}

static void
key_files(void **state)
{
	static const char *const bad[] = {"", "1234", "12345678901234567890123456789012ab",
					  "1234567890123456789012345678901g\n",
					  "12345678 901234567890123456789012"};
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct mamori_file_rules rules = {getuid(), S_IRWXG | S_IRWXO, 4096};
	struct mamori_pskc_psk k;

	(void)state;
	assert_int_equal(test_tmpdir_make(dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/k", dir);
	assert_int_equal(test_write_file(path, " 12345678901234567890123456789012\n", 0600), 0);
	assert_int_equal(mamori_pskc_read_psk(path, &rules, &k), 0);
	assert_int_equal(k.len, 16);
	assert_memory_equal(k.key, rfc_psk.key, 16);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(test_write_file(path, bad[i], 0600), 0);
		assert_int_equal(mamori_pskc_read_psk(path, &rules, &k), MAMORI_E_CORRUPT);
	}
	assert_int_equal(test_write_file(path, "12345678901234567890123456789012", 0640), 0);
	assert_int_equal(mamori_pskc_read_psk(path, &rules, &k), MAMORI_E_MODE);
	test_tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figure2_plain_hotp),
		cmocka_unit_test(section61_preshared_key),
		cmocka_unit_test(box_of_tokens),
		cmocka_unit_test(totp_sha256_plain),
		cmocka_unit_test(plain_file_ignores_a_key),
		cmocka_unit_test(encrypted_needs_the_right_key),
		cmocka_unit_test(wrong_key_with_valid_padding_fails_the_mac),
		cmocka_unit_test(tampering_is_caught_by_the_mac),
		cmocka_unit_test(missing_fields),
		cmocka_unit_test(unsupported),
		cmocka_unit_test(malformed),
		cmocka_unit_test(empty_and_odd_input),
		cmocka_unit_test(read_from_disk),
		cmocka_unit_test(key_files),
	};
	return cmocka_run_group_tests_name("pskc_read", tests, NULL, NULL);
}
