/* mamorictl otp import-pskc: hardware-token seeds from a vendor's PSKC file (RFC 6030).
 * --list shows what a file holds (never a seed); --serial S --user U gives one token to one
 * user. Every use, and every file or key refused, is an event. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "columns.h"
#include "commands.h"
#include "mamori/config.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/i18n.h"
#include "mamori/pskc_read.h"
#include "mamori/secmem.h"
#include "mamori/userstore.h"

#define CMD "mamorictl otp import-pskc"

struct import {
	const char *file, *key_file, *serial, *user, *config;
	const char *file_ev, *key_ev; /* the files as events name them: absolute */
	char file_abs[PATH_MAX], key_abs[PATH_MAX];
	bool list, force;
	struct mamori_config *cfg;
	struct mamori_reporter *rep;
	struct mamori_pskc_psk psk;
	struct mamori_pskc *pskc;
};

static void
usage(FILE *out)
{
	fprintf(out, _("usage: %s FILE [--key-file KEYFILE] --list\n"
		       "       %s FILE [--key-file KEYFILE] --serial SERIAL --user USER [--force]\n"
		       "\n"
		       "Read hardware tokens from a PSKC file (RFC 6030) as the vendor delivers it.\n"
		       "FILE must be yours (root's), not a symbolic link, not writable by group\n"
		       "or others: copy it from the vendor's medium first.\n"
		       "\n"
		       "  --list             list the tokens in FILE: serial, kind, hash, digits\n"
		       "  --serial SERIAL    the token to give ...\n"
		       "  --user USER        ... to this user, active at once\n"
		       "  --force            replace the user's current token (recovery codes and\n"
		       "                     lockout are kept)\n"
		       "  --key-file KEYFILE the pre-shared key in hex, for a file whose seeds are\n"
		       "                     encrypted; root-owned, mode 0600\n"
		       "  --config FILE      mamori.conf to use (default %s)\n"
		       "  --help             this text\n"),
		CMD, CMD, MAMORI_CONFIG_PATH);
}

/* NAME VALUE options; 0, or 2 after a message. */
static int
take_value(int argc, char **argv, int *i, const char **dst)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, _("%s: %s needs a value\n"), CMD, argv[*i]);
		return 2;
	}
	*dst = argv[++*i];
	return 0;
}

static int
parse_option(int argc, char **argv, int *i, struct import *im)
{
	const char *a = argv[*i];

	if (strcmp(a, "--list") == 0)
		im->list = true;
	else if (strcmp(a, "--force") == 0)
		im->force = true;
	else if (strcmp(a, "--key-file") == 0)
		return take_value(argc, argv, i, &im->key_file);
	else if (strcmp(a, "--serial") == 0)
		return take_value(argc, argv, i, &im->serial);
	else if (strcmp(a, "--user") == 0)
		return take_value(argc, argv, i, &im->user);
	else if (strcmp(a, "--config") == 0)
		return take_value(argc, argv, i, &im->config);
	else {
		fprintf(stderr, _("%s: unknown option '%s'\n"), CMD, a);
		return 2;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct import *im)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_option(argc, argv, &i, im) != 0)
				return 2;
		} else if (im->file != NULL) {
			fprintf(stderr, _("%s: more than one FILE given\n"), CMD);
			return 2;
		} else {
			im->file = argv[i];
		}
	}
	if (im->file == NULL)
		fprintf(stderr, _("%s: no FILE given\n"), CMD);
	else if (im->list == (im->serial != NULL || im->user != NULL))
		fprintf(stderr, _("%s: give either --list or --serial and --user\n"), CMD);
	else if (!im->list && (im->serial == NULL || im->user == NULL))
		fprintf(stderr, _("%s: --serial and --user go together\n"), CMD);
	else
		return 0;
	return 2;
}


/* path as an absolute name for events, without resolving links (a symlink must show as
 * one); the name as given when the working directory is unknown. */
static const char *
absolute(const char *path, char *out, size_t cap)
{
	char cwd[PATH_MAX];
	int n;

	if (path == NULL || path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return path;
	n = snprintf(out, cap, "%s/%s", cwd, path);
	return n > 0 && (size_t)n < cap ? out : path;
}

/* Configuration and reporter; 0, or 1 after a message. */
static int
open_context(struct import *im)
{
	struct mamori_config_load_opts o = {.path = im->config, .trusted_uid = 0};
	struct mamori_reporter_opts ro;
	char err[1024];
	int r;

	if (mamori_config_load(&o, &im->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ro = mamori_reporter_opts_from(im->cfg, "mamorictl");
	if ((r = mamori_reporter_new(&ro, &im->rep)) < 0) {
		fprintf(stderr, _("%s: cannot start reporting events: %s\n"), CMD,
			mamori_strerror(r));
		return 1;
	}
	return 0;
}

static const char *
problem(int r)
{
	switch (r) {
	case -ENOENT:
		return "missing";
	case -ELOOP:
		return "symlink";
	case MAMORI_E_OWNER:
		return "owner";
	case MAMORI_E_MODE:
		return "mode";
	case MAMORI_E_NOTREG:
		return "not-a-file";
	case MAMORI_E_TOOBIG:
		return "too-big";
	case MAMORI_E_CORRUPT:
		return "malformed";
	case -ENOTSUP:
		return "unsupported";
	case -ENOKEY:
		return "no-key";
	case -EKEYREJECTED:
		return "wrong-key";
	case -EBADMSG:
		return "bad-mac";
	default:
		return "unreadable";
	}
}

/* The pre-shared key file: root's alone, like the state files. */
static int
read_key(struct import *im)
{
	struct mamori_file_rules rules = {0, S_IRWXG | S_IRWXO, MAMORI_PSKC_KEYFILE_MAX};
	int r;

	if (im->key_file == NULL || (r = mamori_pskc_read_psk(im->key_file, &rules, &im->psk)) == 0)
		return 0;
	MAMORI_REPORT(im->rep, MAMORI_EV_ADMIN_OTP_PSKC_KEY_REFUSED, "PSKC key file refused",
		      MAMORI_STR("file", im->file_ev),
		      MAMORI_STR("keyfile", im->key_ev),
		      MAMORI_STR("reason", problem(r)),
		      MAMORI_STR("error", mamori_strerror(r)));
	if (r == MAMORI_E_CORRUPT)
		fprintf(stderr, _("%s: refused: expected the key as 32, 48 or 64 hex digits\n"),
			im->key_file);
	else
		fprintf(stderr, _("%s: refused: %s (the key file must be root's, mode 0600)\n"),
			im->key_file, mamori_strerror(r));
	return 1;
}

static int
read_file(struct import *im)
{
	struct mamori_file_rules rules = {getuid(), S_IWGRP | S_IWOTH, MAMORI_PSKC_MAX_SIZE};
	char err[256];
	int r;

	r = mamori_pskc_read(im->file, &rules, im->key_file ? &im->psk : NULL, &im->pskc, err,
			     sizeof(err));
	mamori_wipe(&im->psk, sizeof(im->psk));
	if (r == 0)
		return 0;
	if (r == -EKEYREJECTED || r == -EBADMSG)
		MAMORI_REPORT(im->rep, MAMORI_EV_ADMIN_OTP_PSKC_TAMPERED,
			      "PSKC file refused: integrity check failed",
			      MAMORI_STR("file", im->file_ev), MAMORI_STR("reason", problem(r)),
			      MAMORI_STR("error", err));
	else
		MAMORI_REPORT(im->rep, MAMORI_EV_ADMIN_OTP_PSKC_REFUSED, "PSKC file refused",
			      MAMORI_STR("file", im->file_ev), MAMORI_STR("reason", problem(r)),
			      MAMORI_STR("error", err));
	fprintf(stderr, _("%s: refused: %s\n"), im->file, err);
	if (r == -ENOKEY)
		fprintf(stderr, _("%s: give the vendor's key with --key-file\n"), CMD);
	else if (r == -EKEYREJECTED || r == -EBADMSG)
		fprintf(stderr, _("%s: check the key; if it is right, the file was altered: ask the "
				  "vendor for a new copy\n"),
			CMD);
	return 1;
}

static const char *
kind_name(enum mamori_token_type t)
{
	return t == MAMORI_TOKEN_HOTP ? "hotp" : "totp";
}

static int
list_tokens(struct import *im)
{
	/* TRANSLATORS: column headings of the token list */
	put_cell(stdout, _("SERIAL"), 25);
	put_cell(stdout, _("KIND"), 6);
	put_cell(stdout, _("HASH"), 8);
	put_cell(stdout, _("DIGITS"), 7);
	printf("%s\n", _("COUNTER/STEP"));
	for (size_t i = 0; i < im->pskc->n_tokens; i++) {
		const struct mamori_pskc_token *t = &im->pskc->tokens[i];

		printf("%-24s %-5s %-7s %-6u ", t->serial, kind_name(t->type),
		       mamori_otp_algorithm_name(t->algorithm), t->digits);
		if (t->type == MAMORI_TOKEN_HOTP)
			printf(_("counter %llu\n"), (unsigned long long)t->counter);
		else
			printf(_("%u s\n"), t->step);
	}
	MAMORI_REPORT(im->rep, MAMORI_EV_ADMIN_OTP_PSKC_LISTED, "PSKC file listed",
		      MAMORI_STR("file", im->file_ev), MAMORI_INT("tokens", im->pskc->n_tokens),
		      MAMORI_INT("encrypted", im->pskc->encrypted));
	if (fflush(stdout) != 0) {
		fprintf(stderr, _("%s: cannot write the output\n"), CMD);
		return 1;
	}
	return 0;
}

static int
not_assigned(struct import *im, const char *reason, int r, const char *text)
{
	MAMORI_REPORT(im->rep, MAMORI_EV_ADMIN_OTP_PSKC_NOT_ASSIGNED, "PSKC token not assigned",
		      MAMORI_STR("user", im->user), MAMORI_STR("serial", im->serial),
		      MAMORI_STR("file", im->file_ev), MAMORI_STR("reason", reason),
		      MAMORI_STR("error", r < 0 ? mamori_strerror(r) : ""));
	fprintf(stderr, "%s\n", text);
	return 1;
}

/* The new state: the token's, with what belongs to the user (recovery codes, failures, lock)
 * kept from old when there was one. */
static void
token_state(const struct import *im, const struct mamori_pskc_token *t,
	    const struct mamori_userstate *old, struct mamori_userstate *st)
{
	if (old != NULL)
		*st = *old;
	else
		memset(st, 0, sizeof(*st));
	mamori_wipe(st->key, sizeof(st->key));
	st->type = t->type;
	st->algorithm = t->algorithm;
	st->digits = t->digits;
	st->step = t->type == MAMORI_TOKEN_TOTP ? t->step : im->cfg->auth.step;
	/* HOTP: the token's next counter; TOTP: no step used yet */
	st->counter = t->type == MAMORI_TOKEN_HOTP ? t->counter : 0;
	memcpy(st->key, t->key, t->key_len);
	st->key_len = t->key_len;
	/* a seed from the vendor needs no first code to confirm it was copied right */
	st->active = true;
}

/* Under the user's lock: refuse to overwrite unless forced, then save. */
static int
store_token(struct import *im, struct mamori_userlock *lock, const struct mamori_pskc_token *t)
{
	struct mamori_userstate old, st;
	char text[512];
	int r = mamori_userstore_load(lock, &old);

	if (r == 0 && !im->force) {
		(void)snprintf(text, sizeof(text),
			       _("%s: %s already has a second factor; --force replaces it"), CMD,
			       im->user);
		r = not_assigned(im, "enrolled", 0, text);
		goto out;
	}
	/* a damaged file may be replaced on request; a tampered one (owner, mode, symlink)
	 * must be looked at first */
	if (r < 0 && r != -ENOENT &&
	    !(im->force && (r == MAMORI_E_CORRUPT || r == MAMORI_E_TOOBIG))) {
		(void)snprintf(text, sizeof(text), _("%s: %s's state cannot be used: %s"), CMD,
			       im->user, mamori_strerror(r));
		r = not_assigned(im, "state-unusable", r, text);
		goto out;
	}
	token_state(im, t, r == 0 ? &old : NULL, &st);
	if ((r = mamori_userstore_save(lock, &st)) < 0) {
		(void)snprintf(text, sizeof(text), _("%s: cannot save %s's state: %s"), CMD,
			       im->user, mamori_strerror(r));
		r = not_assigned(im, "save-failed", r, text);
	}
out:
	mamori_userstate_wipe(&old);
	mamori_userstate_wipe(&st);
	return r;
}

static int
assign(struct import *im)
{
	const struct mamori_pskc_token *t = mamori_pskc_find(im->pskc, im->serial);
	const char *dir = im->cfg->auth.state_dir;
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	char text[512];
	int r;

	if (t == NULL) {
		(void)snprintf(text, sizeof(text), _("%s: no token with serial %s in %s"), CMD,
			       im->serial, im->file);
		return not_assigned(im, "no-such-serial", 0, text);
	}
	if ((r = mamori_ensure_dir(dir, 0700, 0, 0)) < 0 ||
	    (r = mamori_userstore_open(dir, 0, &store)) < 0 ||
	    (r = mamori_userstore_lock(store, im->user, &lock)) < 0) {
		(void)snprintf(text, sizeof(text), _("%s: %s: %s"), CMD, dir, mamori_strerror(r));
		r = not_assigned(im, "state-unusable", r, text);
	} else if ((r = store_token(im, lock, t)) == 0) {
		MAMORI_REPORT(im->rep, MAMORI_EV_ADMIN_OTP_PSKC_IMPORTED,
			      "hardware token assigned from a PSKC file",
			      MAMORI_STR("user", im->user), MAMORI_STR("serial", t->serial),
			      MAMORI_STR("kind", kind_name(t->type)),
			      MAMORI_STR("algorithm", mamori_otp_algorithm_name(t->algorithm)),
			      MAMORI_INT("digits", t->digits), MAMORI_STR("file", im->file_ev),
			      MAMORI_INT("encrypted", im->pskc->encrypted),
			      MAMORI_INT("forced", im->force));
		printf(_("token %s (%s, %s, %u digits) is now %s's second factor\n"), t->serial,
		       kind_name(t->type), mamori_otp_algorithm_name(t->algorithm), t->digits,
		       im->user);
	}
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);
	return r < 0 ? 1 : r;
}

int
cmd_otp_import_pskc(int argc, char **argv)
{
	struct import im = {0};
	int r;

	if (mamorictl_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &im) != 0) {
		usage(stderr);
		return 2;
	}
	im.file_ev = absolute(im.file, im.file_abs, sizeof(im.file_abs));
	im.key_ev = absolute(im.key_file, im.key_abs, sizeof(im.key_abs));
	if ((r = open_context(&im)) == 0 && (r = read_key(&im)) == 0 &&
	    (r = read_file(&im)) == 0)
		r = im.list ? list_tokens(&im) : assign(&im);
	mamori_pskc_free(&im.pskc);
	mamori_wipe(&im.psk, sizeof(im.psk));
	mamori_reporter_free(&im.rep);
	mamori_config_free(&im.cfg);
	return r;
}
