#ifndef TRUSTLINE_COPENSSLCRYPTO_SHIM_H
#define TRUSTLINE_COPENSSLCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>

// The system OpenSSL libcrypto (already mapped through libcurl -> libssl) provides the digests
// Trustline needs, so the operator carries no second crypto library. Only OpenSSL 3.0 APIs that
// are not deprecated are used: EVP_Digest and HMAC (one-shot, no shared mutable state).

/// SHA-256 of `length` bytes at `data` into `out` (32 bytes). Returns 1 on success, 0 on failure.
static inline int tl_sha256(const void *data, size_t length, unsigned char *out) {
    unsigned int size = 0;
    return EVP_Digest(data, length, out, &size, EVP_sha256(), NULL) == 1 && size == 32;
}

/// SHA-1 of `length` bytes at `data` into `out` (20 bytes). Returns 1 on success, 0 on failure.
static inline int tl_sha1(const void *data, size_t length, unsigned char *out) {
    unsigned int size = 0;
    return EVP_Digest(data, length, out, &size, EVP_sha1(), NULL) == 1 && size == 20;
}

/// HMAC-SHA256 of `length` bytes at `data` keyed with `key_length` bytes at `key`, into `out`
/// (32 bytes). Returns 1 on success, 0 on failure. A zero-length key is valid HMAC input; OpenSSL
/// needs a non-NULL pointer for it, so one is supplied.
static inline int tl_hmac_sha256(const void *key, size_t key_length, const void *data, size_t length,
                                 unsigned char *out) {
    static const unsigned char empty = 0;
    unsigned int size = 0;
    if (key_length > 0x7fffffff) return 0;
    if (HMAC(EVP_sha256(), key_length == 0 ? (const void *)&empty : key, (int)key_length,
             length == 0 ? &empty : (const unsigned char *)data, length, out, &size) == NULL) {
        return 0;
    }
    return size == 32;
}

#endif
