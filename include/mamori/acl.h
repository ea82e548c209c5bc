/* POSIX access ACLs of device nodes, read in the form the kernel stores them as the
 * extended attribute system.posix_acl_access (include/uapi/linux/posix_acl_xattr.h). */
#ifndef MAMORI_ACL_H
#define MAMORI_ACL_H

#include <stddef.h>

/* Whether the ACL gives a named user or a named group the write permission (what udev's
 * uaccess builtin gives the seat user). 1 yes, 0 no, -EINVAL when the bytes are not an ACL
 * in the kernel's form (version 2, whole entries). */
int mamori_acl_grants_write(const unsigned char *xattr, size_t len);

/* The same for any of the permissions in perm (MAMORI_ACL_READ, MAMORI_ACL_WRITE): a phone's
 * USB node is kept from the seat user altogether, reading included. */
#define MAMORI_ACL_READ 0x04u
#define MAMORI_ACL_WRITE 0x02u
int mamori_acl_grants(const unsigned char *xattr, size_t len, unsigned perm);

/* The minimal ACL of the same owner, owning group and others permissions (3 entries,
 * MAMORI_ACL_MINIMAL_LEN bytes): set as the access ACL, the kernel drops the named entries and
 * the mask, and gives the mode's group bits the owning group's permissions back. 0, or
 * -EINVAL as above or when an owner, owning group or other entry is missing. */
#define MAMORI_ACL_MINIMAL_LEN (4 + 3 * 8)
int mamori_acl_minimal(const unsigned char *xattr, size_t len,
		       unsigned char out[MAMORI_ACL_MINIMAL_LEN]);

/* The same for the access ACL of a node: 0 also when it has none; a negative errno when it
 * cannot be read (a too large or malformed ACL counts as granting: fail closed). */
int mamori_acl_node_grants_write(const char *node);
int mamori_acl_node_grants(const char *node, unsigned perm);

#endif
