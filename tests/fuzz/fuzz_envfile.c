/* forward.env parsing of arbitrary bytes: no crash, no read outside the input, a value found
 * is NUL-terminated within its buffer and holds no newline. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/envfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"MAMORI_COLLECTOR", "MAMORI_TLS_CA", "A", "MAMORI_TLS_CERT"};
	char *text = malloc(size ? size : 1), out[64];

	if (text == NULL)
		return 0;
	memcpy(text, data, size); /* no terminator: the parser must honour len */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (mamori_envfile_get(text, size, keys[i], out, sizeof(out)) == 0 &&
		    (memchr(out, '\0', sizeof(out)) == NULL || strchr(out, '\n') != NULL))
			abort();
	}
	free(text);
	return 0;
}
