/* pam_mamori's module arguments, from the PAM stack line. */
#ifndef MAMORI_PAM_ARGS_H
#define MAMORI_PAM_ARGS_H

#include <stdbool.h>

struct mamori_pam_args {
	const char *conf; /* conf=PATH: configuration file; NULL for the default */
	bool debug;       /* debug: diagnostics at debug level */
	bool single_prompt; /* single_prompt: the call before the password module that asks
			     * for password and code at once (pam_split.h) */
	const char *verifier; /* verifier=PATH, accepted by test builds only (MAMORI_TEST_HOOKS):
			       * in production the verifier's path is fixed at build time */
};

/* Parse argv. An unknown or malformed argument is an error (-EINVAL) naming itself in
 * *ret_bad, so a typo in a PAM stack cannot silently change what the module does. */
int mamori_pam_args_parse(int argc, const char **argv, struct mamori_pam_args *ret,
			  const char **ret_bad);

#endif
