/* otpauth:// URIs for enrolment (Key Uri Format). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mamori/base32.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/otpauth.h"
#include "mamori/secmem.h"

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static void
escape_into(struct mamori_buf *b, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
		if (unreserved(*p))
			(void)mamori_buf_addc(b, (char)*p);
		else
			(void)mamori_buf_printf(b, "%%%02X", *p);
	}
}

int
mamori_uri_escape(const char *text, char *out, size_t cap)
{
	struct mamori_buf b;

	mamori_buf_init(&b, out, cap);
	escape_into(&b, text);
	return b.truncated ? MAMORI_E_TRUNC : 0;
}

static const char *
algorithm_param(enum mamori_otp_algorithm a)
{
	return a == MAMORI_OTP_SHA512 ? "SHA512" : a == MAMORI_OTP_SHA256 ? "SHA256" : "SHA1";
}

int
mamori_otpauth_uri(const struct mamori_userstate *st, const char *issuer,
		   const char *account, char *out, size_t cap)
{
	char secret[MAMORI_BASE32_LEN(MAMORI_OTP_MAX_KEY)];
	struct mamori_buf b;
	int r;

	if (account[0] == '\0' || strchr(issuer, ':') != NULL ||
	    strlen(issuer) > MAMORI_OTPAUTH_ISSUER_MAX || (unsigned)st->algorithm > 2)
		return -EINVAL;
	if ((r = mamori_base32_encode(st->key, st->key_len, secret, sizeof(secret))) < 0)
		return r;
	mamori_buf_init(&b, out, cap);
	(void)mamori_buf_printf(&b, "otpauth://%s/",
				st->type == MAMORI_TOKEN_HOTP ? "hotp" : "totp");
	escape_into(&b, issuer);
	/* The label's ':' is literal: apps split issuer and account there. */
	(void)mamori_buf_addc(&b, ':');
	escape_into(&b, account);
	(void)mamori_buf_printf(&b, "?secret=%s&issuer=", secret);
	escape_into(&b, issuer);
	(void)mamori_buf_printf(&b, "&algorithm=%s&digits=%u", algorithm_param(st->algorithm),
				st->digits);
	if (st->type == MAMORI_TOKEN_HOTP)
		(void)mamori_buf_printf(&b, "&counter=%" PRIu64, st->counter);
	else
		(void)mamori_buf_printf(&b, "&period=%u", st->step);
	mamori_wipe(secret, sizeof(secret));
	if (b.truncated) {
		mamori_wipe(out, cap);
		return MAMORI_E_TRUNC;
	}
	return 0;
}
