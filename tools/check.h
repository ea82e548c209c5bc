/* mamorictl check: the shared parts of the checks (cmd_check.c runs them, check_*.c hold
 * them). A check adds results; each result is one line of output. */
#ifndef MAMORICTL_CHECK_H
#define MAMORICTL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mamori/config.h"

enum check_status { CHECK_OK, CHECK_WARN, CHECK_FAIL };

struct check_opts {
	const char *root;        /* files are read below this directory ("" for /) */
	const char *sshd;        /* the sshd program */
	const char *sshd_config; /* its configuration file, NULL: ROOT/etc/ssh/sshd_config */
	const char *config;      /* mamori.conf to check, NULL: ROOT/etc/mamori/mamori.conf */
	const char *only;        /* comma-separated groups to run (config always), NULL: all */
};

struct check_result {
	char *id;       /* stable, e.g. "pam.login" */
	enum check_status status;
	char *code;     /* stable machine word, e.g. "bypass" */
	char *path;     /* a file the result is about, or NULL */
	unsigned line;  /* its line, 0 when none */
	char *message;  /* English, for --json */
	char *text;     /* translated, for people */
};

struct check_ctx {
	const struct check_opts *opts;
	struct mamori_config *cfg; /* the configuration, or the defaults when invalid */
	bool config_valid;
	bool udevd_running;        /* set by check_media: udev's database is current */
	char config_path[4096];
	struct check_result *results;
	size_t n, cap;
	bool out_of_memory;
};

/* Record one result. fmt is an untranslated message (marked with N_()); it is kept both as
 * is and translated. */
void check_add(struct check_ctx *c, const char *id, enum check_status status, const char *code,
	       const char *path, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* ROOT/path into out; false when it does not fit. */
bool check_path(const struct check_ctx *c, const char *path, char *out, size_t cap);

/* Output: one line per result and a summary, or one JSON document. 0, or -EIO. */
int check_print_text(const struct check_ctx *c, FILE *out);
int check_print_json(const struct check_ctx *c, FILE *out);

/* True when some result has status FAIL. */
bool check_failed(const struct check_ctx *c);

void check_results_free(struct check_ctx *c);

/* The groups of checks (check_*.c). */
void check_config(struct check_ctx *c);
void check_rollout(struct check_ctx *c);
void check_pam(struct check_ctx *c);
void check_sshd(struct check_ctx *c);
/* A Match block in the sshd configuration at config (check_sshd_match.c). */
void check_sshd_match(struct check_ctx *c, const char *config);
void check_clock(struct check_ctx *c);
void check_state(struct check_ctx *c);
void check_forward(struct check_ctx *c);
/* Removable media: udev rules, udevd, mamori-agent (check_media.c), and every device
 * present (check_media_dev.c, run by check_media on the running system only). */
void check_media(struct check_ctx *c);
void check_media_devices(struct check_ctx *c);

#endif
