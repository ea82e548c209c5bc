/* Where the catalogues of the text domain live (i18n.h). */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "mamori/i18n.h"

#ifndef MAMORI_LOCALEDIR
#define MAMORI_LOCALEDIR "/usr/share/locale"
#endif

static pthread_mutex_t bind_lock = PTHREAD_MUTEX_INITIALIZER;
static bool bound;

/* A mutex rather than pthread_once: the directory is an argument. The first caller wins, so
 * a module cannot be pointed elsewhere once its domain is bound. bindtextdomain copies the
 * name; a failure (out of memory) leaves the domain at libc's default directory, which is
 * the installed one, and is retried on the next call. */
void
mamori_i18n_init(const char *localedir)
{
	(void)pthread_mutex_lock(&bind_lock);
	if (!bound)
		bound = bindtextdomain(MAMORI_TEXTDOMAIN,
				       localedir != NULL ? localedir : MAMORI_LOCALEDIR) != NULL;
	(void)pthread_mutex_unlock(&bind_lock);
}

/* "linux", and screen's "screen.linux" when screen runs on the console. */
bool
mamori_i18n_term_draws_japanese(const char *term)
{
	size_t n = term != NULL ? strlen(term) : 0;

	return !(n >= 5 && strcmp(term + n - 5, "linux") == 0 &&
		 (n == 5 || term[n - 6] == '.'));
}
