/* The second-factor step of a login, from module arguments to the PAM result. */
#ifndef MAMORI_PAM_LOGIN_H
#define MAMORI_PAM_LOGIN_H

#include <security/pam_modules.h>

/* Run the whole step. Returns PAM_SUCCESS only when a valid, unused code (or recovery code)
 * was typed and the burned code is stored, or for a reported break-glass login or an
 * unenrolled user under `unenrolled = allow`; every error is a failure code. */
int mamori_pam_login(pam_handle_t *pamh, int flags, int argc, const char **argv);

#endif
