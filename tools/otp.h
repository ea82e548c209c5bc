/* What the `mamorictl otp` commands share: the configuration, the reporter, the user's state
 * under its lock, argument checks and the refusal path. */
#ifndef MAMORICTL_OTP_H
#define MAMORICTL_OTP_H

#include <stdbool.h>
#include <stdio.h>

#include "mamori/config.h"
#include "mamori/event.h"
#include "mamori/userstore.h"

/* Exit statuses: done, failed, wrong usage. */
enum { OTP_OK = 0, OTP_FAIL = 1, OTP_USAGE = 2 };

struct otp_ctx {
	const char *command;   /* "enroll", … for messages and events */
	const char *user;      /* the account concerned, NULL before it is checked */
	char by[64];           /* who runs the command */
	struct mamori_config *cfg;
	struct mamori_reporter *rep;
	struct mamori_userstore *store;
	struct mamori_userlock *lock;
};

/* The configuration file `mamorictl otp --config FILE` named, or NULL for the default. */
void otp_set_config_path(const char *path);

/* Load the configuration, open the reporter, check that root runs the command and that user
 * is a valid name, open the state directory (created when create_dir). On failure the
 * refusal is printed and reported and OTP_FAIL returned; otp_end must be called either way. */
int otp_begin(struct otp_ctx *c, const char *command, const char *user, bool create_dir);
void otp_end(struct otp_ctx *c);

/* Lock the user's state and read it into st: 0, -ENOENT (not enrolled) or another negative
 * code, which is printed and reported as a refusal. */
int otp_lock_load(struct otp_ctx *c, struct mamori_userstate *st);

/* otp_lock_load for commands that need an enrolment: OTP_OK, or OTP_FAIL after the refusal
 * ("the user is not enrolled" included) was printed and reported. */
int otp_load_enrolled(struct otp_ctx *c, struct mamori_userstate *st);

/* Save st under the lock; a failure is printed and reported. */
int otp_save(struct otp_ctx *c, const struct mamori_userstate *st);

/* Print "mamorictl otp COMMAND: TEXT: ERROR" and report MAMORI-ADMIN-509 with reason.
 * err may be 0 when there is no error code. Returns OTP_FAIL. */
int otp_refuse(struct otp_ctx *c, const char *reason, int err, const char *text);

/* A user name mamorictl accepts: 1..64 bytes of letters, digits and . _ - @ \ $, not
 * starting with '-' or '.' (POSIX portable names plus directory forms user@domain and
 * DOMAIN\user). */
bool otp_user_name_ok(const char *user);


/* The frame of a command that takes one USER: --help (printing help), argument check,
 * otp_begin, run, otp_end. Returns an exit status. */
int otp_run_for_user(int argc, char **argv, const char *name, const char *help,
		     int (*run)(struct otp_ctx *));

#define OTP_REPORT(c, id, msg, ...)                                                       \
	MAMORI_REPORT((c)->rep, (id), (msg), MAMORI_STR("user", (c)->user),               \
		      MAMORI_STR("by", (c)->by), __VA_ARGS__)

#endif
