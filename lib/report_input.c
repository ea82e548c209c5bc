/* Files into the report, one line at a time through a fixed buffer: plain or gzip'd (zlib
 * tells them apart by content, so a rotated file compressed under any name works), never
 * held whole in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mamori/err.h"
#include "mamori/report.h"

#define BUF_SIZE (1u << 20)
/* A longer line is no event (those are at most 4096 bytes plus a syslog header): its first
 * LINE_MAX bytes decide whether it counts as malformed or as another program's. */
#define LINE_MAX_LEN (64u * 1024)

struct reader {
	char *buf;
	size_t fill;
	bool skipping; /* inside a line longer than LINE_MAX_LEN */
};

/* A line longer than LINE_MAX_LEN at p (the bytes after its first LINE_MAX_LEN are not
 * needed any more). */
static void
long_line(struct mamori_report *r, char *p)
{
	struct mamori_revent ev;

	r->t.long_lines++;
	r->t.lines++;
	p[LINE_MAX_LEN] = '\0';
	if (mamori_rline_parse(p, LINE_MAX_LEN, &ev) == MAMORI_RLINE_OTHER)
		r->t.other++;
	else
		r->t.malformed++;
}

static int
one_line(struct mamori_report *r, char *p, char *end)
{
	*end = '\0';
	if ((size_t)(end - p) > LINE_MAX_LEN) {
		long_line(r, p);
		return 0;
	}
	return mamori_report_line(r, p, (size_t)(end - p));
}

/* Every complete line in the buffer; what is left is moved to its start. */
static int
take_lines(struct mamori_report *r, struct reader *rd, bool eof)
{
	char *p = rd->buf, *end = rd->buf + rd->fill, *nl;
	int rc;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (!rd->skipping && (rc = one_line(r, p, nl)) < 0)
			return rc;
		rd->skipping = false;
		p = nl + 1;
	}
	/* the buffer has a byte to spare for the last line's NUL */
	if (eof && p < end && !rd->skipping) {
		if ((rc = one_line(r, p, end)) < 0)
			return rc;
		p = end;
	}
	if (rd->skipping)
		p = end;
	rd->fill = (size_t)(end - p);
	memmove(rd->buf, p, rd->fill);
	if (rd->fill > LINE_MAX_LEN && !rd->skipping) {
		long_line(r, rd->buf);
		rd->skipping = true;
		rd->fill = 0;
	}
	return 0;
}

static int
read_gz(struct mamori_report *r, gzFile gz)
{
	struct reader rd = {.buf = malloc(BUF_SIZE + 1)};
	int n, rc = 0, zerr;

	if (rd.buf == NULL)
		return -ENOMEM;
	for (;;) {
		n = gzread(gz, rd.buf + rd.fill, (unsigned)(BUF_SIZE - rd.fill));
		if (n < 0) {
			int saved = errno;

			(void)gzerror(gz, &zerr);
			rc = zerr != Z_ERRNO ? MAMORI_E_CORRUPT : saved != 0 ? -saved : -EIO;
			(void)take_lines(r, &rd, true);
			break;
		}
		rd.fill += (size_t)n;
		if ((rc = take_lines(r, &rd, n == 0)) < 0 || n == 0)
			break;
	}
	/* a .gz cut short ends like a whole one, with Z_BUF_ERROR left behind (zlib gzread.c) */
	if (rc == 0) {
		(void)gzerror(gz, &zerr);
		if (zerr == Z_BUF_ERROR)
			rc = MAMORI_E_CORRUPT;
	}
	free(rd.buf);
	return rc;
}

int
mamori_report_read(struct mamori_report *r, const char *path, const char **errmsg)
{
	struct stat st;
	gzFile gz;
	int fd, rc;

	if (errmsg != NULL)
		*errmsg = NULL;
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	if ((gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	(void)gzbuffer(gz, 256u * 1024);
	rc = read_gz(r, gz);
	/* zlib's own message dies with gzclose: name the condition instead */
	if (rc == MAMORI_E_CORRUPT && errmsg != NULL)
		*errmsg = "damaged or truncated gzip data";
	(void)gzclose(gz);
	return rc;
}
