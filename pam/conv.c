/* Prompts and messages for the person logging in. */
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_ext.h>

#include "mamori/pam_conv.h"

#define N_(s) (s)

const char *
mamori_pam_text(pam_handle_t *pamh, const char *msgid)
{
	const char *term = pam_getenv(pamh, "TERM");

	if (term == NULL)
		term = getenv("TERM");
	/* The Linux console font has no kanji: a translated prompt would show as boxes. */
	if (term != NULL && strcmp(term, "linux") == 0)
		return msgid;
	return dgettext("mamori", msgid);
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

void
mamori_pam_tell_locked(pam_handle_t *pamh, time_t until, const char *contact)
{
	char when[32] = "?", line[256];
	struct tm tm;

	if (localtime_r(&until, &tm) != NULL)
		(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	substitute(line, sizeof(line),
		   mamori_pam_text(pamh, N_("This account is locked until %s.")), when);
	(void)pam_error(pamh, "%s", line);
	if (contact != NULL)
		(void)pam_error(pamh, "%s", contact);
}

void
mamori_pam_tell_unenrolled(pam_handle_t *pamh, const char *contact)
{
	(void)pam_error(pamh, "%s",
			mamori_pam_text(pamh, N_("No one-time code is set up for this account.")));
	if (contact != NULL)
		(void)pam_error(pamh, "%s", contact);
}
