// Fixed-arity wrappers over libcurl's variadic calls. Swift sees opaque handles and these
// functions only; curl.h stays inside CCurlShim.c.
#ifndef ENLACE_CCURLSHIM_H
#define ENLACE_CCURLSHIM_H

#include <stddef.h>

/// The options Enlace sets, by argument type.
typedef enum {
    ENLACE_OPT_URL,
    ENLACE_OPT_UNIX_SOCKET_PATH,
    ENLACE_OPT_CUSTOMREQUEST,
    ENLACE_OPT_CAINFO,
    ENLACE_OPT_PROXY,
    ENLACE_OPT_ACCEPT_ENCODING,
    ENLACE_OPT_USERAGENT,
    ENLACE_OPT_CAPATH,
    ENLACE_OPT_INTERFACE,
} enlace_curl_string_option;

typedef enum {
    ENLACE_OPT_CONNECTTIMEOUT_MS,
    ENLACE_OPT_TIMEOUT_MS,
    ENLACE_OPT_LOW_SPEED_LIMIT,
    ENLACE_OPT_LOW_SPEED_TIME,
    ENLACE_OPT_NOSIGNAL,
    ENLACE_OPT_SSL_VERIFYPEER,
    ENLACE_OPT_SSL_VERIFYHOST,
    ENLACE_OPT_HTTPGET,
    ENLACE_OPT_NOBODY,
    ENLACE_OPT_TCP_KEEPALIVE,
    ENLACE_OPT_FORBID_REUSE,
} enlace_curl_long_option;

/// Initialises libcurl once per process; returns 0 on success.
int enlace_curl_global_init(void);

/// A new easy handle with its own error buffer, or NULL.
void *enlace_curl_easy_init(void);
void enlace_curl_easy_cleanup(void *handle);
/// Clears per-request options, keeping connections for reuse.
void enlace_curl_easy_reset(void *handle);

int enlace_curl_setopt_string(void *handle, enlace_curl_string_option option, const char *value);
int enlace_curl_setopt_long(void *handle, enlace_curl_long_option option, long value);
/// Refuses TLS below 1.2 (CURLOPT_SSLVERSION).
int enlace_curl_require_tls12(void *handle);
/// Copies `size` bytes as the request body (POSTFIELDSIZE_LARGE then COPYPOSTFIELDS).
int enlace_curl_set_body(void *handle, const void *bytes, long long size);
/// Sets the header list (an slist from enlace_curl_slist_append); NULL clears it.
int enlace_curl_set_headers(void *handle, void *slist);

typedef size_t (*enlace_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);
int enlace_curl_set_write_callback(void *handle, enlace_curl_data_callback callback, void *userdata);
int enlace_curl_set_header_callback(void *handle, enlace_curl_data_callback callback, void *userdata);

/// Runs the transfer; returns curl's result code.
int enlace_curl_perform(void *handle);
/// The HTTP status of the last transfer.
long enlace_curl_response_code(void *handle);
/// curl's own message for the last failure (the error buffer, or the generic text of `code`).
const char *enlace_curl_error_message(void *handle, int code);

/// Result codes Swift distinguishes.
int enlace_curl_code_ok(void);
/// A write callback refused the data (the response was too large).
int enlace_curl_is_write_error(int code);
int enlace_curl_is_connect_failure(int code);
int enlace_curl_is_timeout(int code);
int enlace_curl_is_tls_failure(int code);

void *enlace_curl_slist_append(void *slist, const char *line);
void enlace_curl_slist_free_all(void *slist);

#endif
