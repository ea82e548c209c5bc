/* mamorictl otp recovery-codes / resync: new recovery codes without re-keying, and an HOTP
 * token brought back in step with two consecutive codes. */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "mamori/i18n.h"
#include "mamori/otp.h"
#include "mamori/recovery.h"
#include "mamori/secmem.h"
#include "otp.h"

/* How far ahead of the stored counter a token is looked for: RFC 4226 §7.4 resynchronises
 * over a bounded look-ahead; a token a thousand presses ahead is best re-enrolled. */
#define RESYNC_WINDOW 1000

static int
load_enrolled(struct otp_ctx *c, struct mamori_userstate *st)
{
	int r = otp_lock_load(c, st);

	if (r == -ENOENT)
		return otp_refuse(c, "not-enrolled", 0, _("the user is not enrolled"));
	return r < 0 ? OTP_FAIL : OTP_OK;
}

static int
renew_codes(struct otp_ctx *c)
{
	char codes[MAMORI_RECOVERY_MAX][MAMORI_RECOVERY_TEXT];
	size_t n = c->cfg->auth.recovery_codes;
	struct mamori_userstate st;
	int r;

	if ((r = load_enrolled(c, &st)) != OTP_OK)
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

static bool
code_is(const struct mamori_userstate *st, uint64_t counter, const char *code)
{
	char want[MAMORI_OTP_MAX_DIGITS + 1];
	uint32_t v;
	bool eq;

	if (mamori_hotp(st->key, st->key_len, st->algorithm, counter, st->digits, &v) < 0 ||
	    mamori_otp_format(v, st->digits, want, sizeof(want)) < 0)
		return false;
	eq = mamori_streq_ct(want, code);
	mamori_wipe(want, sizeof(want));
	return eq;
}

/* The counter c in [st->counter, st->counter + RESYNC_WINDOW] whose code is code1 and whose
 * successor's is code2. */
static bool
find_pair(const struct mamori_userstate *st, const char *code1, const char *code2,
	  uint64_t *ret)
{
	for (uint64_t c = st->counter; c - st->counter <= RESYNC_WINDOW; c++) {
		if (c + 1 >= UINT64_MAX - 1)
			break;
		if (code_is(st, c, code1) && code_is(st, c + 1, code2)) {
			*ret = c;
			return true;
		}
	}
	return false;
}

static int
resync_failed(struct otp_ctx *c, const char *reason, const char *text)
{
	OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_RESYNC_FAILED, "HOTP resynchronisation refused",
		   MAMORI_STR("reason", reason), MAMORI_INT("searched", RESYNC_WINDOW + 1));
	fprintf(stderr, "mamorictl otp resync: %s\n", text);
	return OTP_FAIL;
}

static bool
well_formed(const char *code, unsigned digits)
{
	return strlen(code) == digits && strspn(code, "0123456789") == digits;
}

static int
resync(struct otp_ctx *c, const char *code1, const char *code2)
{
	struct mamori_userstate st;
	uint64_t at = 0, old;
	int r;

	if ((r = load_enrolled(c, &st)) != OTP_OK)
		return r;
	old = st.counter;
	if (st.type != MAMORI_TOKEN_HOTP)
		r = resync_failed(c, "not-hotp", _("only HOTP tokens are resynchronised; TOTP "
						   "follows the clock"));
	else if (!well_formed(code1, st.digits) || !well_formed(code2, st.digits))
		r = resync_failed(c, "malformed", _("CODE1 and CODE2 must be codes of the "
						    "token's length"));
	else if (!find_pair(&st, code1, code2, &at))
		r = resync_failed(c, "not-found", _("no two consecutive codes of the token "
						    "match within 1000 presses; counter unchanged"));
	else {
		st.counter = at + 2; /* both codes are used up */
		r = otp_save(c, &st) < 0 ? OTP_FAIL : OTP_OK;
	}
	if (r == OTP_OK) {
		OTP_REPORT(c, MAMORI_EV_ADMIN_OTP_RESYNCED, "HOTP token resynchronised",
			   MAMORI_INT("skipped", at - old), MAMORI_INT("counter", st.counter));
		printf(_("%s: token resynchronised; next counter %llu.\n"), c->user,
		       (unsigned long long)st.counter);
	}
	mamori_userstate_wipe(&st);
	return r;
}

int
cmd_otp_resync(int argc, char **argv)
{
	struct otp_ctx c;
	int r;

	if (mamorictl_wants_help(argc, argv) || argc != 4) {
		fprintf(argc != 4 ? stderr : stdout,
			_("usage: mamorictl otp resync USER CODE1 CODE2\n\nBring USER's HOTP token "
			  "back in step: CODE1 and CODE2 are two consecutive codes\n(press the "
			  "button twice). They are looked for up to 1000 presses ahead.\n"));
		return argc != 4 ? OTP_USAGE : OTP_OK;
	}
	if ((r = otp_begin(&c, "resync", argv[1], false)) == OTP_OK)
		r = resync(&c, argv[2], argv[3]);
	otp_end(&c);
	return r;
}
