/* SHA-256 (FIPS 180-4), for fingerprints of non-secret data such as the policy hash in the
 * agent's events: a program that needs nothing else from libcrypto need not load it. Not for
 * secrets (no wiping, no constant-time claims); codes and keys keep using libcrypto. */
#ifndef MAMORI_SHA256_H
#define MAMORI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MAMORI_SHA256_LEN 32

void mamori_sha256(const void *data, size_t len, uint8_t out[MAMORI_SHA256_LEN]);

#endif
