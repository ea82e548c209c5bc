/* Activation of a pending enrolment by its first code. */
#ifndef MAMORICTL_OTP_ACTIVATE_H
#define MAMORICTL_OTP_ACTIVATE_H

#include "mamori/userstate.h"
#include "otp.h"

/* Release the user's lock, ask for the first code on stdin (three tries), and activate the
 * stored enrolment when the code verifies and the stored secret is still made's (nobody
 * re-enrolled or removed the user meanwhile). The code is burned like at a login, so it
 * cannot open a session afterwards. Returns an exit status; a failure leaves the enrolment
 * pending and is reported. */
int otp_activate(struct otp_ctx *c, const struct mamori_userstate *made);

#endif
