/* Argument parsing shared by the otp commands. */
#ifndef MAMORICTL_OTP_ARGS_H
#define MAMORICTL_OTP_ARGS_H

#include <stdbool.h>

#include "mamori/config.h"

/* "sha1", "sha256", "sha512" → *ret; false for anything else. */
bool otp_parse_algorithm(const char *s, enum mamori_otp_algorithm *ret);

/* Exactly "6", "7" or "8" → *ret. */
bool otp_parse_digits(const char *s, unsigned *ret);

/* For commands that take exactly one USER and only --help: the user, or NULL after printing
 * the usage error (usage is "mamorictl otp COMMAND USER"). */
const char *otp_one_user(int argc, char **argv, const char *command);

#endif
