/* mamorictl config: check mamori.conf and show the configuration in effect. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "mamori/config.h"
#include "mamori/i18n.h"

static void
check_usage(FILE *out)
{
	fprintf(out,
		_("usage: mamorictl config check [FILE] [--show]\n"
		  "\n"
		  "Load FILE (default %s) with every check the components apply:\n"
		  "root-owned, not writable by group or others, every option known and in range.\n"
		  "Errors are printed as FILE:LINE: OPTION: expected ..., got ... and exit 1.\n"
		  "\n"
		  "  --show    print the configuration in effect, defaults filled in\n"
		  "  --help    this text\n"),
		MAMORI_CONFIG_PATH);
}

/* Fills *path and *show from argv; 0, or 2 after a usage message. */
static int
parse_check_args(int argc, char **argv, const char **path, int *show)
{
	int dashdash = 0;

	for (int i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
		} else if (!dashdash && strcmp(argv[i], "--show") == 0) {
			*show = 1;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, _("mamorictl config check: unknown option '%s'\n"), argv[i]);
			check_usage(stderr);
			return 2;
		} else if (*path != NULL) {
			fputs(_("mamorictl config check: more than one FILE given\n"), stderr);
			check_usage(stderr);
			return 2;
		} else {
			*path = argv[i];
		}
	}
	return 0;
}

static int
cmd_config_check(int argc, char **argv)
{
	struct mamori_config_load_opts opts = {.path = NULL, .trusted_uid = 0};
	struct mamori_config *cfg = NULL;
	char err[1024];
	int show = 0, r;

	if (mamorictl_wants_help(argc, argv)) {
		check_usage(stdout);
		return 0;
	}
	if ((r = parse_check_args(argc, argv, &opts.path, &show)) != 0)
		return r;
	if (mamori_config_load(&opts, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (cfg->source == NULL)
		printf(_("%s%s: not found, using the built-in defaults\n%sbuilt-in defaults: ok\n"),
		       show ? "# " : "", MAMORI_CONFIG_PATH, show ? "# " : "");
	else
		printf(_("%s%s: ok\n"), show ? "# " : "", cfg->source);
	/* with --show the status line is a comment, so the output loads as a file again */
	r = show ? mamori_config_print(cfg, stdout) : 0;
	mamori_config_free(&cfg);
	if (r < 0 || fflush(stdout) != 0) {
		fputs(_("mamorictl config check: cannot write the output\n"), stderr);
		return 1;
	}
	return 0;
}

static const struct mamorictl_command config_commands[] = {
	{"check", N_("check mamori.conf; --show prints the configuration in effect"),
	 cmd_config_check},
	{NULL, NULL, NULL},
};

int
cmd_config(int argc, char **argv)
{
	return mamorictl_dispatch("mamorictl config", config_commands, argc, argv);
}
