/* mamori_report end to end: durable log without syslog, a stuck syslog, early-boot spool and
 * drain, its own failures reported, and many processes reporting at once. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "event_fixture.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/event_seq.h"
#include "tmpdir.h"

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static struct mamori_reporter *
reporter(struct event_fixture *f)
{
	struct mamori_reporter *r = NULL;

	assert_int_equal(mamori_reporter_new(&f->opts, &r), 0);
	return r;
}

static int
one_event(struct mamori_reporter *r, const char *tag)
{
	return MAMORI_REPORT(r, MAMORI_EV_CONF_INVALID, "test", MAMORI_STR("tag", tag));
}

static void
assert_logged(struct event_fixture *f, const char *needle, size_t times)
{
	char *log = event_fixture_read(f->event_log);

	assert_non_null(log);
	assert_int_equal(event_fixture_count(log, needle), times);
	free(log);
}

static void
logs_while_syslog_socket_is_missing(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r;

	f->opts.sink = NULL;
	f->opts.syslog_socket = "/nonexistent/mamori-test.sock";
	r = reporter(f);
	assert_int_equal(one_event(r, "nosyslog"), 0);
	mamori_reporter_free(&r);
	assert_logged(f, " seq=1 tag=nosyslog msg=\"test\"", 1);
}

static void
logs_while_sink_fails(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r = reporter(f);

	f->cap.rc = -EIO;
	assert_int_equal(one_event(r, "failing"), 0);
	mamori_reporter_free(&r);
	assert_int_equal(f->cap.n, 1);
	assert_int_equal(f->cap.severity[0], LOG_ERR);
	assert_logged(f, f->cap.lines[0], 1);
}

static int
bind_receiver(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(a.sun_path));
	strcpy(a.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void
builtin_sink_sends_syslog_datagrams(void **state)
{
	struct event_fixture *f = *state;
	char sock[PATH_MAX + 16], got[8192], want[64];
	struct mamori_reporter *r;
	ssize_t n;
	int fd;

	snprintf(sock, sizeof(sock), "%s/log.sock", f->dir);
	fd = bind_receiver(sock);
	f->opts.sink = NULL;
	f->opts.syslog_socket = sock;
	r = reporter(f);
	assert_int_equal(one_event(r, "dgram"), 0);
	n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	got[n] = '\0';
	/* authpriv (10) * 8 + err (3) = 83; RFC 3164 "Mmm dd hh:mm:ss ident[pid]: " header */
	assert_memory_equal(got, "<83>", 4);
	snprintf(want, sizeof(want), " mamori-test[%ld]: MAMORI-CONF-001 ", (long)getpid());
	assert_non_null(strstr(got, want));
	assert_int_equal(got[4 + 15], ' ');
	assert_logged(f, strstr(got, "MAMORI-CONF-001 "), 1);
	mamori_reporter_free(&r);
	close(fd);
}

static void
builtin_sink_reconnects_to_a_restarted_syslog(void **state)
{
	struct event_fixture *f = *state;
	char sock[PATH_MAX + 16], got[8192];
	struct mamori_reporter *r;
	ssize_t n;
	int fd;

	snprintf(sock, sizeof(sock), "%s/log.sock", f->dir);
	fd = bind_receiver(sock);
	f->opts.sink = NULL;
	f->opts.syslog_socket = sock;
	r = reporter(f);
	assert_int_equal(one_event(r, "before"), 0);
	/* syslogd restarts: the old socket goes, a new one takes its name */
	close(fd);
	assert_int_equal(unlink(sock), 0);
	assert_int_equal(one_event(r, "while_down"), 0);
	fd = bind_receiver(sock);
	assert_int_equal(one_event(r, "after"), 0);
	n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	got[n] = '\0';
	assert_non_null(strstr(got, " tag=after "));
	assert_logged(f, " tag=while_down ", 1);
	mamori_reporter_free(&r);
	close(fd);
}

static void
stuck_syslog_does_not_block(void **state)
{
	struct event_fixture *f = *state;
	char sock[PATH_MAX + 16];
	struct mamori_reporter *r;
	double worst = 0;
	int fd, probe;

	snprintf(sock, sizeof(sock), "%s/stuck.sock", f->dir);
	fd = bind_receiver(sock); /* bound, never read */
	f->opts.sink = NULL;
	f->opts.syslog_socket = sock;
	r = reporter(f);
	/* a send that blocks would hang here for good: let the alarm end the test instead */
	alarm(60);
	for (int i = 0; i < 200; i++) {
		double t0 = now_ms();
		assert_int_equal(one_event(r, "stuck"), 0);
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
	}
	alarm(0);
	/* the receiver's queue really is full: a plain non-blocking send is refused */
	probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	strcpy(a.sun_path, sock);
	assert_int_equal(connect(probe, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(send(probe, "x", 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	print_message("stuck syslog: slowest of 200 reports took %.1f ms\n", worst);
	assert_true(worst < 1000);
	assert_logged(f, " tag=stuck ", 200);
	mamori_reporter_free(&r);
	close(probe);
	close(fd);
}

/* While the log's directory is unusable the event is spooled; the first report that finds it
 * usable moves the spool in, in order, numbered then, each keeping its own time. */
static void
spool_then_drain(struct event_fixture *f, const char *blocker_kind)
{
	struct mamori_reporter *r = reporter(f);
	char *spool, *log, spool_path[PATH_MAX + 32];
	int why = strcmp(blocker_kind, "file") == 0 ? -ENOTDIR : -ENOENT;

	assert_int_equal(rmdir(f->log_dir), 0);
	if (why == -ENOTDIR)
		assert_int_equal(test_write_file(f->log_dir, "not a dir", 0600), 0);
	assert_int_equal(one_event(r, "early1"), why);
	assert_int_equal(one_event(r, "early2"), why);
	snprintf(spool_path, sizeof(spool_path), "%s/spool.log", f->spool_dir);
	spool = event_fixture_read(spool_path);
	assert_non_null(spool);
	assert_int_equal(event_fixture_count(spool, " host="), 2);
	assert_int_equal(event_fixture_count(spool, " seq="), 0);
	assert_int_equal(event_fixture_count(spool, " spooled=1 tag=early"), 2);
	assert_non_null(event_fixture_captured(&f->cap, "MAMORI-REPORT-403 "));
	assert_non_null(strstr(f->cap.lines[1], " spooled=1 tag=early1 "));
	if (why == -ENOTDIR)
		assert_int_equal(unlink(f->log_dir), 0);
	assert_int_equal(mkdir(f->log_dir, 0755), 0);
	assert_int_equal(one_event(r, "late"), 0);
	mamori_reporter_free(&r);
	log = event_fixture_read(f->event_log);
	assert_non_null(log);
	assert_int_equal(event_fixture_count(log, "time=2026-11-28T09:14:03.512+09:00 host="), 1);
	assert_int_equal(event_fixture_count(log, " seq=1 spooled=1 tag=early1 "), 1);
	assert_int_equal(event_fixture_count(log, ":04.512+09:00 "), 1);
	assert_int_equal(event_fixture_count(log, " seq=2 spooled=1 tag=early2 "), 1);
	assert_int_equal(event_fixture_count(log, " seq=3 moved=2 dropped=0 "), 1);
	assert_int_equal(event_fixture_count(log, " seq=4 tag=late "), 1);
	free(spool);
	spool = event_fixture_read(spool_path);
	assert_string_equal(spool, "");
	free(spool);
	free(log);
}

static void
spools_while_log_dir_is_missing(void **state)
{
	spool_then_drain(*state, "missing");
}

static void
spools_while_a_file_is_where_the_dir_should_be(void **state)
{
	spool_then_drain(*state, "file");
}

static void
drain_drops_what_is_not_an_event_line(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r = reporter(f);
	char path[PATH_MAX + 32];

	assert_int_equal(mkdir(f->spool_dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/spool.log", f->spool_dir);
	assert_int_equal(test_write_file(path,
					 "not an event\n"
					 "MAMORI-CONF-002 sev=info time=T host=h seq=9 msg=\"x\"\n"
					 "MAMORI-CONF-002 sev=info time=T host=h spooled=1 msg=\"x\"\n"
					 "MAMORI-CONF-002 sev=info time=T host=h spooled=1 msg=\"cut",
					 0600),
			 0);
	assert_int_equal(one_event(r, "now"), 0);
	mamori_reporter_free(&r);
	assert_logged(f, " host=h stream=", 1);
	assert_logged(f, " seq=1 spooled=1 msg=\"x\"", 1);
	assert_logged(f, " seq=2 moved=1 dropped=3 ", 1);
	assert_logged(f, " seq=3 tag=now ", 1);
	assert_logged(f, " seq=4 ", 0);
}

static void
refuses_a_spool_others_can_read(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r = reporter(f);
	char path[PATH_MAX + 32];

	assert_int_equal(mkdir(f->spool_dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/spool.log", f->spool_dir);
	assert_int_equal(test_write_file(path, "", 0644), 0);
	assert_int_equal(rmdir(f->log_dir), 0);
	assert_int_equal(one_event(r, "early"), MAMORI_E_MODE);
	mamori_reporter_free(&r);
	assert_non_null(strstr(event_fixture_captured(&f->cap, "MAMORI-REPORT-401 "),
			       " reason=\"file is writable by group or others\" "));
	assert_non_null(event_fixture_captured(&f->cap, "MAMORI-CONF-001 "));
}

static void
unusable_log_is_reported(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r = reporter(f);
	const char *line;

	assert_int_equal(test_write_file(f->event_log, "", 0666), 0);
	assert_int_equal(one_event(r, "x"), MAMORI_E_MODE);
	mamori_reporter_free(&r);
	line = event_fixture_captured(&f->cap, "MAMORI-REPORT-401 ");
	assert_non_null(line);
	assert_non_null(strstr(line, " reason=\"file is writable by group or others\" "));
	assert_non_null(strstr(line, " event=MAMORI-CONF-001 "));
	line = event_fixture_captured(&f->cap, "MAMORI-CONF-001 ");
	assert_non_null(line);
	assert_null(strstr(line, " seq="));
}

#define PROCS 16
#define PER_PROC 1000

/* build/tests/test_reporter → build/tests/progs/emit_events */
static void
emitter_path(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_true(n > 0);
	self[n] = '\0';
	snprintf(out, cap, "%s/progs/emit_events", dirname(self));
	assert_int_equal(access(out, X_OK), 0);
}

static void
run_emitters(struct event_fixture *f)
{
	char prog[PATH_MAX + 32], tag[16];
	pid_t pids[PROCS];
	int status;

	emitter_path(prog, sizeof(prog));
	for (int p = 0; p < PROCS; p++) {
		snprintf(tag, sizeof(tag), "p%d", p);
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			execl(prog, prog, f->state_dir, f->event_log, f->spool_dir, "1000", tag,
			      (char *)NULL);
			_exit(127);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* The state a crash (or a killed process) between the number's write to the store and the
 * line's fdatasync leaves: one more number taken in the store, no line for it. */
static void
take_number_without_line(struct event_fixture *f)
{
	struct mamori_seq seq;
	uint64_t n;

	assert_int_equal(mamori_seq_open_locked(f->seq_path, &seq), 0);
	assert_int_equal(mamori_seq_next(&seq, &n), 0);
	mamori_seq_close(&seq);
}

/* The next event gets that number back: no gap that a report would call a lost event. */
static void
number_taken_by_a_crash_is_given_back(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r = reporter(f);

	assert_int_equal(one_event(r, "a"), 0);
	assert_int_equal(one_event(r, "b"), 0);
	take_number_without_line(f);
	assert_int_equal(one_event(r, "c"), 0);
	assert_logged(f, " seq=3 tag=c ", 1);
	mamori_reporter_free(&r);
}

/* Only the one number just after the log's last line: two numbers without lines, or a log
 * with no line to compare (emptied, and no rotated copy), and the numbers stay taken. */
static void
numbers_are_given_back_only_after_the_last_line(void **state)
{
	struct event_fixture *f = *state;
	struct mamori_reporter *r = reporter(f);

	assert_int_equal(one_event(r, "a"), 0);
	take_number_without_line(f);
	take_number_without_line(f);
	assert_int_equal(one_event(r, "b"), 0);
	assert_logged(f, " seq=4 tag=b ", 1);
	assert_int_equal(truncate(f->event_log, 0), 0);
	take_number_without_line(f);
	assert_int_equal(one_event(r, "c"), 0);
	assert_logged(f, " seq=6 tag=c ", 1);
	mamori_reporter_free(&r);
}

/* The number after "key=" at the first occurrence of key in line (strtoull, not sscanf:
 * sscanf measures the whole rest of the log on every call). */
static unsigned long long
number_after(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	char *end;
	unsigned long long v;

	assert_non_null(p);
	v = strtoull(p + strlen(key), &end, 10);
	assert_true(end > p + strlen(key) && *end == ' ');
	return v;
}

/* Every line in file order has seq one above the line before, and each process's events
 * appear once each, in its own order. */
static void
check_concurrent_log(const char *log)
{
	unsigned long long next_n[PROCS] = {0}, want = 1, p;
	size_t lines = 0;

	for (const char *l = log; *l != '\0'; l = strchr(l, '\n') + 1) {
		assert_non_null(strchr(l, '\n'));
		assert_int_equal(number_after(l, " seq="), want);
		p = number_after(l, " tag=p");
		assert_true(p < PROCS);
		assert_int_equal(number_after(l, " n="), ++next_n[p]);
		want++, lines++;
	}
	assert_int_equal(lines, PROCS * PER_PROC);
	for (p = 0; p < PROCS; p++)
		assert_int_equal(next_n[p], PER_PROC);
}

static void
sixteen_processes_thousand_events_each(void **state)
{
	struct event_fixture *f = *state;
	double t0 = now_ms(), took;
	char *log;

	run_emitters(f);
	took = now_ms() - t0;
	print_message("%d processes x %d events: %.2f s (%.0f events/s, fsync'd)\n", PROCS,
		      PER_PROC, took / 1e3, PROCS * PER_PROC / (took / 1e3));
	log = event_fixture_read(f->event_log);
	assert_non_null(log);
	check_concurrent_log(log);
	free(log);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, event_fixture_setup, event_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(logs_while_syslog_socket_is_missing),
		T(logs_while_sink_fails),
		T(builtin_sink_sends_syslog_datagrams),
		T(builtin_sink_reconnects_to_a_restarted_syslog),
		T(stuck_syslog_does_not_block),
		T(spools_while_log_dir_is_missing),
		T(spools_while_a_file_is_where_the_dir_should_be),
		T(drain_drops_what_is_not_an_event_line),
		T(number_taken_by_a_crash_is_given_back),
		T(numbers_are_given_back_only_after_the_last_line),
		T(refuses_a_spool_others_can_read),
		T(unusable_log_is_reported),
		T(sixteen_processes_thousand_events_each),
	};
#undef T
	return cmocka_run_group_tests_name("reporter", tests, NULL, NULL);
}
