/* A user's second-factor state: the token, where it stands, failures and lock, recovery
 * codes. This module holds the in-memory form and its text serialisation; store.c (later)
 * does the locked, atomic file updates.
 *
 * The text form is line-based "key=value", version first, so an administrator can read it
 * with `cat` in an emergency and a parser stays small and strict. */
#ifndef MAMORI_USERSTATE_H
#define MAMORI_USERSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mamori/config.h"
#include "mamori/otp.h"

#define MAMORI_USERSTATE_VERSION 1
#define MAMORI_USERSTATE_MAX_SIZE 8192
#define MAMORI_RECOVERY_MAX 50
#define MAMORI_RECOVERY_HASH_MAX 160 /* a crypt(3) yescrypt string is about 73 */

enum mamori_token_type { MAMORI_TOKEN_TOTP, MAMORI_TOKEN_HOTP };

struct mamori_userstate {
	enum mamori_token_type type;
	enum mamori_otp_algorithm algorithm;
	unsigned digits;       /* 6..8 */
	unsigned step;         /* TOTP seconds, 10..300 */
	bool active;           /* false until the first code after enrolment was verified */
	uint8_t key[MAMORI_OTP_MAX_KEY];
	size_t key_len;
	uint64_t counter;      /* HOTP: next counter expected; TOTP: last accepted step + 1 */
	unsigned failures;     /* consecutive wrong codes */
	int64_t locked_until;  /* epoch seconds; 0 when not locked */
	size_t n_recovery;
	char recovery[MAMORI_RECOVERY_MAX][MAMORI_RECOVERY_HASH_MAX]; /* "" once used */
};

/* Parse text (NUL-terminated). Every line must be known, every value in range, each key at
 * most once (recovery may repeat); anything else is MAMORI_E_CORRUPT — never "not enrolled".
 * ret is wiped first and on failure. */
int mamori_userstate_parse(const char *text, struct mamori_userstate *ret);

/* Serialise into out[cap]; the result parses back to the same state. */
int mamori_userstate_format(const struct mamori_userstate *st, char *out, size_t cap,
			    size_t *ret_len);

/* Wipe the key and everything else. */
void mamori_userstate_wipe(struct mamori_userstate *st);

#endif
