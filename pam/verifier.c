/* Running mamori-verify for a module that is not root: fork, exec with an empty environment,
 * the code through a pipe, wait, map the exit status. Anything unexpected is a failure. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mamori/pam_conv.h"
#include "mamori/pam_verifier.h"
#include "mamori/safefile.h"
#include "mamori/secmem.h"
#include "mamori/verifier.h"

/* Only a root-owned setuid file can do the job; anything else would answer without being
 * able to read the state, or be someone else's program. */
static const char *
helper_problem(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? "missing" : "unreadable";
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || !(st.st_mode & S_ISUID))
		return "not-setuid";
	return NULL;
}

/* The code goes into the pipe before the child exists: it fits in the pipe's buffer, and a
 * helper that exits without reading cannot raise SIGPIPE in the application. */
static int
code_pipe(const char *code, int *ret_fd)
{
	size_t len = strnlen(code, MAMORI_VERIFY_INPUT_MAX + 1);
	int p[2], r;

	/* An overlong answer is cut one byte past the limit: the helper refuses it as such. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r = mamori_write_all(p[1], code, len);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	*ret_fd = p[0];
	return 0;
}

static void __attribute__((noreturn))
exec_helper(const char *path, const char *const argv[], int in, int out)
{
	/* execve's prototype predates const; it writes to neither. */
	union {
		const char *const *c;
		char *const *v;
	} args = {.c = argv};
	char *const envp[] = {NULL};
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || (null >= 0 && dup2(null, 2) < 0))
		_exit(127);
	execve(path, args.v, envp);
	_exit(127);
}

/* Run the helper; *ret_status gets the waitpid status, out[] what it printed. */
static int
run_helper(const char *path, const char *const argv[], const char *code, int *ret_status,
	   char *out, size_t cap)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	int in = -1, o[2], r = 0;
	ssize_t n = 0, got;
	pid_t pid;

	if ((r = code_pipe(code, &in)) < 0)
		return r;
	if (pipe2(o, O_CLOEXEC) < 0) {
		close(in);
		return -errno;
	}
	/* An application that reaps its children itself would take our child's status. */
	(void)sigaction(SIGCHLD, &dfl, &old);
	if ((pid = fork()) == 0)
		exec_helper(path, argv, in, o[1]);
	close(in);
	close(o[1]);
	while (pid > 0 && (size_t)n < cap - 1 &&
	       ((got = read(o[0], out + n, cap - 1 - (size_t)n)) > 0 || (got < 0 && errno == EINTR)))
		n += got > 0 ? got : 0;
	out[n] = '\0';
	close(o[0]);
	if (pid < 0)
		r = -errno;
	else
		while (waitpid(pid, ret_status, 0) < 0)
			if (errno != EINTR) {
				r = -errno;
				break;
			}
	(void)sigaction(SIGCHLD, &old, NULL);
	return r;
}

static int
unavailable(struct mamori_second_factor *sf, const char *path, const char *reason, int status)
{
	MAMORI_SF_REPORT(sf, MAMORI_EV_AUTH_VERIFIER_UNAVAILABLE,
			 "code cannot be verified for a caller that is not root; login refused",
			 MAMORI_STR("reason", reason), MAMORI_STR("path", path),
			 MAMORI_INT("status", status));
	return -EIO;
}

/* The verifier's answer as the module's own: it has already reported what it decided. */
static int
answer(pam_handle_t *pamh, struct mamori_second_factor *sf, const char *path, int status,
       const char *out)
{
	if (!WIFEXITED(status))
		return unavailable(sf, path, "killed", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	switch (WEXITSTATUS(status)) {
	case MAMORI_VERIFY_OK:
		return 0;
	case MAMORI_VERIFY_FAIL:
		return -EACCES;
	case MAMORI_VERIFY_LOCKED:
		mamori_pam_tell_locked(pamh, (time_t)strtoll(out, NULL, 10),
				       sf->cfg->auth.contact);
		return -EACCES;
	case MAMORI_VERIFY_UNENROLLED:
		mamori_pam_tell_unenrolled(pamh, sf->cfg->auth.contact);
		return -EACCES;
	case MAMORI_VERIFY_REFUSED:
		return -EPERM;
	case MAMORI_VERIFY_ERROR:
		return -EIO;
	case MAMORI_VERIFY_UNPRIVILEGED:
		return unavailable(sf, path, "not-root", WEXITSTATUS(status));
	default:
		return unavailable(sf, path, "exit-status", WEXITSTATUS(status));
	}
}

int
mamori_pam_verify_as_user(pam_handle_t *pamh, struct mamori_second_factor *sf,
			  const char *path, const char *conf)
{
	const char *argv[7] = {"mamori-verify"};
	char out[32] = "";
	const char *problem;
	char *code = NULL;
	int status = 0, r, i = 1;

	/* Asked before anything is checked, as for root: the prompt reveals nothing. */
	if (mamori_pam_ask_code(pamh, sf->cfg->auth.prompt, &code) != PAM_SUCCESS)
		return -ECANCELED;
	if ((problem = helper_problem(path)) != NULL) {
		mamori_free_secret_str(&code);
		return unavailable(sf, path, problem, -1);
	}
	if (conf != NULL) { /* test builds only: the caller passes conf=NULL otherwise */
		argv[i++] = "-c";
		argv[i++] = conf;
	}
	argv[i++] = sf->user;
	argv[i++] = sf->service ? sf->service : "";
	r = run_helper(path, argv, code, &status, out, sizeof(out));
	mamori_free_secret_str(&code);
	if (r < 0)
		return unavailable(sf, path, "exec", r);
	return answer(pamh, sf, path, status, out);
}
