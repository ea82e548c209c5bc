/* Diagnostics for engineers, distinct from events (event.h) that administrators read.
 * Off below LOG_NOTICE unless debug is switched on; every line names its function. */
#ifndef MAMORI_LOG_H
#define MAMORI_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Where diagnostics go. The default writes "mamori: func: text" to stderr; the PAM module
 * installs one that calls pam_syslog. */
typedef void (*mamori_log_fn)(void *ctx, int priority, const char *line);

void mamori_log_set_handler(mamori_log_fn fn, void *ctx);
void mamori_log_set_debug(bool on);
bool mamori_log_debug_enabled(void);

void mamori_logf(int priority, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define mamori_debug(...)                                                  \
	do {                                                               \
		if (mamori_log_debug_enabled())                            \
			mamori_logf(LOG_DEBUG, __func__, __VA_ARGS__);     \
	} while (0)
#define mamori_warn(...) mamori_logf(LOG_WARNING, __func__, __VA_ARGS__)
#define mamori_error(...) mamori_logf(LOG_ERR, __func__, __VA_ARGS__)

#endif
