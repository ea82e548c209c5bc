/* Logging in through the real libpam: a service file stacked the way pam-auth-update stacks
 * Debian's common-auth (a password module, pam_deny, pam_permit, then pam_mamori), scripted
 * answers, and a transcript of what the person at the prompt would see. */
#ifndef MAMORI_TEST_PAM_HARNESS_H
#define MAMORI_TEST_PAM_HARNESS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mamori/userstate.h"

struct pam_bench {
	char dir[PATH_MAX];          /* scratch: service file, passwd, mamori.conf, state */
	char conf[PATH_MAX + 32];    /* mamori.conf */
	char users[PATH_MAX + 32];   /* auth.state_dir */
	char events[PATH_MAX + 32];  /* report.event_log */
	char transcript[4096];       /* "prompt:…" / "error:…" / "info:…" lines */
};

/* Make the scratch directory with a password file (tanaka, suzuki: "pass-word") and a valid
 * configuration whose extra text (may be "") is appended inside auth { }. */
int pam_bench_setup(struct pam_bench *b, const char *auth_extra);
void pam_bench_teardown(struct pam_bench *b);

/* Log user in with the given answers to the successive prompts (NULL-terminated list);
 * module_args are appended to pam_mamori's line. Returns the pam_authenticate result. */
int pam_bench_login(struct pam_bench *b, const char *user, const char *module_args,
		    const char *const *answers);

/* Write the service file alone, and log in with the one already written: concurrent logins
 * must not rewrite the file libpam is reading. */
void pam_bench_service(const struct pam_bench *b, const char *module_args);
int pam_bench_run(struct pam_bench *b, const char *user, const char *const *answers);

/* Enrol user with the RFC 6238 SHA-1 test key, TOTP, 6 digits, active. */
void pam_bench_enrol(struct pam_bench *b, const char *user, struct mamori_userstate *ret);

/* The TOTP code the enrolled key gives at time t. */
void pam_bench_code(time_t t, char out[9]);

/* Read the user's stored state back. */
int pam_bench_state(struct pam_bench *b, const char *user, struct mamori_userstate *ret);

/* Count lines of the durable event log that contain text. */
int pam_bench_events(struct pam_bench *b, const char *text);

/* Count lines of the file at path that contain text (0 when it cannot be read). */
int pam_bench_count_lines(const char *path, const char *text);

#endif
