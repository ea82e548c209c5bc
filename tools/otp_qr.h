/* QR codes of an enrolment URI: on the terminal and as a PNG for a printed enrolment sheet. */
#ifndef MAMORICTL_OTP_QR_H
#define MAMORICTL_OTP_QR_H

#include <stdbool.h>
#include <stdio.h>

/* True when the locale's character set is UTF-8 (LC_ALL, LC_CTYPE, LANG in that order). */
bool otp_qr_utf8_locale(void);

/* Draw text as a QR code on out: with UTF-8 half blocks (two rows of modules per line,
 * white on black forced by ANSI colours, so any terminal background works) when utf8, else
 * with "##" for each dark module. 0 or a negative errno. */
int otp_qr_print(FILE *out, const char *text, bool utf8);

/* Write text as a QR code in PNG form to fd (8-bit grey, 8 pixels a module, the four-module
 * quiet zone of ISO/IEC 18004). 0 or a negative errno; fd is left open. */
int otp_qr_png(int fd, const char *text);

#endif
