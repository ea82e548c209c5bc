/* The built-in syslog sink: each event line as one datagram to the local syslog socket. */
#ifndef MAMORI_SYSLOG_SINK_H
#define MAMORI_SYSLOG_SINK_H

#define MAMORI_SYSLOG_SOCKET "/dev/log"

struct mamori_syslog_sink;

/* path NULL: /dev/log. ident is the program name shown in syslog. Nothing is connected yet. */
int mamori_syslog_sink_new(const char *path, const char *ident,
			   struct mamori_syslog_sink **ret);
void mamori_syslog_sink_free(struct mamori_syslog_sink **s);

/* struct mamori_sink's write: ctx is a struct mamori_syslog_sink. Returns at once with
 * -EAGAIN when the receiver's queue is full, and -ECONNREFUSED/-ENOENT when nobody listens. */
int mamori_syslog_sink_write(void *ctx, int severity, const char *line);

#endif
