/* mamorictl check: forwarding to the central collector (README, "Central collector"). Events
 * reach the collector only while rsyslog's RELP action runs: an expired or soon expiring TLS
 * certificate stops it for good (omrelp "DISABLING action", rsyslog#5636: the flag file
 * MAMORI_DISABLED_FLAG exists), a disk queue that grows or holds old files shows that the
 * collector has not taken events for a while. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "check.h"
#include "mamori/envfile.h"
#include "mamori/i18n.h"
#include "mamori/safefile.h"

#define FORWARD_ENV "/etc/mamori/forward.env"
#define QUEUE_DIR "/var/spool/rsyslog"  /* Debian's rsyslog workDirectory */
#define QUEUE_PREFIX "mamori_fwd."      /* queue.filename in 60-mamori-forward.conf */
#define QUEUE_WARN (256LL << 20)        /* half of its queue.maxDiskSpace */
#define QUEUE_WARN_MINUTES 60           /* heartbeats every 5 min keep it moving */
#define EXPIRY_WARN_DAYS 30

/* Days until the certificate in the PEM file at path expires, to the nearest day; -1 when it
 * has expired. *ret_ok is false when it cannot be read. */
static long
days_left(const char *path, bool *ret_ok)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	int day = 0, sec = 0;

	*ret_ok = x != NULL && ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(x)) == 1;
	X509_free(x);
	if (f != NULL)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	if (day < 0 || sec < 0)
		return -1;
	return (long)day + (sec >= 12 * 3600);
}

static void
check_cert(struct check_ctx *c, const char *text, size_t len, const char *key)
{
	char value[PATH_MAX], path[PATH_MAX];
	bool ok;
	long days;

	if (mamori_envfile_get(text, len, key, value, sizeof(value)) < 0 || value[0] != '/' ||
	    !check_path(c, value, path, sizeof(path))) {
		check_add(c, "forward.cert", CHECK_FAIL, "unset", NULL, 0,
			  N_("forwarding: %s is not set to an absolute path in %s."), key,
			  FORWARD_ENV);
		return;
	}
	days = days_left(path, &ok);
	if (!ok)
		check_add(c, "forward.cert", CHECK_FAIL, "unreadable", path, 0,
			  N_("forwarding: the certificate %s cannot be read: RELP to the collector "
			     "cannot start."), path);
	else if (days < 0)
		check_add(c, "forward.cert", CHECK_FAIL, "expired", path, 0,
			  N_("forwarding: the certificate %s has expired: no event reaches the "
			     "collector. Renew it, then resend the journal (README)."), path);
	else if (days < EXPIRY_WARN_DAYS)
		check_add(c, "forward.cert", CHECK_WARN, "expiring", path, 0,
			  N_("forwarding: the certificate %s expires in %ld days: renew it before "
			     "forwarding stops."), path, days);
	else
		check_add(c, "forward.cert", CHECK_OK, "valid", path, 0,
			  N_("forwarding: the certificate %s expires in %ld days."), path, days);
}

/* The queue's data files (mamori_fwd.00000001 …), not its index (.qi). */
static int
is_queue_file(const struct dirent *d)
{
	const char *n = d->d_name + sizeof(QUEUE_PREFIX) - 1;

	return strncmp(d->d_name, QUEUE_PREFIX, sizeof(QUEUE_PREFIX) - 1) == 0 && *n >= '0' &&
	       *n <= '9';
}

/* Bytes in the queue's data files and the time the oldest non-empty one was last written. */
static int
queue_files(const char *dir, long long *ret_bytes, time_t *ret_oldest)
{
	struct dirent **names = NULL;
	long long bytes = 0;
	time_t oldest = 0;
	struct stat st;
	int n, dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dfd < 0)
		return -errno;
	n = scandir(dir, &names, is_queue_file, alphasort);
	for (int i = 0; i < n; i++) {
		if (fstatat(dfd, names[i]->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size > 0) {
			bytes += st.st_size;
			if (oldest == 0 || st.st_mtime < oldest)
				oldest = st.st_mtime;
		}
		free(names[i]);
	}
	free(names);
	close(dfd);
	*ret_bytes = bytes;
	*ret_oldest = oldest;
	return 0;
}

static void
check_queue(struct check_ctx *c)
{
	char dir[PATH_MAX];
	long long bytes = 0;
	time_t oldest = 0;
	long age;

	if (!check_path(c, QUEUE_DIR, dir, sizeof(dir)) || queue_files(dir, &bytes, &oldest) < 0) {
		check_add(c, "forward.queue", CHECK_WARN, "no-spool", NULL, 0,
			  N_("forwarding: rsyslog's work directory %s cannot be opened."), QUEUE_DIR);
		return;
	}
	if (bytes == 0) {
		check_add(c, "forward.queue", CHECK_OK, "empty", dir, 0,
			  N_("forwarding: the disk queue is empty: the collector has every event."));
		return;
	}
	age = oldest < time(NULL) ? (long)((time(NULL) - oldest) / 60) : 0;
	if (bytes >= QUEUE_WARN || age >= QUEUE_WARN_MINUTES)
		check_add(c, "forward.queue", CHECK_WARN, "waiting", dir, 0,
			  N_("forwarding: the disk queue holds %lld KiB, its oldest file was last "
			     "written %ld minutes ago: the collector has not taken events for that "
			     "long."), (bytes + 1023) >> 10, age);
	else
		check_add(c, "forward.queue", CHECK_OK, "size", dir, 0,
			  N_("forwarding: the disk queue holds %lld KiB, its oldest file was last "
			     "written %ld minutes ago."), (bytes + 1023) >> 10, age);
}

/* The file 60-mamori-forward.conf writes when omrelp disabled the action (rsyslog#5636). */
static void
check_disabled(struct check_ctx *c, const char *text, size_t len)
{
	char value[PATH_MAX], path[PATH_MAX];
	struct stat st;

	if (mamori_envfile_get(text, len, "MAMORI_DISABLED_FLAG", value, sizeof(value)) < 0 ||
	    value[0] != '/' || !check_path(c, value, path, sizeof(path)))
		return;
	if (lstat(path, &st) == 0)
		check_add(c, "forward.disabled", CHECK_FAIL, "disabled", path, 0,
			  N_("forwarding: rsyslog's omrelp refused the collector's certificate and "
			     "stopped forwarding %ld minutes ago (%s). mamori-forward-resume restarts "
			     "it once the collector passes the name check; check its certificate."),
			  (long)((time(NULL) - st.st_mtime) / 60), path);
}

void
check_forward(struct check_ctx *c)
{
	const struct mamori_file_rules rules = {0, S_IWGRP | S_IWOTH, 64 * 1024};
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	int fd, r;

	if (!check_path(c, FORWARD_ENV, path, sizeof(path)))
		return;
	fd = mamori_open_checked(path, &rules, NULL);
	if (fd == -ENOENT) {
		check_add(c, "forward", CHECK_WARN, "not-configured", path, 0,
			  N_("forwarding: %s does not exist: events stay on this terminal and do not "
			     "reach the central collector (README, \"Central collector\")."), path);
		return;
	}
	if (fd < 0 || (r = mamori_read_all(fd, rules.max_size, &text, &len)) < 0) {
		check_add(c, "forward", CHECK_FAIL, "unreadable", path, 0,
			  N_("forwarding: %s cannot be read safely (root-owned, not group/world-"
			     "writable)."), path);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	check_cert(c, text, len, "MAMORI_TLS_CA");
	check_cert(c, text, len, "MAMORI_TLS_CERT");
	check_disabled(c, text, len);
	check_queue(c);
	free(text);
}
