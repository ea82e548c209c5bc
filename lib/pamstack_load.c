/* Building a service's auth stack: the service's file, its includes spliced in, substacks
 * nested, every line libpam would refuse turned into the always-failing handler libpam
 * installs for it (libpam/pam_handlers.c, _pam_parse_conf_file). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pamstack_internal.h"

struct loader {
	const struct mamori_pamstack_reader *rd;
	struct mamori_pamstack *st;
	size_t cap;
	const char *chain[MAMORI_PAMSTACK_MAX_DEPTH + 1]; /* files being read, outermost first */
};

/* Where the line being parsed lives. */
struct place {
	struct loader *L;
	const char *file;
	unsigned level, depth;
};

enum control { CTL_ACTIONS, CTL_INCLUDE, CTL_SUBSTACK };

static void
note_problem(struct mamori_pamstack *st, enum mamori_pamstack_problem_kind kind,
	     const struct mamori_pam_entry *e, int error)
{
	if (st->problem.kind != MAMORI_PAMSTACK_OK)
		return;
	st->problem.kind = kind;
	st->problem.file = e->file;
	st->problem.line = e->line;
	st->problem.text = e->text;
	st->problem.error = error;
}

/* Append a copy of e (taking its strings). */
static int
add_entry(struct loader *L, struct mamori_pam_entry *e)
{
	struct mamori_pamstack *st = L->st;

	if (st->n == MAMORI_PAMSTACK_MAX_ENTRIES)
		return -E2BIG;
	if (st->n == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 16;
		struct mamori_pam_entry *p = reallocarray(st->entries, cap, sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		st->entries = p;
		L->cap = cap;
	}
	st->entries[st->n++] = *e;
	e->text = e->module = NULL;
	return 0;
}

static int
keep_file_name(struct mamori_pamstack *st, char *name)
{
	char **p = reallocarray(st->files, st->n_files + 1, sizeof(*p));

	if (p == NULL)
		return -ENOMEM;
	st->files = p;
	st->files[st->n_files++] = name;
	return 0;
}

static int parse_file(struct loader *L, const char *text, size_t len, const char *file,
		      unsigned level, unsigned depth);

/* Read and splice name at level. 0 when done, 1 when libpam could not use it (the problem is
 * noted against e, the including line), or a negative error. */
static int
include_file(const struct place *at, const char *name, unsigned level,
	     struct mamori_pam_entry *e)
{
	struct loader *L = at->L;
	char *text = NULL, *display = NULL;
	size_t len = 0;
	int r = 0;

	if (at->depth + 1 >= MAMORI_PAMSTACK_MAX_DEPTH) {
		note_problem(L->st, MAMORI_PAMSTACK_TOO_DEEP, e, 0);
		return 1;
	}
	if (name == NULL || (r = L->rd->read(L->rd->ctx, name, &text, &len, &display)) == -ENOENT ||
	    (r < 0 && r != -ENOMEM)) {
		note_problem(L->st, MAMORI_PAMSTACK_INCLUDE_MISSING, e, name ? r : -EINVAL);
		return 1;
	}
	if (r < 0)
		return r;
	for (unsigned d = 0; d <= at->depth; d++) {
		if (strcmp(L->chain[d], display) == 0) {
			note_problem(L->st, MAMORI_PAMSTACK_INCLUDE_CYCLE, e, 0);
			free(text);
			free(display);
			return 1;
		}
	}
	if ((r = keep_file_name(L->st, display)) < 0) {
		free(text);
		free(display);
		return r;
	}
	r = len > MAMORI_PAMCONF_MAX_SIZE ? -E2BIG :
		parse_file(L, text, len, display, level, at->depth + 1);
	free(text);
	return r;
}

/* The control word: actions filled for CTL_ACTIONS; *valid false when libpam refuses it. */
static enum control
parse_control_word(const char *tok, int *actions, bool *valid)
{
	static const struct { const char *word; int success, dflt; } plain[] = {
		{"required", MAMORI_PAM_OK, MAMORI_PAM_BAD},
		{"requisite", MAMORI_PAM_OK, MAMORI_PAM_DIE},
		{"optional", MAMORI_PAM_OK, MAMORI_PAM_IGNORE},
		{"sufficient", MAMORI_PAM_DONE, MAMORI_PAM_IGNORE},
	};

	if (strcasecmp(tok, "include") == 0)
		return CTL_INCLUDE;
	if (strcasecmp(tok, "substack") == 0)
		return CTL_SUBSTACK;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcasecmp(tok, plain[i].word) != 0)
			continue;
		actions[PAMCONF_SUCCESS] = actions[12 /* new_authtok_reqd */] = plain[i].success;
		if (i < 2) /* required and requisite let PAM_IGNORE pass */
			actions[PAMCONF_IGNORE] = MAMORI_PAM_IGNORE;
		pamconf_set_default(actions, plain[i].dflt);
		return CTL_ACTIONS;
	}
	*valid = pamconf_parse_control(actions, tok);
	pamconf_set_default(actions, MAMORI_PAM_BAD);
	return CTL_ACTIONS;
}

/* An include or substack line: splice the file, or put libpam's failing handler in place. */
static int
add_include(const struct place *at, enum control ctl, const char *name,
	    struct mamori_pam_entry *e)
{
	int r;

	if (ctl == CTL_SUBSTACK) {
		struct mamori_pam_entry marker = *e;
		marker.substack = true;
		if ((marker.text = strdup(e->text)) == NULL)
			return -ENOMEM;
		if ((r = add_entry(at->L, &marker)) < 0) {
			free(marker.text);
			return r;
		}
	}
	r = include_file(at, name, at->level + (ctl == CTL_SUBSTACK), e);
	if (r <= 0)
		return r;
	for (int i = 0; i < MAMORI_PAM_RETURNS; i++)
		e->actions[i] = MAMORI_PAM_BAD;
	e->must_fail = true;
	return add_entry(at->L, e);
}

/* The part of a line after its type; e holds the line's text and place. */
static int
parse_rest(const struct place *at, char **next, struct mamori_pam_entry *e)
{
	char *tok = pamconf_token(next);
	enum control ctl = CTL_ACTIONS;
	bool valid = true;

	for (int i = 0; i < MAMORI_PAM_RETURNS; i++)
		e->actions[i] = PAMCONF_UNDEF;
	if (tok == NULL) {
		pamconf_set_default(e->actions, MAMORI_PAM_BAD);
		e->must_fail = true;
	} else {
		ctl = parse_control_word(tok, e->actions, &valid);
	}
	tok = pamconf_token(next);
	if (ctl != CTL_ACTIONS)
		return add_include(at, ctl, tok, e);
	if (tok == NULL)
		e->must_fail = true;
	else if ((e->module = strdup(tok)) == NULL)
		return -ENOMEM;
	e->invalid = e->invalid || e->must_fail || !valid;
	if (e->invalid)
		note_problem(at->L->st, MAMORI_PAMSTACK_INVALID_LINE, e, 0);
	return add_entry(at->L, e);
}

/* The line for messages: blanks squeezed to one space, none at the end, other control
 * characters shown as "?" so that a file cannot drive the terminal that prints them. */
static char *
display_text(const char *line)
{
	char *d = malloc(strlen(line) + 1), *o = d;

	if (d == NULL)
		return NULL;
	for (const char *p = line; *p != '\0'; p++) {
		bool blank = *p == ' ' || *p == '\t';
		if (!blank && ((unsigned char)*p < 0x20 || *p == 0x7f))
			*o++ = '?';
		else if (!blank)
			*o++ = *p;
		else if (o > d && o[-1] != ' ')
			*o++ = ' ';
	}
	while (o > d && o[-1] == ' ')
		o--;
	*o = '\0';
	return d;
}

static int
parse_line(void *ctx, char *line, unsigned lineno)
{
	const struct place *at = ctx;
	struct mamori_pam_entry e = {.file = at->file, .line = lineno, .level = at->level};
	char *next = line, *tok;
	int r;

	if ((e.text = display_text(line)) == NULL)
		return -ENOMEM;
	tok = pamconf_token(&next);
	if (tok != NULL && strcasecmp(tok, "@include") == 0) {
		r = include_file(at, pamconf_token(&next), at->level, &e);
		/* a file libpam cannot @include makes the whole service unusable */
		if (r == 1) {
			for (int i = 0; i < MAMORI_PAM_RETURNS; i++)
				e.actions[i] = MAMORI_PAM_BAD;
			e.must_fail = true;
			r = add_entry(at->L, &e);
		}
		free(e.text);
		return r;
	}
	if (tok != NULL && tok[0] == '-')
		tok++;
	if (tok != NULL && (strcasecmp(tok, "account") == 0 || strcasecmp(tok, "session") == 0 ||
			    strcasecmp(tok, "password") == 0)) {
		free(e.text);
		return 0;
	}
	/* an unknown type lands in the most sensitive stack, auth, as a failing handler */
	if (tok == NULL || strcasecmp(tok, "auth") != 0)
		e.invalid = e.must_fail = true;
	r = parse_rest(at, &next, &e);
	free(e.text);
	free(e.module);
	return r;
}

static int
parse_file(struct loader *L, const char *text, size_t len, const char *file, unsigned level,
	   unsigned depth)
{
	struct place at = {L, file, level, depth};
	int r;

	L->chain[depth] = file;
	r = pamconf_assemble(text, len, parse_line, &at);
	if (r == -EILSEQ) {
		/* libpam stops reading the file there and fails it */
		struct mamori_pam_entry e = {.file = file, .line = 0, .level = level,
					     .must_fail = true, .invalid = true};
		for (int i = 0; i < MAMORI_PAM_RETURNS; i++)
			e.actions[i] = MAMORI_PAM_BAD;
		if ((e.text = strdup("\\")) == NULL)
			return -ENOMEM;
		note_problem(L->st, MAMORI_PAMSTACK_INVALID_LINE, &e, 0);
		r = add_entry(L, &e);
		free(e.text);
	}
	return r;
}

/* The service's own file; with no auth line in it, libpam uses the service "other". */
static int
load_service(struct loader *L, const char *service)
{
	char *text = NULL, *display = NULL;
	size_t len = 0;
	int r;

	if ((r = L->rd->read(L->rd->ctx, service, &text, &len, &display)) < 0)
		return r;
	if ((r = keep_file_name(L->st, display)) < 0) {
		free(display);
		free(text);
		return r;
	}
	r = len > MAMORI_PAMCONF_MAX_SIZE ? -E2BIG : parse_file(L, text, len, display, 0, 0);
	free(text);
	return r;
}

int
mamori_pamstack_load(const struct mamori_pamstack_reader *rd, const char *service,
		     struct mamori_pamstack **ret)
{
	struct loader L = {.rd = rd};
	int r;

	if ((L.st = calloc(1, sizeof(*L.st))) == NULL)
		return -ENOMEM;
	r = load_service(&L, service);
	if (r == 0 && L.st->n == 0 && strcmp(service, "other") != 0) {
		L.st->from_other = true;
		if ((r = load_service(&L, "other")) == -ENOENT)
			r = 0; /* no handler at all: libpam fails every call */
	}
	if (r < 0) {
		mamori_pamstack_free(&L.st);
		return r;
	}
	*ret = L.st;
	return 0;
}

void
mamori_pamstack_free(struct mamori_pamstack **st)
{
	if (st == NULL || *st == NULL)
		return;
	for (size_t i = 0; i < (*st)->n; i++) {
		free((*st)->entries[i].text);
		free((*st)->entries[i].module);
	}
	for (size_t i = 0; i < (*st)->n_files; i++)
		free((*st)->files[i]);
	free((*st)->entries);
	free((*st)->files);
	free(*st);
	*st = NULL;
}

const char *
mamori_pam_module_name(const struct mamori_pam_entry *e)
{
	const char *slash;

	if (e->module == NULL)
		return "";
	slash = strrchr(e->module, '/');
	return slash ? slash + 1 : e->module;
}

bool
mamori_pamstack_has_module(const struct mamori_pamstack *st, const char *module)
{
	for (size_t i = 0; i < st->n; i++) {
		if (!st->entries[i].must_fail &&
		    strcmp(mamori_pam_module_name(&st->entries[i]), module) == 0)
			return true;
	}
	return false;
}
