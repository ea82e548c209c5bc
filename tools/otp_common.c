/* Shared steps of the `mamorictl otp` commands: configuration, reporter, root, user name,
 * the user's state under its lock, and refusals (printed and reported). */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/safefile.h"
#include "commands.h"
#include "otp.h"
#include "otp_args.h"

#define USER_NAME_MAX 64

static const char *config_path;

void
otp_set_config_path(const char *path)
{
	config_path = path;
}

bool
otp_user_name_ok(const char *user)
{
	size_t n = strlen(user);

	if (n == 0 || n > USER_NAME_MAX || user[0] == '-' || user[0] == '.')
		return false;
	return strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-@\\$") == n;
}

/* sudo's SUDO_USER names the administrator behind root; otherwise the caller's own name. */
static void
find_caller(char *out, size_t cap)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd pw, *pwp = NULL;
	char buf[4096];

	if (sudo != NULL && sudo[0] != '\0' && mamori_snprintf(out, cap, "%s", sudo) == 0)
		return;
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &pwp) == 0 && pwp != NULL &&
	    mamori_snprintf(out, cap, "%s", pwp->pw_name) == 0)
		return;
	(void)mamori_snprintf(out, cap, "uid=%u", (unsigned)getuid());
}

static int
open_reporter(struct otp_ctx *c)
{
	struct mamori_reporter_opts o = mamori_reporter_opts_from(c->cfg, "mamorictl");

	return mamori_reporter_new(&o, &c->rep);
}

int
otp_refuse(struct otp_ctx *c, const char *reason, int err, const char *text)
{
	const char *etext = err == -ELOOP ? _("is a symbolic link") : mamori_strerror(err);

	if (err != 0)
		fprintf(stderr, "mamorictl otp %s: %s: %s\n", c->command, text, etext);
	else
		fprintf(stderr, "mamorictl otp %s: %s\n", c->command, text);
	if (c->rep != NULL)
		MAMORI_REPORT(c->rep, MAMORI_EV_ADMIN_OTP_REFUSED, "administrative command refused",
			      MAMORI_STR("command", c->command), MAMORI_STR("user", c->user),
			      MAMORI_STR("by", c->by), MAMORI_STR("reason", reason),
			      MAMORI_STR("error", err != 0 ? mamori_strerror(err) : ""));
	return OTP_FAIL;
}

static int
open_store(struct otp_ctx *c, bool create_dir)
{
	const char *dir = c->cfg->auth.state_dir;
	char text[512];
	int r = 0;

	if (create_dir)
		r = mamori_ensure_dir(dir, 0700, 0, 0);
	if (r == 0)
		r = mamori_userstore_open(dir, 0, &c->store);
	if (r == 0)
		return 0;
	(void)snprintf(text, sizeof(text), _("state directory %s refused"), dir);
	return otp_refuse(c, "state", r, text);
}

int
otp_begin(struct otp_ctx *c, const char *command, const char *user, bool create_dir)
{
	struct mamori_config_load_opts o = {.path = config_path, .trusted_uid = 0};
	char err[1024];
	int r;

	memset(c, 0, sizeof(*c));
	c->command = command;
	c->user = user;
	find_caller(c->by, sizeof(c->by));
	if (mamori_config_load(&o, &c->cfg, err, sizeof(err)) < 0) {
		/* a caller without root is told that first: it is the fix to make */
		fprintf(stderr, "mamorictl otp %s: %s\n", command,
			geteuid() != 0 ? _("must be run as root") : err);
		return OTP_FAIL;
	}
	if ((r = open_reporter(c)) < 0)
		fprintf(stderr, _("mamorictl otp %s: events cannot be reported: %s\n"), command,
			mamori_strerror(r));
	if (geteuid() != 0)
		return otp_refuse(c, "not-root", 0, _("must be run as root"));
	if (user != NULL && !otp_user_name_ok(user))
		return otp_refuse(c, "bad-user", 0,
				  _("invalid user name (letters, digits and . _ - @ \\ $, "
				    "at most 64, not starting with - or .)"));
	return open_store(c, create_dir) == 0 ? OTP_OK : OTP_FAIL;
}

void
otp_end(struct otp_ctx *c)
{
	mamori_userstore_unlock(&c->lock);
	mamori_userstore_close(&c->store);
	mamori_reporter_free(&c->rep);
	mamori_config_free(&c->cfg);
}

int
otp_lock_load(struct otp_ctx *c, struct mamori_userstate *st)
{
	int r;

	if (c->lock == NULL && (r = mamori_userstore_lock(c->store, c->user, &c->lock)) < 0) {
		otp_refuse(c, "state", r, _("cannot lock the user's state"));
		return r;
	}
	r = mamori_userstore_load(c->lock, st);
	if (r < 0 && r != -ENOENT)
		otp_refuse(c, "state", r, _("the user's state cannot be used"));
	return r;
}

int
otp_load_enrolled(struct otp_ctx *c, struct mamori_userstate *st)
{
	int r = otp_lock_load(c, st);

	if (r == -ENOENT)
		return otp_refuse(c, "not-enrolled", 0, _("the user is not enrolled"));
	return r < 0 ? OTP_FAIL : OTP_OK;
}

int
otp_save(struct otp_ctx *c, const struct mamori_userstate *st)
{
	int r = mamori_userstore_save(c->lock, st);

	if (r < 0)
		otp_refuse(c, "save", r, _("the user's state could not be saved"));
	return r;
}

int
otp_run_for_user(int argc, char **argv, const char *name, const char *help,
		 int (*run)(struct otp_ctx *))
{
	struct otp_ctx c;
	const char *user;
	int r;

	if (mamorictl_wants_help(argc, argv)) {
		printf(_("usage: mamorictl otp %s USER\n\n%s\n"), name, help);
		return OTP_OK;
	}
	if ((user = otp_one_user(argc, argv, name)) == NULL)
		return OTP_USAGE;
	if ((r = otp_begin(&c, name, user, false)) == OTP_OK)
		r = run(&c);
	otp_end(&c);
	return r;
}
