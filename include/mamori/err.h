/* Error codes inside mamori: 0 for success, a negative errno, or one of the negative codes
 * below for conditions errno has no word for. PAM codes appear only at the PAM boundary. */
#ifndef MAMORI_ERR_H
#define MAMORI_ERR_H

enum {
	/* Far above any errno value, so the two ranges never meet. */
	MAMORI_E_FIRST = 10000,
	MAMORI_E_CONFIG = -(MAMORI_E_FIRST + 1),  /* configuration is invalid */
	MAMORI_E_OWNER = -(MAMORI_E_FIRST + 2),   /* file not owned by the trusted user */
	MAMORI_E_MODE = -(MAMORI_E_FIRST + 3),    /* file writable by group or others */
	MAMORI_E_NOTREG = -(MAMORI_E_FIRST + 4),  /* not a regular file */
	MAMORI_E_TOOBIG = -(MAMORI_E_FIRST + 5),  /* input larger than its limit */
	MAMORI_E_CORRUPT = -(MAMORI_E_FIRST + 6), /* stored data fails validation */
	MAMORI_E_TRUNC = -(MAMORI_E_FIRST + 7),   /* output would not fit its buffer */
	MAMORI_E_NOTNODE = -(MAMORI_E_FIRST + 8), /* not the expected device node */
	MAMORI_E_LAST = -(MAMORI_E_FIRST + 9),
};

/* Text for any code above or any negative errno; never NULL. */
const char *mamori_strerror(int r);

#endif
