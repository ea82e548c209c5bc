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
#include "mamori/pam_split.h"
#include "mamori/pam_verifier.h"
#include "mamori/second_factor.h"
#include "mamori/secmem.h"

struct login {
	pam_handle_t *pamh;
	struct mamori_pam_args args;
	struct mamori_config *cfg;
	char cfg_error[512];
	struct mamori_second_factor sf; /* user, where, reporter, state */
};

#define LOGIN_REPORT(l, id, msg, ...) MAMORI_SF_REPORT(&(l)->sf, (id), (msg), __VA_ARGS__)

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
	static struct mamori_sink sink;
	struct mamori_reporter_opts o = mamori_reporter_opts_from(l->cfg, "pam_mamori");

	o.sink = &sink; /* pam_syslog, never a socket of our own inside someone's process */

	sink.write = pam_sink_write;
	sink.ctx = l->pamh;
	return mamori_reporter_new(&o, &l->sf.rep);
}

static int
load_config(struct login *l, int argc, const char **argv)
{
	struct mamori_pam_args args;
	struct mamori_config_load_opts o = {.trusted_uid = 0};
	const char *bad = NULL;
	int r;

	if ((r = mamori_pam_args_parse(argc, argv, &l->args, &bad)) < 0) {
		(void)snprintf(l->cfg_error, sizeof(l->cfg_error),
			       "unknown pam_mamori argument \"%s\"", bad);
		return r;
	}
	args = l->args;
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
	if (!mamori_is_physical_console(l->sf.tty, l->sf.rhost) ||
	    !mamori_is_emergency_user(l->sf.user))
		return false;
	LOGIN_REPORT(l, MAMORI_EV_AUTH_BREAK_GLASS,
		     "emergency login on the console without the second factor",
		     MAMORI_STR("group", MAMORI_EMERGENCY_GROUP));
	return true;
}

static int
unenrolled(struct login *l)
{
	int r = mamori_sf_unenrolled(&l->sf);

	if (r < 0)
		mamori_pam_tell_unenrolled(l->pamh, l->cfg->auth.contact);
	return r;
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
	if (mamori_pam_code(l->pamh, l->cfg->auth.prompt, &code) != PAM_SUCCESS)
		return -ECANCELED;
	r = mamori_sf_verify(&l->sf, code, &res);
	mamori_free_secret_str(&code);
	if (r < 0)
		return r;
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

/* Not root (a screen locker running as the user): the state store is out of reach, so the
 * setuid verifier judges the code. Its path is fixed at build time; test builds may name
 * another one and hand on the configuration. */
static int
as_user(struct login *l)
{
#ifdef MAMORI_TEST_HOOKS
	const char *path = l->args.verifier ? l->args.verifier : MAMORI_VERIFIER_PATH;

	return mamori_pam_verify_as_user(l->pamh, &l->sf, path, l->args.conf);
#else
	return mamori_pam_verify_as_user(l->pamh, &l->sf, MAMORI_VERIFIER_PATH, NULL);
#endif
}

static int
second_factor(struct login *l)
{
	int r;

	if (geteuid() != 0)
		return as_user(l);
	r = mamori_sf_open_state(&l->sf);

	if (r == -ENOENT)
		return unenrolled(l);
	if (r < 0)
		return r == -EACCES ? -EIO : r; /* an unreadable state is no wrong code */
	return judge(l);
}

/* single_prompt: the first of two calls (pam_split.h). Break-glass needs no code and works
 * with a broken configuration, as in the second call, which reports it. */
static int
single_prompt(struct login *l, int cfg_r)
{
	bool whole = mamori_is_physical_console(l->sf.tty, l->sf.rhost) &&
		     mamori_is_emergency_user(l->sf.user);

	if (!whole && cfg_r < 0)
		return cfg_r;
	return mamori_pam_split_prompt(l->pamh, &l->sf, whole);
}

static void
login_free(struct login *l)
{
	mamori_sf_release(&l->sf);
	mamori_reporter_free(&l->sf.rep);
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
	if (pam_get_user(pamh, &l.sf.user, NULL) != PAM_SUCCESS || l.sf.user == NULL ||
	    l.sf.user[0] == '\0') {
		mamori_log_set_handler(NULL, NULL);
		return PAM_USER_UNKNOWN;
	}
	l.sf.service = item_string(pamh, PAM_SERVICE);
	l.sf.tty = item_string(pamh, PAM_TTY);
	l.sf.rhost = item_string(pamh, PAM_RHOST);
	cfg_r = load_config(&l, argc, argv);
	l.sf.cfg = l.cfg;
	if ((r = open_reporter(&l)) < 0)
		pam_syslog(pamh, LOG_ERR, "event reporting unavailable: %s", mamori_strerror(r));
	if (cfg_r < 0)
		LOGIN_REPORT(&l, MAMORI_EV_CONF_INVALID,
			     "configuration invalid; logins that need the second factor are refused",
			     MAMORI_STR("reason", l.cfg_error));
	if (l.args.single_prompt)
		r = single_prompt(&l, cfg_r);
	else if (break_glass(&l))
		r = 0;
	else if (cfg_r < 0)
		r = cfg_r;
	else
		r = second_factor(&l);
	login_free(&l);
	/* The first call of single-prompt mode judges nothing: it may never grant a login. */
	if (l.args.single_prompt && r == 0)
		return PAM_IGNORE;
	return to_pam(r);
}
