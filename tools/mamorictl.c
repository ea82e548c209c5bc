/* mamorictl: the administrator's tool. Subcommands are dispatched from one table; every level
 * answers --help. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "mamori/i18n.h"

/* The installed catalogues; the test build (never installed) reads the tree's own. */
#ifdef MAMORI_TEST_HOOKS
#define LOCALEDIR MAMORI_TEST_LOCALEDIR
#else
#define LOCALEDIR NULL
#endif

static const struct mamorictl_command top_commands[] = {
	{"config", N_("check mamori.conf and show the configuration in effect"), cmd_config},
	{"otp", N_("enrol users for the second factor and administer their state"), cmd_otp},
	{"check", N_("inspect this terminal: configuration, PAM, sshd, clock, state"), cmd_check},
	{"report", N_("summarise events received by the collector: violations, gaps, silence"), cmd_report},
	{NULL, NULL, NULL},
};

static void
usage(FILE *out, const char *path, const struct mamorictl_command *cmds)
{
	fprintf(out, _("usage: %s COMMAND [ARGS...]\n\ncommands:\n"), path);
	for (const struct mamorictl_command *c = cmds; c->name != NULL; c++)
		fprintf(out, "  %-16s %s\n", c->name, _(c->summary));
	fprintf(out, _("\nRun '%s COMMAND --help' for a command's options.\n"), path);
}

int
mamorictl_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
mamorictl_dispatch(const char *path, const struct mamorictl_command *cmds, int argc,
		   char **argv)
{
	if (argc < 2) {
		usage(stderr, path, cmds);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout, path, cmds);
		return 0;
	}
	for (const struct mamorictl_command *c = cmds; c->name != NULL; c++) {
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, _("%s: unknown command '%s'\n"), path, argv[1]);
	usage(stderr, path, cmds);
	return 2;
}

int
main(int argc, char **argv)
{
	(void)setlocale(LC_ALL, "");
	/* The messages only: the character set stays UTF-8, which the console draws (the QR
	 * code's half blocks). */
	if (!mamori_i18n_term_draws_japanese(getenv("TERM")))
		(void)setlocale(LC_MESSAGES, "C");
	mamori_i18n_init(LOCALEDIR);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("mamorictl %s\n", MAMORI_VERSION);
		return 0;
	}
	return mamorictl_dispatch("mamorictl", top_commands, argc, argv);
}
