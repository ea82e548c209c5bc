/* mamorictl otp: second-factor enrolments. */
#include "commands.h"
#include "mamori/i18n.h"

static const struct mamorictl_command otp_commands[] = {
	{"import-pskc", N_("list or assign hardware tokens from a vendor's PSKC file"),
	 cmd_otp_import_pskc},
	{NULL, NULL, NULL},
};

int
cmd_otp(int argc, char **argv)
{
	return mamorictl_dispatch("mamorictl otp", otp_commands, argc, argv);
}
