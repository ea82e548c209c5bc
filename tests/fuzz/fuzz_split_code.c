/* Splitting a single-prompt answer: no read outside the answer (it is copied into a buffer of
 * exactly its size, without a NUL), a non-empty password, and a code of one of the two
 * forms. The first byte chooses the code length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/split_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned digits;
	size_t len, at = 0;
	char *answer;

	if (size == 0)
		return 0;
	digits = data[0] % 10;
	len = size - 1;
	answer = malloc(len == 0 ? 1 : len);
	if (answer == NULL)
		return 0;
	memcpy(answer, data + 1, len);
	if (mamori_split_code(answer, len, digits, &at) == 0) {
		size_t code = len - at;
		if (at == 0 || at >= len || (code != digits && code != MAMORI_SPLIT_RECOVERY_LEN))
			abort();
	} else if (at != len) {
		abort();
	}
	free(answer);
	return 0;
}
