/* mamorictl otp recovery-codes / resync: new recovery codes without re-keying, and an HOTP
 * token brought back in step with two consecutive codes. */
#include <errno.h>

#include "commands.h"
#include "mamori/i18n.h"
#include "mamori/otp_resync.h"
#include "mamori/recovery.h"
#include "mamori/secmem.h"
#include "otp.h"

/* How far ahead of the stored counter a token is looked for: RFC 4226 §7.4 resynchronises
 * over a bounded look-ahead; a token a thousand presses ahead is best re-enrolled. */
#define RESYNC_WINDOW 1000

static int
renew_codes(struct otp_ctx *c)
{
	char codes[MAMORI_RECOVERY_MAX][MAMORI_RECOVERY_TEXT];
	size_t n = c->cfg->auth.recovery_codes;
	struct mamori_userstate st;
	int r;

	if ((r = otp_load_enrolled(c, &st)) != OTP_OK)
		return r;
	if (mamori_recovery_generate(&st, n, codes) < 0)
		r = otp_refuse(c, "state", -EIO, _("recovery codes cannot be made"));
	else if (otp_save(c, &st) < 0)
		r = OTP_FAIL;
	mamori_userstate_wipe(&st);
	if (r == OTP_OK) {
		OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_RECOVERY_RENEWED, "recovery codes replaced",
			   MAMORI_INT("codes", n));
		printf(_("New recovery codes for %s (each works once; shown only now; the old "
			 "ones no longer work):\n"), c->user);
		for (size_t i = 0; i < n; i++)
			printf("  %s\n", codes[i]);
	}
	mamori_wipe(codes, sizeof(codes));
	return r;
}

int
cmd_otp_recovery_codes(int argc, char **argv)
{
	return otp_run_for_user(argc, argv, "recovery-codes",
				_("Replace USER's recovery codes with new ones (auth.recovery_codes "
				  "of them),\nprinted once; the secret stays the same."),
				renew_codes);
}

static int
resync_failed(struct otp_ctx *c, const char *reason, const char *text)
{
	OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_RESYNC_FAILED, "HOTP resynchronisation refused",
		   MAMORI_STR("reason", reason), MAMORI_INT("searched", RESYNC_WINDOW + 1));
	fprintf(stderr, "mamorictl otp resync: %s\n", text);
	return OTP_FAIL;
}

static int
resync_refused(struct otp_ctx *c, int r)
{
	if (r == -EOPNOTSUPP)
		return resync_failed(c, "not-hotp", _("only HOTP tokens are resynchronised; TOTP "
						      "follows the clock"));
	if (r == -EINVAL)
		return resync_failed(c, "malformed", _("CODE1 and CODE2 must be codes of the "
						       "token's length"));
	return resync_failed(c, "not-found", _("no two consecutive codes of the token match "
					       "within 1000 presses; counter unchanged"));
}

static int
resync(struct otp_ctx *c, const char *code1, const char *code2)
{
	struct mamori_userstate st;
	uint64_t skipped = 0;
	int r;

	if ((r = otp_load_enrolled(c, &st)) != OTP_OK)
		return r;
	if ((r = mamori_hotp_resync(&st, code1, code2, RESYNC_WINDOW, &skipped)) < 0)
		r = resync_refused(c, r);
	else
		r = otp_save(c, &st) < 0 ? OTP_FAIL : OTP_OK;
	if (r == OTP_OK) {
		OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_RESYNCED, "HOTP token resynchronised",
			   MAMORI_INT("skipped", skipped), MAMORI_INT("counter", st.counter));
		printf(_("%s: token resynchronised; next counter %llu.\n"), c->user,
		       (unsigned long long)st.counter);
	}
	mamori_userstate_wipe(&st);
	return r;
}

int
cmd_otp_resync(int argc, char **argv)
{
	bool help = mamorictl_wants_help(argc, argv);
	struct otp_ctx c;
	int r;

	if (help || argc != 4) {
		fputs(_("usage: mamorictl otp resync USER CODE1 CODE2\n\nBring USER's HOTP token "
			  "back in step: CODE1 and CODE2 are two consecutive codes\n(press the "
			  "button twice). They are looked for up to 1000 presses ahead.\n"),
		      help ? stdout : stderr);
		return help ? OTP_OK : OTP_USAGE;
	}
	if ((r = otp_begin(&c, "resync", argv[1], false)) == OTP_OK)
		r = resync(&c, argv[2], argv[3]);
	otp_end(&c);
	return r;
}
