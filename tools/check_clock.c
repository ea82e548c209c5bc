/* mamorictl check: TOTP codes depend on the time, so the clock must be synchronised. The
 * kernel's STA_UNSYNC flag is the source that timedatectl's NTPSynchronized reads too. */
#include <errno.h>
#include <string.h>
#include <sys/timex.h>

#include "check.h"
#include "mamori/i18n.h"

void
check_clock(struct check_ctx *c)
{
	struct timex tx;
	int state;

	memset(&tx, 0, sizeof(tx)); /* modes 0: read only */
	if ((state = adjtimex(&tx)) < 0)
		check_add(c, "clock", CHECK_WARN, "unknown", NULL, 0,
			  N_("clock: the kernel's clock state cannot be read (%s)."),
			  strerror(errno));
	else if (state == TIME_ERROR || (tx.status & STA_UNSYNC) != 0)
		check_add(c, "clock", CHECK_WARN, "unsynchronised", NULL, 0,
			  N_("clock: the system clock is not synchronised: one-time codes (TOTP) "
			     "depend on the time. Enable time synchronisation (systemd-timesyncd "
			     "or chrony)."));
	else
		check_add(c, "clock", CHECK_OK, "synchronised", NULL, 0,
			  N_("clock: the system clock is synchronised."));
}
