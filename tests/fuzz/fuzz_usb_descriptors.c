/* The USB descriptor walk that finds PTP/MTP interfaces in a device's "descriptors"
 * attribute, which a hostile device fills: no read outside the buffer, and the answer
 * agrees with a byte-by-byte reference walk. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "mamori/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
reference(const uint8_t *d, size_t n)
{
	for (size_t off = 0; off + 2 <= n;) {
		size_t len = d[off];

		if (len < 2 || off + len > n)
			return false;
		if (d[off + 1] == 4 && len >= 9 && d[off + 5] == 6 && d[off + 6] == 1 &&
		    d[off + 7] == 1)
			return true;
		off += len;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so ASan sees any read past the end */
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL)
		return 0;
	for (size_t i = 0; i < size; i++)
		copy[i] = data[i];
	if (mamori_media_descriptors_have_ptp(copy, size) != reference(copy, size))
		abort();
	free(copy);
	return 0;
}
