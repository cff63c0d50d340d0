#ifndef TRUSTLINE_CCURL_SHIM_H
#define TRUSTLINE_CCURL_SHIM_H
#include <curl/curl.h>

// Swift cannot call C variadic functions, so each curl_easy_setopt / curl_easy_getinfo /
// curl_multi_setopt shape that HTTPTransport uses gets a typed, non-variadic wrapper here.

typedef size_t (*tl_data_callback)(char *data, size_t size, size_t count, void *userdata);

static inline CURLcode tl_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode tl_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode tl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode tl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(easy, option, list);
}

static inline CURLcode tl_easy_setopt_callback(CURL *easy, CURLoption option, tl_data_callback callback) {
    return curl_easy_setopt(easy, option, callback);
}

/// Sets a CURLOPT_*_BLOB option; libcurl copies the bytes before returning.
static inline CURLcode tl_easy_setopt_blob(CURL *easy, CURLoption option, const void *data, size_t length) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(easy, option, &blob);
}

/// Sets the request body; libcurl copies the bytes (CURLOPT_COPYPOSTFIELDS). A zero-length body
/// is sent as an empty string, as libcurl documents for zero-byte bodies.
static inline CURLcode tl_easy_set_body(CURL *easy, const void *data, size_t length) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)length);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, length == 0 ? "" : (const char *)data);
}

static inline CURLcode tl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}

static inline CURLMcode tl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// The result code of a CURLMSG_DONE message (a union member Swift cannot name portably).
static inline CURLcode tl_multi_message_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
