/* Single-prompt logins: one answer that holds the password immediately followed by the
 * second factor, for clients that can show only one prompt (some RDP/VDI clients, some ssh
 * keyboard-interactive clients).
 *
 * The format, read from the end of the answer so that a password may hold any character:
 *   - PASSWORD followed by a recovery code in its printed form "abcde-fghjk" (five symbols,
 *     a dash, five symbols; case does not matter): the last 11 characters are the code;
 *   - otherwise PASSWORD followed by the one-time code: the last `digits` characters (the
 *     user's configured code length, 6 to 8), which must all be decimal digits.
 * The password part is never empty. An answer that does not end in a code is not split:
 * all of it is the password and the code is empty, so the second factor fails (as a
 * malformed code) once the password has been checked — never before. */
#ifndef MAMORI_SPLIT_CODE_H
#define MAMORI_SPLIT_CODE_H

#include <stddef.h>

/* Characters of a recovery code in its printed form ("abcde-fghjk"). */
#define MAMORI_SPLIT_RECOVERY_LEN 11

/* Where the code starts in answer (length len, not necessarily NUL-terminated): the
 * password is answer[0, *ret_at), the code answer[*ret_at, len). Returns 0 when a code was
 * found, -EINVAL when not (then *ret_at = len: all of it is the password). digits outside
 * 6..8 finds no one-time code. Runs over the tail only, never reads past len. */
int mamori_split_code(const char *answer, size_t len, unsigned digits, size_t *ret_at);

#endif
