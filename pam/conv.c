/* Prompts and messages for the person logging in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_ext.h>

#include "mamori/i18n.h"
#include "mamori/pam_conv.h"

/* The installed catalogues only: a module inside a setuid program must never read a file
 * the caller chose. Test builds, never installed, read the tree's own build. */
#ifdef MAMORI_TEST_HOOKS
#define LOCALEDIR MAMORI_TEST_LOCALEDIR
#else
#define LOCALEDIR NULL
#endif

/* The one place that decides the language of what the module shows. The locale is the host
 * application's (login, sshd, gdm set it; the module never calls setlocale or textdomain). */
const char *
mamori_pam_text(pam_handle_t *pamh, const char *msgid)
{
	const char *term = pam_getenv(pamh, "TERM");

	if (term == NULL)
		term = getenv("TERM");
	if (!mamori_i18n_term_draws_japanese(term))
		return msgid;
	mamori_i18n_init(LOCALEDIR);
	return _(msgid);
}

int
mamori_pam_ask_code(pam_handle_t *pamh, const char *prompt, char **ret_code)
{
	char *resp = NULL;
	int r;

	if (prompt == NULL)
		prompt = mamori_pam_text(pamh, N_("One-time code: "));
	r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", prompt);
	if (r != PAM_SUCCESS)
		return r;
	if (resp == NULL)
		return PAM_CONV_ERR;
	*ret_code = resp;
	return PAM_SUCCESS;
}

/* Put arg where the translated text has its one "%s". A catalogue is data, not code: it
 * never reaches printf as a format. */
static void
substitute(char *out, size_t cap, const char *text, const char *arg)
{
	const char *at = strstr(text, "%s");

	if (at == NULL)
		(void)snprintf(out, cap, "%s", text);
	else
		(void)snprintf(out, cap, "%.*s%s%s", (int)(at - text), text, arg, at + 2);
}

static void
tell(pam_handle_t *pamh, const char *msgid, const char *arg)
{
	char line[512];

	substitute(line, sizeof(line), mamori_pam_text(pamh, msgid), arg);
	(void)pam_error(pamh, "%s", line);
}

/* Whom to call: the configured text (a section and an extension, as a rule) in a sentence. */
static void
tell_contact(pam_handle_t *pamh, const char *contact)
{
	if (contact != NULL && contact[0] != '\0')
		/* TRANSLATORS: %s is auth.contact of mamori.conf, e.g. "情報政策課 内線 1234" */
		tell(pamh, N_("Please contact %s."), contact);
}

/* The lock ends within the lockout time, usually today: the clock time is enough then. */
void
mamori_pam_tell_locked(pam_handle_t *pamh, time_t until, const char *contact)
{
	time_t now = time(NULL);
	char when[32] = "?";
	struct tm tm, today;

	if (localtime_r(&until, &tm) != NULL && localtime_r(&now, &today) != NULL)
		(void)strftime(when, sizeof(when),
			       tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday
				       ? "%H:%M"
				       : "%Y-%m-%d %H:%M",
			       &tm);
	/* TRANSLATORS: %s is a time (14:35) or, when not today, a date and time. */
	tell(pamh, N_("This account is locked until %s."), when);
	tell_contact(pamh, contact);
}

void
mamori_pam_tell_unenrolled(pam_handle_t *pamh, const char *contact)
{
	(void)pam_error(pamh, "%s",
			mamori_pam_text(pamh, N_("No one-time code is set up for this account.")));
	tell_contact(pamh, contact);
}
