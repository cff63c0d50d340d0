#ifndef TRUSTLINE_COPENSSLTLS_SHIM_H
#define TRUSTLINE_COPENSSLTLS_SHIM_H
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

// TLS serving for `trustline webhook` from the system libssl, which libcurl already loads into
// every trustline process: serving HTTPS this way maps no new code into `trustline run`
// (docs/pod-identity-webhook.md, "The server"). Only OpenSSL 3.0 APIs that are not deprecated
// are used. Macros over SSL_CTX_ctrl are wrapped here because Swift cannot call them.

/// The text of the oldest queued OpenSSL error into `message` (empty when none), clearing the queue.
static inline void tl_tls_last_error(char *message, size_t capacity) {
    unsigned long code = ERR_get_error();
    if (capacity == 0) return;
    message[0] = 0;
    if (code != 0) ERR_error_string_n(code, message, capacity);
    ERR_clear_error();
}

/// A server context holding the PEM certificate chain (leaf first) and private key given in
/// memory, TLS 1.2 or later, renegotiation off. NULL on failure with the reason in `message`
/// (a key that does not match the certificate is a failure).
static inline SSL_CTX *tl_tls_server_context(const void *chain, size_t chain_length, const void *key, size_t key_length,
                                             char *message, size_t capacity) {
    if (capacity > 0) message[0] = 0;
    ERR_clear_error();
    if (chain_length > 0x7fffffff || key_length > 0x7fffffff) return NULL;
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL) { tl_tls_last_error(message, capacity); return NULL; }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    BIO *chain_bio = BIO_new_mem_buf(chain, (int)chain_length);
    BIO *key_bio = BIO_new_mem_buf(key, (int)key_length);
    X509 *leaf = chain_bio ? PEM_read_bio_X509(chain_bio, NULL, NULL, NULL) : NULL;
    EVP_PKEY *private_key = key_bio ? PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL) : NULL;
    int ok = leaf != NULL && private_key != NULL && SSL_CTX_use_certificate(context, leaf) == 1;
    while (ok) {
        X509 *intermediate = PEM_read_bio_X509(chain_bio, NULL, NULL, NULL);
        if (intermediate == NULL) { ERR_clear_error(); break; }
        // add0: the context takes the reference on success.
        if (SSL_CTX_add0_chain_cert(context, intermediate) != 1) { X509_free(intermediate); ok = 0; }
    }
    ok = ok && SSL_CTX_use_PrivateKey(context, private_key) == 1 && SSL_CTX_check_private_key(context) == 1;
    if (!ok) {
        if (capacity > 0 && leaf == NULL) snprintf(message, capacity, "no PEM certificate could be read");
        else if (capacity > 0 && private_key == NULL) snprintf(message, capacity, "no PEM private key could be read");
        else tl_tls_last_error(message, capacity);
    }
    X509_free(leaf);
    EVP_PKEY_free(private_key);
    BIO_free(chain_bio);
    BIO_free(key_bio);
    ERR_clear_error();
    if (!ok) { SSL_CTX_free(context); return NULL; }
    return context;
}

/// A server connection on the connected socket `descriptor`, or NULL.
static inline SSL *tl_tls_connection(SSL_CTX *context, int descriptor) {
    SSL *connection = SSL_new(context);
    if (connection == NULL) return NULL;
    if (SSL_set_fd(connection, descriptor) != 1) { SSL_free(connection); return NULL; }
    SSL_set_accept_state(connection);
    return connection;
}

/// What the last call on `connection` that returned `result` needs: 0 done, 1 wait until the
/// socket is readable, 2 until it is writable, 3 the peer closed cleanly, -1 failed (queue cleared).
static inline int tl_tls_progress(SSL *connection, int result) {
    int error = SSL_get_error(connection, result);
    int outcome;
    switch (error) {
    case SSL_ERROR_NONE: outcome = 0; break;
    case SSL_ERROR_WANT_READ: outcome = 1; break;
    case SSL_ERROR_WANT_WRITE: outcome = 2; break;
    case SSL_ERROR_ZERO_RETURN: outcome = 3; break;
    default: outcome = -1; break;
    }
    if (outcome < 0) ERR_clear_error();
    return outcome;
}

#endif
