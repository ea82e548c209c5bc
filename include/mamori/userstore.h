/* Where users' second-factor state lives: one file per user in a root-only directory,
 * changed only under that user's lock and only by atomic, durable replacement.
 * Every way a stored state can be unusable (corrupt, wrong owner or mode, a symlink) is an
 * error of its own and never reads as "not enrolled". */
#ifndef MAMORI_USERSTORE_H
#define MAMORI_USERSTORE_H

#include <stddef.h>
#include <sys/types.h>

#include "mamori/userstate.h"

#define MAMORI_USERFILE_MAX 200 /* bytes of an encoded file name */

struct mamori_userstore;
struct mamori_userlock;

/* Open the state directory. It must be a real directory owned by owner (root in production)
 * and not writable by group or others. */
int mamori_userstore_open(const char *dir, uid_t owner, struct mamori_userstore **ret);
void mamori_userstore_close(struct mamori_userstore **store);

/* The file name for a user: letters, digits, '.', '_', '-' and '@' kept, anything else
 * (a directory's "DOMAIN\user", '/', bytes above 0x7f) as %XX; a leading '.' too, so no name
 * is hidden, "." or "..". -EINVAL for an empty name, -ENAMETOOLONG past
 * MAMORI_USERFILE_MAX. */
int mamori_user_filename(const char *user, char *out, size_t cap);

/* Take the user's exclusive lock (waits for a concurrent login of the same user). */
int mamori_userstore_lock(struct mamori_userstore *store, const char *user,
			  struct mamori_userlock **ret);
void mamori_userstore_unlock(struct mamori_userlock **lock);

/* Read the user's state under the lock: 0, -ENOENT (not enrolled), -ELOOP (a symlink),
 * MAMORI_E_OWNER, MAMORI_E_MODE (not 0600-like), MAMORI_E_NOTREG, MAMORI_E_TOOBIG,
 * MAMORI_E_CORRUPT, or another negative errno. */
int mamori_userstore_load(struct mamori_userlock *lock, struct mamori_userstate *ret);

/* Replace the user's state: temporary file, fsync, rename, fsync of the directory. A failure
 * (disk full, read-only) leaves the old state in place and returns its error. */
int mamori_userstore_save(struct mamori_userlock *lock, const struct mamori_userstate *st);

/* Delete the user's state (un-enrol). -ENOENT when there was none. */
int mamori_userstore_remove(struct mamori_userlock *lock);

#endif
