/* Values from a systemd EnvironmentFile (KEY=value lines, "#" and ";" comments), the format
 * of /etc/mamori/forward.env that rsyslogd receives; mamorictl check reads it the same way. */
#ifndef MAMORI_ENVFILE_H
#define MAMORI_ENVFILE_H

#include <stddef.h>

/* The value of key in text[0..len) into out (NUL-terminated). Whitespace around key and value
 * is dropped, one pair of surrounding quotes ('...' or "...") removed; the last assignment
 * wins, as in systemd. 0, -ENOENT (no such key), -ENAMETOOLONG (does not fit in cap) or
 * -EINVAL. out is written only on success. */
int mamori_envfile_get(const char *text, size_t len, const char *key, char *out, size_t cap);

#endif
