/* mamorictl check: "sshd -T" prints the settings outside Match blocks only, so a Match block
 * (in sshd_config or a file it includes) may turn password logins back on for some
 * connections. Find the first one, so that a person looks at it. */
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/i18n.h"

#define MAX_INCLUDE_DEPTH 8 /* as sshd's READCONF_MAX_DEPTH */

static bool find_match(const char *path, unsigned depth, char *where, size_t cap);

/* Include's arguments: globs, relative ones below /etc/ssh (sshd_config(5)). Like sshd -T,
 * which read them, this ignores --root. */
static bool
follow_include(char *args, unsigned depth, char *where, size_t cap)
{
	char *save = NULL;

	for (char *a = strtok_r(args, " \t\r\n", &save); a; a = strtok_r(NULL, " \t\r\n", &save)) {
		char pattern[PATH_MAX];
		glob_t g;
		bool found = false;

		if (mamori_snprintf(pattern, sizeof(pattern), "%s%s", a[0] == '/' ? "" : "/etc/ssh/",
				    a) < 0 ||
		    glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc && !found; i++)
			found = find_match(g.gl_pathv[i], depth + 1, where, cap);
		globfree(&g);
		if (found)
			return true;
	}
	return false;
}

static bool
find_match(const char *path, unsigned depth, char *where, size_t cap)
{
	FILE *f = depth <= MAX_INCLUDE_DEPTH ? fopen(path, "re") : NULL;
	char line[4096];
	unsigned n = 0;
	bool found = false;

	while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
		char *word = line + strspn(line, " \t"), *rest;
		size_t len = strcspn(word, " \t=\r\n");

		n++;
		rest = word + len;
		if (len == 5 && strncasecmp(word, "match", 5) == 0)
			found = mamori_snprintf(where, cap, "%s:%u", path, n) == 0;
		else if (len == 7 && strncasecmp(word, "include", 7) == 0)
			found = follow_include(rest, depth, where, cap);
	}
	if (f != NULL)
		fclose(f);
	return found;
}

void
check_sshd_match(struct check_ctx *c, const char *config)
{
	char where[PATH_MAX + 16];

	if (find_match(config, 0, where, sizeof(where)))
		check_add(c, "sshd.match", CHECK_WARN, "match-block", config, 0,
			  N_("sshd: %s starts a Match block, which sshd -T does not show: check by "
			     "hand that it keeps PasswordAuthentication off, KbdInteractive"
			     "Authentication on and keyboard-interactive in every "
			     "AuthenticationMethods list."),
			  where);
}
