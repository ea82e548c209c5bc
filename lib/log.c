/* Diagnostics: one handler, off below LOG_NOTICE unless debug is on. */
#include <stdarg.h>
#include <stdio.h>

#include "mamori/buf.h"
#include "mamori/log.h"

static void
stderr_handler(void *ctx, int priority, const char *line)
{
	(void)ctx;
	(void)priority;
	fprintf(stderr, "mamori: %s\n", line);
}

static mamori_log_fn log_fn = stderr_handler;
static void *log_ctx;
static bool log_debug;

void
mamori_log_set_handler(mamori_log_fn fn, void *ctx)
{
	log_fn = fn ? fn : stderr_handler;
	log_ctx = fn ? ctx : NULL;
}

void
mamori_log_set_debug(bool on)
{
	log_debug = on;
}

bool
mamori_log_debug_enabled(void)
{
	return log_debug;
}

void
mamori_logf(int priority, const char *func, const char *fmt, ...)
{
	char line[1024];
	struct mamori_buf b;
	va_list ap;
	int n;

	if (priority > LOG_NOTICE && !log_debug)
		return;
	mamori_buf_init(&b, line, sizeof(line));
	(void)mamori_buf_printf(&b, "%s: ", func);
	va_start(ap, fmt);
	n = vsnprintf(line + b.len, sizeof(line) - b.len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A cut diagnostic is still worth reading; vsnprintf left it NUL-terminated. */
	log_fn(log_ctx, priority, line);
}
