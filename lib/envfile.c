/* KEY=value lines as systemd.exec(5) EnvironmentFile= reads them, reduced to what
 * forward.env needs: no line continuations, no escapes inside quotes. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "mamori/envfile.h"

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* [*b, *e) without surrounding blanks, then without one pair of matching quotes. */
static void
trim(const char **b, const char **e)
{
	while (*b < *e && is_space(**b))
		(*b)++;
	while (*e > *b && is_space((*e)[-1]))
		(*e)--;
	if (*e - *b >= 2 && (**b == '"' || **b == '\'') && (*e)[-1] == **b)
		(*b)++, (*e)--;
}

int
mamori_envfile_get(const char *text, size_t len, const char *key, char *out, size_t cap)
{
	const char *p = text, *end = text + len, *val = NULL, *val_end = NULL;
	size_t klen = key ? strlen(key) : 0;

	if (text == NULL || klen == 0 || out == NULL || cap == 0)
		return -EINVAL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *kb = p, *eq, *ke;

		p = nl ? nl + 1 : end;
		eq = memchr(kb, '=', (size_t)(le - kb));
		while (kb < le && is_space(*kb))
			kb++;
		if (eq == NULL || kb == le || *kb == '#' || *kb == ';')
			continue;
		ke = eq;
		trim(&kb, &ke);
		if ((size_t)(ke - kb) == klen && memcmp(kb, key, klen) == 0) {
			val = eq + 1, val_end = le;
			trim(&val, &val_end);
		}
	}
	if (val == NULL)
		return -ENOENT;
	if ((size_t)(val_end - val) >= cap || memchr(val, '\0', (size_t)(val_end - val)) != NULL)
		return (size_t)(val_end - val) >= cap ? -ENAMETOOLONG : -EINVAL;
	memcpy(out, val, (size_t)(val_end - val));
	out[val_end - val] = '\0';
	return 0;
}
