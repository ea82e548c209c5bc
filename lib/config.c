/* Loading mamori.conf: the file is opened and checked before a byte is parsed, read whole
 * (it is small and capped), checked by config_prescan, then parsed by libconfuse with the
 * schema of config_schema.c into struct mamori_config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/safefile.h"

/* Enumerations are stored through unsigned pointers by the table's offsets. */
_Static_assert(sizeof(enum mamori_media_policy) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum mamori_class_policy) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum mamori_otp_algorithm) == sizeof(unsigned), "enum size");
_Static_assert(sizeof(enum mamori_unenrolled) == sizeof(unsigned), "enum size");

static int
dup_or_null(const char *s, char **ret)
{
	char *d = NULL;

	if (s != NULL && (d = strdup(s)) == NULL)
		return -ENOMEM;
	*ret = d;
	return 0;
}

static int
fill_option(cfg_t *root, const struct config_option *o, struct mamori_config *c)
{
	cfg_t *sec = cfg_getsec(root, o->section);
	void *field = (char *)c + o->offset;

	switch (o->kind) {
	case KIND_UINT:
	case KIND_ENUM:
		*(unsigned *)field = (unsigned)cfg_getint(sec, o->name);
		return 0;
	case KIND_BOOL:
		*(bool *)field = cfg_getbool(sec, o->name) == cfg_true;
		return 0;
	default:
		return dup_or_null(cfg_getstr(sec, o->name), (char **)field);
	}
}

static int
fill_allow(cfg_t *sec, struct mamori_allow_entry *e)
{
	const char *serial;
	int r;

	if (config_split_title(cfg_title(sec), e->vid, e->pid, &serial) < 0)
		return MAMORI_E_CONFIG; /* checked while parsing; cannot happen */
	e->policy = (enum mamori_media_policy)cfg_getint(sec, "policy");
	if ((r = dup_or_null(serial, &e->serial)) < 0)
		return r;
	return dup_or_null(cfg_getstr(sec, "comment"), &e->comment);
}

static int
fill_config(cfg_t *root, struct mamori_config *c)
{
	cfg_t *media = cfg_getsec(root, "media");
	size_t n = cfg_size(media, "allow");
	int r;

	for (size_t i = 0; i < config_n_options; i++) {
		if (strcmp(config_options[i].section, "allow") != 0 &&
		    (r = fill_option(root, &config_options[i], c)) < 0)
			return r;
	}
	if (n == 0)
		return 0;
	if ((c->media.allow = calloc(n, sizeof(*c->media.allow))) == NULL)
		return -ENOMEM;
	c->media.n_allow = n;
	for (size_t i = 0; i < n; i++) {
		if ((r = fill_allow(cfg_getnsec(media, "allow", (unsigned)i), &c->media.allow[i])) < 0)
			return r;
	}
	return 0;
}

/* libconfuse reads from a stream; ctx already holds the prescanned text's line count. */
static int
run_confuse(struct config_ctx *ctx, char *text, size_t len, cfg_t **ret)
{
	struct config_schema schema;
	cfg_t *cfg = NULL;
	FILE *fp = NULL;
	int r;

	config_schema_init(&schema);
	if ((fp = fmemopen(text, len, "r")) == NULL || (cfg = cfg_init(schema.root, 0)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	cfg_set_error_function(cfg, config_errfunc);
	free(cfg->filename);
	if ((cfg->filename = strdup(ctx->name)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	config_current = ctx;
	r = cfg_parse_fp(cfg, fp);
	config_current = NULL;
	if (r != CFG_SUCCESS || ctx->failed) {
		config_fail(ctx, 0, NULL, "cannot parse");
		r = ctx->out_of_memory ? -ENOMEM : MAMORI_E_CONFIG;
		goto out;
	}
	*ret = cfg;
	cfg = NULL;
	r = 0;
out:
	if (r == -ENOMEM)
		config_fail(ctx, 0, NULL, "out of memory");
	if (cfg != NULL)
		cfg_free(cfg);
	if (fp != NULL)
		fclose(fp);
	return r;
}

int
mamori_config_parse(const char *text, size_t len, const char *name,
		    struct mamori_config **ret_cfg, char *errbuf, size_t errlen)
{
	struct config_ctx ctx = {.name = name ? name : "mamori.conf", .err = errbuf,
				 .errlen = errlen};
	struct mamori_config *c = NULL;
	cfg_t *cfg = NULL;
	char *copy = NULL;
	int r;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	/* the prescan blanks comments in place; fmemopen needs at least one byte */
	if ((copy = malloc(len + 1)) == NULL || (c = calloc(1, sizeof(*c))) == NULL) {
		r = -ENOMEM;
		config_fail(&ctx, 0, NULL, "out of memory");
		goto out;
	}
	memcpy(copy, text, len);
	copy[len] = '\n';
	if (config_prescan(&ctx, copy, len) < 0) {
		r = MAMORI_E_CONFIG;
		goto out;
	}
	ctx.text = copy;
	ctx.len = len;
	if ((r = run_confuse(&ctx, copy, len + 1, &cfg)) < 0)
		goto out;
	if ((r = fill_config(cfg, c)) < 0) {
		config_fail(&ctx, 0, NULL, "%s", mamori_strerror(r));
		goto out;
	}
	*ret_cfg = c;
	c = NULL;
	r = 0;
out:
	if (cfg != NULL)
		cfg_free(cfg);
	config_ctx_release(&ctx);
	mamori_config_free(&c);
	free(copy);
	return r;
}

int
mamori_config_defaults(struct mamori_config **ret_cfg)
{
	char err[256];

	return mamori_config_parse("", 0, "built-in defaults", ret_cfg, err, sizeof(err));
}

/* "FILE: cannot open: …" or "FILE: refused: …" for a file that never reaches the parser. */
static void
file_error(const char *path, int r, uid_t owner, char *errbuf, size_t errlen)
{
	struct stat st;
	bool have = lstat(path, &st) == 0;

	if (errbuf == NULL || errlen == 0)
		return;
	if (r == -ELOOP && have && S_ISLNK(st.st_mode))
		mamori_snprintf(errbuf, errlen, "%s: refused: is a symbolic link", path);
	else if (r == MAMORI_E_NOTREG)
		mamori_snprintf(errbuf, errlen, "%s: refused: not a regular file", path);
	else if (r == MAMORI_E_OWNER && have)
		mamori_snprintf(errbuf, errlen, "%s: refused: owned by uid %ld, expected uid %ld",
				path, (long)st.st_uid, (long)owner);
	else if (r == MAMORI_E_MODE && have)
		mamori_snprintf(errbuf, errlen,
				"%s: refused: mode %04o is writable by group or others", path,
				(unsigned)(st.st_mode & 07777));
	else if (r == MAMORI_E_TOOBIG && have)
		mamori_snprintf(errbuf, errlen, "%s: refused: %lld bytes, expected at most %d",
				path, (long long)st.st_size, MAMORI_CONFIG_MAX_SIZE);
	else
		mamori_snprintf(errbuf, errlen, "%s: cannot open: %s", path, mamori_strerror(r));
}

int
mamori_config_load(const struct mamori_config_load_opts *opts,
		   struct mamori_config **ret_cfg, char *errbuf, size_t errlen)
{
	const char *path = opts && opts->path ? opts->path : MAMORI_CONFIG_PATH;
	struct mamori_file_rules rules = {.owner = opts ? opts->trusted_uid : 0,
					  .forbidden = S_IWGRP | S_IWOTH,
					  .max_size = MAMORI_CONFIG_MAX_SIZE};
	struct mamori_config *c = NULL;
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	fd = mamori_open_checked(path, &rules, NULL);
	if (fd == -ENOENT && (opts == NULL || opts->path == NULL))
		return mamori_config_defaults(ret_cfg);
	if (fd < 0) {
		file_error(path, fd, rules.owner, errbuf, errlen);
		return fd;
	}
	/* + 1: mamori_read_all refuses a file of exactly its limit (it stops when the buffer
	 * is full, before it sees the end); the size was checked by mamori_open_checked */
	r = mamori_read_all(fd, MAMORI_CONFIG_MAX_SIZE + 1, &text, &len);
	close(fd);
	if (r < 0) {
		file_error(path, r, rules.owner, errbuf, errlen);
		return r;
	}
	if ((r = mamori_config_parse(text, len, path, &c, errbuf, errlen)) < 0)
		goto out;
	if ((c->source = strdup(path)) == NULL) {
		r = -ENOMEM;
		mamori_snprintf(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	*ret_cfg = c;
	c = NULL;
	r = 0;
out:
	mamori_config_free(&c);
	free(text);
	return r;
}

void
mamori_config_free(struct mamori_config **cfg)
{
	struct mamori_config *c;

	if (cfg == NULL || (c = *cfg) == NULL)
		return;
	for (size_t i = 0; i < c->media.n_allow; i++) {
		free(c->media.allow[i].serial);
		free(c->media.allow[i].comment);
	}
	free(c->media.allow);
	for (size_t i = 0; i < config_n_options; i++) {
		if (config_options[i].kind >= KIND_PATH && strcmp(config_options[i].section, "allow"))
			free(*(char **)((char *)c + config_options[i].offset));
	}
	free(c->source);
	free(c);
	*cfg = NULL;
}
