/* The PSKC reader on arbitrary bytes, with RFC 6030 §6.1's pre-shared key so that the MAC
 * and decryption paths are reached from the seed corpus, and with allocations failing at
 * random in half the runs. Properties: no crash, no leak; a refusal always comes with a
 * message; an accepted token is within the ranges a login can use. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/err.h"
#include "mamori/pskc_read.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct mamori_pskc_psk psk = {
	{0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x78,
	 0x90, 0x12},
	16};

static void
check_token(const struct mamori_pskc_token *t)
{
	if (t->serial[0] == '\0' || t->digits < MAMORI_OTP_MIN_DIGITS ||
	    t->digits > MAMORI_OTP_MAX_DIGITS || t->key_len < 16 ||
	    t->key_len > MAMORI_OTP_MAX_KEY ||
	    (t->type == MAMORI_TOKEN_TOTP && (t->step < 10 || t->step > 300))) {
		fprintf(stderr, "accepted token out of range: serial %s\n", t->serial);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mamori_pskc *p = NULL;
	char err[256];
	int r;

	if (size > 64 * 1024)
		return 0;
	/* the input's last byte picks the failure rate: odd bytes run without failures */
	fuzz_wrap_arm(data, size, size > 0 && !(data[size - 1] & 1) ? 2u + data[size - 1] / 8u : 0);
	r = mamori_pskc_parse((const char *)data, size, &psk, &p, err, sizeof(err));
	fuzz_wrap_disarm();
	if (r == 0) {
		for (size_t i = 0; i < p->n_tokens; i++)
			check_token(&p->tokens[i]);
		if (p->n_tokens == 0)
			abort();
	} else if (err[0] == '\0' || p != NULL) {
		fprintf(stderr, "refusal %d without a message or with a result\n", r);
		abort();
	}
	mamori_pskc_free(&p);
	return 0;
}
