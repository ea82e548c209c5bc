/* pam_mamori: the PAM entry points, and nothing else (the step itself is in login.c). */
#include <security/pam_modules.h>

#include "mamori/pam_login.h"

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return mamori_pam_login(pamh, flags, argc, argv);
}

/* No credentials to set: the second factor grants nothing beyond the login itself. */
PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
