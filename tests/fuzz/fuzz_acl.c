/* The POSIX ACL xattr parser (lib/acl.c) on arbitrary bytes. Properties: no crash or read
 * past the end; -EINVAL exactly when the bytes are not version 2 followed by whole 8-byte
 * entries; 1 exactly when an entry of a named user (tag 2) or group (tag 8) has the write
 * bit (2), and for read-or-write whenever it is for write; the minimal form (owner, group, other) of an ACL grants nothing. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/acl.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that ASan sees any read past the end */
	unsigned char *b = malloc(size > 0 ? size : 1);
	bool wellformed = size >= 4 && (size - 4) % 8 == 0 && data[0] == 2 && data[1] == 0 &&
			  data[2] == 0 && data[3] == 0;
	int want = 0, r;

	if (b == NULL)
		return 0;
	memcpy(b, data, size);
	for (size_t i = 4; wellformed && i + 8 <= size; i += 8)
		if ((b[i] == 2 || b[i] == 8) && b[i + 1] == 0 && (b[i + 2] & 2) != 0)
			want = 1;
	unsigned char min[MAMORI_ACL_MINIMAL_LEN];

	r = mamori_acl_grants_write(b, size);
	if (r != (wellformed ? want : -EINVAL))
		abort();
	/* read or write (a phone's node): granted whenever write is, refused exactly as well */
	int rw = mamori_acl_grants(b, size, MAMORI_ACL_READ | MAMORI_ACL_WRITE);
	if ((rw < 0) != (r < 0) || (r == 1 && rw != 1))
		abort();
	/* the minimal form of what parses is itself an ACL that grants nothing */
	if (mamori_acl_minimal(b, size, min) == 0 && mamori_acl_grants_write(min, sizeof(min)) != 0)
		abort();
	free(b);
	return 0;
}
