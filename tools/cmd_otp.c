/* mamorictl otp: enrolment and administration of users' second factor. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "mamori/i18n.h"
#include "otp.h"

static const struct mamorictl_command otp_commands[] = {
	{"enroll", N_("make a new secret for a user; prints the URI, a QR code, recovery codes"),
	 cmd_otp_enroll},
	{"list", N_("list enrolled users: kind, algorithm, digits, state, lock, failures"),
	 cmd_otp_list},
	{"show", N_("show one user's enrolment (never the secret)"), cmd_otp_show},
	{"remove", N_("remove a user's enrolment"), cmd_otp_remove},
	{"unlock", N_("clear a user's failure tally and lock"), cmd_otp_unlock},
	{"recovery-codes", N_("replace a user's recovery codes without re-keying"),
	 cmd_otp_recovery_codes},
	{"resync", N_("resynchronise an HOTP token with two consecutive codes"), cmd_otp_resync},
	{"import-pskc", N_("list or assign hardware tokens from a vendor's PSKC file"),
	 cmd_otp_import_pskc},
	{NULL, NULL, NULL},
};

/* `mamorictl otp --config FILE COMMAND …` names another configuration (tests, staging). */
int
cmd_otp(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--config") == 0) {
		if (argc < 3) {
			fprintf(stderr, _("mamorictl otp: --config needs a FILE\n"));
			return OTP_USAGE;
		}
		otp_set_config_path(argv[2]);
		argv[2] = argv[0];
		return mamorictl_dispatch("mamorictl otp", otp_commands, argc - 2, argv + 2);
	}
	return mamorictl_dispatch("mamorictl otp", otp_commands, argc, argv);
}
