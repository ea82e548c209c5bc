/* The second-factor step: who is logging in, break-glass, the user's state, the code, the
 * verdict, the event. Internally 0/negative codes; PAM codes only in mamori_pam_login. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "mamori/config.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/log.h"
#include "mamori/otp_verify.h"
#include "mamori/pam_args.h"
#include "mamori/pam_breakglass.h"
#include "mamori/pam_conv.h"
#include "mamori/pam_login.h"
#include "mamori/recovery.h"
#include "mamori/secmem.h"
#include "mamori/userstore.h"

struct login {
	pam_handle_t *pamh;
	const char *user, *service, *tty, *rhost;
	struct mamori_config *cfg;
	char cfg_error[512];
	struct mamori_reporter *rep;
	struct mamori_userstore *store;
	struct mamori_userlock *lock;
	struct mamori_userstate st;
};

/* Every event of a login names who and where. */
#define LOGIN_REPORT(l, id, msg, ...)                                                    \
	MAMORI_REPORT((l)->rep, (id), (msg), MAMORI_STR("user", (l)->user),             \
		      MAMORI_STR("service", (l)->service), MAMORI_STR("tty", (l)->tty),  \
		      MAMORI_STR("rhost", (l)->rhost), __VA_ARGS__)

static int
pam_sink_write(void *ctx, int severity, const char *line)
{
	pam_syslog((const pam_handle_t *)ctx, severity, "%s", line);
	return 0;
}

static void
pam_log_handler(void *ctx, int priority, const char *line)
{
	pam_syslog((const pam_handle_t *)ctx, priority, "%s", line);
}

static const char *
item_string(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	return pam_get_item(pamh, type, &v) == PAM_SUCCESS ? v : NULL;
}

/* The reporter goes to pam_syslog and the durable log named by the configuration, or the
 * default one when the configuration could not be read. */
static int
open_reporter(struct login *l)
{
	const struct mamori_report_config *rc = l->cfg ? &l->cfg->report : NULL;
	static struct mamori_sink sink;
	struct mamori_reporter_opts o = {
		.ident = "pam_mamori",
		.event_log = rc ? rc->event_log : NULL,
		.state_dir = rc ? rc->state_dir : NULL,
		.spool_dir = rc ? rc->spool_dir : NULL,
		.sink = &sink,
		.log_group = mamori_event_log_group(),
	};

	sink.write = pam_sink_write;
	sink.ctx = l->pamh;
	return mamori_reporter_new(&o, &l->rep);
}

static int
load_config(struct login *l, int argc, const char **argv)
{
	struct mamori_pam_args args;
	struct mamori_config_load_opts o = {.trusted_uid = 0};
	const char *bad = NULL;
	int r;

	if ((r = mamori_pam_args_parse(argc, argv, &args, &bad)) < 0) {
		(void)snprintf(l->cfg_error, sizeof(l->cfg_error),
			       "unknown pam_mamori argument \"%s\"", bad);
		return r;
	}
	mamori_log_set_debug(args.debug);
	o.path = args.conf;
	r = mamori_config_load(&o, &l->cfg, l->cfg_error, sizeof(l->cfg_error));
	if (r == 0 && l->cfg->report.debug)
		mamori_log_set_debug(true);
	return r;
}

/* Break-glass is decided before anything that can fail: configuration, disk, state. */
static bool
break_glass(struct login *l)
{
	if (!mamori_is_physical_console(l->tty, l->rhost) || !mamori_is_emergency_user(l->user))
		return false;
	LOGIN_REPORT(l, MAMORI_EV_AUTH_BREAK_GLASS,
		     "emergency login on the console without the second factor",
		     MAMORI_STR("group", MAMORI_EMERGENCY_GROUP));
	return true;
}

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

/* Lock and read the user's state: 0, -ENOENT when not enrolled (or enrolment not finished),
 * another negative code (already reported) when the state cannot be used. */
static int
open_state(struct login *l)
{
	int r;

	if ((r = mamori_userstore_open(l->cfg->auth.state_dir, 0, &l->store)) == 0 &&
	    (r = mamori_userstore_lock(l->store, l->user, &l->lock)) == 0)
		r = mamori_userstore_load(l->lock, &l->st);
	if (r == 0 && !l->st.active)
		r = -ENOENT;
	if (r < 0 && r != -ENOENT)
		LOGIN_REPORT(l, MAMORI_EV_AUTH_STATE_UNUSABLE,
			     "second-factor state cannot be used; login refused",
			     MAMORI_STR("reason", state_problem(r)),
			     MAMORI_STR("error", mamori_strerror(r)));
	return r;
}

static int
unenrolled(struct login *l)
{
	if (l->cfg->auth.unenrolled == MAMORI_UNENROLLED_ALLOW) {
		LOGIN_REPORT(l, MAMORI_EV_AUTH_UNENROLLED_ALLOWED,
			     "login without second factor: user not enrolled (unenrolled = allow)",
			     MAMORI_STR("result", "allow"));
		return 0;
	}
	LOGIN_REPORT(l, MAMORI_EV_AUTH_UNENROLLED_DENIED,
		     "login refused: user not enrolled for the second factor",
		     MAMORI_STR("result", "deny"));
	mamori_pam_tell_unenrolled(l->pamh, l->cfg->auth.contact);
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
report_success(struct login *l, const struct mamori_verify_result *res)
{
	const char *factor = mamori_factor_name(res->factor);

	if (res->factor == MAMORI_FACTOR_RECOVERY) {
		LOGIN_REPORT(l, MAMORI_EV_AUTH_RECOVERY_USED, "login with a recovery code",
			     MAMORI_INT("code", res->recovery_index + 1),
			     MAMORI_INT("left", mamori_recovery_left(&l->st)));
		return;
	}
	LOGIN_REPORT(l, MAMORI_EV_AUTH_OK, "second factor accepted", MAMORI_STR("result", "ok"),
		     MAMORI_STR("factor", factor), MAMORI_INT("skew", res->skew));
}

static void
report_verdict(struct login *l, const struct mamori_verify_result *res)
{
	char until[40];

	local_time(res->locked_until, until, sizeof(until));
	if (res->verdict == MAMORI_VERDICT_OK) {
		report_success(l, res);
	} else if (res->verdict == MAMORI_VERDICT_LOCKED) {
		LOGIN_REPORT(l, MAMORI_EV_AUTH_LOCKED_ATTEMPT, "login attempt on a locked account",
			     MAMORI_STR("result", "fail"), MAMORI_STR("until", until));
	} else {
		LOGIN_REPORT(l, MAMORI_EV_AUTH_FAIL, "wrong one-time code",
			     MAMORI_STR("result", "fail"),
			     MAMORI_STR("reason", mamori_verdict_name(res->verdict)),
			     MAMORI_STR("factor", mamori_factor_name(res->factor)),
			     MAMORI_INT("failures", res->failures));
	}
	if (res->locked_now)
		LOGIN_REPORT(l, MAMORI_EV_AUTH_LOCKED, "account locked after repeated wrong codes",
			     MAMORI_STR("until", until),
			     MAMORI_INT("lockout", l->cfg->auth.lockout));
}

static int
verify_typed(struct login *l, const char *code, struct mamori_verify_result *res)
{
	const struct mamori_auth_config *a = &l->cfg->auth;
	const struct mamori_verify_policy pol = {
		.window = a->window,
		.hotp_window = a->hotp_window,
		.max_failures = a->max_failures,
		.lockout = a->lockout,
	};
	int r;

	if ((r = mamori_otp_verify(&l->st, code, time(NULL), &pol, res)) < 0) {
		LOGIN_REPORT(l, MAMORI_EV_AUTH_STATE_UNUSABLE, "code could not be checked",
			     MAMORI_STR("reason", "verify"), MAMORI_STR("error", mamori_strerror(r)));
		return r;
	}
	/* Stored before anyone is told anything: a code is burned (or a failure counted) even
	 * if the login process is killed right after. */
	if ((r = mamori_userstore_save(l->lock, &l->st)) < 0) {
		LOGIN_REPORT(l, MAMORI_EV_AUTH_STATE_SAVE_FAILED,
			     "second-factor state could not be saved; login refused",
			     MAMORI_STR("error", mamori_strerror(r)));
		return r;
	}
	return 0;
}

/* Ask, verify, store, report. 0 only for an accepted code. */
static int
judge(struct login *l)
{
	struct mamori_verify_result res;
	char *code = NULL;
	int r;

	/* A locked user is asked too: whether the account is locked is not told before the
	 * code, so the prompt itself reveals nothing. */
	if (mamori_pam_ask_code(l->pamh, l->cfg->auth.prompt, &code) != PAM_SUCCESS)
		return -ECANCELED;
	r = verify_typed(l, code, &res);
	mamori_free_secret_str(&code);
	if (r < 0)
		return r;
	report_verdict(l, &res);
	if (res.verdict == MAMORI_VERDICT_LOCKED || res.locked_now)
		mamori_pam_tell_locked(l->pamh, (time_t)res.locked_until, l->cfg->auth.contact);
	return res.verdict == MAMORI_VERDICT_OK ? 0 : -EACCES;
}

/* The one place where internal results become PAM codes; nothing but 0 is a success. */
static int
to_pam(int r)
{
	switch (r) {
	case 0:
		return PAM_SUCCESS;
	case -EACCES:
		return PAM_AUTH_ERR;
	case -ECANCELED:
		return PAM_CONV_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

static int
second_factor(struct login *l)
{
	int r = open_state(l);

	if (r == -ENOENT)
		return unenrolled(l);
	if (r < 0)
		return r == -EACCES ? -EIO : r; /* an unreadable state is no wrong code */
	return judge(l);
}

static void
login_free(struct login *l)
{
	mamori_userstate_wipe(&l->st);
	mamori_userstore_unlock(&l->lock);
	mamori_userstore_close(&l->store);
	mamori_reporter_free(&l->rep);
	mamori_config_free(&l->cfg);
	mamori_log_set_handler(NULL, NULL);
}

int
mamori_pam_login(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct login l = {.pamh = pamh};
	int cfg_r, r;

	(void)flags;
	mamori_log_set_handler(pam_log_handler, pamh);
	if (pam_get_user(pamh, &l.user, NULL) != PAM_SUCCESS || l.user == NULL ||
	    l.user[0] == '\0') {
		mamori_log_set_handler(NULL, NULL);
		return PAM_USER_UNKNOWN;
	}
	l.service = item_string(pamh, PAM_SERVICE);
	l.tty = item_string(pamh, PAM_TTY);
	l.rhost = item_string(pamh, PAM_RHOST);
	cfg_r = load_config(&l, argc, argv);
	if ((r = open_reporter(&l)) < 0)
		pam_syslog(pamh, LOG_ERR, "event reporting unavailable: %s", mamori_strerror(r));
	if (cfg_r < 0)
		LOGIN_REPORT(&l, MAMORI_EV_CONF_INVALID,
			     "configuration invalid; logins that need the second factor are refused",
			     MAMORI_STR("reason", l.cfg_error));
	if (break_glass(&l))
		r = 0;
	else if (cfg_r < 0)
		r = cfg_r;
	else
		r = second_factor(&l);
	login_free(&l);
	return to_pam(r);
}
