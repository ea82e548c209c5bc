/* The sequence store: "<16 hex stream id> <20-digit number>\n", 38 bytes rewritten in place.
 * A record this small sits in one sector, so a pwrite replaces it whole; no temporary file and
 * rename is needed.
 *
 * One fdatasync per event, the durable log's. Every number is written here (pwrite) before its
 * line is appended, but it is made durable here only when the log cannot vouch for it. After a
 * clean run the store (page cache) holds the last number taken; after a crash it may hold any
 * older one, written back by the kernel on its own. The log's last whole line is the truth then,
 * since every line whose append returned was fdatasync'd and lines go in number order under
 * the lock. mamori_seq_settle reads it before a number is taken, under the lock:
 *
 * - crash (or a killed process) after the number N was written here, before its line was
 *   durable: the store holds N (the write reached the disk) or less, the log ends at N-1.
 *   N is taken again. Its line was never durable and its syslog copy is sent only after the
 *   append returns, so no copy of N exists (but see the last point).
 * - crash after the line was fdatasync'd: the log ends at N, the store holds N or less: N+1.
 * - crash in the middle of an append: the log ends in a half line after line N-1, text or a
 *   run of NUL bytes (ext4 can make the new size durable, with another file's fsync, before
 *   the data; it never shows the end of an append without its start). The whole line before
 *   it counts; the next line goes after a newline that ends the half one
 *   (mamori_evlog_append), so that line is whole and vouches for its number.
 * - the log renamed by logrotate (conf/logrotate.mamori: to <log>.1, not compressed before the
 *   next rotation, and no rotation of a missing or empty log): a missing or empty log vouches
 *   for nothing and a crash after the rename may have left the store behind, so <log>.1's last
 *   line counts too, and the first number of the new log is fdatasync'd here as before.
 * - the log's end is no line of this stream (the store was made anew, or the log was damaged):
 *   the store alone counts, and its numbers are fdatasync'd until a line of this stream ends
 *   the log again.
 * - not closed: rsyslog's imfile may read and forward a line from the page cache before its
 *   fdatasync completes; a crash that loses the line then hands its number out again, and the
 *   collector holds two events under one number. The window is the log's fdatasync; giving
 *   the number back after a crash (above) had it with two fsyncs as well, and only a sync
 *   here before the append together with never giving a number back (a gap instead) closes it.
 *   A log moved away by hand (not to <log>.1) shortly before a crash can also lose the truth:
 *   the numbers taken since the store was last written back are handed out again. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/event_log.h"
#include "mamori/event_seq.h"
#include "mamori/safefile.h"

#define RECORD_LEN (MAMORI_STREAM_LEN + 1 + 20 + 1)

/* Open for update without following links; a missing file is created empty (O_EXCL), and
 * whoever first holds the lock on an empty file gives it its stream id. */
static int
open_store(const char *path)
{
	int fd;

	for (int tries = 0; tries < 2; tries++) {
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0 || errno != ENOENT)
			return fd >= 0 ? fd : -errno;
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			  0600);
		if (fd >= 0) {
			/* the mode must not depend on the caller's umask */
			if (fchmod(fd, 0600) < 0) {
				int r = -errno;
				close(fd);
				return r;
			}
			(void)mamori_fsync_parent(path);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EAGAIN;
}

/* Write the record; sync: make it durable before returning. */
static int
write_record(int fd, const char *stream, uint64_t seq, bool sync)
{
	char rec[RECORD_LEN + 1];
	ssize_t n;
	int r;

	if ((r = mamori_snprintf(rec, sizeof(rec), "%s %020" PRIu64 "\n", stream, seq)) < 0)
		return r;
	do
		n = pwrite(fd, rec, RECORD_LEN, 0);
	while (n < 0 && errno == EINTR);
	if (n != RECORD_LEN)
		return n < 0 ? -errno : -EIO;
	return sync && fdatasync(fd) < 0 ? -errno : 0;
}

static int
new_stream(char out[MAMORI_STREAM_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[MAMORI_STREAM_LEN / 2];
	ssize_t n;

	do
		n = getrandom(rnd, sizeof(rnd), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(rnd))
		return n < 0 ? -errno : -EIO;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 0xf];
	}
	out[MAMORI_STREAM_LEN] = '\0';
	return 0;
}

static int
parse_record(const char *rec, char stream[MAMORI_STREAM_LEN + 1], uint64_t *ret_seq)
{
	uint64_t v = 0;
	const char *d = rec + MAMORI_STREAM_LEN + 1;

	if (strspn(rec, "0123456789abcdef") != MAMORI_STREAM_LEN || rec[MAMORI_STREAM_LEN] != ' ' ||
	    strspn(d, "0123456789") != 20 || d[20] != '\n')
		return MAMORI_E_CORRUPT;
	for (int i = 0; i < 20; i++) {
		unsigned digit = (unsigned)(d[i] - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return MAMORI_E_CORRUPT;
		v = v * 10 + digit;
	}
	/* the last number can never be handed out: it would wrap to 0, which means "none" */
	if (v == UINT64_MAX)
		return MAMORI_E_CORRUPT;
	memcpy(stream, rec, MAMORI_STREAM_LEN);
	stream[MAMORI_STREAM_LEN] = '\0';
	*ret_seq = v;
	return 0;
}

/* Read the record under the lock; an empty file is one just created: give it a stream. */
static int
load(int fd, struct mamori_seq *s)
{
	char rec[RECORD_LEN + 2];
	ssize_t n;
	int r;

	do
		n = pread(fd, rec, sizeof(rec) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0) {
		if ((r = new_stream(s->stream)) < 0)
			return r;
		s->last = 0;
		return write_record(fd, s->stream, 0, true);
	}
	if (n != RECORD_LEN)
		return MAMORI_E_CORRUPT;
	rec[n] = '\0';
	return parse_record(rec, s->stream, &s->last);
}

int
mamori_seq_open_locked(const char *path, struct mamori_seq *ret)
{
	struct mamori_seq s = {.fd = -1};
	int r;

	if ((s.fd = open_store(path)) < 0)
		return s.fd;
	if ((r = mamori_evfile_check(s.fd, S_IXUSR | S_IRWXG | S_IRWXO)) < 0)
		goto fail;
	if ((r = mamori_lock(s.fd, LOCK_EX)) < 0)
		goto fail;
	if ((r = load(s.fd, &s)) < 0)
		goto fail;
	*ret = s;
	return 0;
fail:
	close(s.fd);
	return r;
}

/* The seq of the last whole line of this stream in <log>.1, the log logrotate renamed last;
 * 0 when there is none. */
static uint64_t
rotated_last(const char *log_path, const char *stream)
{
	char path[PATH_MAX];
	uint64_t last = 0;
	int fd;

	if (mamori_snprintf(path, sizeof(path), "%s.1", log_path) < 0)
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (mamori_evfile_check(fd, S_IWGRP | S_IWOTH) < 0 ||
	    mamori_evlog_last_seq(fd, stream, &last) < 0)
		last = 0;
	close(fd);
	return last;
}

int
mamori_seq_settle(struct mamori_seq *s, int logfd, const char *log_path)
{
	uint64_t logged = 0;
	struct stat st;
	int r = mamori_evlog_last_seq(logfd, s->stream, &logged);

	if (r < 0 && r != -ENOENT)
		return r;
	if (r < 0) { /* the log will not vouch for the next number */
		s->sync = true;
		if (fstat(logfd, &st) < 0)
			return -errno;
		logged = st.st_size == 0 ? rotated_last(log_path, s->stream) : 0;
	}
	if (logged > 0 && s->last > 1 && logged == s->last - 1)
		s->last = logged; /* taken, no line: give it back, or a report shows a gap */
	else if (logged > s->last)
		s->last = logged; /* the store was written back before the crash, not since */
	return 0;
}

int
mamori_seq_next(struct mamori_seq *s, uint64_t *ret_seq)
{
	int r;

	if (s->last >= UINT64_MAX - 1)
		return MAMORI_E_CORRUPT;
	if ((r = write_record(s->fd, s->stream, s->last + 1, s->sync)) < 0)
		return r;
	s->last++;
	*ret_seq = s->last;
	return 0;
}

int
mamori_seq_unnext(struct mamori_seq *s)
{
	int r;

	if (s->last == 0)
		return -EINVAL;
	if ((r = write_record(s->fd, s->stream, s->last - 1, s->sync)) < 0)
		return r;
	s->last--;
	return 0;
}

void
mamori_seq_close(struct mamori_seq *s)
{
	if (s == NULL || s->fd < 0)
		return;
	/* closing the last descriptor releases the flock */
	close(s->fd);
	s->fd = -1;
}
