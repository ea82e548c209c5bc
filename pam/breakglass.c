/* Who may use break-glass, and where. */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mamori/pam_breakglass.h"

bool
mamori_is_physical_console(const char *tty, const char *rhost)
{
	unsigned long n;
	char *end;

	if (tty == NULL || (rhost != NULL && rhost[0] != '\0'))
		return false;
	if (strncmp(tty, "/dev/", 5) == 0)
		tty += 5;
	if (strncmp(tty, "tty", 3) != 0 || tty[3] < '1' || tty[3] > '9')
		return false;
	n = strtoul(tty + 3, &end, 10);
	/* the kernel's virtual consoles are tty1..tty63 (MAX_NR_CONSOLES) */
	return *end == '\0' && n >= 1 && n <= 63;
}

static bool
in_list(char **members, const char *user)
{
	for (; members != NULL && *members != NULL; members++)
		if (strcmp(*members, user) == 0)
			return true;
	return false;
}

static bool
primary_group_is(const char *user, gid_t gid)
{
	struct passwd pw, *pwp = NULL;
	char buf[16384];

	return getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) == 0 && pwp != NULL &&
	       pwp->pw_gid == gid;
}

bool
mamori_is_emergency_user(const char *user)
{
	struct group gr, *grp = NULL;
	char buf[16384];

	if (user == NULL || user[0] == '\0')
		return false;
	if (getgrnam_r(MAMORI_EMERGENCY_GROUP, &gr, buf, sizeof(buf), &grp) != 0 || grp == NULL)
		return false;
	return in_list(grp->gr_mem, user) || primary_group_is(user, grp->gr_gid);
}
