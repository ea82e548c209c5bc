/* mamorictl check: sshd's effective settings, as "sshd -T" prints them. Debian's sshd sends
 * the password to every PAM prompt unless keyboard-interactive carries the conversation, and
 * a public key alone skips PAM's auth step; the shipped drop-in sets all this. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/i18n.h"
#include "mamori/safefile.h"

#define SSHD_OUTPUT_MAX (256 * 1024)

extern char **environ;

/* The settings that decide whether ssh logins meet pam_mamori.so. */
struct sshd_settings {
	char *text; /* sshd -T's output, split in place */
	const char *usepam, *kbdint, *password, *methods, *pubkey, *hostbased, *gssapi;
};

/* Run sshd -T -f config with stdout and stderr into one pipe. 0 with *out (malloc'd) and
 * *status, or a negative errno. */
static int
run_sshd_t(const char *sshd, char *config, char **out, int *status)
{
	char name[] = "sshd", test[] = "-T", file[] = "-f";
	char *argv[] = {name, test, file, config, NULL};
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	int p[2], r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	r = -posix_spawn(&pid, sshd, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r == 0) {
		r = mamori_read_all(p[0], SSHD_OUTPUT_MAX, out, &len);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
	}
	close(p[0]);
	return r;
}

/* sshd's error output as one line: its lines joined with "; " (cut to fit out). */
static const char *
one_line(const char *text, char *out, size_t cap)
{
	struct mamori_buf b;
	size_t n;

	mamori_buf_init(&b, out, cap);
	for (const char *p = text; *p != '\0'; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		if (n == 0)
			continue;
		if (b.len > 0)
			(void)mamori_buf_adds(&b, "; ");
		(void)mamori_buf_add(&b, p, n);
	}
	return out;
}

static void
parse_settings(struct sshd_settings *s)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{"usepam", offsetof(struct sshd_settings, usepam)},
		{"kbdinteractiveauthentication", offsetof(struct sshd_settings, kbdint)},
		{"challengeresponseauthentication", offsetof(struct sshd_settings, kbdint)},
		{"passwordauthentication", offsetof(struct sshd_settings, password)},
		{"authenticationmethods", offsetof(struct sshd_settings, methods)},
		{"pubkeyauthentication", offsetof(struct sshd_settings, pubkey)},
		{"hostbasedauthentication", offsetof(struct sshd_settings, hostbased)},
		{"gssapiauthentication", offsetof(struct sshd_settings, gssapi)},
	};
	char *save = NULL;

	for (char *line = strtok_r(s->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' ');
		if (value == NULL)
			continue;
		*value++ = '\0';
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char **field = (const char **)((char *)s + keys[k].off);
			if (strcmp(line, keys[k].key) == 0 && *field == NULL)
				*field = value;
		}
	}
}

static bool
is(const char *value, const char *want)
{
	return value != NULL && strcmp(value, want) == 0;
}

static const char *
shown(const char *value)
{
	return value ? value : "(not reported)";
}

/* Does the comma-separated method list require keyboard-interactive (through PAM)? */
static bool
list_has_kbdint(const char *list, size_t len)
{
	for (const char *m = list; m < list + len;) {
		size_t n = strcspn(m, ", ");
		if (n > len - (size_t)(m - list))
			n = len - (size_t)(m - list);
		if ((n == 20 && strncmp(m, "keyboard-interactive", 20) == 0) ||
		    (n == 24 && strncmp(m, "keyboard-interactive:pam", 24) == 0))
			return true;
		m += n + 1;
	}
	return false;
}

static void
check_methods(struct check_ctx *c, const struct sshd_settings *s, const char *config)
{
	const char *m = s->methods;

	if (m == NULL || strcmp(m, "any") == 0) {
		/* with every other method off, keyboard-interactive is the only way in */
		if (is(s->pubkey, "no") && is(s->hostbased, "no") && is(s->gssapi, "no"))
			check_add(c, "sshd.methods", CHECK_OK, "kbdint-only", config, 0,
				  N_("sshd: keyboard-interactive is the only authentication method "
				     "enabled."));
		else
			check_add(c, "sshd.methods", CHECK_FAIL, "any", config, 0,
				  N_("sshd: AuthenticationMethods is \"any\": a public key alone logs "
				     "in and skips PAM's auth step, so no one-time code is asked. Set "
				     "e.g. \"AuthenticationMethods publickey,keyboard-interactive "
				     "keyboard-interactive\" (%s)."), config);
		return;
	}
	for (const char *l = m; *l != '\0';) {
		size_t n = strcspn(l, " ");
		if (!list_has_kbdint(l, n)) {
			check_add(c, "sshd.methods", CHECK_FAIL, "list-without-kbdint", config, 0,
				  N_("sshd: AuthenticationMethods: the list \"%.*s\" does not include "
				     "keyboard-interactive, so logins through it skip the one-time "
				     "code. Add keyboard-interactive to every list (%s)."),
				  (int)n, l, config);
			return;
		}
		l += n + (l[n] == ' ');
	}
	check_add(c, "sshd.methods", CHECK_OK, "kbdint-required", config, 0,
		  N_("sshd: AuthenticationMethods \"%s\": every login needs keyboard-interactive."),
		  m);
}

static void
check_settings(struct check_ctx *c, const struct sshd_settings *s, const char *config)
{
	if (is(s->usepam, "yes"))
		check_add(c, "sshd.usepam", CHECK_OK, "yes", config, 0, N_("sshd: UsePAM yes."));
	else
		check_add(c, "sshd.usepam", CHECK_FAIL, "no", config, 0,
			  N_("sshd: UsePAM is %s: sshd does not ask PAM, so no one-time code is "
			     "asked. Set \"UsePAM yes\" (%s)."), shown(s->usepam), config);
	if (is(s->kbdint, "yes"))
		check_add(c, "sshd.kbdinteractive", CHECK_OK, "yes", config, 0,
			  N_("sshd: KbdInteractiveAuthentication yes."));
	else
		check_add(c, "sshd.kbdinteractive", CHECK_FAIL, "no", config, 0,
			  N_("sshd: KbdInteractiveAuthentication is %s: sshd cannot show the "
			     "one-time code prompt. Set \"KbdInteractiveAuthentication yes\" (%s)."),
			  shown(s->kbdint), config);
	if (is(s->password, "no"))
		check_add(c, "sshd.password", CHECK_OK, "no", config, 0,
			  N_("sshd: PasswordAuthentication no."));
	else
		check_add(c, "sshd.password", CHECK_FAIL, "yes", config, 0,
			  N_("sshd: PasswordAuthentication is %s: the client's password is sent to "
			     "the one-time code prompt too, where it burns a code and counts toward "
			     "the lockout. Set \"PasswordAuthentication no\" (%s)."),
			  shown(s->password), config);
	check_methods(c, s, config);
}

void
check_sshd(struct check_ctx *c)
{
	struct sshd_settings s = {0};
	char config[PATH_MAX], err[512];
	int status = 0, r;

	if (c->opts->sshd_config != NULL)
		snprintf(config, sizeof(config), "%s", c->opts->sshd_config);
	else if (!check_path(c, "/etc/ssh/sshd_config", config, sizeof(config)))
		config[0] = '\0';
	if (access(c->opts->sshd, X_OK) != 0 || access(config, F_OK) != 0) {
		check_add(c, "sshd", CHECK_OK, "not-installed", NULL, 0,
			  N_("sshd: not installed (%s, %s); nothing to check."), c->opts->sshd,
			  config);
		return;
	}
	if ((r = run_sshd_t(c->opts->sshd, config, &s.text, &status)) < 0) {
		check_add(c, "sshd", CHECK_FAIL, "cannot-run", config, 0,
			  N_("sshd: \"%s -T\" cannot be run (%s)."), c->opts->sshd, strerror(-r));
		return;
	}
	if ((!WIFEXITED(status) || WEXITSTATUS(status) != 0) &&
	    strstr(s.text, "Missing privilege separation directory") != NULL)
		/* the directory exists while ssh.service runs (RuntimeDirectory) */
		check_add(c, "sshd", CHECK_WARN, "not-running", config, 0,
			  N_("sshd: its settings cannot be read while it is not running (%s); start "
			     "ssh.service and check again."), one_line(s.text, err, sizeof(err)));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		check_add(c, "sshd", CHECK_FAIL, "config-error", config, 0,
			  N_("sshd: \"%s -T -f %s\" refuses the configuration: %s"), c->opts->sshd,
			  config, one_line(s.text, err, sizeof(err)));
	else {
		parse_settings(&s);
		check_settings(c, &s, config);
		check_sshd_match(c, config);
	}
	free(s.text);
}
