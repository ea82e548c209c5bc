/* mamorictl otp remove / unlock: end an enrolment, clear a lock. */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "otp.h"

/* Remove works on an unusable state too: it is how a corrupt or tampered file is cleared. */
static int
remove_user(struct otp_ctx *c)
{
	struct mamori_userstate st;
	const char *was;
	int r;

	if ((r = mamori_userstore_lock(c->store, c->user, &c->lock)) < 0)
		return otp_refuse(c, "state", r, _("cannot lock the user's state"));
	r = mamori_userstore_load(c->lock, &st);
	was = r == 0 ? (st.active ? "active" : "pending") : "unusable";
	mamori_userstate_wipe(&st);
	if (r == -ENOENT)
		return otp_refuse(c, "not-enrolled", 0, _("the user is not enrolled"));
	if ((r = mamori_userstore_remove(c->lock)) < 0)
		return otp_refuse(c, "save", r, _("the enrolment could not be removed"));
	OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_REMOVED, "second-factor enrolment removed",
		   MAMORI_STR("state", was));
	printf(_("The enrolment of %s was removed.\n"), c->user);
	return OTP_OK;
}

static int
unlock_user(struct otp_ctx *c)
{
	struct mamori_userstate st;
	unsigned failures;
	bool was_locked;
	int r;

	if ((r = otp_load_enrolled(c, &st)) != OTP_OK)
		return r;
	failures = st.failures;
	was_locked = st.locked_until != 0;
	st.failures = 0;
	st.locked_until = 0;
	r = otp_save(c, &st);
	mamori_userstate_wipe(&st);
	if (r < 0)
		return OTP_FAIL;
	OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_UNLOCKED, "failure tally and lock cleared",
		   MAMORI_INT("failures", failures), MAMORI_INT("was_locked", was_locked ? 1 : 0));
	printf(_("%s: failures and lock cleared.\n"), c->user);
	return OTP_OK;
}

int
cmd_otp_remove(int argc, char **argv)
{
	return otp_run_for_user(argc, argv, "remove",
				_("Remove USER's enrolment: secret, counters, recovery codes.\n"
				  "Logins then follow auth.unenrolled."),
				remove_user);
}

int
cmd_otp_unlock(int argc, char **argv)
{
	return otp_run_for_user(argc, argv, "unlock",
				_("Clear USER's consecutive-failure tally and lock."), unlock_user);
}
