/* Break-glass (緊急時対応): members of the group MAMORI_EMERGENCY_GROUP may log in on the
 * terminal's physical console without the second factor. Membership lives in the system's
 * group database, not in mamori.conf, so it works when the configuration is broken and when
 * the disk is full; every use is a critical event. */
#ifndef MAMORI_PAM_BREAKGLASS_H
#define MAMORI_PAM_BREAKGLASS_H

#include <stdbool.h>

#define MAMORI_EMERGENCY_GROUP "mamori-emergency"

/* True for a local text console: tty1..tty63, with or without /dev/, and no remote host.
 * Serial lines, pseudo-terminals and display-manager sessions are not physical consoles. */
bool mamori_is_physical_console(const char *tty, const char *rhost);

/* True when user belongs to the emergency group (primary or supplementary). */
bool mamori_is_emergency_user(const char *user);

#endif
