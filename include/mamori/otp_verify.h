/* Deciding whether a typed code opens the account: look-around window, single use, lockout.
 * Pure logic over a user's state and an injected time; the caller persists the updated state
 * before it answers the login, so a crash can never allow a replay. */
#ifndef MAMORI_OTP_VERIFY_H
#define MAMORI_OTP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mamori/userstate.h"

enum mamori_verdict {
	MAMORI_VERDICT_OK,        /* code valid and unused: account opens */
	MAMORI_VERDICT_WRONG,     /* no code in the window matches */
	MAMORI_VERDICT_REPLAY,    /* matches a step or counter already used */
	MAMORI_VERDICT_MALFORMED, /* not `digits` decimal digits */
	MAMORI_VERDICT_LOCKED,    /* the account is locked; the code was not looked at */
};

struct mamori_verify_policy {
	unsigned window;       /* TOTP steps accepted either side of now */
	unsigned hotp_window;  /* HOTP counters looked ahead */
	unsigned max_failures; /* consecutive failures that lock */
	unsigned lockout;      /* seconds a lock lasts */
};

enum mamori_factor { MAMORI_FACTOR_TOTP, MAMORI_FACTOR_HOTP, MAMORI_FACTOR_RECOVERY };

struct mamori_verify_result {
	enum mamori_verdict verdict;
	enum mamori_factor factor; /* what the input was taken for */
	size_t recovery_index;     /* RECOVERY and OK: which code was used (0-based) */
	int64_t skew;       /* TOTP: matched step minus current step; HOTP: counters skipped */
	bool locked_now;    /* this failure set the lock */
	unsigned failures;  /* consecutive failures after this attempt */
	int64_t locked_until;
};

/* Judge input against st at time now and update st: counter, failures, lock, used recovery
 * codes. Input shaped like a recovery code (recovery.h) is checked as one, anything else as a
 * one-time code. The caller must store st whatever the verdict (a failure counts, a success
 * burns the code). Returns 0, -EINVAL for a state or policy that cannot be used, or the
 * error of a failed recovery-code hash; st is untouched on error. */
int mamori_otp_verify(struct mamori_userstate *st, const char *input, time_t now,
		      const struct mamori_verify_policy *pol, struct mamori_verify_result *ret);

/* True when input is exactly `digits` decimal digits. */
bool mamori_otp_well_formed(const char *input, unsigned digits);

/* True when input is st's code for counter; the time taken does not depend on input. */
bool mamori_otp_code_matches(const struct mamori_userstate *st, uint64_t counter,
			     const char *input);

const char *mamori_verdict_name(enum mamori_verdict v);
const char *mamori_factor_name(enum mamori_factor f);

#endif
