/* The second-factor decision shared by the PAM module and the setuid verifier. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "mamori/err.h"
#include "mamori/recovery.h"
#include "mamori/second_factor.h"

static const char *
state_problem(int r)
{
	switch (r) {
	case -ELOOP:
		return "symlink";
	case MAMORI_E_OWNER:
		return "owner";
	case MAMORI_E_MODE:
		return "mode";
	case MAMORI_E_NOTREG:
		return "not-a-file";
	case MAMORI_E_CORRUPT:
	case MAMORI_E_TOOBIG:
		return "corrupt";
	default:
		return "unreadable";
	}
}

int
mamori_sf_open_state(struct mamori_second_factor *sf)
{
	int r;

	if ((r = mamori_userstore_open(sf->cfg->auth.state_dir, 0, &sf->store)) == 0 &&
	    (r = mamori_userstore_lock(sf->store, sf->user, &sf->lock)) == 0)
		r = mamori_userstore_load(sf->lock, &sf->st);
	if (r == 0 && !sf->st.active)
		r = -ENOENT;
	if (r < 0 && r != -ENOENT)
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_STATE_UNUSABLE,
				 "second-factor state cannot be used; login refused",
				 MAMORI_STR("reason", state_problem(r)),
				 MAMORI_STR("error", mamori_strerror(r)));
	return r;
}

int
mamori_sf_unenrolled(struct mamori_second_factor *sf)
{
	if (sf->cfg->auth.unenrolled == MAMORI_UNENROLLED_ALLOW) {
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_UNENROLLED_ALLOWED,
				 "login without second factor: user not enrolled (unenrolled = allow)",
				 MAMORI_STR("result", "allow"));
		return 0;
	}
	MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_UNENROLLED_DENIED,
			 "login refused: user not enrolled for the second factor",
			 MAMORI_STR("result", "deny"));
	return -EACCES;
}

static void
local_time(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		(void)snprintf(out, cap, "%lld", (long long)t);
}

static void
report_success(struct mamori_second_factor *sf, const struct mamori_verify_result *res)
{
	const char *factor = mamori_factor_name(res->factor);

	if (res->factor == MAMORI_FACTOR_RECOVERY) {
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_RECOVERY_USED, "login with a recovery code",
				 MAMORI_INT("code", res->recovery_index + 1),
				 MAMORI_INT("left", mamori_recovery_left(&sf->st)));
		return;
	}
	MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_OK, "second factor accepted",
			 MAMORI_STR("result", "ok"), MAMORI_STR("factor", factor),
			 MAMORI_INT("skew", res->skew));
}

static void
report_verdict(struct mamori_second_factor *sf, const struct mamori_verify_result *res)
{
	char until[40];

	local_time(res->locked_until, until, sizeof(until));
	if (res->verdict == MAMORI_VERDICT_OK) {
		report_success(sf, res);
	} else if (res->verdict == MAMORI_VERDICT_LOCKED) {
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_LOCKED_ATTEMPT,
				 "login attempt on a locked account", MAMORI_STR("result", "fail"),
				 MAMORI_STR("until", until));
	} else {
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_FAIL, "wrong one-time code",
				 MAMORI_STR("result", "fail"),
				 MAMORI_STR("reason", mamori_verdict_name(res->verdict)),
				 MAMORI_STR("factor", mamori_factor_name(res->factor)),
				 MAMORI_INT("failures", res->failures));
	}
	if (res->locked_now)
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_LOCKED,
				 "account locked after repeated wrong codes",
				 MAMORI_STR("until", until),
				 MAMORI_INT("lockout", sf->cfg->auth.lockout));
}

int
mamori_sf_verify(struct mamori_second_factor *sf, const char *code,
		 struct mamori_verify_result *res)
{
	const struct mamori_auth_config *a = &sf->cfg->auth;
	const struct mamori_verify_policy pol = {
		.window = a->window,
		.hotp_window = a->hotp_window,
		.max_failures = a->max_failures,
		.lockout = a->lockout,
	};
	int r;

	if ((r = mamori_otp_verify(&sf->st, code, time(NULL), &pol, res)) < 0) {
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_STATE_UNUSABLE, "code could not be checked",
				 MAMORI_STR("reason", "verify"),
				 MAMORI_STR("error", mamori_strerror(r)));
		return r;
	}
	/* Stored before anyone is told anything: a code is burned (or a failure counted) even
	 * if the login process is killed right after. */
	if ((r = mamori_userstore_save(sf->lock, &sf->st)) < 0) {
		MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_STATE_SAVE_FAILED,
				 "second-factor state could not be saved; login refused",
				 MAMORI_STR("error", mamori_strerror(r)));
		return r;
	}
	report_verdict(sf, res);
	return 0;
}

void
mamori_sf_release(struct mamori_second_factor *sf)
{
	mamori_userstate_wipe(&sf->st);
	mamori_userstore_unlock(&sf->lock);
	mamori_userstore_close(&sf->store);
}
