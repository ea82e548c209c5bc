/* Single-prompt mode: ask once, split, hand the password on, keep the code (pam_split.h
 * explains why the code is judged only by the later call). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "mamori/i18n.h"
#include "mamori/pam_conv.h"
#include "mamori/pam_split.h"
#include "mamori/secmem.h"
#include "mamori/split_code.h"

static void
wipe_kept(pam_handle_t *pamh, void *data, int status)
{
	char *code = data;

	(void)pamh;
	(void)status;
	mamori_free_secret_str(&code);
}

/* The user's code length, 0 when not enrolled (nothing to split off). Only read: the state
 * is released at once, unchanged. */
static int
code_digits(struct mamori_second_factor *sf, unsigned *ret)
{
	int r = mamori_sf_open_state(sf);

	*ret = r == 0 ? sf->st.digits : 0;
	mamori_sf_release(sf);
	if (r == -ENOENT)
		return 0;
	return r == -EACCES ? -EIO : r; /* an unreadable state is no wrong code */
}

static int
keep(pam_handle_t *pamh, const char *answer, size_t at)
{
	char *password = strndup(answer, at), *code = strdup(answer + at);
	int r = -ENOMEM;

	if (password == NULL || code == NULL)
		goto out;
	if (pam_set_item(pamh, PAM_AUTHTOK, password) != PAM_SUCCESS)
		goto out;
	if (pam_set_data(pamh, MAMORI_SPLIT_DATA, code, wipe_kept) != PAM_SUCCESS)
		goto out;
	code = NULL; /* the handle's now; wiped by pam_end or when taken */
	r = 0;
out:
	mamori_free_secret_str(&password);
	mamori_free_secret_str(&code);
	return r;
}

int
mamori_pam_split_prompt(pam_handle_t *pamh, struct mamori_second_factor *sf,
			bool whole_password)
{
	unsigned digits = 0;
	char *answer = NULL;
	size_t len, at;
	int r;

	/* A code kept by an earlier attempt on this handle must not serve this one. */
	(void)pam_set_data(pamh, MAMORI_SPLIT_DATA, NULL, NULL);
	if (!whole_password) {
		if (geteuid() != 0) {
			pam_syslog(pamh, LOG_ERR,
				   "single_prompt needs root to read the second-factor state; "
				   "login refused");
			return -EPERM;
		}
		if ((r = code_digits(sf, &digits)) < 0)
			return r;
	}
	r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &answer, "%s",
		       mamori_pam_text(pamh, N_("Password and one-time code: ")));
	if (r != PAM_SUCCESS || answer == NULL) {
		mamori_free_secret_str(&answer);
		return -ECANCELED;
	}
	len = strlen(answer);
	if (whole_password || digits == 0 || mamori_split_code(answer, len, digits, &at) < 0)
		at = len;
	r = keep(pamh, answer, at);
	mamori_free_secret_str(&answer);
	return r;
}

int
mamori_pam_code(pam_handle_t *pamh, const char *prompt, char **ret_code)
{
	const void *kept = NULL;
	char *copy;

	if (pam_get_data(pamh, MAMORI_SPLIT_DATA, &kept) != PAM_SUCCESS || kept == NULL)
		return mamori_pam_ask_code(pamh, prompt, ret_code);
	copy = strdup(kept);
	(void)pam_set_data(pamh, MAMORI_SPLIT_DATA, NULL, NULL); /* wipes the kept code */
	if (copy == NULL)
		return PAM_BUF_ERR;
	*ret_code = copy;
	return PAM_SUCCESS;
}
