/* bench_udev_helper WORK_DIR BUILD_DIR: what mamori-udev adds to one udev event of a removable disk —
 * start, configuration, sysfs walk, BLKROSET on the disk and read back, filesystem probe,
 * one durable event — beside the anchor, the common rule RUN+="blockdev --setro $devnode",
 * both started as udev starts a program (fork and execve of an absolute path, stdout and
 * stderr discarded, an environment of the event's properties only: udevd passes no LANG, so
 * blockdev's setlocale reads no locale files) on the same loop device, interleaved so that
 * disk weather and other load hit them alike. The device holds a FAT filesystem, as a stick
 * does, so the probe finds something. The flag is cleared (untimed) before each run so both
 * do the real work. Two floors run interleaved with them: /bin/true (a process start) and
 * mamori-udev for a remove event (it returns before reading its configuration: the loading
 * of the helper and libudev), so the output also says what each does beyond its own start.
 * Wall time is what the event waits;
 * CPU time (user + system of the child) is printed too, as it suffers less from a busy
 * machine. Root only (loop devices, BLKROSET); otherwise it says so and passes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define N 200

struct bench {
	char dir[4096];
	char img[4200], conf[4200], helper[4200];
	char loop[64], devpath[128];
	char blockdev[64];
	char env_devpath[160], env_devname[80];
	char *env[6]; /* what udevd hands a program for this device's add event */
};

static double
median(double *us)
{
	qsort(us, N, sizeof(*us), cmp_double);
	return us[N / 2];
}

/* Prints the row and returns the wall median. */
static double
print_row(const char *what, double *wall, double *cpu)
{
	double w = median(wall);

	printf("  %-52s wall median %7.1f us  p99 %7.1f us  cpu median %7.1f us\n", what, w,
	       wall[N * 99 / 100], median(cpu));
	return w;
}

/* fork + exec with stdout and stderr discarded, as udev runs a program; 0 when it exited 0.
 * env NULL: this process's environment and a PATH search (setup commands); otherwise an
 * absolute argv[0] and only env, as udevd's spawn does. cpu_us (may be NULL): the child's
 * user + system time. */
static int
run(char *const argv[], char *const env[], double *cpu_us)
{
	pid_t pid = fork();
	struct rusage ru;
	int st, null;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0 && (dup2(null, 1) < 0 || dup2(null, 2) < 0))
			_exit(126);
		if (env != NULL)
			execve(argv[0], argv, env);
		else
			execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return -errno;
	if (cpu_us != NULL)
		*cpu_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
			  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static int
set_ro(const char *node, int on)
{
	int fd = open(node, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKROSET, &on) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int
write_conf(const struct bench *b)
{
	FILE *f = fopen(b->conf, "we");

	if (f == NULL)
		return -errno;
	fprintf(f, "media {\n  loop = true\n}\nreport {\n  event_log = %s/events.log\n"
		   "  state_dir = %s\n  spool_dir = %s\n  syslog_socket = %s/no-syslog\n}\n",
		b->dir, b->dir, b->dir, b->dir);
	return fclose(f) == 0 ? 0 : -errno;
}

/* A 16 MiB FAT filesystem on the whole device, as many sticks come (mformat, from mtools). */
static int
attach_loop(struct bench *b)
{
	char cmd[4400], mformat[] = "mformat", i[] = "-i", v[] = "-v", label[] = "BENCH",
		drive[] = "::";
	char *const format[] = {mformat, i, b->img, v, label, drive, NULL};
	FILE *p;
	int fd = open(b->img, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || ftruncate(fd, 16 << 20) < 0)
		return -errno;
	close(fd);
	if (run(format, NULL, NULL) < 0)
		return -ENOEXEC;
	snprintf(cmd, sizeof(cmd), "losetup -f --show '%s'", b->img);
	if ((p = popen(cmd, "r")) == NULL)
		return -errno;
	if (fgets(b->loop, sizeof(b->loop), p) == NULL)
		b->loop[0] = '\0';
	pclose(p);
	b->loop[strcspn(b->loop, "\n")] = '\0';
	if (strncmp(b->loop, "/dev/loop", 9) != 0)
		return -ENODEV;
	snprintf(b->devpath, sizeof(b->devpath), "/devices/virtual/block/%s", b->loop + 5);
	return 0;
}

/* The rule's program by its absolute path, as udev rules name it, and the environment
 * udevd builds from the event (ACTION, DEVPATH, SUBSYSTEM, DEVNAME, DEVTYPE). */
static int
udev_start(struct bench *b)
{
	static const char *const where[] = {"/usr/sbin/blockdev", "/sbin/blockdev"};
	static char action[] = "ACTION=add", subsystem[] = "SUBSYSTEM=block",
		    devtype[] = "DEVTYPE=disk";

	b->blockdev[0] = '\0';
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]) && b->blockdev[0] == '\0'; i++)
		if (access(where[i], X_OK) == 0)
			snprintf(b->blockdev, sizeof(b->blockdev), "%s", where[i]);
	if (b->blockdev[0] == '\0')
		return -ENOENT;
	snprintf(b->env_devpath, sizeof(b->env_devpath), "DEVPATH=%s", b->devpath);
	snprintf(b->env_devname, sizeof(b->env_devname), "DEVNAME=%s", b->loop);
	b->env[0] = action, b->env[1] = b->env_devpath, b->env[2] = subsystem;
	b->env[3] = b->env_devname, b->env[4] = devtype, b->env[5] = NULL;
	return 0;
}

static void
teardown(struct bench *b)
{
	char losetup[] = "losetup", d[] = "-d", cmd[4200];
	char *const detach[] = {losetup, d, b->loop, NULL};

	if (b->loop[0] != '\0') {
		(void)set_ro(b->loop, 0); /* the flag outlives the attachment */
		(void)run(detach, NULL, NULL);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
	(void)!system(cmd);
}

/* The four programs, interleaved. The two floors split the difference: what starting each
 * program costs (mamori-udev for a remove event returns before it reads its configuration,
 * so it is the loading of the helper and libudev alone), and what each does beyond that. */
enum { HELPER, HELPER_START, ANCHOR, TRUE_START, ROWS };

static int
measure(struct bench *b)
{
	static double wall[ROWS][N], cpu[ROWS][N];
	static const char *const what[ROWS] = {
		"mamori-udev add (classify, BLKROSET, probe, event)",
		"floor: mamori-udev remove (its start, nothing done)",
		"anchor: blockdev --setro (the common udev rule)",
		"floor: /bin/true (a process start)",
	};
	char config[] = "--config", add[] = "add", remove[] = "remove", setro[] = "--setro",
	     true_path[] = "/bin/true";
	char *const argv[ROWS][6] = {
		{b->helper, config, b->conf, add, b->devpath, NULL},
		{b->helper, config, b->conf, remove, b->devpath, NULL},
		{b->blockdev, setro, b->loop, NULL},
		{true_path, NULL},
	};
	double t, med[ROWS];

	for (int i = 0; i < N; i++)
		for (int k = 0; k < ROWS; k++) {
			if (set_ro(b->loop, 0) < 0)
				return -EIO;
			t = now_us();
			if (run(argv[k], b->env, &cpu[k][i]) < 0)
				return -EIO;
			wall[k][i] = now_us() - t;
		}
	for (int k = 0; k < ROWS; k++)
		med[k] = print_row(what[k], wall[k], cpu[k]);
	printf("  beyond its own start (wall medians): mamori-udev %.0f us, blockdev %.0f us\n",
	       med[HELPER] - med[HELPER_START], med[ANCHOR] - med[TRUE_START]);
	printf("  goal, no slower than the anchor (wall medians): %s (%.2fx)\n",
	       med[HELPER] <= med[ANCHOR] ? "met" : "NOT met", med[HELPER] / med[ANCHOR]);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench b;
	int r;

	memset(&b, 0, sizeof(b));
	printf("bench_udev_helper: one udev event of a removable disk, %d runs each\n", N);
	if (argc != 3)
		return fprintf(stderr, "usage: bench_udev_helper WORK_DIR BUILD_DIR\n"), 2;
	if (geteuid() != 0) {
		printf("  skipped: loop devices and BLKROSET need root\n");
		return 0;
	}
	snprintf(b.dir, sizeof(b.dir), "%s/bench-udev.XXXXXX", argv[1]);
	if (mkdtemp(b.dir) == NULL)
		return perror("mkdtemp"), 1;
	snprintf(b.img, sizeof(b.img), "%s/disk.img", b.dir);
	snprintf(b.conf, sizeof(b.conf), "%s/mamori.conf", b.dir);
	snprintf(b.helper, sizeof(b.helper), "%s/mamori-udev", argv[2]);
	if ((r = write_conf(&b)) < 0 || (r = attach_loop(&b)) < 0 || (r = udev_start(&b)) < 0) {
		printf("  skipped: no FAT loop device (losetup, mformat from mtools) or no "
		       "/usr/sbin/blockdev: %s\n",
		       strerror(-r));
		teardown(&b);
		return 0;
	}
	r = measure(&b);
	teardown(&b);
	if (r < 0)
		fprintf(stderr, "bench_udev_helper: a run failed\n");
	return r < 0 ? 1 : 0;
}
