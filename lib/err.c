/* The one table that turns mamori's error codes into text. */
#include <string.h>

#include "mamori/err.h"

static const char *const mamori_texts[] = {
	[-MAMORI_E_CONFIG - MAMORI_E_FIRST] = "invalid configuration",
	[-MAMORI_E_OWNER - MAMORI_E_FIRST] = "file has the wrong owner",
	[-MAMORI_E_MODE - MAMORI_E_FIRST] = "file is writable by group or others",
	[-MAMORI_E_NOTREG - MAMORI_E_FIRST] = "not a regular file",
	[-MAMORI_E_TOOBIG - MAMORI_E_FIRST] = "input exceeds its size limit",
	[-MAMORI_E_CORRUPT - MAMORI_E_FIRST] = "stored data is corrupt",
	[-MAMORI_E_TRUNC - MAMORI_E_FIRST] = "output does not fit its buffer",
	[-MAMORI_E_NOTNODE - MAMORI_E_FIRST] = "not the device node it should be",
};

const char *
mamori_strerror(int r)
{
	if (r == 0)
		return "success";
	if (r <= MAMORI_E_LAST || r > 0)
		return "unknown error";
	if (r <= -MAMORI_E_FIRST) {
		const char *t = mamori_texts[-r - MAMORI_E_FIRST];
		return t ? t : "unknown error";
	}
	/* strerror is not thread-safe in principle, but glibc's table lookups for valid codes
	 * return static strings. */
	return strerror(-r);
}
