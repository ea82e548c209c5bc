/* mamori-verify: the setuid-root helper that checks a one-time code for a caller that is not
 * root (verifier.h). It trusts nothing the caller controls: the account is the caller's own,
 * from getpwuid(getuid()); the environment is dropped, stray descriptors closed, the input
 * bounded; the verdict comes from the same code as the module's (second_factor.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/config.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/safefile.h"
#include "mamori/second_factor.h"
#include "mamori/secmem.h"
#include "mamori/verifier.h"

struct request {
	char caller[256];   /* the calling user's name, or "uid N" when it has none */
	bool known_caller;  /* the calling uid has a passwd entry */
	const char *user;   /* the account asked for */
	const char *service;
	const char *conf;   /* test builds only; NULL: MAMORI_CONFIG_PATH */
	char code[MAMORI_VERIFY_INPUT_MAX + 2];
	const char *refused; /* why the request is refused, or NULL */
};

/* Descriptors 0-2 open (a closed one would be taken by the first file opened, and a state
 * file must never become someone's stdout), everything else closed. */
static void
sanitise_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(MAMORI_VERIFY_ERROR);
	(void)close_range(3, ~0U, 0);
}

/* Nothing the caller set survives: environment, umask, signal mask, ids. Once the caller is
 * known the process becomes wholly root, so the caller cannot stop it halfway. */
static void
sanitise_process(struct request *rq)
{
	uid_t uid = getuid();
	struct passwd *pw;
	sigset_t all;

	(void)clearenv();
	umask(077);
	(void)sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, NULL);
	if (geteuid() != 0)
		_exit(MAMORI_VERIFY_UNPRIVILEGED);
	errno = 0;
	if ((pw = getpwuid(uid)) != NULL &&
	    mamori_snprintf(rq->caller, sizeof(rq->caller), "%s", pw->pw_name) == 0)
		rq->known_caller = true;
	else
		(void)snprintf(rq->caller, sizeof(rq->caller), "uid %u", (unsigned)uid);
	endpwent();
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		_exit(MAMORI_VERIFY_ERROR);
}

static void
parse_args(int argc, char **argv, struct request *rq)
{
	int i = 1;

#ifdef MAMORI_TEST_HOOKS
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		rq->conf = argv[2];
		i = 3;
	}
#endif
	if (argc - i < 1 || argc - i > 2 || argv[i][0] == '\0') {
		rq->refused = "usage";
		return;
	}
	rq->user = argv[i];
	rq->service = argc - i == 2 ? argv[i + 1] : "";
}

/* The code: from a pipe, never a terminal (nobody types into this program), at most
 * MAMORI_VERIFY_INPUT_MAX bytes and one trailing newline. */
static const char *
read_code(char *code, size_t cap)
{
	struct stat st;
	size_t n = 0;
	ssize_t got;

	if (isatty(0))
		return "tty";
	if (fstat(0, &st) < 0 || !S_ISFIFO(st.st_mode))
		return "not-a-pipe";
	while (n < cap - 1 && ((got = read(0, code + n, cap - 1 - n)) > 0 ||
			       (got < 0 && errno == EINTR)))
		n += got > 0 ? (size_t)got : 0;
	code[n] = '\0';
	if (n > 0 && code[n - 1] == '\n')
		code[--n] = '\0';
	if (n > MAMORI_VERIFY_INPUT_MAX)
		return "too-long";
	return strlen(code) != n ? "not-text" : NULL;
}

static void
check_request(struct request *rq)
{
	if (rq->refused != NULL)
		return;
	if (!rq->known_caller)
		rq->refused = "unknown-caller";
	else if (strcmp(rq->user, rq->caller) != 0)
		rq->refused = "other-user";
	else
		rq->refused = read_code(rq->code, sizeof(rq->code));
}

static int
open_reporter(const struct mamori_config *cfg, struct mamori_reporter **ret)
{
	struct mamori_reporter_opts o = mamori_reporter_opts_from(cfg, "mamori-verify");

	return mamori_reporter_new(&o, ret);
}

/* The module's decision for the caller's account, as an exit status. */
static int
judge(struct mamori_second_factor *sf, const char *code)
{
	struct mamori_verify_result res;
	int r = mamori_sf_open_state(sf);

	if (r == -ENOENT)
		return mamori_sf_unenrolled(sf) == 0 ? MAMORI_VERIFY_OK : MAMORI_VERIFY_UNENROLLED;
	if (r < 0 || mamori_sf_verify(sf, code, &res) < 0)
		return MAMORI_VERIFY_ERROR;
	if (res.verdict == MAMORI_VERDICT_OK)
		return MAMORI_VERIFY_OK;
	if (res.verdict == MAMORI_VERDICT_LOCKED || res.locked_now) {
		(void)printf("%lld\n", (long long)res.locked_until);
		return MAMORI_VERIFY_LOCKED;
	}
	return MAMORI_VERIFY_FAIL;
}

static int
verify(struct request *rq)
{
	struct mamori_config_load_opts o = {.path = rq->conf, .trusted_uid = 0};
	struct mamori_second_factor sf = {.user = rq->user, .service = rq->service};
	struct mamori_config *cfg = NULL;
	char err[512];
	int cfg_r, status;

	cfg_r = mamori_config_load(&o, &cfg, err, sizeof(err));
	(void)open_reporter(cfg, &sf.rep); /* without one, events still reach syslog: none */
	sf.cfg = cfg;
	if (cfg_r < 0) {
		MAMORI_SF_REPORT(&sf, MAMORI_EV_CONF_INVALID,
				 "configuration invalid; logins that need the second factor are refused",
				 MAMORI_STR("reason", err));
		status = MAMORI_VERIFY_ERROR;
	} else if (rq->refused != NULL) {
		MAMORI_SF_REPORT(&sf, MAMORI_EV_AUTH_VERIFIER_REFUSED,
				 "verifier request refused; no code was checked",
				 MAMORI_STR("reason", rq->refused), MAMORI_STR("caller", rq->caller));
		status = MAMORI_VERIFY_REFUSED;
	} else {
		status = judge(&sf, rq->code);
	}
	mamori_sf_release(&sf);
	mamori_reporter_free(&sf.rep);
	mamori_config_free(&cfg);
	return status;
}

int
main(int argc, char **argv)
{
	struct request rq = {0};
	int status;

	sanitise_fds();
	sanitise_process(&rq);
	parse_args(argc, argv, &rq);
	check_request(&rq);
	status = verify(&rq);
	mamori_wipe(rq.code, sizeof(rq.code));
	(void)fflush(stdout);
	return status;
}
