/* PAM configuration lines, read the way libpam 1.5 reads them (libpam/pam_handlers.c,
 * pam_assemble_line.h, pam_misc.c): what matters is what libpam does with a line, not what
 * its author meant, so every quirk that changes a stack's meaning is kept. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pamstack_internal.h"

/* libpam's return-value names in code order, then "default" (pam_tokens.h). */
static const char *const return_names[MAMORI_PAM_RETURNS + 1] = {
	"success", "open_err", "symbol_err", "service_err", "system_err", "buf_err",
	"perm_denied", "auth_err", "cred_insufficient", "authinfo_unavail", "user_unknown",
	"maxtries", "new_authtok_reqd", "acct_expired", "session_err", "cred_unavail",
	"cred_expired", "cred_err", "no_module_data", "conv_err", "authtok_err",
	"authtok_recover_err", "authtok_lock_busy", "authtok_disable_aging", "try_again",
	"ignore", "abort", "authtok_expired", "module_unknown", "bad_item", "conv_again",
	"incomplete", "default",
};

/* Action names; the index is minus the action's value. */
static const char *const action_names[] = {"ignore", "ok", "done", "bad", "die", "reset"};

#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

/* A jump longer than any stack is as bad as libpam's overflowing one; cap it. */
#define MAX_JUMP 100000

struct assembly {
	char *acc;
	size_t len, cap;
	unsigned first; /* physical line where the logical line started */
};

static int
acc_add(struct assembly *a, const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (n == 0)
		return 0;
	if (a->len + n + 1 > a->cap) {
		size_t cap = a->len + n + 1 + 128;
		if ((p = realloc(a->acc, cap)) == NULL)
			return -ENOMEM;
		a->acc = p;
		a->cap = cap;
	}
	memcpy(a->acc + a->len, s, n + 1);
	a->len += n;
	return 0;
}

/* One physical line (NUL-terminated, writable): strip an escaped newline (the "\" becomes a
 * space), skip leading blanks, cut at "#". Returns the piece; *eol when the logical line
 * ends here — a line with a comment ends even if it ends in "\". */
static char *
prepare(char *s, bool *eol)
{
	size_t q = strlen(s);
	bool continued = false;

	while (q > 0 && (s[q - 1] == ' ' || s[q - 1] == '\t' || s[q - 1] == '\n'))
		q--;
	if (q > 0 && s[q - 1] == '\\') {
		s[q - 1] = ' ';
		s[q] = '\0';
		continued = true;
	}
	*eol = !continued || strchr(s, '#') != NULL;
	s += strspn(s, " \t");
	s[strcspn(s, "#")] = '\0';
	return s;
}

static int
physical_line(struct assembly *a, char *s, unsigned lineno, pamconf_line_fn fn, void *ctx,
	      bool *pending)
{
	bool eol;
	char *piece = prepare(s, &eol);
	int r;

	if (a->len == 0 && piece[0] != '\0')
		a->first = lineno;
	if ((r = acc_add(a, piece)) < 0)
		return r;
	*pending = !eol;
	if (!eol || a->len == 0)
		return 0;
	r = fn(ctx, a->acc, a->first);
	a->len = 0;
	a->acc[0] = '\0';
	return r;
}

int
pamconf_assemble(const char *text, size_t len, pamconf_line_fn fn, void *ctx)
{
	struct assembly a = {NULL, 0, 0, 0};
	char *line = NULL;
	bool pending = false;
	unsigned lineno = 0;
	size_t pos = 0;
	int r = 0;

	while (pos < len && r == 0) {
		const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		size_t used = strnlen(start, n); /* libpam's string functions stop at a NUL */

		pos += n + 1;
		lineno++;
		if ((line = malloc(used + 1)) == NULL) {
			r = -ENOMEM;
			break;
		}
		memcpy(line, start, used);
		line[used] = '\0';
		r = physical_line(&a, line, lineno, fn, ctx, &pending);
		free(line);
	}
	if (r == 0 && pending)
		r = -EILSEQ;
	free(a.acc);
	return r;
}

char *
pamconf_token(char **next)
{
	char *from = *next, *end;

	if (from == NULL)
		return NULL;
	from += strspn(from, " \n\t");
	if (*from == '[') {
		char *to;
		for (to = end = ++from; *end != '\0' && *end != ']'; ++to, ++end) {
			if (*end == '\\' && end[1] == ']')
				++end;
			if (to != end)
				*to = *end;
		}
		if (to != end)
			*to = '\0';
	} else if (*from != '\0') {
		end = from + strcspn(from, " \n\t");
	} else {
		*next = NULL;
		return NULL;
	}
	if (*end != '\0')
		*end++ = '\0';
	*next = *end != '\0' ? end : NULL;
	return from;
}

void
pamconf_set_default(int *actions, int action)
{
	for (int i = 0; i < MAMORI_PAM_RETURNS; i++) {
		if (actions[i] == PAMCONF_UNDEF)
			actions[i] = action;
	}
}

static const char *
skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Which return value tok starts with (libpam compares prefixes in table order); -1: none. */
static int
match_return(const char **tok)
{
	for (int r = 0; r <= MAMORI_PAM_RETURNS; r++) {
		size_t n = strlen(return_names[r]);
		if (strncmp(return_names[r], *tok, n) == 0) {
			*tok += n;
			return r;
		}
	}
	return -1;
}

/* The action at *tok: a named one or a jump of 1..MAX_JUMP; false on a syntax error. */
static bool
match_action(const char **tok, int *action)
{
	long n = 0;

	for (size_t a = 0; a < N_ACTIONS; a++) {
		size_t len = strlen(action_names[a]);
		if (strncmp(action_names[a], *tok, len) == 0) {
			*tok += len;
			*action = -(int)a;
			return true;
		}
	}
	if (!isdigit((unsigned char)**tok))
		return false;
	do {
		if (n < MAX_JUMP)
			n = n * 10 + (**tok - '0');
		(*tok)++;
	} while (isdigit((unsigned char)**tok));
	if (n == 0)
		return false;
	*action = (int)(n < MAX_JUMP ? n : MAX_JUMP);
	return true;
}

bool
pamconf_parse_control(int *actions, const char *tok)
{
	while (*(tok = skip_space(tok)) != '\0') {
		int ret = match_return(&tok), action;

		if (ret < 0 || *tok == '\0')
			goto bad;
		tok = skip_space(tok);
		if (*tok++ != '=')
			goto bad;
		tok = skip_space(tok);
		if (*tok == '\0' || !match_action(&tok, &action))
			goto bad;
		if (ret == MAMORI_PAM_RETURNS)
			pamconf_set_default(actions, action);
		else
			actions[ret] = action;
	}
	return true;
bad:
	for (int i = 0; i < MAMORI_PAM_RETURNS; i++)
		actions[i] = MAMORI_PAM_BAD;
	return false;
}
