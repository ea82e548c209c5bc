/* bench_event WORK_DIR: latency of one mamori_report — sequence update, fsync'd append to the
 * durable log, syslog datagram to a local socket that a child process drains — beside the
 * anchor, the least any durable logger pays: glibc syslog(3) plus open(O_APPEND), write,
 * fsync, close of a line as long. A second anchor sends its datagram to the same test
 * socket, for machines without a syslog daemon on /dev/log. The three are interleaved so
 * that disk weather hits them alike. Medians and p99 in microseconds. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mamori/event.h"

#define N 2000

struct bench {
	char dir[4096];
	char sock[4200];
	char log[4200];
	char anchor_log[4200];
	char line[MAMORI_EVENT_LINE_MAX];
	size_t line_len;
	struct sockaddr_un addr;
	int send_fd;
	pid_t drainer;
};

static void
print_row(const char *what, double *us)
{
	qsort(us, N, sizeof(*us), cmp_double);
	printf("  %-58s median %7.1f us   p99 %7.1f us\n", what, us[N / 2], us[N * 99 / 100]);
}

/* A receiver that reads and discards, as a healthy syslog daemon would. */
static int
start_drainer(struct bench *b)
{
	char buf[8192];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	b->addr.sun_family = AF_UNIX;
	if (strlen(b->sock) >= sizeof(b->addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(b->addr.sun_path, b->sock, strlen(b->sock) + 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&b->addr, sizeof(b->addr)) < 0)
		return -errno;
	if ((b->drainer = fork()) < 0)
		return -errno;
	if (b->drainer == 0)
		for (;;)
			(void)!recv(fd, buf, sizeof(buf), 0);
	close(fd);
	return 0;
}

/* The anchor: one line made durable the plain way. */
static void
anchor_file(const struct bench *b)
{
	int fd = open(b->anchor_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);

	if (fd < 0 || write(fd, b->line, b->line_len) != (ssize_t)b->line_len || fsync(fd) < 0) {
		perror("anchor");
		exit(1);
	}
	close(fd);
}

static void
anchor_dgram(const struct bench *b)
{
	(void)!sendto(b->send_fd, b->line, b->line_len, MSG_DONTWAIT,
		      (const struct sockaddr *)&b->addr, sizeof(b->addr));
}

static int
setup(struct bench *b, const char *base)
{
	struct stat st;
	struct statfs fs;

	snprintf(b->dir, sizeof(b->dir), "%s/bench-event.XXXXXX", base);
	if (mkdtemp(b->dir) == NULL)
		return -errno;
	snprintf(b->sock, sizeof(b->sock), "%s/log.sock", b->dir);
	snprintf(b->log, sizeof(b->log), "%s/events.log", b->dir);
	snprintf(b->anchor_log, sizeof(b->anchor_log), "%s/anchor.log", b->dir);
	if (statfs(b->dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC)
		printf("  warning: %s is on tmpfs; fsync costs nothing there\n", b->dir);
	printf("  /dev/log: %s\n", stat("/dev/log", &st) == 0
					 ? "present (syslog(3) sends to the running daemon)"
					 : "absent (syslog(3) only tries to connect)");
	b->send_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return b->send_fd < 0 ? -errno : start_drainer(b);
}

/* The line the anchors write: as long as the lines mamori wrote. */
static void
take_line(struct bench *b)
{
	FILE *f = fopen(b->log, "re");

	if (f == NULL || fgets(b->line, sizeof(b->line), f) == NULL) {
		perror("events.log");
		exit(1);
	}
	fclose(f);
	b->line_len = strlen(b->line);
}

static void
cleanup(struct bench *b)
{
	char cmd[4300];

	kill(b->drainer, SIGKILL);
	waitpid(b->drainer, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
	(void)!system(cmd);
}

int
main(int argc, char **argv)
{
	static double mam[N], anc[N], anc2[N];
	struct bench b = {0};
	struct mamori_reporter_opts o = {.ident = "bench_event"};
	struct mamori_reporter *r = NULL;
	double t;

	printf("bench_event: %d reports, each beside its anchors\n", N);
	if (setup(&b, argc > 1 ? argv[1] : ".") < 0) {
		perror("bench_event setup");
		return 1;
	}
	o.event_log = b.log, o.state_dir = b.dir, o.spool_dir = b.dir, o.syslog_socket = b.sock;
	o.log_group = getegid();
	if (mamori_reporter_new(&o, &r) < 0)
		return 1;
	openlog("bench_event", LOG_PID, LOG_AUTHPRIV);
	for (int i = 0; i < N; i++) {
		t = now_us();
		if (MAMORI_REPORT(r, MAMORI_EV_CONF_LOADED, "configuration loaded",
				  MAMORI_STR("file", "/etc/mamori/mamori.conf"),
				  MAMORI_INT("n", i)) < 0)
			return 1;
		mam[i] = now_us() - t;
		if (i == 0)
			take_line(&b);
		t = now_us();
		syslog(LOG_NOTICE, "%s", b.line);
		anchor_file(&b);
		anc[i] = now_us() - t;
		t = now_us();
		anchor_dgram(&b);
		anchor_file(&b);
		anc2[i] = now_us() - t;
	}
	closelog();
	mamori_reporter_free(&r);
	print_row("mamori_report (seq + fsync'd log + syslog datagram)", mam);
	print_row("anchor: syslog(3) + open/write/fsync/close", anc);
	print_row("anchor: datagram to test socket + open/write/fsync/close", anc2);
	printf("  line length %zu bytes; work dir %s\n", b.line_len, b.dir);
	cleanup(&b);
	return 0;
}
