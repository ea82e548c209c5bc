/* Base32 (RFC 4648 §6), the encoding of secrets in otpauth:// URIs and PSKC-derived seeds. */
#ifndef MAMORI_BASE32_H
#define MAMORI_BASE32_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed to encode n bytes without padding, plus the NUL. */
#define MAMORI_BASE32_LEN(n) ((((n) * 8) + 4) / 5 + 1)

/* Encode without '=' padding (what authenticator apps expect), upper case. */
int mamori_base32_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/* Decode text: case-insensitive, spaces and trailing '=' padding ignored (people copy secrets
 * in groups of four). Returns 0 and the byte count, -EINVAL for any other character or
 * non-zero leftover bits, MAMORI_E_TOOBIG when out is too small. out is wiped on failure. */
int mamori_base32_decode(const char *text, uint8_t *out, size_t cap, size_t *ret_len);

#endif
