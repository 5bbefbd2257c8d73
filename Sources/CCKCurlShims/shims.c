#include "CCKCurlShims.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libcurl is opened on first use, not linked: a kernel that only reads local files (the sample)
   then never maps libcurl and its TLS, Kerberos and LDAP libraries (about 4.5 MiB of resident
   pages, and their constructors at start-up). The curl_* functions the Swift code calls are
   defined here and forward to the library's own, found with dlsym on its handle. */

static struct {
    const char *error;
    CURLcode (*global_init)(long);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMcode (*multi_wakeup)(CURLM *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} lib;

static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        lib.error = load_error;
        return;
    }
#define RESOLVE(field, name)                                                            \
    do {                                                                                \
        *(void **)&lib.field = dlsym(handle, name);                                     \
        if (!lib.field) {                                                               \
            snprintf(load_error, sizeof load_error, "libcurl.so.4 has no %s (too old?)", name); \
            lib.error = load_error;                                                     \
            return;                                                                     \
        }                                                                               \
    } while (0)
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(multi_init, "curl_multi_init");
    RESOLVE(multi_cleanup, "curl_multi_cleanup");
    RESOLVE(multi_add_handle, "curl_multi_add_handle");
    RESOLVE(multi_remove_handle, "curl_multi_remove_handle");
    RESOLVE(multi_perform, "curl_multi_perform");
    RESOLVE(multi_poll, "curl_multi_poll");
    RESOLVE(multi_wakeup, "curl_multi_wakeup");
    RESOLVE(multi_info_read, "curl_multi_info_read");
    RESOLVE(multi_setopt, "curl_multi_setopt");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_reset, "curl_easy_reset");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
#undef RESOLVE
}

const char *cck_curl_load(void) {
    pthread_once(&load_once, load);
    return lib.error;
}

/* Every entry point below is reached only after CurlTransport checked cck_curl_load(), so the
   pointers are set; the checks keep a broken library a failed call, not a jump to address 0. */
#define LOADED(failure) \
    if (cck_curl_load()) return failure

CURLcode curl_global_init(long flags) { LOADED(CURLE_FAILED_INIT); return lib.global_init(flags); }
CURLM *curl_multi_init(void) { LOADED(NULL); return lib.multi_init(); }
CURLMcode curl_multi_cleanup(CURLM *m) { LOADED(CURLM_INTERNAL_ERROR); return lib.multi_cleanup(m); }
CURLMcode curl_multi_add_handle(CURLM *m, CURL *e) { LOADED(CURLM_INTERNAL_ERROR); return lib.multi_add_handle(m, e); }
CURLMcode curl_multi_remove_handle(CURLM *m, CURL *e) { LOADED(CURLM_INTERNAL_ERROR); return lib.multi_remove_handle(m, e); }
CURLMcode curl_multi_perform(CURLM *m, int *running) { LOADED(CURLM_INTERNAL_ERROR); return lib.multi_perform(m, running); }
CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int count, int timeout, int *ret) {
    LOADED(CURLM_INTERNAL_ERROR);
    return lib.multi_poll(m, extra, count, timeout, ret);
}
CURLMcode curl_multi_wakeup(CURLM *m) { LOADED(CURLM_INTERNAL_ERROR); return lib.multi_wakeup(m); }
CURLMsg *curl_multi_info_read(CURLM *m, int *left) { LOADED(NULL); return lib.multi_info_read(m, left); }
CURL *curl_easy_init(void) { LOADED(NULL); return lib.easy_init(); }
void curl_easy_cleanup(CURL *e) { if (!cck_curl_load()) lib.easy_cleanup(e); }
void curl_easy_reset(CURL *e) { if (!cck_curl_load()) lib.easy_reset(e); }
const char *curl_easy_strerror(CURLcode code) { LOADED("libcurl is not loaded"); return lib.easy_strerror(code); }
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *text) { LOADED(NULL); return lib.slist_append(list, text); }
void curl_slist_free_all(struct curl_slist *list) { if (!cck_curl_load()) lib.slist_free_all(list); }

/* libcurl's setopt and getinfo are variadic, which Swift cannot call: one typed wrapper per argument
   kind that the project uses. */
CURLcode cck_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_setopt(handle, option, value);
}
CURLcode cck_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_setopt(handle, option, value);
}
CURLcode cck_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_setopt(handle, option, value);
}
CURLcode cck_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_setopt(handle, option, value);
}
CURLcode cck_easy_setopt_write_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
CURLcode cck_easy_setopt_header_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}
CURLcode cck_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_getinfo(handle, info, value);
}
CURLcode cck_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_getinfo(handle, info, value);
}
CURLcode cck_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    LOADED(CURLE_FAILED_INIT);
    return lib.easy_getinfo(handle, info, value);
}
CURLMcode cck_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    LOADED(CURLM_INTERNAL_ERROR);
    return lib.multi_setopt(handle, option, value);
}
