#include "CCurlShim.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

// Each handle carries its error buffer: allocated memory that outlives every transfer.
typedef struct {
    CURL *curl;
    char error[CURL_ERROR_SIZE];
} enlace_handle;

int enlace_curl_global_init(void) { return (int)curl_global_init(CURL_GLOBAL_ALL); }

static void apply_defaults(enlace_handle *h) {
    h->error[0] = 0;
    curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->error);
    curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
}

void *enlace_curl_easy_init(void) {
    enlace_handle *h = calloc(1, sizeof(enlace_handle));
    if (!h) return NULL;
    h->curl = curl_easy_init();
    if (!h->curl) { free(h); return NULL; }
    apply_defaults(h);
    return h;
}

void enlace_curl_easy_cleanup(void *handle) {
    enlace_handle *h = handle;
    if (!h) return;
    curl_easy_cleanup(h->curl);
    free(h);
}

void enlace_curl_easy_reset(void *handle) {
    enlace_handle *h = handle;
    curl_easy_reset(h->curl);
    apply_defaults(h);
}

static CURLoption string_option(enlace_curl_string_option option) {
    switch (option) {
    case ENLACE_OPT_URL: return CURLOPT_URL;
    case ENLACE_OPT_UNIX_SOCKET_PATH: return CURLOPT_UNIX_SOCKET_PATH;
    case ENLACE_OPT_CUSTOMREQUEST: return CURLOPT_CUSTOMREQUEST;
    case ENLACE_OPT_CAINFO: return CURLOPT_CAINFO;
    case ENLACE_OPT_PROXY: return CURLOPT_PROXY;
    case ENLACE_OPT_ACCEPT_ENCODING: return CURLOPT_ACCEPT_ENCODING;
    case ENLACE_OPT_USERAGENT: return CURLOPT_USERAGENT;
    case ENLACE_OPT_CAPATH: return CURLOPT_CAPATH;
    case ENLACE_OPT_INTERFACE: return CURLOPT_INTERFACE;
    }
    return CURLOPT_URL;
}

static CURLoption long_option(enlace_curl_long_option option) {
    switch (option) {
    case ENLACE_OPT_CONNECTTIMEOUT_MS: return CURLOPT_CONNECTTIMEOUT_MS;
    case ENLACE_OPT_TIMEOUT_MS: return CURLOPT_TIMEOUT_MS;
    case ENLACE_OPT_LOW_SPEED_LIMIT: return CURLOPT_LOW_SPEED_LIMIT;
    case ENLACE_OPT_LOW_SPEED_TIME: return CURLOPT_LOW_SPEED_TIME;
    case ENLACE_OPT_NOSIGNAL: return CURLOPT_NOSIGNAL;
    case ENLACE_OPT_SSL_VERIFYPEER: return CURLOPT_SSL_VERIFYPEER;
    case ENLACE_OPT_SSL_VERIFYHOST: return CURLOPT_SSL_VERIFYHOST;
    case ENLACE_OPT_HTTPGET: return CURLOPT_HTTPGET;
    case ENLACE_OPT_NOBODY: return CURLOPT_NOBODY;
    case ENLACE_OPT_TCP_KEEPALIVE: return CURLOPT_TCP_KEEPALIVE;
    case ENLACE_OPT_FORBID_REUSE: return CURLOPT_FORBID_REUSE;
    }
    return CURLOPT_NOSIGNAL;
}

int enlace_curl_setopt_string(void *handle, enlace_curl_string_option option, const char *value) {
    enlace_handle *h = handle;
    return (int)curl_easy_setopt(h->curl, string_option(option), value);
}

int enlace_curl_setopt_long(void *handle, enlace_curl_long_option option, long value) {
    enlace_handle *h = handle;
    return (int)curl_easy_setopt(h->curl, long_option(option), value);
}

int enlace_curl_require_tls12(void *handle) {
    enlace_handle *h = handle;
    return (int)curl_easy_setopt(h->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
}

int enlace_curl_set_body(void *handle, const void *bytes, long long size) {
    enlace_handle *h = handle;
    CURLcode code = curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
    if (code != CURLE_OK) return (int)code;
    return (int)curl_easy_setopt(h->curl, CURLOPT_COPYPOSTFIELDS, size > 0 ? bytes : "");
}

int enlace_curl_set_headers(void *handle, void *slist) {
    enlace_handle *h = handle;
    return (int)curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)slist);
}

int enlace_curl_set_write_callback(void *handle, enlace_curl_data_callback callback, void *userdata) {
    enlace_handle *h = handle;
    CURLcode code = curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return (int)code;
    return (int)curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, userdata);
}

int enlace_curl_set_header_callback(void *handle, enlace_curl_data_callback callback, void *userdata) {
    enlace_handle *h = handle;
    CURLcode code = curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return (int)code;
    return (int)curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, userdata);
}

int enlace_curl_perform(void *handle) {
    enlace_handle *h = handle;
    h->error[0] = 0;
    return (int)curl_easy_perform(h->curl);
}

long enlace_curl_response_code(void *handle) {
    enlace_handle *h = handle;
    long status = 0;
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

const char *enlace_curl_error_message(void *handle, int code) {
    enlace_handle *h = handle;
    if (h && h->error[0]) return h->error;
    return curl_easy_strerror((CURLcode)code);
}

int enlace_curl_code_ok(void) { return CURLE_OK; }

int enlace_curl_is_write_error(int code) { return code == CURLE_WRITE_ERROR; }

int enlace_curl_is_connect_failure(int code) {
    return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY
        || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING;
}

int enlace_curl_is_timeout(int code) { return code == CURLE_OPERATION_TIMEDOUT; }

int enlace_curl_is_tls_failure(int code) {
    return code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE
        || code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CIPHER || code == CURLE_SSL_ISSUER_ERROR;
}

void *enlace_curl_slist_append(void *slist, const char *line) {
    return curl_slist_append((struct curl_slist *)slist, line);
}

void enlace_curl_slist_free_all(void *slist) { curl_slist_free_all((struct curl_slist *)slist); }
