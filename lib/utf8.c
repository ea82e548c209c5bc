/* UTF-8 well-formedness (RFC 3629). */
#include <stdint.h>

#include "mamori/utf8.h"

size_t
mamori_utf8_len(const unsigned char *s, size_t avail)
{
	size_t n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
						     : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	uint32_t cp;

	if (n == 0 || avail < n)
		return 0;
	cp = s[0] & (n == 2 ? 0x1fu : n == 3 ? 0x0fu : 0x07u);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}
