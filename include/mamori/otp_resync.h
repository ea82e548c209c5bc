/* Resynchronising an HOTP token that ran ahead of the stored counter (RFC 4226 §7.4): two
 * consecutive codes, looked for in a bounded range ahead. Pure logic over a user's state. */
#ifndef MAMORI_OTP_RESYNC_H
#define MAMORI_OTP_RESYNC_H

#include <stdint.h>

#include "mamori/userstate.h"

/* Find the counter c in [st->counter, st->counter + window] whose code is code1 and whose
 * successor's code is code2, and set st->counter to c + 2 (both codes used up; the counter
 * never goes back). *ret_skipped gets c minus the old counter. Returns 0, -EOPNOTSUPP for a
 * TOTP state, -EINVAL when a code is not st->digits digits, -ENOENT when no such pair is in
 * the range; st is untouched on error. */
int mamori_hotp_resync(struct mamori_userstate *st, const char *code1, const char *code2,
		       unsigned window, uint64_t *ret_skipped);

#endif
