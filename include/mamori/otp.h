/* One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238). Pure computation; which codes a login
 * accepts (window, replay, lockout) is decided by the caller. */
#ifndef MAMORI_OTP_H
#define MAMORI_OTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mamori/config.h"

#define MAMORI_OTP_MIN_DIGITS 6
#define MAMORI_OTP_MAX_DIGITS 8
#define MAMORI_OTP_MAX_KEY 128 /* bytes; a SHA-512 key is 64 */

/* The HOTP value of counter under key: 0 and *ret_code, or -EINVAL for a bad digit count or
 * key length, -EIO when the HMAC fails. */
int mamori_hotp(const uint8_t *key, size_t key_len, enum mamori_otp_algorithm alg,
		uint64_t counter, unsigned digits, uint32_t *ret_code);

/* The TOTP time step holding t: floor(t / step). Times before 1970 are refused (-ERANGE);
 * 64-bit arithmetic keeps it right beyond 2038. */
int mamori_totp_step(time_t t, unsigned step, uint64_t *ret_counter);

/* Write code as exactly `digits` decimal digits, with leading zeros, into out[digits + 1]. */
int mamori_otp_format(uint32_t code, unsigned digits, char *out, size_t cap);

/* Recommended key length for an algorithm (RFC 6238 §B: 20, 32, 64 bytes). */
size_t mamori_otp_key_length(enum mamori_otp_algorithm alg);

#endif
