/* What the person at the login prompt sees: the code prompt and the few messages, translated
 * with gettext (domain "mamori") except on the Linux text console, which cannot draw kanji. */
#ifndef MAMORI_PAM_CONV_H
#define MAMORI_PAM_CONV_H

#include <security/pam_modules.h>
#include <time.h>

/* msgid translated for this session: English when TERM=linux, else the catalogue's. */
const char *mamori_pam_text(pam_handle_t *pamh, const char *msgid);

/* Ask for the code with echo off. prompt NULL: the built-in one. *ret_code is the caller's to
 * wipe and free. Returns a PAM code (PAM_CONV_ERR when the application cannot ask). */
int mamori_pam_ask_code(pam_handle_t *pamh, const char *prompt, char **ret_code);

/* Tell a locked user until when (local time) and whom to call (contact may be NULL). */
void mamori_pam_tell_locked(pam_handle_t *pamh, time_t until, const char *contact);

/* Tell a user who has no second factor set up whom to call. */
void mamori_pam_tell_unenrolled(pam_handle_t *pamh, const char *contact);

#endif
