/* Window, single use and lockout for one-time codes. */
#include <errno.h>
#include <string.h>

#include "mamori/otp_verify.h"
#include "mamori/recovery.h"
#include "mamori/secmem.h"

const char *
mamori_factor_name(enum mamori_factor f)
{
	static const char *const names[] = {"totp", "hotp", "recovery"};

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "unknown";
}

const char *
mamori_verdict_name(enum mamori_verdict v)
{
	static const char *const names[] = {"ok", "wrong", "replay", "malformed", "locked"};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

bool
mamori_otp_well_formed(const char *input, unsigned digits)
{
	size_t n = strlen(input);

	return n == digits && strspn(input, "0123456789") == n;
}

bool
mamori_otp_code_matches(const struct mamori_userstate *st, uint64_t c, const char *input)
{
	char code[MAMORI_OTP_MAX_DIGITS + 1];
	uint32_t v;
	bool eq;

	if (mamori_hotp(st->key, st->key_len, st->algorithm, c, st->digits, &v) < 0 ||
	    mamori_otp_format(v, st->digits, code, sizeof(code)) < 0)
		return false;
	eq = mamori_streq_ct(code, input);
	mamori_wipe(code, sizeof(code));
	return eq;
}

/* Look for input among the counters [lo, hi]; the first match wins. No early exit, so the
 * time taken says nothing about where (or whether) it matched. */
static bool
search(const struct mamori_userstate *st, uint64_t lo, uint64_t hi, const char *input,
       uint64_t *ret_match)
{
	bool found = false;

	for (uint64_t c = lo;; c++) {
		if (mamori_otp_code_matches(st, c, input) && !found) {
			found = true;
			*ret_match = c;
		}
		if (c == hi)
			break;
	}
	return found;
}

static enum mamori_verdict
judge_totp(struct mamori_userstate *st, const char *input, time_t now,
	   const struct mamori_verify_policy *pol, int64_t *skew)
{
	uint64_t cur, lo, hi, match = 0;

	if (mamori_totp_step(now, st->step, &cur) < 0)
		return MAMORI_VERDICT_WRONG;
	lo = cur > pol->window ? cur - pol->window : 0;
	hi = cur + pol->window;
	if (!search(st, lo, hi, input, &match))
		return MAMORI_VERDICT_WRONG;
	/* st->counter is one past the last step used: nothing at or before it may open again */
	if (match < st->counter)
		return MAMORI_VERDICT_REPLAY;
	*skew = (int64_t)match - (int64_t)cur; /* both far below 2^63 for any real time */
	st->counter = match + 1;
	return MAMORI_VERDICT_OK;
}

static enum mamori_verdict
judge_hotp(struct mamori_userstate *st, const char *input,
	   const struct mamori_verify_policy *pol, int64_t *skew)
{
	uint64_t hi = st->counter + pol->hotp_window, match = 0;

	if (hi < st->counter)
		return MAMORI_VERDICT_WRONG;
	if (!search(st, st->counter, hi, input, &match))
		return MAMORI_VERDICT_WRONG;
	*skew = (int64_t)(match - st->counter);
	st->counter = match + 1;
	return MAMORI_VERDICT_OK;
}

static void
count_failure(struct mamori_userstate *st, time_t now, const struct mamori_verify_policy *pol,
	      struct mamori_verify_result *res)
{
	st->failures++;
	if (st->failures >= pol->max_failures) {
		st->locked_until = (int64_t)now + pol->lockout;
		st->failures = 0; /* after the lock, a fresh run of attempts */
		res->locked_now = true;
	}
}

static int
judge_recovery(struct mamori_userstate *st, const char *input,
	       struct mamori_verify_result *res)
{
	int r = mamori_recovery_use(st, input, &res->recovery_index);

	if (r == 0)
		res->verdict = MAMORI_VERDICT_OK;
	else if (r == -ENOENT)
		res->verdict = MAMORI_VERDICT_WRONG;
	return r == -ENOENT ? 0 : r;
}

int
mamori_otp_verify(struct mamori_userstate *st, const char *input, time_t now,
		  const struct mamori_verify_policy *pol, struct mamori_verify_result *ret)
{
	struct mamori_verify_result res = {.verdict = MAMORI_VERDICT_WRONG};
	int r;

	if (st->key_len == 0 || pol->max_failures == 0 || st->step == 0 ||
	    st->counter == UINT64_MAX)
		return -EINVAL;
	res.factor = st->type == MAMORI_TOKEN_TOTP ? MAMORI_FACTOR_TOTP : MAMORI_FACTOR_HOTP;
	if (st->locked_until > (int64_t)now) {
		res.verdict = MAMORI_VERDICT_LOCKED;
	} else if (mamori_recovery_shaped(input)) {
		res.factor = MAMORI_FACTOR_RECOVERY;
		if ((r = judge_recovery(st, input, &res)) < 0)
			return r;
	} else if (!mamori_otp_well_formed(input, st->digits)) {
		res.verdict = MAMORI_VERDICT_MALFORMED;
	} else if (st->type == MAMORI_TOKEN_TOTP) {
		res.verdict = judge_totp(st, input, now, pol, &res.skew);
	} else {
		res.verdict = judge_hotp(st, input, pol, &res.skew);
	}

	if (res.verdict == MAMORI_VERDICT_OK) {
		st->failures = 0;
		st->locked_until = 0;
		st->active = true;
	} else if (res.verdict != MAMORI_VERDICT_LOCKED) {
		count_failure(st, now, pol, &res);
	}
	res.failures = st->failures;
	res.locked_until = st->locked_until;
	*ret = res;
	return 0;
}
