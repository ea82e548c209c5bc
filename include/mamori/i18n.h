/* Translation of user-visible text. Every string a person reads (the login prompt, mamorictl's
 * output and errors, report headings) is wrapped in _() or marked with N_() and translated in
 * po/<lang>.po under the one text domain below. Event lines and syslog keys are never
 * translated: collectors and scripts parse them. */
#ifndef MAMORI_I18N_H
#define MAMORI_I18N_H

#include <libintl.h>

#define MAMORI_TEXTDOMAIN "mamori"

/* Translate now. dgettext, not gettext: the PAM module lives inside someone else's process
 * and must not change its text domain. */
#define _(s) dgettext(MAMORI_TEXTDOMAIN, (s))

/* Mark for translation only; the string is translated where it is used. */
#define N_(s) (s)

#endif
