/* bench_report WORK_DIR BUILD_DIR: mamorictl report over a generated collector file of
 * 1,000,000 lines (100 terminals interleaved, lines from the real formatter behind an RFC 3164
 * header, some delivered twice, some missing) beside the anchor, `LC_ALL=C grep -c -F
 * MAMORI-` on the same file: the least any tool that reads the file pays. Interleaved,
 * medians of wall time. Then the report's peak RSS (the kernel's ru_maxrss, what /usr/bin/time -v
 * prints) at 1 M and 10 M lines streamed through a pipe: it must not grow with the lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "mamori/event.h"

#define LINES 1000000L
#define ROUNDS 5
#define HOSTS 100

/* 2026-11-28T09:14:03+09:00 */
#define T0 1795824843L

/* One real line per terminal and kind (a device attached, a refused code), cut around its
 * sequence number so that millions of lines cost a printf each. */
struct tmpl {
	char head[MAMORI_EVENT_LINE_MAX], tail[MAMORI_EVENT_LINE_MAX];
};

static int
make_template(struct tmpl *t, int h, int kind)
{
	char line[MAMORI_EVENT_LINE_MAX], host[16], stream[17], user[16], *seq;
	struct mamori_event_head head = {kind ? MAMORI_EV_AUTH_FAIL : MAMORI_EV_MEDIA_READONLY,
					 {T0 + h, 512000000}, host, stream, 1};
	struct mamori_field media[] = {
		MAMORI_STR("uevent", "add"),	     MAMORI_STR("dev", "/dev/sdb1"),
		MAMORI_STR("class", "usb-storage"), MAMORI_STR("action", "readonly"),
		MAMORI_STR("bus", "usb"),	     MAMORI_STR("vid", "0781"),
		MAMORI_STR("pid", "5567"),	     MAMORI_STR("serial", "4C530001 0"),
		MAMORI_STR("user", user)};
	struct mamori_field auth[] = {MAMORI_STR("result", "fail"), MAMORI_STR("user", user),
				      MAMORI_STR("rhost", "10.1.2.3"), MAMORI_INT("failures", 3)};
	size_t len;

	snprintf(host, sizeof(host), "term%03d", h);
	snprintf(stream, sizeof(stream), "3f9c0d2a61b04%03d", h);
	snprintf(user, sizeof(user), "user%d", 2 * h + kind);
	if (mamori_event_format(line, sizeof(line), &head, kind ? auth : media, kind ? 4 : 9,
				kind ? "wrong one-time code" : "removable storage attached read-only",
				&len) < 0 ||
	    (seq = strstr(line, " seq=1 ")) == NULL)
		return -EINVAL;
	snprintf(t->head, sizeof(t->head), "Nov 28 09:14:03 %s mamori: %.*s seq=", host,
		 (int)(seq - line), line);
	snprintf(t->tail, sizeof(t->tail), "%s", seq + 6);
	return 0;
}

/* Write n lines of collector file to out: 100 terminals interleaved, one refused code in ten,
 * one in 500 delivered twice, and among the first LINES one in 1009 never arriving: the same
 * gaps at 1 M and 10 M lines, so that the RSS compares line counts alone (gaps cost up to
 * 16 KiB a stream, report.h). */
static int
generate(FILE *out, long n)
{
	static struct tmpl t[HOSTS][2];
	uint64_t seq[HOSTS] = {0};
	long written = 0;

	for (int h = 0; h < HOSTS; h++)
		if (make_template(&t[h][0], h, 0) < 0 || make_template(&t[h][1], h, 1) < 0)
			return -EINVAL;
	for (long i = 0; written < n; i++) {
		int h = (int)(i % HOSTS);
		const struct tmpl *k = &t[h][i % 10 == 0];

		++seq[h];
		if (i % 1009 == 0 && i < LINES)
			continue;
		for (int d = 0; d <= (i % 500 == 0) && written < n; d++, written++)
			if (fprintf(out, "%s%llu%s\n", k->head, (unsigned long long)seq[h], k->tail) <
			    0)
				return -EIO;
	}
	return fflush(out) == 0 ? 0 : -EIO;
}

/* CPU seconds (user and system) the last child run took: less hurt than wall time by other
 * work on the machine. */
static double last_cpu_us;

/* Run argv with stdin from in_fd (-1: /dev/null) and stdout to out_path; wall time in us,
 * and the child's peak RSS in KiB. */
static int
run(const char *const argv[], int in_fd, const char *out_path, double *us, long *maxrss_kib)
{
	struct rusage ru;
	double t = now_us();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (out < 0 || dup2(out, 1) < 0 || (in_fd >= 0 && dup2(in_fd, 0) < 0))
			_exit(127);
		char *v[8] = {NULL};

		for (int i = 0; i < 7 && argv[i] != NULL; i++)
			if ((v[i] = strdup(argv[i])) == NULL)
				_exit(127);
		setenv("LC_ALL", "C", 1);
		execv(v[0], v);
		_exit(127);
	}
	if (in_fd >= 0)
		close(in_fd);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	*us = now_us() - t;
	last_cpu_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	if (maxrss_kib != NULL)
		*maxrss_kib = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

/* Peak RSS of mamorictl report reading n generated lines from a pipe. */
static int
rss_through_pipe(const char *mamorictl, const char *out, long n, long *kib)
{
	const char *const argv[] = {mamorictl, "report", "-", NULL};
	int p[2], rc, status;
	double us;
	pid_t gen;

	if (pipe(p) < 0)
		return -errno;
	if ((gen = fork()) < 0)
		return -errno;
	if (gen == 0) {
		FILE *f = fdopen(p[1], "w");

		close(p[0]);
		_exit(f != NULL && generate(f, n) == 0 ? 0 : 1);
	}
	close(p[1]);
	rc = run(argv, p[0], out, &us, kib);
	if (waitpid(gen, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = rc < 0 ? rc : -EIO;
	printf("  %-58s %7ld KiB  (%.1f s)\n", n == LINES ? "peak RSS, 1 M lines through a pipe"
							: "peak RSS, 10 M lines through a pipe",
	       *kib, us / 1e6);
	return rc;
}

static int
timed(const char *file, const char *mamorictl, const char *out)
{
	const char *const report[] = {mamorictl, "report", file, NULL};
	const char *const grep[] = {"/usr/bin/grep", "-c", "-F", "MAMORI-", file, NULL};
	double r[ROUNDS], g[ROUNDS], rc_cpu[ROUNDS], g_cpu[ROUNDS];
	long rss = 0;
	int rc = 0;

	/* once untimed each: the file in the page cache for both */
	if ((rc = run(report, -1, out, &r[0], NULL)) < 0 || (rc = run(grep, -1, out, &g[0], NULL)) < 0)
		return rc;
	for (int i = 0; i < ROUNDS && rc == 0; i++) {
		if ((rc = run(report, -1, out, &r[i], &rss)) < 0)
			break;
		rc_cpu[i] = last_cpu_us;
		if ((rc = run(grep, -1, out, &g[i], NULL)) < 0)
			break;
		g_cpu[i] = last_cpu_us;
	}
	if (rc < 0)
		return rc;
	qsort(r, ROUNDS, sizeof(*r), cmp_double);
	qsort(g, ROUNDS, sizeof(*g), cmp_double);
	qsort(rc_cpu, ROUNDS, sizeof(*rc_cpu), cmp_double);
	qsort(g_cpu, ROUNDS, sizeof(*g_cpu), cmp_double);
	printf("  %-58s median %7.3f s  (%.2f M lines/s)\n", "mamorictl report, 1 M-line file",
	       r[ROUNDS / 2] / 1e6, (double)LINES / r[ROUNDS / 2]);
	printf("  %-58s median %7.3f s\n", "anchor: LC_ALL=C grep -c -F MAMORI- on the same file",
	       g[ROUNDS / 2] / 1e6);
	printf("  %-58s %7.2fx\n", "report / grep, wall time", r[ROUNDS / 2] / g[ROUNDS / 2]);
	printf("  %-58s median %7.3f s / %.3f s = %.2fx\n", "CPU time (user+sys), report / grep",
	       rc_cpu[ROUNDS / 2] / 1e6, g_cpu[ROUNDS / 2] / 1e6,
	       rc_cpu[ROUNDS / 2] / g_cpu[ROUNDS / 2]);
	printf("  %-58s %7ld KiB\n", "peak RSS, 1 M-line file", rss);
	return 0;
}

int
main(int argc, char **argv)
{
	char file[4200], out[4200], mamorictl[4200];
	long rss1 = 0, rss10 = 0;
	FILE *f;
	int rc;

	if (argc != 3)
		return fprintf(stderr, "usage: bench_report WORK_DIR BUILD_DIR\n"), 2;
	setenv("TZ", "Asia/Tokyo", 1);
	printf("bench_report: mamorictl report over %ld collector lines, %d rounds\n", LINES,
	       ROUNDS);
	/* page-cache reads only: the build directory, not the (possibly small) fsync work dir */
	snprintf(file, sizeof(file), "%s/bench-report.log", argv[2]);
	snprintf(out, sizeof(out), "%s/bench-report.out", argv[2]);
	snprintf(mamorictl, sizeof(mamorictl), "%s/mamorictl", argv[2]);
	if ((f = fopen(file, "w")) == NULL || generate(f, LINES) < 0 || fclose(f) != 0) {
		fprintf(stderr, "bench_report: cannot write %s\n", file);
		return 1;
	}
	rc = timed(file, mamorictl, out);
	if (rc == 0)
		rc = rss_through_pipe(mamorictl, out, LINES, &rss1);
	if (rc == 0)
		rc = rss_through_pipe(mamorictl, out, 10 * LINES, &rss10);
	if (rc == 0)
		printf("  %-58s %7.2fx\n", "peak RSS 10 M / 1 M (bounded: about 1)",
		       (double)rss10 / (double)rss1);
	unlink(file);
	unlink(out);
	if (rc < 0)
		fprintf(stderr, "bench_report: a run failed (%d)\n", rc);
	return rc < 0 ? 1 : 0;
}
