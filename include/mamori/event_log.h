/* The durable event log and the early-boot spool. */
#ifndef MAMORI_EVENT_LOG_H
#define MAMORI_EVENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MAMORI_SPOOL_NAME "spool.log"
#define MAMORI_SPOOL_MAX (4u * 1024 * 1024) /* a spool beyond this takes no more lines */

/* fstat check of an event file: regular, owned by the effective user, no forbidden mode bit.
 * 0, MAMORI_E_NOTREG, MAMORI_E_OWNER or MAMORI_E_MODE. */
int mamori_evfile_check(int fd, mode_t forbidden);

/* Open the durable log for appending, creating it 0640 owner:group when missing. Refuses a
 * symlink, a non-regular file, a wrong owner and a group- or world-writable file. Returns
 * the fd, or -ENOENT/-ENOTDIR/-EACCES/-EROFS when its directory is not usable yet. */
int mamori_evlog_open(const char *path, gid_t group);

/* Append line and a newline with one write, then fdatasync. When the file does not end in a
 * newline (an append a crash cut short) a newline goes first, so the line stays whole and
 * apart. On failure the file is cut back to where it was, so no partial line stays behind.
 * Caller holds the sequence lock. */
int mamori_evlog_append(int fd, const char *line, size_t len);

/* The seq of the log's last whole line (one that ends in a newline; a half line after it, an
 * append a crash cut short, is passed over) when it is an event line of this stream: 0.
 * -ENOENT when there is no such line (empty log, not an event line, another stream), or a
 * negative errno. */
int mamori_evlog_last_seq(int fd, const char *stream, uint64_t *ret_seq);

/* True for the errors that mean "this directory is not ready yet" (early boot). */
bool mamori_evlog_not_ready(int r);

/* Append line to <dir>/spool.log (0600, dir made 0755 when missing), fsync'd. */
int mamori_spool_append(const char *dir, const char *line, size_t len);

/* Hand every spooled line, oldest first, to move(); stop at its first failure. The lines
 * handed over are removed from the spool; *ret_moved counts them. A spool that does not
 * exist holds nothing. Lines that are not event lines are dropped and counted in
 * *ret_dropped. */
int mamori_spool_drain(const char *dir, int (*move)(void *ctx, const char *line), void *ctx,
		       size_t *ret_moved, size_t *ret_dropped);

#endif
