/* mamorictl check: removable media. The udev rules that make every new device read-only are
 * installed (and not masked by an empty file or a link to /dev/null in /etc), udevd runs,
 * mamori-agent runs for this configuration, and every device present is in the state the
 * policy demands (check_media_dev.c). The last three are facts of the running system: with
 * --root (an image) only the rule files are looked at. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/i18n.h"

/* udev's search order (udev(7)): a file in an earlier directory hides one of the same name
 * in a later one, which is how an administrator masks a rule file. */
static const char *const rules_dirs[] = {
	"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
	"/usr/lib/udev/rules.d", "/lib/udev/rules.d",
};

#define RULES_MAX (64 * 1024)

/* Whether the file holds marker: read through O_NOFOLLOW after the caller resolved it. */
static bool
holds(const char *path, const char *marker)
{
	static char buf[RULES_MAX + 1];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, RULES_MAX);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, marker) != NULL;
}

/* The first of the rule directories below ROOT holding name, into out; false when none. */
static bool
effective_rules(struct check_ctx *c, const char *name, char *out, size_t cap)
{
	char dir[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(rules_dirs) / sizeof(rules_dirs[0]); i++) {
		if (!check_path(c, rules_dirs[i], dir, sizeof(dir)) ||
		    mamori_snprintf(out, cap, "%s/%s", dir, name) != 0)
			continue;
		if (lstat(out, &st) == 0)
			return true;
	}
	return false;
}

static void
check_rules_file(struct check_ctx *c, const char *name, const char *marker)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct stat st;

	if (!effective_rules(c, name, path, sizeof(path))) {
		check_add(c, "media.rules", CHECK_FAIL, "missing", NULL, 0,
			  N_("media: the udev rule file %s is not installed: new removable devices "
			     "stay writable. Reinstall the mamori-agent package."), name);
		return;
	}
	if (realpath(path, real) == NULL || stat(real, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size == 0 || !holds(real, marker)) {
		check_add(c, "media.rules", CHECK_FAIL, "masked", path, 0,
			  N_("media: %s hides mamori's udev rules (empty, a link to /dev/null or "
			     "without %s): new removable devices stay writable. Remove it."),
			  path, marker);
		return;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		check_add(c, "media.rules", CHECK_FAIL, "mode", real, 0,
			  N_("media: %s is owned by uid %lu with mode %04o: others can change "
			     "the rules. It must be root's and writable by root only."),
			  real, (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
		return;
	}
	check_add(c, "media.rules", CHECK_OK, "installed", path, 0,
		  N_("media: the udev rules %s are installed."), path);
}

/* udevd answers on its control socket while it runs (systemd-udevd.service). */
static bool
check_udevd(struct check_ctx *c)
{
	struct stat st;

	if (stat("/run/udev/control", &st) == 0 && S_ISSOCK(st.st_mode)) {
		check_add(c, "media.udevd", CHECK_OK, "running", NULL, 0,
			  N_("media: udevd is running and applies the rules to every new device."));
		return true;
	}
	check_add(c, "media.udevd", CHECK_FAIL, "not-running", NULL, 0,
		  N_("media: udevd is not running (no /run/udev/control): no rule runs for new "
		     "devices, so nothing makes them read-only. Start systemd-udevd."));
	return false;
}

/* The configuration a mamori-agent process reads (its --config, else the default), into
 * out; false when pid is not a mamori-agent. */
static bool
agent_config_of(const char *pid, char *out, size_t cap)
{
	char path[64], exe[PATH_MAX], args[4096];
	const char *base, *cfg = MAMORI_CONFIG_PATH;
	ssize_t n;
	int fd;

	if (mamori_snprintf(path, sizeof(path), "/proc/%s/exe", pid) != 0 ||
	    (n = readlink(path, exe, sizeof(exe) - 1)) <= 0)
		return false;
	exe[n] = '\0';
	base = strrchr(exe, '/') != NULL ? strrchr(exe, '/') + 1 : exe;
	/* after a package upgrade the running program's file is "… (deleted)" */
	if (strcmp(base, "mamori-agent") != 0 && strcmp(base, "mamori-agent (deleted)") != 0)
		return false;
	(void)mamori_snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, args, sizeof(args) - 1);
	close(fd);
	if (n < 0)
		return false;
	args[n] = '\0';
	for (const char *a = args; a < args + n; a += strlen(a) + 1)
		if (strcmp(a, "--config") == 0 && a + strlen(a) + 1 < args + n)
			cfg = a + strlen(a) + 1;
	return mamori_snprintf(out, cap, "%s", cfg) == 0;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return strcmp(a, b) == 0; /* neither exists: the defaults, when the paths agree */
}

/* The pid of a mamori-agent reading the configuration checked here, or 0. */
static long
find_agent(const struct check_ctx *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char cfg[PATH_MAX];
	long pid = 0;

	if (d == NULL)
		return 0;
	while (pid == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    e->d_name[strspn(e->d_name, "0123456789")] != '\0')
			continue;
		if (agent_config_of(e->d_name, cfg, sizeof(cfg)) && same_file(cfg, c->config_path))
			pid = strtol(e->d_name, NULL, 10);
	}
	closedir(d);
	return pid;
}

static void
check_agent(struct check_ctx *c)
{
	long pid = find_agent(c);

	if (pid > 0)
		check_add(c, "media.agent", CHECK_OK, "running", NULL, 0,
			  N_("media: mamori-agent is running (pid %ld)."), pid);
	else
		check_add(c, "media.agent", CHECK_FAIL, "not-running", c->config_path, 0,
			  N_("media: mamori-agent is not running for %s: a read-only flag cleared "
			     "by hand is not restored and read-write mounts are not undone (new "
			     "devices are still made read-only by the udev rules). Start it: "
			     "systemctl start mamori-agent."), c->config_path);
}

void
check_media(struct check_ctx *c)
{
	check_rules_file(c, "10-mamori.rules", "mamori-udev");
	check_rules_file(c, "69-mamori-uaccess.rules", "MAMORI_ID_CDROM");
	check_rules_file(c, "72-mamori-uaccess.rules", "MAMORI_UACCESS");
	if (c->opts->root[0] != '\0') {
		check_add(c, "media.live", CHECK_WARN, "not-inspected", NULL, 0,
			  N_("media: with --root, udevd, mamori-agent and the devices of the "
			     "running system are not inspected."));
		return;
	}
	c->udevd_running = check_udevd(c);
	check_agent(c);
	check_media_devices(c);
}
