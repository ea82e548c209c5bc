/* Translation of user-visible text. Every string a person reads (the login prompt, mamorictl's
 * output and errors, report headings) is wrapped in _() or marked with N_() and translated in
 * po/<lang>.po under the one text domain below. Event lines and syslog keys are never
 * translated: collectors and scripts parse them. */
#ifndef MAMORI_I18N_H
#define MAMORI_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define MAMORI_TEXTDOMAIN "mamori"

/* Translate now. dgettext, not gettext: the PAM module lives inside someone else's process
 * and must not change its text domain. */
#define _(s) dgettext(MAMORI_TEXTDOMAIN, (s))

/* Mark for translation only; the string is translated where it is used. */
#define N_(s) (s)

/* Bind the text domain to localedir (NULL: the installed catalogues, MAMORI_LOCALEDIR), once
 * per process; later calls change nothing. Safe from any thread. Touches neither the locale
 * nor the process's own text domain, so the PAM module may call it inside its host; a program
 * of ours calls setlocale(LC_ALL, "") itself first. */
void mamori_i18n_init(const char *localedir);

/* Whether a terminal of this type (the value of TERM, may be NULL) can draw Japanese. The
 * Linux text console cannot: its fonts hold 512 glyphs at most, and kanji would show as
 * boxes. Where it cannot, mamori speaks English whatever the locale. */
bool mamori_i18n_term_draws_japanese(const char *term);

#endif
