/* mamorictl otp list / show: who is enrolled and how things stand. Never a secret. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "columns.h"
#include "commands.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/recovery.h"
#include "otp.h"
#include "otp_args.h"

/* The user a state file name stands for (mamori_user_filename in reverse), or false for a
 * name that function would not have made: lock files, temporaries, strays. */
static bool
user_of_file(const char *file, char *user, size_t cap)
{
	char again[MAMORI_USERFILE_MAX + 1];
	size_t n = 0;

	for (const char *p = file; *p != '\0' && n + 1 < cap; n++) {
		unsigned v;
		if (*p == '%' && sscanf(p + 1, "%2X", &v) == 1 && v != 0) {
			user[n] = (char)v;
			p += 3;
		} else {
			user[n] = *p++;
		}
	}
	user[n] = '\0';
	return mamori_user_filename(user, again, sizeof(again)) == 0 && strcmp(again, file) == 0;
}

static void
until_text(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= (int64_t)time(NULL))
		(void)snprintf(out, cap, "-");
	else if (localtime_r(&tt, &tm) == NULL ||
		 strftime(out, cap, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		(void)snprintf(out, cap, "%lld", (long long)t);
}

static int
load_user(struct otp_ctx *c, const char *user, struct mamori_userstate *st)
{
	struct mamori_userlock *lock = NULL;
	int r;

	if ((r = mamori_userstore_lock(c->store, user, &lock)) == 0)
		r = mamori_userstore_load(lock, st);
	mamori_userstore_unlock(&lock);
	return r;
}

static void
list_line(struct otp_ctx *c, const char *user)
{
	struct mamori_userstate st;
	char until[40];
	int r = load_user(c, user, &st);

	if (r < 0) {
		printf("%-20s %s: %s\n", user, _("unusable"), mamori_strerror(r));
		return;
	}
	until_text(st.locked_until, until, sizeof(until));
	printf("%-20s %-4s %-6s %-6u %-7s %-24s %u\n", user,
	       st.type == MAMORI_TOKEN_HOTP ? "hotp" : "totp",
	       mamori_otp_algorithm_name(st.algorithm), st.digits,
	       st.active ? "active" : "pending", until, st.failures);
	mamori_userstate_wipe(&st);
}

static int
list_users(struct otp_ctx *c)
{
	struct dirent **names = NULL;
	char user[MAMORI_USERFILE_MAX + 1];
	int n = scandir(c->cfg->auth.state_dir, &names, NULL, alphasort);

	if (n < 0)
		return otp_refuse(c, "state", -errno, _("cannot read the state directory"));
	/* the widths of list_line's columns, one space between */
	put_cell(stdout, _("USER"), 21);
	put_cell(stdout, _("KIND"), 5);
	put_cell(stdout, _("ALG"), 7);
	put_cell(stdout, _("DIGITS"), 7);
	put_cell(stdout, _("STATE"), 8);
	put_cell(stdout, _("LOCKED UNTIL"), 25);
	printf("%s\n", _("FAILURES"));
	for (int i = 0; i < n; i++) {
		/* any other entry is listed, so a planted symlink shows as unusable; the
		 * temporaries of an update in progress (NAME.tmp.PID) are not users */
		if (strstr(names[i]->d_name, ".tmp.") == NULL &&
		    user_of_file(names[i]->d_name, user, sizeof(user)))
			list_line(c, user);
		free(names[i]);
	}
	free(names);
	return fflush(stdout) == 0 ? OTP_OK : OTP_FAIL;
}

int
cmd_otp_list(int argc, char **argv)
{
	bool help = mamorictl_wants_help(argc, argv);
	struct otp_ctx c;
	int r;

	if (help || argc != 1) {
		fputs(_("usage: mamorictl otp list\n\nList every enrolled user: kind, algorithm, "
			  "digits, active or pending,\nlocked until, consecutive failures.\n"),
		      help ? stdout : stderr);
		return help ? OTP_OK : OTP_USAGE;
	}
	if ((r = otp_begin(&c, "list", NULL, false)) == OTP_OK)
		r = list_users(&c);
	otp_end(&c);
	return r;
}

static void
show_state(const char *user, const struct mamori_userstate *st)
{
	char until[40];

	until_text(st->locked_until, until, sizeof(until));
	printf(_("user:           %s\n"), user);
	printf(_("kind:           %s\n"), st->type == MAMORI_TOKEN_HOTP ? "hotp" : "totp");
	printf(_("algorithm:      %s\n"), mamori_otp_algorithm_name(st->algorithm));
	printf(_("digits:         %u\n"), st->digits);
	if (st->type == MAMORI_TOKEN_HOTP)
		printf(_("next counter:   %llu\n"), (unsigned long long)st->counter);
	else
		printf(_("time step:      %u s\n"), st->step);
	printf(_("state:          %s\n"),
	       st->active ? _("active") : _("pending (first code not verified yet)"));
	printf(_("failures:       %u\n"), st->failures);
	printf(_("locked until:   %s\n"), until);
	printf(_("recovery codes: %zu of %zu unused\n"), mamori_recovery_left(st), st->n_recovery);
}

int
cmd_otp_show(int argc, char **argv)
{
	struct mamori_userstate st;
	struct otp_ctx c;
	const char *user;
	int r;

	if (mamorictl_wants_help(argc, argv)) {
		printf(_("usage: mamorictl otp show USER\n\nShow USER's enrolment; never the "
			 "secret.\n"));
		return OTP_OK;
	}
	if ((user = otp_one_user(argc, argv, "show")) == NULL)
		return OTP_USAGE;
	if ((r = otp_begin(&c, "show", user, false)) == OTP_OK) {
		if ((r = otp_load_enrolled(&c, &st)) == OTP_OK)
			show_state(user, &st);
		mamori_userstate_wipe(&st);
	}
	otp_end(&c);
	return r;
}
