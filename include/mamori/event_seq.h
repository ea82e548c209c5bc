/* The per-host sequence store: one small file holding the stream id made at installation and
 * the last number handed out. Its exclusive lock also orders the appends to the durable log. */
#ifndef MAMORI_EVENT_SEQ_H
#define MAMORI_EVENT_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#define MAMORI_STREAM_LEN 16 /* hex characters */

struct mamori_seq {
	int fd;
	char stream[MAMORI_STREAM_LEN + 1];
	uint64_t last;
	bool sync; /* the log cannot vouch for the numbers: make each durable here (settle) */
};

/* Open the store at path (root 0600; created with a fresh stream id when missing), take its
 * exclusive lock and read it. Refuses a symlink (-ELOOP), a non-regular file, a wrong owner or
 * mode (MAMORI_E_OWNER, MAMORI_E_MODE) and a damaged record (MAMORI_E_CORRUPT); -ENOENT,
 * -ENOTDIR, -EACCES or -EROFS when its directory is not usable yet. */
int mamori_seq_open_locked(const char *path, struct mamori_seq *ret);

/* Make the number the lock holder continues from agree with the durable log open at logfd
 * (log_path's, for its rotated copy <log_path>.1): after a crash the store may be behind the
 * log, or one number ahead of it with no line. Call it before the first number is taken; see
 * event_seq.c for every crash window. 0 or a negative errno. */
int mamori_seq_settle(struct mamori_seq *s, int logfd, const char *log_path);

/* Take the next number. It is written to the store, and made durable there only when the log
 * cannot vouch for it (settle): the line appended with it is what makes it durable. */
int mamori_seq_next(struct mamori_seq *s, uint64_t *ret_seq);

/* Give back the number just taken: nothing was written with it, so no gap is left. */
int mamori_seq_unnext(struct mamori_seq *s);

/* Unlock and close; accepts a store that was never opened (fd -1). */
void mamori_seq_close(struct mamori_seq *s);

#endif
