/* mamorictl otp enroll: a new secret for a user, shown as an otpauth:// URI and a QR code,
 * with new recovery codes. The enrolment stays pending (logins treat the user as not
 * enrolled) until a first code from the app or token is verified. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "commands.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/otpauth.h"
#include "mamori/otp_verify.h"
#include "mamori/recovery.h"
#include "mamori/secmem.h"
#include "otp.h"
#include "otp_args.h"
#include "otp_enroll.h"
#include "otp_qr.h"

struct enroll_opts {
	const char *user, *png, *issuer;
	enum mamori_token_type type;
	bool have_alg, no_verify, force;
	enum mamori_otp_algorithm alg;
	unsigned digits; /* 0: the configured default */
};

static void
usage(FILE *out)
{
	fprintf(out, _("usage: mamorictl otp enroll USER [--totp|--hotp] "
		       "[--algorithm sha1|sha256|sha512]\n"
		       "         [--digits 6|7|8] [--issuer TEXT] [--png FILE] [--no-verify] "
		       "[--force]\n"
		       "\n"
		       "Make a new secret for USER and print the otpauth:// URI, a QR code for the "
		       "app and\nnew recovery codes. The enrolment is pending until a first code is "
		       "typed here;\nuntil then logins treat USER as not enrolled.\n"
		       "\n"
		       "  --totp, --hotp  time-based app (default) or counter-based token\n"
		       "  --algorithm     HMAC hash (default: auth.algorithm)\n"
		       "  --digits        code length (default: auth.digits)\n"
		       "  --issuer        name the app shows (default: \"mamori HOST\")\n"
		       "  --png FILE      also write the QR code as a PNG (a new file, mode 0600)\n"
		       "  --no-verify     in force at once, without a first code\n"
		       "  --force         replace an enrolment that is in force\n"));
}

/* The option at argv[*i] that takes a value: the value, or NULL at the end of argv. */
static const char *
value_of(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, _("mamorictl otp enroll: %s needs a value\n"), argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static int
parse_option(int argc, char **argv, int *i, struct enroll_opts *o)
{
	const char *a = argv[*i], *v;

	if (strcmp(a, "--totp") == 0 || strcmp(a, "--hotp") == 0) {
		o->type = a[2] == 'h' ? MAMORI_TOKEN_HOTP : MAMORI_TOKEN_TOTP;
	} else if (strcmp(a, "--no-verify") == 0) {
		o->no_verify = true;
	} else if (strcmp(a, "--force") == 0) {
		o->force = true;
	} else if (strcmp(a, "--algorithm") == 0) {
		if ((v = value_of(argc, argv, i)) == NULL)
			return -1;
		if (!(o->have_alg = otp_parse_algorithm(v, &o->alg)))
			fprintf(stderr, _("mamorictl otp enroll: --algorithm: expected sha1, "
					  "sha256 or sha512, got \"%s\"\n"), v);
		return o->have_alg ? 0 : -1;
	} else if (strcmp(a, "--digits") == 0) {
		if ((v = value_of(argc, argv, i)) == NULL)
			return -1;
		if (!otp_parse_digits(v, &o->digits)) {
			fprintf(stderr, _("mamorictl otp enroll: --digits: expected 6, 7 or 8, "
					  "got \"%s\"\n"), v);
			return -1;
		}
	} else if (strcmp(a, "--png") == 0 || strcmp(a, "--issuer") == 0) {
		if ((v = value_of(argc, argv, i)) == NULL)
			return -1;
		*(a[2] == 'p' ? &o->png : &o->issuer) = v;
	} else {
		fprintf(stderr, _("mamorictl otp enroll: unknown option '%s'\n"), a);
		return -1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct enroll_opts *o)
{
	bool dashdash = false;

	for (int i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = true;
		} else if (!dashdash && argv[i][0] == '-') {
			if (parse_option(argc, argv, &i, o) < 0)
				return -1;
		} else if (o->user != NULL) {
			fprintf(stderr, _("mamorictl otp enroll: more than one USER given\n"));
			return -1;
		} else {
			o->user = argv[i];
		}
	}
	if (o->user == NULL)
		fprintf(stderr, _("mamorictl otp enroll: no USER given\n"));
	return o->user == NULL ? -1 : 0;
}

/* An existing enrolment: in force only with --force; a pending one is simply replaced. */
static int
check_existing(struct otp_ctx *c, const struct enroll_opts *o, bool *replaced)
{
	struct mamori_userstate old;
	int r = otp_lock_load(c, &old);
	bool active = r == 0 && old.active;

	mamori_userstate_wipe(&old);
	if (r < 0 && r != -ENOENT)
		return OTP_FAIL; /* unusable state: refused; `remove` clears it */
	if (active && !o->force)
		return otp_refuse(c, "enrolled", 0,
				  _("the user is already enrolled; --force replaces the "
				    "enrolment"));
	*replaced = r == 0;
	return OTP_OK;
}

static int
open_png(struct otp_ctx *c, const char *path, int *ret_fd)
{
	char text[512];
	int fd;

	*ret_fd = -1;
	if (path == NULL)
		return OTP_OK;
	/* a new file only: never through a symlink, never over an earlier sheet */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		(void)snprintf(text, sizeof(text), _("cannot create %s"), path);
		return otp_refuse(c, "output", -errno, text);
	}
	*ret_fd = fd;
	return OTP_OK;
}

static int
make_state(struct otp_ctx *c, const struct enroll_opts *o, struct mamori_userstate *st)
{
	const struct mamori_auth_config *a = &c->cfg->auth;

	mamori_userstate_wipe(st);
	st->type = o->type;
	st->algorithm = o->have_alg ? o->alg : a->algorithm;
	st->digits = o->digits ? o->digits : a->digits;
	st->step = a->step;
	st->active = o->no_verify;
	st->key_len = mamori_otp_key_length(st->algorithm);
	/* RFC 4226 §4 R6: 160 bits at least; the key is as long as the hash's output */
	if (getrandom(st->key, st->key_len, 0) != (ssize_t)st->key_len)
		return otp_refuse(c, "state", -EIO, _("no random bytes for the secret"));
	return OTP_OK;
}

static void
default_issuer(char *out, size_t cap)
{
	char host[65] = "";

	if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == '\0')
		(void)snprintf(out, cap, "mamori");
	else
		(void)snprintf(out, cap, "mamori %s", strtok(host, "."));
}

static int
enroll(struct otp_ctx *c, const struct enroll_opts *o)
{
	struct otp_enrolment e = {.png_fd = -1, .png = o->png};
	bool replaced = false;
	int r;

	if ((r = check_existing(c, o, &replaced)) != OTP_OK ||
	    (r = open_png(c, o->png, &e.png_fd)) != OTP_OK)
		return r;
	if ((r = make_state(c, o, &e.st)) == OTP_OK) {
		if (o->issuer != NULL)
			(void)snprintf(e.issuer, sizeof(e.issuer), "%s", o->issuer);
		else
			default_issuer(e.issuer, sizeof(e.issuer));
		r = otp_enrolment_run(c, &e, replaced);
	}
	/* no half-written or unused sheet is left behind when nothing was enrolled */
	if (e.png_fd >= 0 && e.png_written == false)
		(void)unlink(o->png);
	if (e.png_fd >= 0)
		close(e.png_fd);
	mamori_userstate_wipe(&e.st);
	return r;
}

int
cmd_otp_enroll(int argc, char **argv)
{
	struct enroll_opts o = {.type = MAMORI_TOKEN_TOTP};
	struct otp_ctx c;
	int r;

	if (mamorictl_wants_help(argc, argv)) {
		usage(stdout);
		return OTP_OK;
	}
	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return OTP_USAGE;
	}
	if ((r = otp_begin(&c, "enroll", o.user, true)) == OTP_OK)
		r = enroll(&c, &o);
	otp_end(&c);
	return r;
}
