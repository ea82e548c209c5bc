/* Shared between lib/pamconf_parse.c and lib/pamstack_*.c; nothing else uses it. */
#ifndef MAMORI_PAMSTACK_INTERNAL_H
#define MAMORI_PAMSTACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "mamori/pamstack.h"

/* An action not yet set by a control (libpam's _PAM_ACTION_UNDEF). */
#define PAMCONF_UNDEF (-6)

/* PAM return values the stack logic names (security/_pam_types.h). */
#define PAMCONF_SUCCESS 0
#define PAMCONF_PERM_DENIED 6 /* what a must-fail handler returns (PAM_MUST_FAIL_CODE) */
#define PAMCONF_AUTH_ERR 7
#define PAMCONF_IGNORE 25
#define PAMCONF_INCOMPLETE 31

/* Called for each logical line (NUL-terminated, writable) with its first physical line. */
typedef int (*pamconf_line_fn)(void *ctx, char *line, unsigned lineno);

/* Split text into logical lines as libpam assembles them: "#" starts a comment, a "\" at the
 * end of a line continues it, blank lines vanish. Text after a NUL byte on a physical line is
 * ignored. Returns fn's first non-zero result, 0, -ENOMEM, or -EILSEQ when the text ends in
 * a continued line (libpam refuses such a file). */
int pamconf_assemble(const char *text, size_t len, pamconf_line_fn fn, void *ctx);

/* The next token of *next as libpam's _pam_StrTok splits it ("[...]" is one token, "\]"
 * inside it a "]"); NULL when none is left. Writes into the string. */
char *pamconf_token(char **next);

/* Set every action still PAMCONF_UNDEF to action. */
void pamconf_set_default(int *actions, int action);

/* Parse a "[value=action ...]" control (brackets already removed) into actions. On a syntax
 * error every action becomes MAMORI_PAM_BAD (as libpam does) and false is returned. */
bool pamconf_parse_control(int *actions, const char *tok);

/* libpam's dispatch state (pam_dispatch.c): the impression so far and whether the status is
 * PAM_SUCCESS. */
enum { PAMDISPATCH_UNDEF, PAMDISPATCH_POSITIVE, PAMDISPATCH_NEGATIVE };

struct pamdispatch {
	unsigned char imp;
	bool ok;
};

/* Entry i's module returned r: update *d as libpam does (saved: the state when the entry's
 * substack was entered, for "reset") and return the index of the next entry to consider. */
size_t pamdispatch_step(const struct mamori_pamstack *st, size_t i, int r, struct pamdispatch *d,
			const struct pamdispatch *saved);

#endif
