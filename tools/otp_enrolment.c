/* Storing and showing a new enrolment: recovery codes, URI, QR code, PNG sheet. */
#include <errno.h>
#include <string.h>

#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/otpauth.h"
#include "mamori/recovery.h"
#include "mamori/secmem.h"
#include "otp_activate.h"
#include "otp_enroll.h"
#include "otp_qr.h"

static const char *
type_name(enum mamori_token_type t)
{
	return t == MAMORI_TOKEN_HOTP ? "hotp" : "totp";
}

static void
report_enrolled(struct otp_ctx *c, const struct mamori_userstate *st, bool replaced)
{
	OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_ENROLLED,
		   st->active ? "user enrolled for the second factor"
			      : "user enrolled; pending until the first code is verified",
		   MAMORI_STR("type", type_name(st->type)),
		   MAMORI_STR("algorithm", mamori_otp_algorithm_name(st->algorithm)),
		   MAMORI_INT("digits", st->digits),
		   MAMORI_STR("state", st->active ? "active" : "pending"),
		   MAMORI_INT("replaced", replaced ? 1 : 0));
}

static void
show(struct otp_ctx *c, const struct otp_enrolment *e, const char *uri,
     char codes[][MAMORI_RECOVERY_TEXT], size_t n)
{
	const struct mamori_userstate *st = &e->st;

	printf(_("Enrolment of %s: %s, %s, %u digits\n\n"), c->user,
	       st->type == MAMORI_TOKEN_HOTP ? "HOTP" : "TOTP",
	       mamori_otp_algorithm_name(st->algorithm), st->digits);
	printf("%s\n\n", uri);
	if (otp_qr_print(stdout, uri, otp_qr_utf8_locale()) < 0)
		fprintf(stderr, _("mamorictl otp enroll: the QR code cannot be drawn; "
				  "type the URI instead\n"));
	if (n > 0) {
		printf(_("\nRecovery codes (each works once; shown only now):\n"));
		for (size_t i = 0; i < n; i++)
			printf("  %s\n", codes[i]);
	}
	printf("\n");
}

static int
write_sheet(struct otp_ctx *c, struct otp_enrolment *e, const char *uri)
{
	char text[512];
	int r;

	if (e->png_fd < 0)
		return OTP_OK;
	if ((r = otp_qr_png(e->png_fd, uri)) < 0) {
		(void)snprintf(text, sizeof(text), _("cannot write %s"), e->png);
		return otp_refuse(c, "output", r, text);
	}
	e->png_written = true;
	printf(_("QR code written to %s\n"), e->png);
	return OTP_OK;
}

/* Codes and URI first: nothing is stored when they cannot be made. */
static int
prepare(struct otp_ctx *c, struct otp_enrolment *e, char *uri, size_t cap,
	char codes[][MAMORI_RECOVERY_TEXT], size_t n)
{
	int r = mamori_recovery_generate(&e->st, n, codes);

	if (r < 0)
		return otp_refuse(c, "state", r, _("recovery codes cannot be made"));
	r = mamori_otpauth_uri(&e->st, e->issuer, c->user, uri, cap);
	if (r == -EINVAL)
		return otp_refuse(c, "bad-option", 0,
				  _("--issuer: at most 64 bytes and no ':' (it separates the "
				    "label's parts)"));
	if (r < 0)
		return otp_refuse(c, "state", r, _("the enrolment URI cannot be made"));
	return OTP_OK;
}

int
otp_enrolment_run(struct otp_ctx *c, struct otp_enrolment *e, bool replaced)
{
	char codes[MAMORI_RECOVERY_MAX][MAMORI_RECOVERY_TEXT];
	char uri[MAMORI_OTPAUTH_MAX];
	size_t n = c->cfg->auth.recovery_codes;
	int r;

	if ((r = prepare(c, e, uri, sizeof(uri), codes, n)) == OTP_OK &&
	    (r = otp_save(c, &e->st) < 0 ? OTP_FAIL : OTP_OK) == OTP_OK) {
		report_enrolled(c, &e->st, replaced);
		show(c, e, uri, codes, n);
		r = write_sheet(c, e, uri);
		if (fflush(stdout) != 0)
			r = otp_refuse(c, "output", -EIO, _("cannot write the output"));
	}
	mamori_wipe(codes, sizeof(codes));
	mamori_wipe(uri, sizeof(uri));
	if (r == OTP_OK && !e->st.active)
		r = otp_activate(c, &e->st);
	else if (r == OTP_OK)
		printf(_("%s is enrolled; the second factor is required from the next login.\n"),
		       c->user);
	return r;
}
