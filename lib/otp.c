/* HOTP (RFC 4226 §5) and TOTP (RFC 6238 §4). */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mamori/buf.h"
#include "mamori/otp.h"
#include "mamori/secmem.h"

static const EVP_MD *
otp_md(enum mamori_otp_algorithm alg)
{
	switch (alg) {
	case MAMORI_OTP_SHA1:
		return EVP_sha1();
	case MAMORI_OTP_SHA256:
		return EVP_sha256();
	case MAMORI_OTP_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

size_t
mamori_otp_key_length(enum mamori_otp_algorithm alg)
{
	switch (alg) {
	case MAMORI_OTP_SHA1:
		return 20;
	case MAMORI_OTP_SHA256:
		return 32;
	case MAMORI_OTP_SHA512:
		return 64;
	}
	return 0;
}

static uint32_t
pow10u(unsigned digits)
{
	uint32_t p = 1;

	while (digits-- > 0)
		p *= 10;
	return p;
}

int
mamori_hotp(const uint8_t *key, size_t key_len, enum mamori_otp_algorithm alg,
	    uint64_t counter, unsigned digits, uint32_t *ret_code)
{
	const EVP_MD *md = otp_md(alg);
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0, off;
	uint32_t bin;
	int r = -EIO;

	if (md == NULL || key == NULL || key_len == 0 || key_len > MAMORI_OTP_MAX_KEY ||
	    digits < MAMORI_OTP_MIN_DIGITS || digits > MAMORI_OTP_MAX_DIGITS)
		return -EINVAL;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	if (HMAC(md, key, (int)key_len, msg, sizeof(msg), mac, &mac_len) == NULL || mac_len < 20)
		goto out;
	/* Dynamic truncation, RFC 4226 §5.3: the low nibble of the last byte picks the offset. */
	off = mac[mac_len - 1] & 0x0fu;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	      ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	*ret_code = bin % pow10u(digits);
	r = 0;
out:
	mamori_wipe(mac, sizeof(mac));
	return r;
}

int
mamori_totp_step(time_t t, unsigned step, uint64_t *ret_counter)
{
	if (step == 0)
		return -EINVAL;
	if (t < 0)
		return -ERANGE;
	*ret_counter = (uint64_t)t / step;
	return 0;
}

int
mamori_otp_format(uint32_t code, unsigned digits, char *out, size_t cap)
{
	if (digits < MAMORI_OTP_MIN_DIGITS || digits > MAMORI_OTP_MAX_DIGITS ||
	    code >= pow10u(digits))
		return -EINVAL;
	return mamori_snprintf(out, cap, "%0*u", (int)digits, (unsigned)code);
}
