/* Base32 without padding, RFC 4648 §6. */
#include <errno.h>
#include <string.h>

#include "mamori/base32.h"
#include "mamori/err.h"
#include "mamori/secmem.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
mamori_base32_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	unsigned acc = 0, bits = 0;
	size_t o = 0;

	if (n > (SIZE_MAX - 5) / 8 || cap < MAMORI_BASE32_LEN(n))
		return MAMORI_E_TRUNC;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 31u];
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 31u];
	out[o] = '\0';
	return 0;
}

static int
symbol_value(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* Only '=' may follow the first '='. */
static int
padding_only(const char *p)
{
	for (; *p != '\0'; p++)
		if (*p != '=')
			return 0;
	return 1;
}

int
mamori_base32_decode(const char *text, uint8_t *out, size_t cap, size_t *ret_len)
{
	unsigned acc = 0, bits = 0;
	size_t o = 0;
	int r;

	for (const char *p = text; *p != '\0'; p++) {
		int v;
		if (*p == ' ')
			continue;
		if (*p == '=' && padding_only(p))
			break;
		if ((v = symbol_value(*p)) < 0) {
			r = -EINVAL;
			goto fail;
		}
		acc = ((acc << 5) | (unsigned)v) & 0xfffu;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap) {
				r = MAMORI_E_TOOBIG;
				goto fail;
			}
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero, otherwise two texts would decode to one secret. */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) {
		r = -EINVAL;
		goto fail;
	}
	*ret_len = o;
	return 0;
fail:
	mamori_wipe(out, cap);
	return r;
}
