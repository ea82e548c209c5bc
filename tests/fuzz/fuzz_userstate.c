/* The user state parser on arbitrary bytes: no crash, and what parses formats back to text
 * that parses to the same state. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/userstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mamori_userstate a, b;
	static char out[MAMORI_USERSTATE_MAX_SIZE + 1];
	char *text;
	size_t len;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mamori_userstate_parse(text, &a) == 0) {
		if (mamori_userstate_format(&a, out, sizeof(out), &len) != 0 ||
		    mamori_userstate_parse(out, &b) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
			abort();
	}
	free(text);
	return 0;
}
