/* mamorictl check (自己点検, self-inspection): can this terminal prove its own hardening?
 * Runs every group of checks in the table below, prints one line per result, exits 1 when any
 * result is FAIL. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "commands.h"
#include "mamori/i18n.h"

/* The groups, in output order. */
static const struct {
	const char *name;
	void (*run)(struct check_ctx *c);
} check_groups[] = {
	{"config", check_config},   /* mamori.conf valid; must run first: the rest read it */
	{"rollout", check_rollout}, /* unenrolled = allow means no second factor yet */
	{"pam", check_pam},         /* every auth stack passes pam_mamori.so */
	{"sshd", check_sshd},       /* sshd sends logins through PAM and the code prompt */
	{"clock", check_clock},     /* TOTP needs a synchronised clock */
	{"state", check_state},     /* per-user state: owner and modes */
	{"forward", check_forward}, /* central forwarding: certificates, disk queue */
	{"media", check_media},     /* udev rules, udevd, the agent, every removable device */
};

static void
usage(FILE *out)
{
	fprintf(out, "%s",
		_("usage: mamorictl check [--json] [--root DIR] [--sshd PROGRAM] "
		  "[--sshd-config FILE] [--config FILE] [--only GROUP,...]\n"
		  "\n"
		  "Inspect this terminal: mamori.conf, the rollout state, the PAM stacks of login,\n"
		  "sshd, su, sudo, gdm-password, lightdm and polkit-1, the effective sshd settings,\n"
		  "the clock, the second-factor state store, central forwarding, and removable\n"
		  "media: the udev rules, udevd, mamori-agent and every removable device present.\n"
		  "One line per check: OK, WARN or FAIL. Exit 0 when nothing failed, 1 otherwise.\n"
		  "\n"
		  "  --json               one JSON document with stable keys instead\n"
		  "  --root DIR           read /etc and /var below DIR (for inspecting an image)\n"
		  "  --sshd PROGRAM       the sshd to ask for its settings (default /usr/sbin/sshd)\n"
		  "  --sshd-config FILE   its configuration (default ROOT/etc/ssh/sshd_config)\n"
		  "  --config FILE        the mamori.conf to check (default ROOT/etc/mamori/mamori.conf)\n"
		  "  --only GROUP,...     only these groups of checks (and the configuration):\n"
		  "                       rollout, pam, sshd, clock, state, forward, media\n"
		  "  --help               this text\n"));
}

/* 0, or 2 after a usage message. */
static int
parse_args(int argc, char **argv, struct check_opts *o, int *json)
{
	for (int i = 1; i < argc; i++) {
		const char **value = strcmp(argv[i], "--root") == 0          ? &o->root
				     : strcmp(argv[i], "--sshd") == 0        ? &o->sshd
				     : strcmp(argv[i], "--sshd-config") == 0 ? &o->sshd_config
				     : strcmp(argv[i], "--config") == 0      ? &o->config
				     : strcmp(argv[i], "--only") == 0        ? &o->only
									     : NULL;
		if (strcmp(argv[i], "--json") == 0) {
			*json = 1;
		} else if (value != NULL && i + 1 < argc && argv[i + 1][0] != '\0') {
			*value = argv[++i];
		} else {
			fprintf(stderr, _("mamorictl check: unknown or incomplete option '%s'\n"),
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

/* Whether the group is to run: the configuration always (the others read it), else when
 * --only is absent or names it. */
static bool
selected(const struct check_opts *o, const char *group)
{
	size_t n = strlen(group);

	if (o->only == NULL || strcmp(group, "config") == 0)
		return true;
	for (const char *p = o->only; *p != '\0'; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, group, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* Every name in --only is a group. */
static bool
only_valid(const char *only)
{
	for (const char *p = only; *p != '\0'; p += strcspn(p, ","), p += *p == ',') {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof(check_groups) / sizeof(check_groups[0]); i++)
			if (strlen(check_groups[i].name) == n && strncmp(p, check_groups[i].name, n) == 0)
				break;
		if (n == 0 || i == sizeof(check_groups) / sizeof(check_groups[0]))
			return false;
	}
	return true;
}

int
cmd_check(int argc, char **argv)
{
	struct check_opts opts = {.root = "", .sshd = "/usr/sbin/sshd", .sshd_config = NULL};
	struct check_ctx c = {.opts = &opts};
	int json = 0, r;

	if (mamorictl_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if ((r = parse_args(argc, argv, &opts, &json)) != 0)
		return r;
	if (opts.only != NULL && !only_valid(opts.only)) {
		fprintf(stderr, _("mamorictl check: unknown group in --only '%s'\n"), opts.only);
		usage(stderr);
		return 2;
	}
	if (strcmp(opts.root, "/") == 0)
		opts.root = "";
	/* JSON is for machines: its messages stay English, the system's error texts too. */
	if (json)
		(void)setlocale(LC_MESSAGES, "C");
	for (size_t i = 0; i < sizeof(check_groups) / sizeof(check_groups[0]); i++)
		if (selected(&opts, check_groups[i].name))
			check_groups[i].run(&c);
	r = json ? check_print_json(&c, stdout) : check_print_text(&c, stdout);
	if (r < 0)
		fprintf(stderr, "%s\n", _("mamorictl check: cannot write the output"));
	r = r < 0 || check_failed(&c) ? 1 : 0;
	check_results_free(&c);
	mamori_config_free(&c.cfg);
	return r;
}
