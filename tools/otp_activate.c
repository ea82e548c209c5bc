/* The first code after enrolment: proof that the app or token holds the secret. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mamori/i18n.h"
#include "mamori/otp_verify.h"
#include "mamori/secmem.h"
#include "otp_activate.h"

#define TRIES 3
#define LINE_MAX_LEN 64

enum outcome { OUT_OK, OUT_WRONG, OUT_CHANGED, OUT_ERROR };

/* One line from stdin into line[cap] without its newline; false at end of input. */
static bool
read_code(char *line, size_t cap)
{
	if (fgets(line, (int)cap, stdin) == NULL)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return true;
}

static bool
same_enrolment(const struct mamori_userstate *a, const struct mamori_userstate *b)
{
	return !a->active && a->key_len == b->key_len &&
	       mamori_memeq_ct(a->key, b->key, a->key_len);
}

/* Check code against the stored state under the lock; store it activated on success.
 * A wrong code is not counted: the enrolment is not in force yet and nobody logs in with it. */
static enum outcome
try_code(struct otp_ctx *c, const struct mamori_userstate *made, const char *code)
{
	const struct mamori_auth_config *a = &c->cfg->auth;
	const struct mamori_verify_policy pol = {
		.window = a->window, .hotp_window = a->hotp_window,
		.max_failures = a->max_failures, .lockout = a->lockout,
	};
	struct mamori_verify_result res;
	struct mamori_userstate st;
	enum outcome out = OUT_ERROR;

	if (otp_lock_load(c, &st) < 0)
		out = OUT_CHANGED;
	else if (!same_enrolment(&st, made))
		out = OUT_CHANGED;
	else if (mamori_otp_verify(&st, code, time(NULL), &pol, &res) < 0)
		out = OUT_ERROR;
	else if (res.verdict != MAMORI_VERDICT_OK)
		out = OUT_WRONG;
	else
		out = otp_save(c, &st) < 0 ? OUT_ERROR : OUT_OK;
	mamori_userstate_wipe(&st);
	mamori_userstore_unlock(&c->lock);
	return out;
}

static void
report_failed(struct otp_ctx *c, int attempts, const char *reason)
{
	OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_ACTIVATION_FAILED,
		   "first code not verified; enrolment stays pending",
		   MAMORI_INT("attempts", attempts), MAMORI_STR("reason", reason));
	fprintf(stderr, _("mamorictl otp enroll: the enrolment of %s stays pending (logins treat "
			  "the user as not enrolled); enrol again\n"), c->user);
}

int
otp_activate(struct otp_ctx *c, const struct mamori_userstate *made)
{
	char code[LINE_MAX_LEN];
	enum outcome out = OUT_WRONG;
	int tries = 0;

	/* Nobody can log in with a pending enrolment, so nothing waits on the lock meanwhile. */
	mamori_userstore_unlock(&c->lock);
	while (tries < TRIES && out == OUT_WRONG) {
		printf(_("Code shown by the app or token (%u digits): "), made->digits);
		fflush(stdout);
		if (!read_code(code, sizeof(code)))
			break;
		tries++;
		if (!mamori_otp_well_formed(code, made->digits)) {
			printf(_("not a %u-digit code\n"), made->digits);
			continue;
		}
		if ((out = try_code(c, made, code)) == OUT_WRONG)
			printf(_("wrong code\n"));
	}
	mamori_wipe(code, sizeof(code));
	if (out == OUT_OK) {
		OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_ACTIVATED, "enrolment verified and in force",
			   MAMORI_STR("type", made->type == MAMORI_TOKEN_HOTP ? "hotp" : "totp"));
		printf(_("Code verified: %s is enrolled; the second factor is required from the "
			 "next login.\n"), c->user);
		return OTP_OK;
	}
	if (out != OUT_ERROR)
		report_failed(c, tries, out == OUT_CHANGED ? "changed"
					: tries == 0 ? "no-input" : "wrong");
	return OTP_FAIL;
}
