/* The kernel's xattr form of a POSIX ACL (include/uapi/linux/posix_acl_xattr.h): a 32-bit
 * version (2), then entries of a 16-bit tag, a 16-bit permission set and a 32-bit id, all
 * little-endian. ACL_USER is tag 0x02, ACL_GROUP 0x08; write is permission bit 0x02. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/xattr.h>

#include "mamori/acl.h"

#define ACL_XATTR_VERSION 2u
#define ACL_TAG_USER 0x02u
#define ACL_TAG_GROUP 0x08u
#define ACL_ENTRY_SIZE 8u
/* The kernel refuses more than 32 pages of entries; a device node's ACL has a few. */
#define ACL_MAX_ENTRIES 64u

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

int
mamori_acl_grants_write(const unsigned char *xattr, size_t len)
{
	return mamori_acl_grants(xattr, len, MAMORI_ACL_WRITE);
}

int
mamori_acl_grants(const unsigned char *xattr, size_t len, unsigned perm)
{
	unsigned want = perm & (MAMORI_ACL_READ | MAMORI_ACL_WRITE);

	if (xattr == NULL || len < 4 || (len - 4) % ACL_ENTRY_SIZE != 0 ||
	    le16(xattr) != ACL_XATTR_VERSION || le16(xattr + 2) != 0)
		return -EINVAL;
	for (size_t i = 4; i < len; i += ACL_ENTRY_SIZE) {
		unsigned tag = le16(xattr + i), p = le16(xattr + i + 2);

		if ((tag == ACL_TAG_USER || tag == ACL_TAG_GROUP) && (p & want) != 0)
			return 1;
	}
	return 0;
}

int
mamori_acl_minimal(const unsigned char *xattr, size_t len,
		   unsigned char out[MAMORI_ACL_MINIMAL_LEN])
{
	static const unsigned tags[3] = {0x01u, 0x04u, 0x20u}; /* USER_OBJ, GROUP_OBJ, OTHER */
	unsigned char m[MAMORI_ACL_MINIMAL_LEN] = {ACL_XATTR_VERSION, 0, 0, 0};
	int found = 0;

	if (mamori_acl_grants_write(xattr, len) < 0)
		return -EINVAL;
	for (int t = 0; t < 3; t++)
		for (size_t i = 4; i < len; i += ACL_ENTRY_SIZE)
			if (le16(xattr + i) == tags[t]) {
				unsigned char *e = m + 4 + (size_t)t * ACL_ENTRY_SIZE;

				e[0] = (unsigned char)tags[t];
				e[2] = xattr[i + 2] & 7u;
				e[4] = e[5] = e[6] = e[7] = 0xff; /* ACL_UNDEFINED_ID */
				found |= 1 << t;
				break;
			}
	if (found != 7)
		return -EINVAL;
	memcpy(out, m, sizeof(m));
	return 0;
}

int
mamori_acl_node_grants_write(const char *node)
{
	return mamori_acl_node_grants(node, MAMORI_ACL_WRITE);
}

int
mamori_acl_node_grants(const char *node, unsigned perm)
{
	unsigned char buf[4 + ACL_ENTRY_SIZE * ACL_MAX_ENTRIES];
	ssize_t n = getxattr(node, "system.posix_acl_access", buf, sizeof(buf));

	if (n < 0)
		return errno == ENODATA || errno == EOPNOTSUPP ? 0 : errno == ERANGE ? 1 : -errno;
	return mamori_acl_grants(buf, (size_t)n, perm) != 0; /* malformed: as granting */
}
