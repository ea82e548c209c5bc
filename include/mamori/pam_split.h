/* Single-prompt mode (module argument `single_prompt`): the half of pam_mamori that runs
 * BEFORE the password module, for clients that show one prompt only.
 *
 * Why two halves. The second factor must be judged only for someone who knew the password:
 * a code is burned, and a failure counted towards the lockout, only after the password
 * module succeeded (issue semantics of the normal stack, where pam_mamori runs after
 * pam_unix). Judging the code before pam_unix — even without storing anything — would be an
 * oracle: someone without the password could try codes, see which one gets as far as the
 * password check, and never be locked out. So the first call, `pam_mamori.so single_prompt`
 * stacked before pam_unix, only asks, splits the answer (split_code.h), hands the password
 * on as PAM_AUTHTOK for `pam_unix use_first_pass` and keeps the code in the PAM handle; it
 * judges nothing and returns PAM_IGNORE, so it can never be what lets a login through, even
 * if it is stacked `sufficient` by mistake. The second call, plain `pam_mamori.so` after the
 * password module (the line pam-auth-update writes), takes the kept code instead of asking
 * and judges it through the shared decision (second_factor.h) exactly as in the normal
 * stack. A wrong password stops the stack before the second call: no code is burned, no
 * failure counted. Without the first call the second one asks for the code itself, so a
 * stack that lost its first line still demands the code. */
#ifndef MAMORI_PAM_SPLIT_H
#define MAMORI_PAM_SPLIT_H

#include <stdbool.h>

#include <security/pam_modules.h>

#include "mamori/second_factor.h"

/* The PAM data name under which the code waits for the second call. */
#define MAMORI_SPLIT_DATA "mamori-single-prompt-code"

/* Ask once for password and code; set PAM_AUTHTOK to the password part and keep the code
 * part (empty when the answer ends in none, so that the second call fails it as malformed
 * rather than asking again). sf names the user and the configuration. whole_password: take
 * the whole answer as the password (break-glass, which needs no code; sf->cfg may then be
 * NULL). The code length is the user's, read from the state without changing it. Returns 0,
 * or a negative code when the state cannot be used (reported), the process is not root
 * (the state is out of reach: single-prompt mode needs root), or the application cannot
 * ask. */
int mamori_pam_split_prompt(pam_handle_t *pamh, struct mamori_second_factor *sf,
			    bool whole_password);

/* The code for this login: the one the first call kept (taken, so it serves once), or else
 * asked for with prompt. *ret_code is the caller's to wipe and free. Returns a PAM code. */
int mamori_pam_code(pam_handle_t *pamh, const char *prompt, char **ret_code);

#endif
