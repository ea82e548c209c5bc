/* Recovery codes: ten single-use codes per user for the day the phone or token is missing
 * (policy §3(3)-(5), availability). Only salted slow hashes (yescrypt through libcrypt) are
 * stored; the codes themselves are shown once, at generation. */
#ifndef MAMORI_RECOVERY_H
#define MAMORI_RECOVERY_H

#include <stddef.h>

#include "mamori/userstate.h"

/* Ten symbols from an alphabet without look-alikes (0/o, 1/l/i), about 49 bits; shown as
 * "abcde-fghjk". */
#define MAMORI_RECOVERY_SYMBOLS 10
#define MAMORI_RECOVERY_TEXT (MAMORI_RECOVERY_SYMBOLS + 2) /* with the dash and NUL */

/* Make n new codes into codes[i] and store their hashes in st, replacing all old ones
 * (regeneration without re-keying). The caller shows the codes once and wipes them. */
int mamori_recovery_generate(struct mamori_userstate *st, size_t n,
			     char codes[][MAMORI_RECOVERY_TEXT]);

/* True when input has the shape of a recovery code (so it is not taken for an OTP). Case,
 * dashes and spaces do not matter. */
bool mamori_recovery_shaped(const char *input);

/* Check input against every unused code. On a match the code is marked used in st and its
 * number (0-based) stored in *ret_index; returns 0 on a match, -ENOENT on none, another
 * negative code when hashing fails. Every unused hash is computed whatever the input, so the
 * time taken does not say which code matched. */
int mamori_recovery_use(struct mamori_userstate *st, const char *input, size_t *ret_index);

/* How many unused codes remain. */
size_t mamori_recovery_left(const struct mamori_userstate *st);

#endif
