/* HOTP resynchronisation with two consecutive codes. */
#include <errno.h>

#include "mamori/otp_resync.h"
#include "mamori/otp_verify.h"

int
mamori_hotp_resync(struct mamori_userstate *st, const char *code1, const char *code2,
		   unsigned window, uint64_t *ret_skipped)
{
	if (st->type != MAMORI_TOKEN_HOTP)
		return -EOPNOTSUPP;
	if (!mamori_otp_well_formed(code1, st->digits) ||
	    !mamori_otp_well_formed(code2, st->digits))
		return -EINVAL;
	/* c + 2 must stay below UINT64_MAX, the parser's bound for a stored counter */
	for (uint64_t c = st->counter; c - st->counter <= window && c < UINT64_MAX - 2; c++) {
		if (mamori_otp_code_matches(st, c, code1) &&
		    mamori_otp_code_matches(st, c + 1, code2)) {
			*ret_skipped = c - st->counter;
			st->counter = c + 2;
			return 0;
		}
	}
	return -ENOENT;
}
