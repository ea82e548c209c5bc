/* Splitting "password followed by code" (split_code.h has the format). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "mamori/split_code.h"

/* The recovery alphabet of recovery.c, either case. */
static bool
recovery_symbol(char c)
{
	static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ";

	return c != '\0' && strchr(alphabet, c) != NULL;
}

static bool
recovery_tail(const char *tail)
{
	for (size_t i = 0; i < MAMORI_SPLIT_RECOVERY_LEN; i++) {
		bool ok = i == 5 ? tail[i] == '-' : recovery_symbol(tail[i]);
		if (!ok)
			return false;
	}
	return true;
}

static bool
digits_tail(const char *tail, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tail[i] < '0' || tail[i] > '9')
			return false;
	return true;
}

int
mamori_split_code(const char *answer, size_t len, unsigned digits, size_t *ret_at)
{
	/* A one-time code ends in at least six digits, so its sixth character from the end is
	 * a digit, where a recovery code has its dash: the two forms never both match. */
	if (len > MAMORI_SPLIT_RECOVERY_LEN &&
	    recovery_tail(answer + len - MAMORI_SPLIT_RECOVERY_LEN)) {
		*ret_at = len - MAMORI_SPLIT_RECOVERY_LEN;
		return 0;
	}
	if (digits >= 6 && digits <= 8 && len > digits && digits_tail(answer + len - digits, digits)) {
		*ret_at = len - digits;
		return 0;
	}
	*ret_at = len;
	return -EINVAL;
}
