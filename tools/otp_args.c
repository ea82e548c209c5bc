/* Argument parsing shared by the otp commands. */
#include <stdio.h>
#include <string.h>

#include "mamori/i18n.h"
#include "otp_args.h"

bool
otp_parse_algorithm(const char *s, enum mamori_otp_algorithm *ret)
{
	static const char *const names[] = {"sha1", "sha256", "sha512"};

	for (unsigned i = 0; i < 3; i++) {
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum mamori_otp_algorithm)i;
			return true;
		}
	}
	return false;
}

bool
otp_parse_digits(const char *s, unsigned *ret)
{
	if (s[0] < '6' || s[0] > '8' || s[1] != '\0')
		return false;
	*ret = (unsigned)(s[0] - '0');
	return true;
}

const char *
otp_one_user(int argc, char **argv, const char *command)
{
	if (argc == 2 && argv[1][0] != '-')
		return argv[1];
	if (argc == 3 && strcmp(argv[1], "--") == 0)
		return argv[2];
	fprintf(stderr, _("usage: mamorictl otp %s USER\n"), command);
	return NULL;
}
