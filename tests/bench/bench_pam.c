/* bench_pam WORK_DIR BUILD_DIR: one full second-factor pam_authenticate through the real
 * libpam, the module's state update included, for pam_mamori beside its anchors, the Debian
 * packages' pam_google_authenticator (HOTP_COUNTER, DISALLOW_REUSE) and pam_oath (usersfile
 * with its counter). Every login presents a fresh, valid HOTP code of the same RFC 4226 key;
 * the three are interleaved so that disk weather hits them alike, and all state lives in
 * WORK_DIR, which must be ext4. fsync(2) and fdatasync(2) are counted per login (this
 * program's definitions take the place of libc's for the modules): "durable" means the state
 * file and the directory holding it were synced; "fsync us" is the median time a login spent
 * in them. syslog(3) lines of all three (libpam's
 * pam_syslog calls the fortified __syslog_chk) go as datagrams to a socket that a child
 * drains, as a running syslog daemon would take them: without one, glibc writes them to
 * /dev/console, whose speed is the machine's, not the module's. Medians and p99 in
 * microseconds. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <security/pam_appl.h>

#include "bench.h"
#include "mamori/buf.h"
#include "mamori/otp.h"
#include "mamori/userstore.h"

#define N 300
#define USER "root" /* pam_google_authenticator needs an account that exists */

static const uint8_t key[] = "12345678901234567890"; /* RFC 4226 Appendix D */

struct module {
	const char *name;
	const char *service;
	uint64_t first;  /* counter of the first code this module expects */
	double us[N];
	double sync_us[N]; /* of which spent in fsync and fdatasync */
	unsigned long file_syncs, dir_syncs;
};

static struct module *counting; /* whose login the fsyncs below belong to */
static int counting_i;

static void
count_sync(int fd)
{
	struct stat st;

	if (counting == NULL || fstat(fd, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		counting->dir_syncs++;
	else
		counting->file_syncs++;
}

int fsync(int fd);
int fdatasync(int fd);

static int
timed_sync(long nr, int fd)
{
	double t = now_us();
	int r = (int)syscall(nr, fd);

	if (counting != NULL)
		counting->sync_us[counting_i] += now_us() - t;
	return r;
}

int
fsync(int fd)
{
	count_sync(fd);
	return timed_sync(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
	count_sync(fd);
	return timed_sync(SYS_fdatasync, fd);
}

static void die(const char *what) __attribute__((noreturn));

static struct sockaddr_un log_addr;
static int log_fd = -1;

void __syslog_chk(int pri, int flag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n = snprintf(line, sizeof(line), "<%d>bench_pam[%d]: ", pri, (int)getpid());

	(void)flag;
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	(void)!sendto(log_fd, line, strlen(line), MSG_DONTWAIT,
		      (const struct sockaddr *)&log_addr, sizeof(log_addr));
}

/* A receiver that reads and discards, as a healthy syslog daemon would. */
static pid_t
start_drainer(const char *dir)
{
	char buf[8192];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	log_addr.sun_family = AF_UNIX;
	if (snprintf(log_addr.sun_path, sizeof(log_addr.sun_path), "%s/log.sock", dir) >=
	    (int)sizeof(log_addr.sun_path))
		die("socket path too long");
	if (fd < 0 || bind(fd, (struct sockaddr *)&log_addr, sizeof(log_addr)) < 0)
		die("log socket");
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0)
		for (;;)
			(void)!recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if ((log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		die("socket");
	return pid;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* Every path and text here must fit whole. */
#define FMT(buf, ...)                                                    \
	do {                                                             \
		if (mamori_snprintf((buf), sizeof(buf), __VA_ARGS__) < 0) \
			die("path too long");                            \
	} while (0)

static void
write_file(const char *dir, const char *name, mode_t mode, const char *text)
{
	char path[8192];
	FILE *f;

	FMT(path, "%s/%s", dir, name);
	if ((f = fopen(path, "we")) == NULL || fputs(text, f) < 0 || fclose(f) != 0 ||
	    chmod(path, mode) < 0)
		die(path);
}

static void
enrol_mamori(const char *users)
{
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	struct mamori_userstate st = {
		.type = MAMORI_TOKEN_HOTP,
		.algorithm = MAMORI_OTP_SHA1,
		.digits = 6,
		.step = 30,
		.active = true,
		.key_len = 20,
	};

	memcpy(st.key, key, 20);
	if (mamori_userstore_open(users, 0, &store) < 0 ||
	    mamori_userstore_lock(store, USER, &lock) < 0 || mamori_userstore_save(lock, &st) < 0)
		die("mamori state");
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);
}

/* Service files and state for the three modules; google-authenticator's secret is the same
 * key in base32, pam_oath's in hex. */
static void
setup(const char *dir, const char *build)
{
	char text[16384], top[4096], users[8192];

	if (realpath(build, top) == NULL)
		die(build);
	FMT(users, "%s/users", dir);
	FMT(text, "%s/log", dir);
	if (mkdir(users, 0700) < 0 || mkdir(text, 0750) < 0)
		die("mkdir");
	FMT(text, "auth {\n  state_dir = \"%s\"\n}\n"
		 "report {\n  event_log = \"%s/log/events.log\"\n  state_dir = \"%s\"\n"
		 "  spool_dir = \"%s/run\"\n}\n",
		 users, dir, dir, dir);
	write_file(dir, "mamori.conf", 0644, text);
	enrol_mamori(users);
	FMT(text, "auth required %s/pam_mamori.so conf=%s/mamori.conf\n", top,
		 dir);
	write_file(dir, "bench-mamori", 0644, text);

	write_file(dir, "ga-" USER, 0600,
		   "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n\" HOTP_COUNTER 1\n\" DISALLOW_REUSE\n"
		   "\" WINDOW_SIZE 3\n");
	FMT(text, "auth required pam_google_authenticator.so secret=%s/ga-${USER}\n", dir);
	write_file(dir, "bench-google-authenticator", 0644, text);

	write_file(dir, "users.oath", 0600,
		   "HOTP " USER " - 3132333435363738393031323334353637383930\n");
	FMT(text, "auth required pam_oath.so usersfile=%s/users.oath window=10\n",
		 dir);
	write_file(dir, "bench-oath", 0644, text);
}

static int
converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(data);
	*resp = r;
	return PAM_SUCCESS;
}

/* One login with the code for counter first + i; its pam_authenticate timed. PAM's
 * answer. */
static int
try_login(const char *dir, struct module *m, int i)
{
	char code[9];
	uint32_t v;
	struct pam_conv conv = {converse, code};
	pam_handle_t *pamh = NULL;
	double t;
	int r;

	if (mamori_hotp(key, 20, MAMORI_OTP_SHA1, m->first + (uint64_t)i, 6, &v) < 0 ||
	    mamori_otp_format(v, 6, code, sizeof(code)) < 0)
		die("hotp");
	if (pam_start_confdir(m->service, USER, &conv, dir, &pamh) != PAM_SUCCESS)
		die("pam_start_confdir");
	counting = m;
	counting_i = i;
	m->sync_us[i] = 0;
	t = now_us();
	r = pam_authenticate(pamh, PAM_SILENT);
	m->us[i] = now_us() - t;
	counting = NULL;
	pam_end(pamh, r);
	return r;
}

static void
login(const char *dir, struct module *m, int i)
{
	int r = try_login(dir, m, i);

	if (r != PAM_SUCCESS) {
		fprintf(stderr, "bench_pam: %s refused login %d: %s\n", m->name, i,
			pam_strerror(NULL, r));
		exit(1);
	}
}

static void
print_row(struct module *m)
{
	const char *durable = m->file_syncs >= N && m->dir_syncs >= N ? "yes"
			      : m->file_syncs >= N			    ? "file only"
									    : "no";

	qsort(m->us, N, sizeof(m->us[0]), cmp_double);
	qsort(m->sync_us, N, sizeof(m->sync_us[0]), cmp_double);
	printf("  %-26s %10.1f %10.1f %10.1f   %-9s (%.1f file + %.1f dir fsyncs/login)\n",
	       m->name, m->us[N / 2], m->us[N * 99 / 100], m->sync_us[N / 2], durable,
	       (double)m->file_syncs / N, (double)m->dir_syncs / N);
}

int
main(int argc, char **argv)
{
	static struct module mods[] = {
		{.name = "pam_mamori", .service = "bench-mamori", .first = 0},
		{.name = "pam_google_authenticator", .service = "bench-google-authenticator",
		 .first = 1},
		{.name = "pam_oath", .service = "bench-oath", .first = 0},
	};
	char dir[4096], cmd[4200];
	struct statfs fs;
	pid_t drainer;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_pam WORK_DIR BUILD_DIR\n");
		return 2;
	}
	printf("bench_pam: %d second-factor logins per module through libpam, HOTP, "
	       "interleaved\n", N);
	if (geteuid() != 0) {
		printf("  skipped: needs root (mamori.conf and the state must be root's)\n");
		return 0;
	}
	/* module arguments and libpam want absolute paths */
	if (realpath(argv[1], cmd) == NULL)
		die(argv[1]);
	FMT(dir, "%s/bench-pam.XXXXXX", cmd);
	if (mkdtemp(dir) == NULL)
		die(dir);
	if (statfs(dir, &fs) < 0 || fs.f_type != EXT4_SUPER_MAGIC) {
		fprintf(stderr, "bench_pam: %s is not on ext4\n", dir);
		return 1;
	}
	setup(dir, argv[2]);
	drainer = start_drainer(dir);
	for (int i = 0; i < N; i++)
		for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++)
			login(dir, &mods[m], i);
	printf("  %-26s %10s %10s %10s   %s\n", "module", "median us", "p99 us", "fsync us",
	       "durable");
	for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++)
		print_row(&mods[m]);
	/* After the timing (it reuses a slot): each has its replay protection on, so the last
	 * code presented again is refused. */
	for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++)
		if (try_login(dir, &mods[m], N - 1) == PAM_SUCCESS) {
			fprintf(stderr, "bench_pam: %s accepted a used code\n", mods[m].name);
			return 1;
		}
	printf("  each refused its last code presented again; state on ext4 in %s (removed)\n",
	       dir);
	kill(drainer, SIGKILL);
	waitpid(drainer, NULL, 0);
	FMT(cmd, "rm -rf '%s'", dir);
	(void)!system(cmd);
	return 0;
}
