/* The steps of an enrolment after its options are settled: store, show, activate. */
#ifndef MAMORICTL_OTP_ENROLL_H
#define MAMORICTL_OTP_ENROLL_H

#include <stdbool.h>

#include "mamori/userstate.h"
#include "otp.h"

struct otp_enrolment {
	struct mamori_userstate st; /* the new state, secret made, not yet stored */
	char issuer[256];
	int png_fd;        /* -1 without --png */
	const char *png;   /* its path, for messages */
	bool png_written;  /* the sheet holds the new enrolment */
};

/* Make the recovery codes, store st (pending unless st.active), report it, show the URI, the
 * QR code and the codes, write the PNG, then ask for the first code unless st.active. The
 * user's lock is held by c on entry. Returns an exit status. */
int otp_enrolment_run(struct otp_ctx *c, struct otp_enrolment *e, bool replaced);

#endif
