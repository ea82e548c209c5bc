/* Opening, reading, locking and replacing files that an attacker may have tampered with.
 * Every open uses O_NOFOLLOW|O_CLOEXEC; owner, mode and size are checked with fstat before a
 * single byte is read; replacement is atomic and durable. */
#ifndef MAMORI_SAFEFILE_H
#define MAMORI_SAFEFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct mamori_file_rules {
	uid_t owner;      /* the file must belong to this user (root in production) */
	mode_t forbidden; /* none of these mode bits may be set, e.g. S_IWGRP|S_IWOTH */
	size_t max_size;  /* larger files are refused (MAMORI_E_TOOBIG) */
};

/* Open an existing regular file for reading under the rules. Returns the fd or a negative
 * code: -ENOENT, -ELOOP (a symlink), MAMORI_E_NOTREG, MAMORI_E_OWNER, MAMORI_E_MODE,
 * MAMORI_E_TOOBIG. ret_st (may be NULL) receives the fstat result on success. */
int mamori_open_checked(const char *path, const struct mamori_file_rules *rules,
			struct stat *ret_st);

/* Read the whole of fd (at most max bytes) into a new NUL-terminated buffer. */
int mamori_read_all(int fd, size_t max, char **ret_buf, size_t *ret_len);

/* write(2) until done, retrying on EINTR and short writes. */
int mamori_write_all(int fd, const void *buf, size_t len);

/* flock(2) with EINTR retry. op is LOCK_EX, LOCK_SH or LOCK_UN. */
int mamori_lock(int fd, int op);

/* fsync the directory that holds path, so a rename or create in it is durable. */
int mamori_fsync_parent(const char *path);

/* Atomically replace path with data: write a temporary file beside it with the given mode and
 * owner, fsync, rename over path, fsync the directory. path itself may not be a symlink.
 * Writers of one path must be serialised by the caller (a lock). */
int mamori_replace_file(const char *path, const void *data, size_t len, mode_t mode,
			uid_t uid, gid_t gid);

/* A directory that may hold trusted files: a real directory (not a symlink), owned by uid,
 * not writable by group or others. 0, -ELOOP, -ENOTDIR, MAMORI_E_OWNER or MAMORI_E_MODE. */
int mamori_check_dir(const char *path, uid_t uid);

/* Create the directory (one level) if missing with mode and owner; an existing one must be a
 * real directory owned by uid and not writable by group or others. */
int mamori_ensure_dir(const char *path, mode_t mode, uid_t uid, gid_t gid);

#endif
