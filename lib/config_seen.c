/* What the loader has seen so far in one file: which options each section has set (an option
 * given twice is an error, not a silent override) and which devices the allow entries name. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "mamori/buf.h"

struct config_seen {
	const cfg_t *sec;
	uint64_t set;  /* bit i: sec->opts[i] was given in the file */
	int line;      /* where the section was opened (allow entries) */
	char *device;  /* "vid:pid:serial" normalised, allow entries only */
};

static struct config_seen *
find_seen(struct config_ctx *ctx, const cfg_t *sec)
{
	/* from the end: the section being parsed is almost always the newest */
	for (size_t i = ctx->n_seen; i > 0; i--) {
		if (ctx->seen[i - 1].sec == sec)
			return &ctx->seen[i - 1];
	}
	return NULL;
}

static struct config_seen *
add_seen(struct config_ctx *ctx, const cfg_t *sec)
{
	struct config_seen *n;
	size_t cap;

	if (ctx->n_seen == ctx->cap_seen) {
		cap = ctx->cap_seen ? ctx->cap_seen * 2 : 8;
		if ((n = reallocarray(ctx->seen, cap, sizeof(*n))) == NULL) {
			ctx->out_of_memory = !ctx->failed;
			config_fail(ctx, sec->line, NULL, "out of memory");
			return NULL;
		}
		ctx->seen = n;
		ctx->cap_seen = cap;
	}
	n = &ctx->seen[ctx->n_seen++];
	memset(n, 0, sizeof(*n));
	n->sec = sec;
	n->line = sec->line;
	return n;
}

int
config_note_setting(struct config_ctx *ctx, cfg_t *sec, cfg_opt_t *opt)
{
	struct config_seen *s = find_seen(ctx, sec);
	size_t idx = (size_t)(opt - sec->opts);
	char where[512];

	if (s == NULL && (s = add_seen(ctx, sec)) == NULL)
		return -1;
	if (idx >= 64)
		return 0;
	if (s->set & (UINT64_C(1) << idx)) {
		config_where(sec, opt->name, where, sizeof(where));
		return config_fail(ctx, sec->line, where,
				   "expected each option once in a section, got it again");
	}
	s->set |= UINT64_C(1) << idx;
	return 0;
}

static bool
is_hex4(const char *s, size_t n)
{
	if (n != 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static void
lower4(char out[5], const char *s)
{
	for (size_t i = 0; i < 4; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
	out[4] = '\0';
}

int
config_split_title(const char *title, char vid[5], char pid[5], const char **serial)
{
	const char *c1 = strchr(title, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (c2 == NULL || !is_hex4(title, (size_t)(c1 - title)) ||
	    !is_hex4(c1 + 1, (size_t)(c2 - c1 - 1)))
		return -EINVAL;
	lower4(vid, title);
	lower4(pid, c1 + 1);
	*serial = c2 + 1;
	return 0;
}

static bool
is_serial(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return false;
	}
	return n > 0 && n <= CONFIG_MAX_SERIAL;
}

/* The title's checks; on success the normalised device name goes into s->device. */
static int
check_title(struct config_ctx *ctx, struct config_seen *s, const cfg_t *sec)
{
	char where[512], got[320], vid[5], pid[5];
	const char *serial;
	size_t len;

	config_where(sec, NULL, where, sizeof(where));
	config_quote(got, sizeof(got), sec->title ? sec->title : "");
	if (sec->title == NULL || config_split_title(sec->title, vid, pid, &serial) < 0)
		return config_fail(ctx, s->line, where,
				   "expected \"vid:pid:serial\" with vid and pid of 4 hex digits, "
				   "got %s", got);
	if (!is_serial(serial))
		return config_fail(ctx, s->line, where,
				   "expected a serial number after vid:pid (printable ASCII, 1..%d "
				   "bytes; an entry names one device, not a model), got %s",
				   CONFIG_MAX_SERIAL, got);
	len = strlen(serial) + 10;
	if ((s->device = malloc(len + 1)) == NULL) {
		ctx->out_of_memory = !ctx->failed;
		return config_fail(ctx, s->line, where, "out of memory");
	}
	return mamori_snprintf(s->device, len + 1, "%s:%s:%s", vid, pid, serial);
}

static const struct config_seen *
find_device(const struct config_ctx *ctx, const char *device, const struct config_seen *not)
{
	for (size_t i = 0; i < ctx->n_seen; i++) {
		const struct config_seen *s = &ctx->seen[i];
		if (s != not && s->device != NULL && strcmp(s->device, device) == 0)
			return s;
	}
	return NULL;
}

void
config_note_allow(struct config_ctx *ctx, cfg_t *sec, bool *is_new)
{
	const struct config_seen *first;
	struct config_seen *s;
	char where[512];

	if (find_seen(ctx, sec) != NULL)
		return;
	*is_new = true;
	if (ctx->failed || (s = add_seen(ctx, sec)) == NULL)
		return;
	config_where(sec, NULL, where, sizeof(where));
	if (++ctx->n_allow > CONFIG_MAX_ALLOW) {
		config_fail(ctx, s->line, where, "expected at most %d allow entries, got more",
			    CONFIG_MAX_ALLOW);
		return;
	}
	if (check_title(ctx, s, sec) < 0)
		return;
	if ((first = find_device(ctx, s->device, s)) != NULL)
		config_fail(ctx, s->line, where,
			    "expected each device once, got a second entry (first on line %d)",
			    first->line);
}

/* libconfuse found two entries with the very same title: name the first one's line. */
void
config_duplicate_title(struct config_ctx *ctx, int line, const char *title)
{
	char vid[5], pid[5], device[CONFIG_MAX_SERIAL + 16], where[512];
	const struct config_seen *first = NULL;
	const char *serial;

	config_allow_where(title, NULL, where, sizeof(where));
	if (config_split_title(title, vid, pid, &serial) == 0 &&
	    mamori_snprintf(device, sizeof(device), "%s:%s:%s", vid, pid, serial) == 0)
		first = find_device(ctx, device, NULL);
	if (first != NULL)
		config_fail(ctx, line, where,
			    "expected each device once, got a second entry (first on line %d)",
			    first->line);
	else
		config_fail(ctx, line, where, "expected each device once, got it again");
}

void
config_ctx_release(struct config_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_seen; i++)
		free(ctx->seen[i].device);
	free(ctx->seen);
	ctx->seen = NULL;
	ctx->n_seen = ctx->cap_seen = 0;
}
