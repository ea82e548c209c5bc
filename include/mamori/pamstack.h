/* A service's PAM auth stack as libpam builds it, and whether every successful way through it
 * passes one module (pam_mamori.so). Pure logic: files come through a reader callback, so the
 * same code reads /etc/pam.d, a test tree and fuzz input.
 *
 * The semantics are those of Linux-PAM 1.5 (libpam/pam_handlers.c, pam_dispatch.c,
 * pam_misc.c): lines are assembled with "\" continuations and "#" comments; "include" and
 * "@include" splice the named file's lines in place (jumps count them one by one), "substack"
 * nests them (a jump skips a substack as one module, done/die end only the substack); a line
 * libpam cannot parse becomes a module that always fails. */
#ifndef MAMORI_PAMSTACK_H
#define MAMORI_PAMSTACK_H

#include <stdbool.h>
#include <stddef.h>

#define MAMORI_PAM_RETURNS 32          /* PAM_SUCCESS .. PAM_INCOMPLETE (_PAM_RETURN_VALUES) */
#define MAMORI_PAMSTACK_MAX_DEPTH 16   /* nested includes, libpam's PAM_SUBSTACK_MAX_LEVEL */
#define MAMORI_PAMSTACK_MAX_ENTRIES 1024
#define MAMORI_PAMCONF_MAX_SIZE (256 * 1024) /* bytes of one configuration file */

/* What a module's return value does (Linux-PAM's _PAM_ACTION_*); a positive value jumps over
 * that many modules. */
enum {
	MAMORI_PAM_IGNORE = 0,
	MAMORI_PAM_OK = -1,
	MAMORI_PAM_DONE = -2,
	MAMORI_PAM_BAD = -3,
	MAMORI_PAM_DIE = -4,
	MAMORI_PAM_RESET = -5,
};

/* One handler of the auth stack. */
struct mamori_pam_entry {
	const char *file;  /* the file that holds the line, as the reader named it */
	unsigned line;     /* its first physical line */
	char *text;        /* the line as libpam assembled it (comments and continuations gone) */
	char *module;      /* the module path as written; NULL for a substack or a missing path */
	unsigned level;    /* substack depth, 0 for the service's own stack */
	bool substack;     /* a "substack" line: marks where a substack starts, runs nothing */
	bool must_fail;    /* libpam installs it as a handler that always fails */
	bool invalid;      /* the line is not valid PAM syntax */
	int actions[MAMORI_PAM_RETURNS];
};

/* Something that keeps libpam from reading the stack as written. */
enum mamori_pamstack_problem_kind {
	MAMORI_PAMSTACK_OK,
	MAMORI_PAMSTACK_INCLUDE_MISSING, /* an included file cannot be read */
	MAMORI_PAMSTACK_INCLUDE_CYCLE,   /* a file includes itself, directly or not */
	MAMORI_PAMSTACK_TOO_DEEP,        /* more than MAMORI_PAMSTACK_MAX_DEPTH nested includes */
	MAMORI_PAMSTACK_INVALID_LINE,    /* a line libpam does not understand */
};

struct mamori_pamstack_problem {
	enum mamori_pamstack_problem_kind kind;
	const char *file; /* where */
	unsigned line;
	const char *text; /* the line */
	int error;        /* INCLUDE_MISSING: the reader's negative code */
};

struct mamori_pamstack {
	struct mamori_pam_entry *entries;
	size_t n;
	bool from_other;  /* the service has no auth lines: libpam uses the "other" service */
	struct mamori_pamstack_problem problem; /* the first one, kind OK when none */
	char **files;     /* storage for the entries' file names */
	size_t n_files;
};

struct mamori_pamstack_reader {
	/* Read a configuration file named as a service or an include names it ("login",
	 * "common-auth", "/etc/pam.d/x"): 0 with a malloc'd text, its length and a malloc'd
	 * name for messages; -ENOENT when there is no such file; another negative code. */
	int (*read)(void *ctx, const char *name, char **text, size_t *len, char **display);
	void *ctx;
};

/* Build the auth stack of service. -ENOENT when the service has no file (libpam would use
 * "other"; the caller decides whether that matters), -ENOMEM, -E2BIG past
 * MAMORI_PAMSTACK_MAX_ENTRIES or a file past MAMORI_PAMCONF_MAX_SIZE; any other reader error
 * for the service's own file. Problems inside the stack are not errors: they are recorded in
 * ->problem and modelled as libpam handles them (an always-failing handler). */
int mamori_pamstack_load(const struct mamori_pamstack_reader *rd, const char *service,
			 struct mamori_pamstack **ret);

void mamori_pamstack_free(struct mamori_pamstack **st);

/* The module path's last component, e.g. "pam_unix.so". */
const char *mamori_pam_module_name(const struct mamori_pam_entry *e);

/* True when an entry of the stack runs the module (by file name, e.g. "pam_faillock.so"). */
bool mamori_pamstack_has_module(const struct mamori_pamstack *st, const char *module);

enum mamori_pamstack_verdict_kind {
	MAMORI_PAMSTACK_ENFORCED, /* every successful path passes the module with PAM_SUCCESS */
	MAMORI_PAMSTACK_ABSENT,   /* the module is not in the stack */
	MAMORI_PAMSTACK_BYPASS,   /* some successful path does not */
};

/* Why a successful path avoids the module: the culprit line does one of these. */
enum mamori_pamstack_reason {
	MAMORI_PAMSTACK_NONE,
	MAMORI_PAMSTACK_DONE_BEFORE,  /* ends the stack with success first ("sufficient") */
	MAMORI_PAMSTACK_JUMP_OVER,    /* "[success=N]" jumps over it */
	MAMORI_PAMSTACK_TOLERATED,    /* the module's own control lets a failure pass ("optional") */
	MAMORI_PAMSTACK_RESET,        /* "reset" forgets its failure */
	MAMORI_PAMSTACK_NOT_REACHED,  /* the path ends before it */
};

struct mamori_pamstack_verdict {
	enum mamori_pamstack_verdict_kind kind;
	enum mamori_pamstack_reason reason;
	const struct mamori_pam_entry *culprit; /* BYPASS: the line to blame */
};

/* Decide whether every way through the stack that returns PAM_SUCCESS passes module (a file
 * name such as "pam_mamori.so") with PAM_SUCCESS. Each module may return any PAM code,
 * except: pam_permit.so succeeds, pam_deny.so fails, the checked module never returns
 * PAM_IGNORE, and a success of pam_rootok.so (the caller is already root) is no bypass.
 * witness (NULL, or st->n ints) receives, for a bypass, a result for each entry with which
 * mamori_pamstack_simulate() succeeds without the module's success: the proof.
 * 0, -ENOMEM, or -E2BIG when the stack has too many states to explore. */
int mamori_pamstack_analyze(const struct mamori_pamstack *st, const char *module,
			    struct mamori_pamstack_verdict *ret, int *witness);

/* Whether pam_authenticate succeeds when entry i's module returns results[i] (entries that run
 * nothing are skipped; must_fail entries return PAM_PERM_DENIED whatever results says):
 * libpam's dispatch loop, for tests of the analysis. Returns 0 (PAM_SUCCESS) or 6
 * (PAM_PERM_DENIED: which failure code libpam would return is not modelled). ran (NULL, or
 * st->n bools) receives whether each entry's module ran. */
int mamori_pamstack_simulate(const struct mamori_pamstack *st, const int *results, bool *ran);

#endif
