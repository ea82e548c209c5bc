/* mamorictl check: every PAM service that logs people in must pass pam_mamori.so on every
 * successful path through its auth stack, and should have pam_faillock.so for passwords. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/pamstack.h"
#include "mamori/safefile.h"

#define MODULE "pam_mamori.so"

/* The services through which a person logs in or gains rights. */
static const char *const services[] = {
	"login", "sshd", "su", "sudo", "gdm-password", "lightdm", "polkit-1",
};

/* Where libpam looks for a relative name, in order (pam_handlers.c). */
static const char *const pam_dirs[] = {"/etc/pam.d/", "/usr/lib/pam.d/"};

static int
read_path(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), r;

	if (fd < 0)
		return -errno;
	r = mamori_read_all(fd, MAMORI_PAMCONF_MAX_SIZE, text, len);
	close(fd);
	return r;
}

/* name as libpam finds it: absolute, or in the first PAM directory that has it. */
static int
read_conf(void *ctx, const char *name, char **text, size_t *len, char **display)
{
	const struct check_ctx *c = ctx;
	char rel[PATH_MAX], path[PATH_MAX];
	size_t n_dirs = name[0] == '/' ? 1 : sizeof(pam_dirs) / sizeof(pam_dirs[0]);
	int r = -ENOENT;

	for (size_t i = 0; i < n_dirs && r == -ENOENT; i++) {
		if (mamori_snprintf(rel, sizeof(rel), "%s%s", name[0] == '/' ? "" : pam_dirs[i],
				    name) < 0 ||
		    !check_path(c, rel, path, sizeof(path)))
			return -ENAMETOOLONG;
		r = read_path(path, text, len);
	}
	if (r < 0)
		return r;
	if ((*display = strdup(path)) == NULL) {
		free(*text);
		return -ENOMEM;
	}
	return 0;
}

static void
report_bypass(struct check_ctx *c, const char *id, const char *svc,
	      const struct mamori_pamstack_verdict *v, const char *file)
{
	const struct mamori_pam_entry *e = v->culprit;

	switch (e != NULL ? v->reason : MAMORI_PAMSTACK_NOT_REACHED) {
	case MAMORI_PAMSTACK_DONE_BEFORE:
		check_add(c, id, CHECK_FAIL, "success-before", e->file, e->line,
			  N_("PAM %s: %s:%u: \"%s\" can end authentication with success before "
			     "pam_mamori.so asks for the code: logins pass without a one-time code."),
			  svc, e->file, e->line, e->text);
		break;
	case MAMORI_PAMSTACK_JUMP_OVER:
		check_add(c, id, CHECK_FAIL, "jump-over", e->file, e->line,
			  N_("PAM %s: %s:%u: \"%s\" can jump over pam_mamori.so: logins pass without "
			     "a one-time code."),
			  svc, e->file, e->line, e->text);
		break;
	case MAMORI_PAMSTACK_TOLERATED:
		check_add(c, id, CHECK_FAIL, "not-required", e->file, e->line,
			  N_("PAM %s: %s:%u: \"%s\": a wrong one-time code does not fail the login; "
			     "pam_mamori.so needs the control \"required\"."),
			  svc, e->file, e->line, e->text);
		break;
	case MAMORI_PAMSTACK_RESET:
		check_add(c, id, CHECK_FAIL, "reset", e->file, e->line,
			  N_("PAM %s: %s:%u: \"%s\" forgets a failure of pam_mamori.so: logins pass "
			     "without a one-time code."),
			  svc, e->file, e->line, e->text);
		break;
	default:
		check_add(c, id, CHECK_FAIL, "not-reached", file, 0,
			  N_("PAM %s: a login can succeed without reaching pam_mamori.so (%s)."), svc,
			  file);
	}
}

/* A stack libpam cannot read as written: FAIL naming the line. */
static void
report_problem(struct check_ctx *c, const char *id, const char *svc,
	       const struct mamori_pamstack_problem *p)
{
	switch (p->kind) {
	case MAMORI_PAMSTACK_INCLUDE_MISSING:
		check_add(c, id, CHECK_FAIL, "include-missing", p->file, p->line,
			  N_("PAM %s: %s:%u: \"%s\": the included file cannot be read (%s); libpam "
			     "fails this service."),
			  svc, p->file, p->line, p->text, mamori_strerror(p->error));
		break;
	case MAMORI_PAMSTACK_INCLUDE_CYCLE:
		check_add(c, id, CHECK_FAIL, "include-cycle", p->file, p->line,
			  N_("PAM %s: %s:%u: \"%s\" includes a file that includes it again; libpam "
			     "fails this service."),
			  svc, p->file, p->line, p->text);
		break;
	case MAMORI_PAMSTACK_TOO_DEEP:
		check_add(c, id, CHECK_FAIL, "include-too-deep", p->file, p->line,
			  N_("PAM %s: %s:%u: \"%s\": includes nest deeper than %d; libpam fails this "
			     "service."),
			  svc, p->file, p->line, p->text, MAMORI_PAMSTACK_MAX_DEPTH);
		break;
	default:
		check_add(c, id, CHECK_FAIL, "invalid-line", p->file, p->line,
			  N_("PAM %s: %s:%u: \"%s\" is not valid PAM syntax; libpam makes it a "
			     "module that always fails."),
			  svc, p->file, p->line, p->text);
	}
}

/* pam_mamori.so conf=PATH reads another file than the one the rollout check read. */
static void
check_module_conf(struct check_ctx *c, const char *svc, const struct mamori_pamstack *st)
{
	char id[80];

	snprintf(id, sizeof(id), "pam.%s.conf", svc);
	for (size_t i = 0; i < st->n; i++) {
		const struct mamori_pam_entry *e = &st->entries[i];
		const char *arg = strstr(e->text, " conf=");
		size_t n;

		if (e->must_fail || strcmp(mamori_pam_module_name(e), MODULE) != 0 || arg == NULL)
			continue;
		arg += 6;
		n = strcspn(arg, " ");
		check_add(c, id, CHECK_WARN, "other-config", e->file, e->line,
			  N_("PAM %s: %s:%u: pam_mamori.so reads %.*s, not the configuration "
			     "checked above; check that file with \"mamorictl config check %.*s\"."),
			  svc, e->file, e->line, (int)n, arg, (int)n, arg);
	}
}

static void
check_stack(struct check_ctx *c, const char *svc, const struct mamori_pamstack *st)
{
	struct mamori_pamstack_verdict v;
	const char *file = st->files[0];
	char id[64], fl_id[80];
	int r;

	snprintf(id, sizeof(id), "pam.%s", svc);
	snprintf(fl_id, sizeof(fl_id), "pam.%s.faillock", svc);
	if ((r = mamori_pamstack_analyze(st, MODULE, &v, NULL)) < 0)
		check_add(c, id, CHECK_WARN, "too-complex", file, 0,
			  N_("PAM %s: the auth stack cannot be analysed (%s)."), svc,
			  mamori_strerror(r));
	else if (v.kind == MAMORI_PAMSTACK_ABSENT)
		check_add(c, id, CHECK_FAIL, "absent", file, 0,
			  N_("PAM %s: pam_mamori.so is not in the auth stack of %s: logins need no "
			     "one-time code."),
			  svc, file);
	else if (v.kind == MAMORI_PAMSTACK_BYPASS)
		report_bypass(c, id, svc, &v, file);
	else if (st->problem.kind != MAMORI_PAMSTACK_OK)
		report_problem(c, id, svc, &st->problem);
	else
		check_add(c, id, CHECK_OK, "enforced", file, 0,
			  N_("PAM %s: every successful authentication passes pam_mamori.so (%s)."),
			  svc, file);
	check_module_conf(c, svc, st);
	if (mamori_pamstack_has_module(st, "pam_faillock.so"))
		check_add(c, fl_id, CHECK_OK, "faillock", file, 0,
			  N_("PAM %s: pam_faillock.so limits password guessing."), svc);
	else
		check_add(c, fl_id, CHECK_WARN, "no-faillock", file, 0,
			  N_("PAM %s: pam_faillock.so is not in the auth stack: nothing limits "
			     "password guessing (see pam_faillock(8))."),
			  svc);
}

void
check_pam(struct check_ctx *c)
{
	const struct mamori_pamstack_reader rd = {read_conf, c};

	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		struct mamori_pamstack *st = NULL;
		char id[64];
		int r = mamori_pamstack_load(&rd, services[i], &st);

		if (r == -ENOENT)
			continue; /* not installed */
		snprintf(id, sizeof(id), "pam.%s", services[i]);
		if (r < 0)
			check_add(c, id, CHECK_FAIL, "unreadable", NULL, 0,
				  N_("PAM %s: the configuration cannot be read (%s)."), services[i],
				  mamori_strerror(r));
		else
			check_stack(c, services[i], st);
		mamori_pamstack_free(&st);
	}
}
