/* The module's side of mamori-verify (verifier.h): used when the module does not run as
 * root, so cannot read or update the state store itself. */
#ifndef MAMORI_PAM_VERIFIER_H
#define MAMORI_PAM_VERIFIER_H

#include <security/pam_modules.h>

#include "mamori/second_factor.h"

#ifndef MAMORI_VERIFIER_PATH
#define MAMORI_VERIFIER_PATH "/usr/libexec/mamori/mamori-verify"
#endif

/* Ask for the code, have the verifier at path judge it for sf->user, tell a locked or
 * unenrolled user as the module would. conf is handed on in test builds only (NULL: none).
 * 0 only when the verifier answered MAMORI_VERIFY_OK; -EACCES for a refused code,
 * -ECANCELED when the code could not be asked, another negative code for any other
 * failure (a verifier that is missing, not setuid root, dies or answers nonsense is
 * reported here). */
int mamori_pam_verify_as_user(pam_handle_t *pamh, struct mamori_second_factor *sf,
			      const char *path, const char *conf);

#endif
