/* The per-host sequence store: one small file holding the stream id made at installation and
 * the last number handed out. Its exclusive lock also orders the appends to the durable log. */
#ifndef MAMORI_EVENT_SEQ_H
#define MAMORI_EVENT_SEQ_H

#include <stdint.h>

#define MAMORI_STREAM_LEN 16 /* hex characters */

struct mamori_seq {
	int fd;
	char stream[MAMORI_STREAM_LEN + 1];
	uint64_t last;
};

/* Open the store at path (root 0600; created with a fresh stream id when missing), take its
 * exclusive lock and read it. Refuses a symlink (-ELOOP), a non-regular file, a wrong owner or
 * mode (MAMORI_E_OWNER, MAMORI_E_MODE) and a damaged record (MAMORI_E_CORRUPT); -ENOENT,
 * -ENOTDIR, -EACCES or -EROFS when its directory is not usable yet. */
int mamori_seq_open_locked(const char *path, struct mamori_seq *ret);

/* Take the next number and make it durable before returning it. */
int mamori_seq_next(struct mamori_seq *s, uint64_t *ret_seq);

/* Give back the number just taken: nothing was written with it, so no gap is left. */
int mamori_seq_unnext(struct mamori_seq *s);

/* Unlock and close; accepts a store that was never opened (fd -1). */
void mamori_seq_close(struct mamori_seq *s);

#endif
