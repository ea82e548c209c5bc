/* Base32 decoding of arbitrary text: no crash, and whatever decodes encodes back to the same
 * bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/base32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	uint8_t bytes[64], again[64];
	char coded[MAMORI_BASE32_LEN(64)];
	size_t n, m;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mamori_base32_decode(text, bytes, sizeof(bytes), &n) == 0) {
		if (mamori_base32_encode(bytes, n, coded, sizeof(coded)) != 0)
			abort();
		if (mamori_base32_decode(coded, again, sizeof(again), &m) != 0 || m != n ||
		    memcmp(bytes, again, n) != 0)
			abort();
	}
	free(text);
	return 0;
}
