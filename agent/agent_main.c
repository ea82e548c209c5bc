/* mamori-agent: the daemon beside the udev rules. At start it protects every removable disk
 * already present (a stick in the port at boot, before the rules were installed); while
 * protected disks exist it re-checks them every media.recheck_interval seconds and on every
 * udev event, restores a cleared read-only flag and remounts read-write mounts read-only,
 * reporting each as tamper; it reports a heartbeat every report.heartbeat seconds.
 * One thread, one poll(2) loop over the udev monitor, a signalfd and two timerfds.
 *
 *   mamori-agent [--config FILE] [--only DISK]
 *
 * SIGHUP reloads mamori.conf (a bad file is reported and the one in force kept), SIGTERM and
 * SIGINT stop it. Enforcement never depends on it: the udev rules make every new device
 * read-only whether it runs or not. --only limits it to one disk (tests, diagnostics). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#include "agent_internal.h"
#include "mamori/err.h"
#include "mamori/log.h"
#include "mamori/media_udev.h"

/* Events taken from the monitor in one wake-up before the timers and signals get a turn. */
#define MONITOR_BATCH 64

struct loop {
	struct agent *a;
	struct udev_monitor *mon;
	int mon_fd, sig_fd, recheck_fd, heartbeat_fd;
	unsigned recheck_armed; /* seconds the recheck timer runs at, 0: stopped */
	struct timespec started;
	int stop_signal;
};

static int
usage(void)
{
	fprintf(stderr, "usage: mamori-agent [--config FILE] [--only DISK]\n");
	return 2;
}

static int
parse_args(int argc, char **argv, struct agent *a)
{
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return -EINVAL;
		if (strcmp(argv[i], "--config") == 0)
			a->config_path = argv[i + 1];
		else if (strcmp(argv[i], "--only") == 0 && strchr(argv[i + 1], '/') == NULL)
			a->only = argv[i + 1];
		else
			return -EINVAL;
	}
	return 0;
}

static const char *
config_file(const struct agent *a)
{
	return a->config_path != NULL ? a->config_path : MAMORI_CONFIG_PATH;
}

/* The reporter follows the report section of the configuration in force. */
static void
open_reporter(struct agent *a)
{
	struct mamori_reporter_opts o = mamori_reporter_opts_from(a->cfg_ok ? a->cfg : NULL,
								   "mamori-agent");
	struct mamori_reporter *rep = NULL;
	int r;

	if ((r = mamori_reporter_new(&o, &rep)) < 0) {
		mamori_error("event reporting unavailable: %s", mamori_strerror(r));
		if (a->rep != NULL)
			return; /* keep reporting where it worked */
	}
	mamori_reporter_free(&a->rep);
	a->rep = rep;
}

/* At start a configuration that cannot be loaded gives the fail-closed built-in policy; on
 * reload the one in force stays. Either way the failure is reported. */
static int
load_config(struct agent *a, bool reload)
{
	struct mamori_config_load_opts o = {.path = a->config_path, .trusted_uid = 0};
	struct mamori_config *cfg = NULL;
	char err[512] = "";
	int r = mamori_config_load(&o, &cfg, err, sizeof(err));

	if (r < 0) {
		if (!reload && mamori_config_defaults(&a->cfg) < 0)
			return -ENOMEM;
		if (reload && a->rep == NULL)
			open_reporter(a);
		if (a->rep != NULL)
			MAMORI_REPORT(a->rep, MAMORI_EV_CONF_INVALID,
				      reload ? "configuration unusable, the one in force is kept"
					     : "configuration unusable, media fail closed",
				      MAMORI_STR("file", config_file(a)), MAMORI_STR("reason", err),
				      MAMORI_STR("kept", reload ? "previous" : "builtin"));
		return 0;
	}
	mamori_config_free(&a->cfg);
	a->cfg = cfg;
	a->cfg_ok = true;
	mamori_log_set_debug(cfg->report.debug);
	agent_policy_hash(a->cfg, a->policy_hash);
	return 1;
}

static int
set_timer(int fd, unsigned seconds)
{
	struct itimerspec t = {.it_interval = {.tv_sec = seconds}, .it_value = {.tv_sec = seconds}};

	return timerfd_settime(fd, 0, &t, NULL) < 0 ? -errno : 0;
}

/* With no protected disk and a working monitor there is nothing to re-check: the agent then
 * wakes only for the heartbeat. */
static void
arm_recheck(struct loop *l)
{
	unsigned want = l->a->n_disks > 0 || l->a->n_phones > 0 || l->mon == NULL
				? l->a->cfg->media.recheck_interval : 0;

	if (want == l->recheck_armed)
		return;
	if (set_timer(l->recheck_fd, want) == 0)
		l->recheck_armed = want;
}

static long long
uptime(const struct loop *l)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - l->started.tv_sec);
}

static void
report_heartbeat(struct loop *l)
{
	struct agent *a = l->a;

	if (a->rep == NULL)
		return;
	MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_HEARTBEAT, "media agent running",
		      MAMORI_INT("uptime", uptime(l)), MAMORI_INT("devices", a->n_disks),
		      MAMORI_INT("enforced", a->counts.enforced),
		      MAMORI_INT("tampers", a->counts.tampers),
		      MAMORI_INT("remounts", a->counts.remounts),
		      MAMORI_INT("failures", a->counts.failures),
		      MAMORI_STR("monitor", l->mon != NULL ? "ok" : "unavailable"),
		      MAMORI_STR("config", a->cfg_ok ? "ok" : "invalid"),
		      MAMORI_STR("policy_hash", a->policy_hash));
}

static void
reload(struct loop *l)
{
	struct agent *a = l->a;

	if (load_config(a, true) <= 0)
		return;
	open_reporter(a);
	if (a->rep != NULL)
		MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_RELOADED, "media agent configuration reloaded",
			      MAMORI_STR("file", config_file(a)),
			      MAMORI_STR("policy_hash", a->policy_hash),
			      MAMORI_INT("recheck", a->cfg->media.recheck_interval),
			      MAMORI_INT("heartbeat", a->cfg->report.heartbeat));
	(void)agent_scan(a, AGENT_AT_RELOAD);
	(void)agent_usb_scan(a, AGENT_AT_RELOAD);
	(void)agent_phone_scan(a);
	agent_recheck(a);
	l->recheck_armed = 0;
	(void)set_timer(l->recheck_fd, 0);
	(void)set_timer(l->heartbeat_fd, a->cfg->report.heartbeat);
	agent_trim_memory();
}

static void
on_signal(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(l);
		else
			l->stop_signal = (int)si.ssi_signo;
	}
}

static void
on_monitor(struct loop *l)
{
	char action[32], syspath[512], devtype[32];
	int r, n = 0;

	while (n++ < MONITOR_BATCH &&
	       (r = mamori_media_monitor_next(l->mon, action, sizeof(action), syspath,
					      sizeof(syspath), devtype, sizeof(devtype))) != -EAGAIN) {
		if (r < 0)
			continue;
		if (strcmp(action, "remove") == 0) {
			if (strcmp(devtype, "disk") == 0)
				agent_forget(l->a, syspath);
			else if (strcmp(devtype, "usb_device") == 0)
				agent_forget_phone(l->a, syspath);
		} else if (strcmp(devtype, "usb_device") == 0) {
			if ((r = agent_consider_phone(l->a, syspath)) < 0)
				mamori_warn("%s: %s", syspath, mamori_strerror(r));
		} else if ((r = agent_consider(l->a, syspath, AGENT_AT_EVENT)) < 0)
			mamori_warn("%s: %s", syspath, mamori_strerror(r));
	}
	agent_recheck(l->a); /* every event is a moment to look again */
}

/* A timerfd read gives the number of expirations; only that it fired matters. */
static bool
fired(int fd)
{
	uint64_t n;

	return read(fd, &n, sizeof(n)) == (ssize_t)sizeof(n);
}

static int
run(struct loop *l)
{
	while (l->stop_signal == 0) {
		struct pollfd p[] = {{l->sig_fd, POLLIN, 0},
				     {l->mon_fd, POLLIN, 0},
				     {l->recheck_fd, POLLIN, 0},
				     {l->heartbeat_fd, POLLIN, 0}};

		arm_recheck(l);
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents & POLLIN)
			on_signal(l);
		if (p[1].revents & POLLIN)
			on_monitor(l);
		if ((p[2].revents & POLLIN) && fired(l->recheck_fd)) {
			if (l->mon == NULL) /* no events: new disks are found by looking */
				(void)agent_scan(l->a, AGENT_AT_EVENT);
			agent_recheck(l->a);
		}
		if ((p[3].revents & POLLIN) && fired(l->heartbeat_fd))
			report_heartbeat(l);
	}
	return 0;
}

static void
report_failed(struct agent *a, const char *part, int r)
{
	mamori_error("%s: %s", part, mamori_strerror(r));
	if (a->rep != NULL)
		MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_FAILED,
			      "media agent cannot watch devices as it should",
			      MAMORI_STR("part", part), MAMORI_STR("reason", mamori_strerror(r)));
}

static int
open_fds(struct loop *l)
{
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (l->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return report_failed(l->a, "signals", -errno), -1;
	if ((l->recheck_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0 ||
	    (l->heartbeat_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0 ||
	    set_timer(l->heartbeat_fd, l->a->cfg->report.heartbeat) < 0)
		return report_failed(l->a, "timers", -errno), -1;
	if ((l->a->udev = udev_new()) == NULL)
		return report_failed(l->a, "udev", -ENOMEM), -1;
	/* Without events the agent still works, by rescanning at every re-check. */
	if ((r = mamori_media_monitor_open(l->a->udev, &l->mon, &l->mon_fd)) < 0) {
		report_failed(l->a, "monitor", r);
		l->mon_fd = -1;
	}
	return 0;
}

static void
report_started(struct loop *l)
{
	struct agent *a = l->a;

	if (a->rep == NULL)
		return;
	MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_STARTED, "media agent started",
		      MAMORI_STR("version", MAMORI_VERSION), MAMORI_STR("file", config_file(a)),
		      MAMORI_STR("config", a->cfg_ok ? "ok" : "invalid"),
		      MAMORI_STR("policy_hash", a->policy_hash),
		      MAMORI_INT("recheck", a->cfg->media.recheck_interval),
		      MAMORI_INT("heartbeat", a->cfg->report.heartbeat),
		      MAMORI_STR("monitor", l->mon != NULL ? "ok" : "unavailable"),
		      MAMORI_STR("only", a->only));
}

static void
report_stopped(struct loop *l)
{
	struct agent *a = l->a;
	const char *sig = l->stop_signal == SIGTERM ? "TERM" : l->stop_signal == SIGINT ? "INT" : "";

	if (a->rep == NULL)
		return;
	MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_STOPPED,
		      "media agent stopped: new devices are still made read-only by the udev "
		      "rules, but cleared flags and read-write mounts are not corrected until it "
		      "runs again",
		      MAMORI_STR("signal", sig), MAMORI_INT("uptime", uptime(l)),
		      MAMORI_INT("devices", a->n_disks), MAMORI_INT("tampers", a->counts.tampers),
		      MAMORI_INT("remounts", a->counts.remounts),
		      MAMORI_INT("failures", a->counts.failures));
}

/* The agent's state is mostly its disk table (AGENT_MAX_DISKS entries, about 125 KiB).
 * Anonymous pages are zero until written, so a table mapped on its own costs memory only
 * for the disks actually seen; calloc would clear all of it, page by page. */
static struct agent *
agent_new(void)
{
	void *p = mmap(NULL, sizeof(struct agent), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void
agent_free(struct agent *a)
{
	if (a != NULL)
		(void)munmap(a, sizeof(*a));
}

static void
close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

int
main(int argc, char **argv)
{
	struct agent *a = agent_new();
	struct loop l = {.a = a, .mon_fd = -1, .sig_fd = -1, .recheck_fd = -1, .heartbeat_fd = -1};
	int r = 1;

	if (a == NULL)
		return 1;
	if (parse_args(argc, argv, a) < 0) {
		agent_free(a);
		return usage();
	}
	clock_gettime(CLOCK_MONOTONIC, &l.started);
	open_reporter(a); /* the defaults' paths, for a configuration error at start */
	if (load_config(a, false) < 0)
		goto out;
	if (a->cfg_ok)
		open_reporter(a);
	if (open_fds(&l) < 0)
		goto out;
	report_started(&l);
	if ((r = agent_scan(a, AGENT_AT_START)) < 0)
		report_failed(a, "scan", r);
	(void)agent_usb_scan(a, AGENT_AT_START);
	(void)agent_phone_scan(a);
	agent_recheck(a);
	agent_trim_memory();
	if ((r = run(&l)) < 0)
		report_failed(a, "poll", r);
	report_stopped(&l);
	r = r < 0;
out:
	mamori_media_monitor_free(&l.mon);
	close_fd(l.sig_fd);
	close_fd(l.recheck_fd);
	close_fd(l.heartbeat_fd);
	udev_unref(a->udev);
	mamori_reporter_free(&a->rep);
	mamori_config_free(&a->cfg);
	agent_free(a);
	return r;
}
