/* Shared between the configuration loader's files; nothing outside lib/config*.c uses it. */
#ifndef MAMORI_CONFIG_INTERNAL_H
#define MAMORI_CONFIG_INTERNAL_H

#include <confuse.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "mamori/config.h"

/* An allow entry names one device; a terminal never needs more than this many. */
#define CONFIG_MAX_ALLOW 1024
#define CONFIG_MAX_SERIAL 255
#define CONFIG_MAX_TEXT 256
#define CONFIG_MAX_PATH 1024

enum config_kind { KIND_UINT, KIND_BOOL, KIND_ENUM, KIND_PATH, KIND_TEXT };

struct config_word {
	const char *word;
	int value;
};

/* One option of mamori.conf: where it lives, how it is checked, its default. */
struct config_option {
	const char *section; /* "media", "auth", "report", or "allow" inside media */
	const char *name;
	enum config_kind kind;
	long min, max;              /* KIND_UINT */
	const char *unit;           /* KIND_UINT: the word in "expected seconds 0..86400" */
	const struct config_word *words; /* KIND_ENUM, ended by a NULL word */
	long def;                   /* KIND_UINT, KIND_BOOL, KIND_ENUM */
	const char *def_str;        /* KIND_PATH, KIND_TEXT; NULL: unset */
	size_t offset;              /* into struct mamori_config; unused for "allow" */
};

extern const struct config_option config_options[];
extern const size_t config_n_options;
extern const struct config_word config_allow_policy_words[];
extern const struct config_word config_class_words[];
extern const struct config_word config_algorithm_words[];

const struct config_option *config_option_find(const char *section, const char *name);

/* The libconfuse schema built from the table. cfg_init copies it, so it may live on the stack;
 * the sizes leave room for every option of a section plus the allow section and the end. */
struct config_schema {
	cfg_opt_t root[4];
	cfg_opt_t media[16];
	cfg_opt_t auth[20];
	cfg_opt_t report[12];
	cfg_opt_t allow[4];
};

void config_schema_init(struct config_schema *s);

/* Where an error message goes while one file is being read. */
struct config_seen;
struct config_ctx {
	const char *name;  /* the file as the caller named it */
	char *err;
	size_t errlen;
	bool failed;
	bool out_of_memory; /* the failure was an allocation: -ENOMEM, not a bad file */
	unsigned last_line; /* number of lines in the file: libconfuse counts one past it at EOF */
	const char *text;   /* the prescanned text, to find a word's line (see config_report.c) */
	size_t len;
	struct config_seen *seen;
	size_t n_seen, cap_seen;
	size_t n_allow;
};

/* The loader that is running on this thread; libconfuse's callbacks carry no user pointer. */
extern _Thread_local struct config_ctx *config_current;

/* Record the first error as "NAME:LINE: WHAT: text" (WHAT may be NULL). Returns -1. */
int config_fail(struct config_ctx *ctx, int line, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append s to a message in double quotes, non-printable bytes as \xNN, cut when long. */
void config_quote(char *out, size_t cap, const char *s);

/* "media", "auth.lockout", "media.allow[0781:5567:X].policy" for messages. */
void config_where(const cfg_t *sec, const char *opt, char *out, size_t cap);

/* The same for an allow entry named by its raw title. */
void config_allow_where(const char *title, const char *opt, char *out, size_t cap);

/* libconfuse refused a second allow entry with the same title. */
void config_duplicate_title(struct config_ctx *ctx, int line, const char *title);

void config_errfunc(cfg_t *cfg, const char *fmt, va_list ap);

/* Check the raw text before libconfuse sees it; blanks C comments in place. */
int config_prescan(struct config_ctx *ctx, char *text, size_t len);

/* Callback bookkeeping: a setting seen twice in one section is an error. */
int config_note_setting(struct config_ctx *ctx, cfg_t *sec, cfg_opt_t *opt);
/* Sets *is_new when sec is an allow section not seen before, checking and recording its
 * title; a bad title is recorded as the error. */
void config_note_allow(struct config_ctx *ctx, cfg_t *sec, bool *is_new);
void config_ctx_release(struct config_ctx *ctx);

/* Split "vid:pid:serial": vid and pid lower-cased into 5-byte buffers. 0 or -EINVAL. */
int config_split_title(const char *title, char vid[5], char pid[5], const char **serial);

#endif
