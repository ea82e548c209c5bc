/* The one table of mamori.conf's options and the libconfuse schema made from it. Every value
 * goes through a parse callback here, so that each bad value names file, line, option, what
 * was expected and what was found. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

#define MC(field) offsetof(struct mamori_config, field)
#define UINT(sec, nm, lo, hi, u, d, f) \
	{ sec, nm, KIND_UINT, lo, hi, u, NULL, d, NULL, MC(f) }
#define ENUM(sec, nm, w, d, f) { sec, nm, KIND_ENUM, 0, 0, NULL, w, d, NULL, MC(f) }
#define BOOL(sec, nm, d, f) { sec, nm, KIND_BOOL, 0, 0, NULL, NULL, d, NULL, MC(f) }
#define STR(sec, nm, k, d, f) { sec, nm, k, 0, 0, NULL, NULL, 0, d, MC(f) }

static const struct config_word storage_words[] = {
	{"readonly", MAMORI_MEDIA_READONLY},
	{"deny", MAMORI_MEDIA_DENY},
	{"audit", MAMORI_MEDIA_AUDIT},
	{NULL, 0},
};

const struct config_word config_allow_policy_words[] = {
	{"readonly", MAMORI_MEDIA_READONLY},
	{"readwrite", MAMORI_MEDIA_READWRITE},
	{"deny", MAMORI_MEDIA_DENY},
	{"audit", MAMORI_MEDIA_AUDIT},
	{NULL, 0},
};

/* A phone is a storage device in disguise: it may be audited but never simply allowed. */
static const struct config_word mtp_words[] = {
	{"deny", MAMORI_CLASS_DENY},
	{"audit", MAMORI_CLASS_AUDIT},
	{NULL, 0},
};

const struct config_word config_class_words[] = {
	{"deny", MAMORI_CLASS_DENY},
	{"audit", MAMORI_CLASS_AUDIT},
	{"allow", MAMORI_CLASS_ALLOW},
	{NULL, 0},
};

const struct config_word config_algorithm_words[] = {
	{"sha1", MAMORI_OTP_SHA1},
	{"sha256", MAMORI_OTP_SHA256},
	{"sha512", MAMORI_OTP_SHA512},
	{NULL, 0},
};

static const struct config_word unenrolled_words[] = {
	{"deny", MAMORI_UNENROLLED_DENY},
	{"allow", MAMORI_UNENROLLED_ALLOW},
	{NULL, 0},
};

const struct config_option config_options[] = {
	ENUM("media", "policy", storage_words, MAMORI_MEDIA_READONLY, media.policy),
	ENUM("media", "optical", storage_words, MAMORI_MEDIA_READONLY, media.optical),
	ENUM("media", "mtp", mtp_words, MAMORI_CLASS_DENY, media.mtp),
	ENUM("media", "network", config_class_words, MAMORI_CLASS_DENY, media.network),
	ENUM("media", "wireless", config_class_words, MAMORI_CLASS_DENY, media.wireless),
	ENUM("media", "printer", config_class_words, MAMORI_CLASS_DENY, media.printer),
	ENUM("media", "vendor", config_class_words, MAMORI_CLASS_DENY, media.vendor),
	UINT("media", "recheck_interval", 1, 3600, "seconds", 1, media.recheck_interval),
	BOOL("media", "loop", 0, media.loop),
	UINT("auth", "digits", 6, 8, "digits", 6, auth.digits),
	UINT("auth", "window", 0, 10, "time steps", 1, auth.window),
	UINT("auth", "hotp_window", 0, 100, "counter steps", 10, auth.hotp_window),
	UINT("auth", "step", 10, 300, "seconds", 30, auth.step),
	ENUM("auth", "algorithm", config_algorithm_words, MAMORI_OTP_SHA1, auth.algorithm),
	UINT("auth", "max_failures", 1, 100, "failures", 5, auth.max_failures),
	UINT("auth", "lockout", 0, 86400, "seconds", 900, auth.lockout),
	ENUM("auth", "unenrolled", unenrolled_words, MAMORI_UNENROLLED_DENY, auth.unenrolled),
	UINT("auth", "recovery_codes", 0, 50, "codes", 10, auth.recovery_codes),
	STR("auth", "contact", KIND_TEXT, NULL, auth.contact),
	STR("auth", "prompt", KIND_TEXT, NULL, auth.prompt),
	STR("auth", "state_dir", KIND_PATH, "/var/lib/mamori/users", auth.state_dir),
	STR("report", "event_log", KIND_PATH, "/var/log/mamori/events.log", report.event_log),
	STR("report", "state_dir", KIND_PATH, "/var/lib/mamori", report.state_dir),
	STR("report", "spool_dir", KIND_PATH, "/run/mamori", report.spool_dir),
	STR("report", "syslog_socket", KIND_PATH, "/dev/log", report.syslog_socket),
	UINT("report", "heartbeat", 10, 86400, "seconds", 300, report.heartbeat),
	BOOL("report", "debug", 0, report.debug),
	/* inside each media.allow entry; stored in struct mamori_allow_entry, not by offset */
	{"allow", "policy", KIND_ENUM, 0, 0, NULL, config_allow_policy_words,
	 MAMORI_MEDIA_READWRITE, NULL, 0},
	{"allow", "comment", KIND_TEXT, 0, 0, NULL, NULL, 0, NULL, 0},
};

const size_t config_n_options = sizeof(config_options) / sizeof(config_options[0]);

const struct config_option *
config_option_find(const char *section, const char *name)
{
	for (size_t i = 0; i < config_n_options; i++) {
		if (strcmp(config_options[i].section, section) == 0 &&
		    strcmp(config_options[i].name, name) == 0)
			return &config_options[i];
	}
	return NULL;
}

/* "expected …, got "value"" for the option being set; returns -1 for libconfuse. */
static int
fail_value(struct config_ctx *ctx, cfg_t *sec, cfg_opt_t *opt, const char *value,
	   const char *expected)
{
	char where[512], got[160];

	config_where(sec, opt->name, where, sizeof(where));
	config_quote(got, sizeof(got), value);
	return config_fail(ctx, sec->line, where, "expected %s, got %s", expected, got);
}

/* Common start of every callback: the table entry, and no option given twice. */
static const struct config_option *
begin_setting(cfg_t *sec, cfg_opt_t *opt, const char *value)
{
	struct config_ctx *ctx = config_current;
	const struct config_option *o;

	if (ctx == NULL || ctx->failed || value == NULL)
		return NULL;
	if ((o = config_option_find(sec->name, opt->name)) == NULL) {
		config_fail(ctx, sec->line, sec->name, "internal error: no rule for %s",
			    opt->name);
		return NULL;
	}
	if (config_note_setting(ctx, sec, opt) < 0)
		return NULL;
	return o;
}

/* Decimal digits only: "0x10", "+5", " 5" and "5s" are all refused. */
static int
parse_number(const char *s, long *ret)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 9)
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	*ret = v;
	return 0;
}

static int
cb_uint(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	const struct config_option *o = begin_setting(sec, opt, value);
	char expected[96];
	long v;

	if (o == NULL)
		return -1;
	if (parse_number(value, &v) < 0 || v < o->min || v > o->max) {
		snprintf(expected, sizeof(expected), "%s %ld..%ld", o->unit, o->min, o->max);
		return fail_value(config_current, sec, opt, value, expected);
	}
	*(long *)result = v;
	return 0;
}

static void
list_words(const struct config_word *w, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (; w->word != NULL && len < cap; w++) {
		int n = snprintf(out + len, cap - len, "%s%s", len ? ", " : "one of ", w->word);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static int
lookup_word(const struct config_word *w, const char *value, long *ret)
{
	for (; w->word != NULL; w++) {
		if (strcmp(w->word, value) == 0) {
			*ret = w->value;
			return 0;
		}
	}
	return -EINVAL;
}

/* libconfuse parses an allow entry's default policy the moment the entry is created, at the
 * line of its title: the one point where the title can be checked with the right line. That
 * call must succeed (libconfuse aborts on a failed default), so a bad title is recorded and
 * the next callback, or the end of parsing, stops the load. */
static int
cb_enum(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	const struct config_option *o;
	char expected[160];
	bool is_new = false;
	long v;

	if (config_current != NULL && strcmp(sec->name, "allow") == 0)
		config_note_allow(config_current, sec, &is_new);
	if (is_new) {
		*(long *)result = MAMORI_MEDIA_READWRITE;
		return 0;
	}
	if ((o = begin_setting(sec, opt, value)) == NULL)
		return -1;
	if (lookup_word(o->words, value, &v) < 0) {
		list_words(o->words, expected, sizeof(expected));
		return fail_value(config_current, sec, opt, value, expected);
	}
	*(long *)result = v;
	return 0;
}

static int
cb_bool(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	const struct config_option *o = begin_setting(sec, opt, value);
	static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};

	if (o == NULL)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
			*(int *)result = strcasecmp(value, yes[i]) == 0;
			return 0;
		}
	}
	return fail_value(config_current, sec, opt, value, "true or false");
}

/* Text goes into prompts, messages and event fields: no control characters, bounded. */
static bool
is_text(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
			return false;
	}
	return n <= max;
}

static int
cb_string(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	const struct config_option *o = begin_setting(sec, opt, value);
	char expected[160];

	if (o == NULL)
		return -1;
	if (o->kind == KIND_PATH && (value[0] != '/' || !is_text(value, CONFIG_MAX_PATH)))
		return fail_value(config_current, sec, opt, value, "an absolute path");
	if (o->kind == KIND_TEXT && !is_text(value, CONFIG_MAX_TEXT)) {
		snprintf(expected, sizeof(expected),
			 "text without control characters, at most %d bytes", CONFIG_MAX_TEXT);
		return fail_value(config_current, sec, opt, value, expected);
	}
	*(const char **)result = value;
	return 0;
}

static cfg_opt_t
schema_option(const struct config_option *o)
{
	switch (o->kind) {
	case KIND_UINT:
		return (cfg_opt_t)CFG_INT_CB(o->name, o->def, CFGF_NONE, cb_uint);
	case KIND_ENUM:
		return (cfg_opt_t)CFG_INT_CB(o->name, o->def, CFGF_NONE, cb_enum);
	case KIND_BOOL:
		return (cfg_opt_t)CFG_BOOL_CB(o->name, o->def ? cfg_true : cfg_false,
					      CFGF_NONE, cb_bool);
	default:
		return (cfg_opt_t)CFG_STR_CB(o->name, o->def_str, CFGF_NONE, cb_string);
	}
}

static void
schema_section(cfg_opt_t *out, size_t cap, const char *section)
{
	size_t n = 0;

	for (size_t i = 0; i < config_n_options && n + 1 < cap; i++) {
		if (strcmp(config_options[i].section, section) == 0)
			out[n++] = schema_option(&config_options[i]);
	}
	out[n] = (cfg_opt_t)CFG_END();
}

/* Given to libconfuse as a default that it parses through cb_enum (see there). */
static char allow_policy_default[] = "readwrite";

void
config_schema_init(struct config_schema *s)
{
	size_t n;

	schema_section(s->allow, sizeof(s->allow) / sizeof(s->allow[0]), "allow");
	s->allow[0].def.parsed = allow_policy_default;
	schema_section(s->media, sizeof(s->media) / sizeof(s->media[0]) - 1, "media");
	for (n = 0; s->media[n].name != NULL; n++)
		;
	s->media[n] = (cfg_opt_t)CFG_SEC("allow", s->allow,
					 CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);
	s->media[n + 1] = (cfg_opt_t)CFG_END();
	schema_section(s->auth, sizeof(s->auth) / sizeof(s->auth[0]), "auth");
	schema_section(s->report, sizeof(s->report) / sizeof(s->report[0]), "report");
	s->root[0] = (cfg_opt_t)CFG_SEC("media", s->media, CFGF_NONE);
	s->root[1] = (cfg_opt_t)CFG_SEC("auth", s->auth, CFGF_NONE);
	s->root[2] = (cfg_opt_t)CFG_SEC("report", s->report, CFGF_NONE);
	s->root[3] = (cfg_opt_t)CFG_END();
}
