#ifndef CCK_CURL_SHIMS_H
#define CCK_CURL_SHIMS_H
#include <curl/curl.h>

/* Opens libcurl.so.4 on first call (once per process); NULL when it is ready, else why it is not.
   Every curl_* function the project calls is defined in shims.c and goes through it. */
const char *cck_curl_load(void);

/* libcurl's setopt functions are variadic, which Swift cannot call. One typed
   wrapper per argument kind that the project uses. */
CURLcode cck_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode cck_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode cck_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode cck_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode cck_easy_setopt_write_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode cck_easy_setopt_header_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode cck_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode cck_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLcode cck_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value);
CURLMcode cck_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

#endif
