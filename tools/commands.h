/* mamorictl's subcommands. Each takes the arguments after its own name (argv[0] is the
 * subcommand's name) and returns the process exit status. */
#ifndef MAMORICTL_COMMANDS_H
#define MAMORICTL_COMMANDS_H

struct mamorictl_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* Dispatch argv[1] among cmds; prints help for "--help"/"help" or an unknown name.
 * path names the caller for messages, e.g. "mamorictl config". */
int mamorictl_dispatch(const char *path, const struct mamorictl_command *cmds, int argc,
		       char **argv);

/* True when argv holds -h or --help anywhere before a "--". */
int mamorictl_wants_help(int argc, char **argv);

/* mamorictl config …: check and show mamori.conf (cmd_config.c) */
int cmd_config(int argc, char **argv);

/* mamorictl otp …: second-factor enrolments (cmd_otp.c) */

/* mamorictl otp import-pskc: hardware tokens from a PSKC file (cmd_otp_import.c) */
int cmd_otp_import_pskc(int argc, char **argv);

/* mamorictl check: inspect the terminal's hardening (cmd_check.c) */
int cmd_check(int argc, char **argv);
/* mamorictl report: summary of collector files and auth.log (cmd_report.c) */
int cmd_report(int argc, char **argv);
/* mamorictl otp …: enrolment and administration of the second factor (cmd_otp*.c) */
int cmd_otp(int argc, char **argv);
int cmd_otp_enroll(int argc, char **argv);
int cmd_otp_list(int argc, char **argv);
int cmd_otp_show(int argc, char **argv);
int cmd_otp_remove(int argc, char **argv);
int cmd_otp_unlock(int argc, char **argv);
int cmd_otp_recovery_codes(int argc, char **argv);
int cmd_otp_resync(int argc, char **argv);


#endif
