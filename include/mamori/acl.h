/* POSIX access ACLs of device nodes, read in the form the kernel stores them as the
 * extended attribute system.posix_acl_access (include/uapi/linux/posix_acl_xattr.h). */
#ifndef MAMORI_ACL_H
#define MAMORI_ACL_H

#include <stddef.h>

/* Whether the ACL gives a named user or a named group the write permission (what udev's
 * uaccess builtin gives the seat user). 1 yes, 0 no, -EINVAL when the bytes are not an ACL
 * in the kernel's form (version 2, whole entries). */
int mamori_acl_grants_write(const unsigned char *xattr, size_t len);

/* The same for the access ACL of a node: 0 also when it has none; a negative errno when it
 * cannot be read (a too large or malformed ACL counts as granting: fail closed). */
int mamori_acl_node_grants_write(const char *node);

#endif
