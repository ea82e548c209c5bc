/* The sequence store: "<16 hex stream id> <20-digit number>\n", 38 bytes rewritten in place.
 * A record this small sits in one sector, so pwrite+fdatasync replaces it whole; no temporary
 * file and rename is needed, which keeps one event at two fsyncs. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

static int
write_record(int fd, const char *stream, uint64_t seq)
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
	return fdatasync(fd) < 0 ? -errno : 0;
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
		return write_record(fd, s->stream, 0);
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

int
mamori_seq_next(struct mamori_seq *s, uint64_t *ret_seq)
{
	int r;

	if (s->last >= UINT64_MAX - 1)
		return MAMORI_E_CORRUPT;
	if ((r = write_record(s->fd, s->stream, s->last + 1)) < 0)
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
	if ((r = write_record(s->fd, s->stream, s->last - 1)) < 0)
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
