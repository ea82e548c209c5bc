/* The mountinfo parser (proc(5), "/proc/[pid]/mountinfo"):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id parent major:minor root mount-point options [optional…] - fstype source super-options
 * The kernel escapes space, tab, newline and backslash in paths as \ooo (fs/proc_namespace.c
 * show_mountinfo, mangle()), so fields are separated by exactly one space. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include "mamori/agent_mountinfo.h"
#include "mamori/err.h"

struct tok {
	const char *s;
	size_t n;
};

/* The next space-separated field; false at the end or on an empty field. */
static bool
next_field(const char **p, const char *end, struct tok *t)
{
	const char *s = *p, *sp;

	if (s >= end)
		return false;
	sp = memchr(s, ' ', (size_t)(end - s));
	t->s = s;
	t->n = (size_t)((sp != NULL ? sp : end) - s);
	*p = sp != NULL ? sp + 1 : end;
	return t->n > 0;
}

static bool
tok_is(const struct tok *t, const char *word)
{
	return t->n == strlen(word) && memcmp(t->s, word, t->n) == 0;
}

static bool
parse_ulong(const char *s, size_t n, unsigned long max, unsigned long *ret)
{
	unsigned long v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

static bool
parse_devno(const struct tok *t, unsigned *major, unsigned *minor)
{
	const char *colon = memchr(t->s, ':', t->n);
	unsigned long ma, mi;

	if (colon == NULL ||
	    !parse_ulong(t->s, (size_t)(colon - t->s), UINT32_MAX, &ma) ||
	    !parse_ulong(colon + 1, t->n - (size_t)(colon + 1 - t->s), UINT32_MAX, &mi))
		return false;
	*major = (unsigned)ma;
	*minor = (unsigned)mi;
	return true;
}

static bool
is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* Decode \ooo escapes into dst[cap]. A decoded NUL, a relative path or a path too long for
 * dst is refused: the result names a directory the agent will open. */
static bool
unescape_path(const struct tok *t, char *dst, size_t cap)
{
	size_t o = 0;

	if (t->s[0] != '/')
		return false;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->s[i];

		if (c == '\\' && t->n - i > 3 && is_octal(t->s[i + 1]) && is_octal(t->s[i + 2]) &&
		    is_octal(t->s[i + 3])) {
			unsigned v = (unsigned)(t->s[i + 1] - '0') * 64 +
				     (unsigned)(t->s[i + 2] - '0') * 8 + (unsigned)(t->s[i + 3] - '0');

			if (v == 0 || v > 255)
				return false;
			c = (char)v;
			i += 3;
		}
		if (o + 1 >= cap)
			return false;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return true;
}

struct opts {
	bool rw, ro;
	unsigned long flags;
};

/* The options a remount must repeat so that it changes nothing but read-only. */
static unsigned long
keep_flag(const struct tok *o)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} names[] = {
		{"nosuid", MS_NOSUID},     {"nodev", MS_NODEV},         {"noexec", MS_NOEXEC},
		{"noatime", MS_NOATIME},   {"nodiratime", MS_NODIRATIME}, {"relatime", MS_RELATIME},
#ifdef MS_NOSYMFOLLOW
		{"nosymfollow", MS_NOSYMFOLLOW},
#endif
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (tok_is(o, names[i].name))
			return names[i].flag;
	return 0;
}

/* Comma-separated options; exactly one of rw and ro must be among them. */
static bool
parse_opts(const struct tok *t, struct opts *ret)
{
	const char *p = t->s, *end = t->s + t->n;
	struct opts o = {.flags = 0};

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		struct tok w = {p, (size_t)((comma != NULL ? comma : end) - p)};

		o.rw |= tok_is(&w, "rw");
		o.ro |= tok_is(&w, "ro");
		o.flags |= keep_flag(&w);
		p = comma != NULL ? comma + 1 : end;
	}
	if (o.rw == o.ro)
		return false;
	*ret = o;
	return true;
}

/* Skips the optional fields up to the "-" separator, then reads fstype, source and the
 * superblock's options, which must end the line. */
static bool
parse_tail(const char **p, const char *end, struct mamori_mount *m, struct opts *super)
{
	struct tok t;

	do {
		if (!next_field(p, end, &t))
			return false;
	} while (!tok_is(&t, "-"));
	if (!next_field(p, end, &t) || t.n >= sizeof(m->fstype))
		return false;
	memcpy(m->fstype, t.s, t.n);
	m->fstype[t.n] = '\0';
	if (!next_field(p, end, &t) || !next_field(p, end, &t) || *p != end ||
	    t.s + t.n != end)
		return false;
	return parse_opts(&t, super);
}

int
mamori_mountinfo_parse_line(const char *line, size_t len, struct mamori_mount *ret)
{
	struct mamori_mount m;
	struct tok f[6];
	struct opts mnt, super;
	const char *p = line, *end = line + len;

	/* the kernel escapes what it must and never writes a NUL: a line with one is not its */
	if (memchr(line, '\0', len) != NULL)
		return MAMORI_E_CORRUPT;
	for (size_t i = 0; i < 6; i++)
		if (!next_field(&p, end, &f[i]))
			return MAMORI_E_CORRUPT;
	memset(&m, 0, sizeof(m));
	if (!parse_ulong(f[0].s, f[0].n, ULONG_MAX, &m.id) ||
	    !parse_devno(&f[2], &m.major, &m.minor) ||
	    !unescape_path(&f[4], m.mount_point, sizeof(m.mount_point)) ||
	    !parse_opts(&f[5], &mnt) || !parse_tail(&p, end, &m, &super))
		return MAMORI_E_CORRUPT;
	m.mount_rw = mnt.rw;
	m.super_rw = super.rw;
	m.keep_flags = mnt.flags;
	*ret = m;
	return 0;
}

int
mamori_mountinfo_each(const char *text, size_t len,
		      int (*fn)(const struct mamori_mount *m, void *ctx), void *ctx, size_t *bad)
{
	struct mamori_mount m;
	const char *p = text, *end = text + len;
	size_t n_bad = 0;
	int r = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);

		if (n > 0 && mamori_mountinfo_parse_line(p, n, &m) < 0)
			n_bad++;
		else if (n > 0 && (r = fn(&m, ctx)) < 0)
			break;
		p = nl != NULL ? nl + 1 : end;
	}
	if (bad != NULL)
		*bad = n_bad;
	return r < 0 ? r : 0;
}
