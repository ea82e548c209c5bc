/* One token of a PSKC file from libpskc's view of its key package: what kind, which hash,
 * how many digits, the counter or time step, and the seed (in the clear, or opened with the
 * pre-shared key by pskc_crypt.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <pskc/pskc.h>

#include "mamori/err.h"
#include "mamori/secmem.h"
#include "pskc_internal.h"

/* RFC 6030 §10.4.1 registers ":hotp"; ":totp" is RFC 6238's twin and some vendors write "#" */
static const struct {
	const char *urn;
	enum mamori_token_type type;
} kinds[] = {
	{"urn:ietf:params:xml:ns:keyprov:pskc:hotp", MAMORI_TOKEN_HOTP},
	{"urn:ietf:params:xml:ns:keyprov:pskc#hotp", MAMORI_TOKEN_HOTP},
	{"urn:ietf:params:xml:ns:keyprov:pskc:totp", MAMORI_TOKEN_TOTP},
	{"urn:ietf:params:xml:ns:keyprov:pskc#totp", MAMORI_TOKEN_TOTP},
};

/* AlgorithmParameters/Suite names the hash of an HOTP/TOTP token; absent means SHA-1. */
static const struct {
	const char *suite;
	enum mamori_otp_algorithm alg;
} suites[] = {
	{"HMAC-SHA1", MAMORI_OTP_SHA1},     {"SHA1", MAMORI_OTP_SHA1},
	{"HMAC-SHA256", MAMORI_OTP_SHA256}, {"SHA256", MAMORI_OTP_SHA256},
	{"HMAC-SHA512", MAMORI_OTP_SHA512}, {"SHA512", MAMORI_OTP_SHA512},
};

#define TOTP_STEP_DEFAULT 30 /* RFC 6030 §4.3.4: TimeInterval defaults to 30 s */
#define SEED_MIN 16          /* RFC 4226 §4 R6: at least 128 bits */

#define FAIL(r, ...) pskc_fail(err, errlen, (r), __VA_ARGS__)

static int
read_serial(pskc_key_t *k, size_t idx, struct mamori_pskc_token *t, char *err, size_t errlen)
{
	const char *s = pskc_get_device_serialno(k);
	size_t n;

	if (s == NULL)
		s = pskc_get_key_id(k);
	if (s == NULL || (n = strlen(s)) == 0 || n > MAMORI_PSKC_SERIAL_MAX)
		return FAIL(MAMORI_E_CORRUPT, "key package %zu: no usable SerialNo or Key Id",
			    idx + 1);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return FAIL(MAMORI_E_CORRUPT,
				    "key package %zu: serial has characters other than ASCII",
				    idx + 1);
	memcpy(t->serial, s, n + 1);
	return 0;
}

static int
read_kind(pskc_key_t *k, struct mamori_pskc_token *t, char *err, size_t errlen)
{
	const char *urn = pskc_get_key_algorithm(k), *suite = pskc_get_key_algparm_suite(k);
	size_t i;

	if (urn == NULL)
		return FAIL(MAMORI_E_CORRUPT, "token %s: no Algorithm", t->serial);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && strcmp(urn, kinds[i].urn) != 0; i++)
		;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return FAIL(-ENOTSUP, "token %s: algorithm %.80s is not HOTP or TOTP", t->serial,
			    urn);
	t->type = kinds[i].type;
	t->algorithm = MAMORI_OTP_SHA1;
	if (suite == NULL)
		return 0;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strcasecmp(suite, suites[i].suite) == 0) {
			t->algorithm = suites[i].alg;
			return 0;
		}
	return FAIL(-ENOTSUP, "token %s: hash %.40s is not SHA1, SHA256 or SHA512", t->serial,
		    suite);
}

static int
read_format(pskc_key_t *k, struct mamori_pskc_token *t, char *err, size_t errlen)
{
	int has_len = 0, has_enc = 0;
	uint32_t digits = pskc_get_key_algparm_resp_length(k, &has_len);
	pskc_valueformat enc = pskc_get_key_algparm_resp_encoding(k, &has_enc);

	if (!has_len)
		return FAIL(MAMORI_E_CORRUPT, "token %s: no ResponseFormat Length", t->serial);
	if (has_enc && enc != PSKC_VALUEFORMAT_DECIMAL)
		return FAIL(-ENOTSUP, "token %s: response encoding is not DECIMAL", t->serial);
	if (digits < MAMORI_OTP_MIN_DIGITS || digits > MAMORI_OTP_MAX_DIGITS)
		return FAIL(-ENOTSUP, "token %s: %u digits, expected 6..8", t->serial, digits);
	t->digits = digits;
	return 0;
}

static int
read_moving_factor(pskc_key_t *k, struct mamori_pskc_token *t, char *err, size_t errlen)
{
	int has_counter = 0, has_time = 0, has_step = 0;
	uint64_t counter = pskc_get_key_data_counter(k, &has_counter);
	uint32_t t0 = pskc_get_key_data_time(k, &has_time);
	uint32_t step = pskc_get_key_data_timeinterval(k, &has_step);

	if (t->type == MAMORI_TOKEN_HOTP) {
		if (!has_counter)
			return FAIL(MAMORI_E_CORRUPT, "token %s: HOTP without a Counter",
				    t->serial);
		t->counter = counter;
		return 0;
	}
	/* mamori counts steps from the epoch (RFC 6238 T0 = 0); a token started elsewhere
	 * would give codes no login accepts */
	if (has_time && t0 != 0)
		return FAIL(-ENOTSUP, "token %s: TOTP with a start Time other than 0", t->serial);
	t->step = has_step ? step : TOTP_STEP_DEFAULT;
	if (t->step < 10 || t->step > 300)
		return FAIL(-ENOTSUP, "token %s: time step %u s, expected 10..300", t->serial,
			    t->step);
	return 0;
}

static int
read_seed(pskc_key_t *k, const struct pskc_seed_ctx *c, size_t idx,
	  struct mamori_pskc_token *t, char *err, size_t errlen)
{
	const struct pskc_xml_secret *s = &c->xml->secrets[idx];
	const char *plain;
	size_t len = 0;
	int r;

	if (s->encrypted && s->plain)
		return FAIL(MAMORI_E_CORRUPT, "token %s: secret both plain and encrypted",
			    t->serial);
	if (s->encrypted) {
		r = pskc_open_value(c->xml, s, c->psk, c->mac_key, c->mac_key_len, t->key,
				    sizeof(t->key), &t->key_len);
		if (r == -EBADMSG)
			return FAIL(r, "token %s: the MAC does not match (wrong key or altered file)",
				    t->serial);
		if (r < 0)
			return FAIL(r, "token %s: encrypted secret cannot be used: %s", t->serial,
				    mamori_strerror(r));
	} else {
		if ((plain = pskc_get_key_data_secret(k, &len)) == NULL)
			return FAIL(MAMORI_E_CORRUPT, "token %s: no Secret", t->serial);
		if (len > sizeof(t->key))
			return FAIL(-ENOTSUP, "token %s: secret longer than %d bytes", t->serial,
				    MAMORI_OTP_MAX_KEY);
		memcpy(t->key, plain, len);
		t->key_len = len;
	}
	if (t->key_len < SEED_MIN)
		return FAIL(-ENOTSUP, "token %s: secret shorter than 128 bits", t->serial);
	return 0;
}

int
pskc_token_read(pskc_key_t *k, const struct pskc_seed_ctx *c, size_t idx,
		struct mamori_pskc_token *t, char *err, size_t errlen)
{
	int r;

	if ((r = read_serial(k, idx, t, err, errlen)) < 0 ||
	    (r = read_kind(k, t, err, errlen)) < 0 || (r = read_format(k, t, err, errlen)) < 0 ||
	    (r = read_moving_factor(k, t, err, errlen)) < 0 ||
	    (r = read_seed(k, c, idx, t, err, errlen)) < 0) {
		mamori_wipe(t, sizeof(*t));
		return r;
	}
	return 0;
}
