/* Sends event lines to syslogd the way syslog(3) does (RFC 3164 header, facility authpriv),
 * but never waits: a datagram socket with MSG_DONTWAIT. When rsyslog or journald is stuck, its
 * socket queue fills and syslog(3) would block the caller — here a login or a udev event.
 * The line is already in the durable log by then, so dropping the syslog copy loses nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/syslog_sink.h"

#define IDENT_MAX 64

struct mamori_syslog_sink {
	struct sockaddr_un addr;
	char ident[IDENT_MAX];
	int fd;
};

int
mamori_syslog_sink_new(const char *path, const char *ident, struct mamori_syslog_sink **ret)
{
	struct mamori_syslog_sink *s;
	int r;

	if (ident == NULL || *ident == '\0' || strpbrk(ident, " []:\n") != NULL)
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->fd = -1;
	s->addr.sun_family = AF_UNIX;
	if ((r = mamori_snprintf(s->addr.sun_path, sizeof(s->addr.sun_path), "%s",
				 path ? path : MAMORI_SYSLOG_SOCKET)) < 0 ||
	    (r = mamori_snprintf(s->ident, sizeof(s->ident), "%s", ident)) < 0) {
		free(s);
		return r == MAMORI_E_TRUNC ? -ENAMETOOLONG : r;
	}
	*ret = s;
	return 0;
}

void
mamori_syslog_sink_free(struct mamori_syslog_sink **s)
{
	if (s == NULL || *s == NULL)
		return;
	if ((*s)->fd >= 0)
		close((*s)->fd);
	free(*s);
	*s = NULL;
}

static int
reconnect(struct mamori_syslog_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return -errno;
	if (connect(s->fd, (const struct sockaddr *)&s->addr, sizeof(s->addr)) < 0) {
		int r = -errno;
		close(s->fd);
		s->fd = -1;
		return r;
	}
	return 0;
}

/* "<PRI>Mmm dd hh:mm:ss ident[pid]: " — RFC 3164 §4.1, month names never localised. */
static void
add_header(struct mamori_buf *b, const struct mamori_syslog_sink *s, int severity)
{
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	(void)mamori_buf_printf(b, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ",
				LOG_AUTHPRIV | (severity & LOG_PRIMASK), months[tm.tm_mon % 12],
				tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, s->ident,
				(long)getpid());
}

int
mamori_syslog_sink_write(void *ctx, int severity, const char *line)
{
	struct mamori_syslog_sink *s = ctx;
	char msg[MAMORI_EVENT_LINE_MAX + 128];
	struct mamori_buf b;
	int r;

	mamori_buf_init(&b, msg, sizeof(msg));
	add_header(&b, s, severity);
	if (mamori_buf_adds(&b, line) < 0)
		return MAMORI_E_TRUNC;
	for (int tries = 0; tries < 2; tries++) {
		if (s->fd < 0 && (r = reconnect(s)) < 0)
			return r;
		if (send(s->fd, b.p, b.len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return 0;
		r = -errno;
		/* syslogd restarted and its socket is a new one: connect again, once */
		if (r != -ECONNREFUSED && r != -ENOTCONN && r != -ECONNRESET && r != -EPIPE)
			return r;
		close(s->fd);
		s->fd = -1;
	}
	return r;
}
