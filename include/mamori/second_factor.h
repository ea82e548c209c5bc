/* The second-factor decision for one login, shared by pam_mamori (running as root) and
 * mamori-verify (the setuid helper for callers that are not root): the user's state opened
 * under its lock, the typed code judged, the result stored, the verdict reported. One path,
 * so lockout, replay protection and events are the same whoever asks. */
#ifndef MAMORI_SECOND_FACTOR_H
#define MAMORI_SECOND_FACTOR_H

#include "mamori/config.h"
#include "mamori/event.h"
#include "mamori/otp_verify.h"
#include "mamori/userstate.h"
#include "mamori/userstore.h"

struct mamori_second_factor {
	const char *user, *service, *tty, *rhost; /* who and where: named in every event */
	const struct mamori_config *cfg;
	struct mamori_reporter *rep;
	struct mamori_userstore *store; /* set by mamori_sf_open_state */
	struct mamori_userlock *lock;
	struct mamori_userstate st;
};

/* Every event of a login names who and where. */
#define MAMORI_SF_REPORT(sf, id, msg, ...)                                                \
	MAMORI_REPORT((sf)->rep, (id), (msg), MAMORI_STR("user", (sf)->user),            \
		      MAMORI_STR("service", (sf)->service), MAMORI_STR("tty", (sf)->tty), \
		      MAMORI_STR("rhost", (sf)->rhost), __VA_ARGS__)

/* Lock and read the user's state: 0, -ENOENT when not enrolled (or enrolment not finished),
 * another negative code (already reported) when the state cannot be used. */
int mamori_sf_open_state(struct mamori_second_factor *sf);

/* The decision for a user without state, reported: 0 under `unenrolled = allow`, else
 * -EACCES. */
int mamori_sf_unenrolled(struct mamori_second_factor *sf);

/* Judge code against the opened state, store the result before anyone is told, report the
 * verdict. 0 with *res filled in (look at res->verdict), or a negative code (reported) when
 * the code could not be checked or the result not stored: the login must then fail. */
int mamori_sf_verify(struct mamori_second_factor *sf, const char *code,
		     struct mamori_verify_result *res);

/* Wipe the state, drop the lock, close the store. */
void mamori_sf_release(struct mamori_second_factor *sf);

#endif
