/*
 * libglm4v_cann_sim runtime: init, cards, contexts, device memory (host allocations with bounds
 * checks and a per-card capacity), streams (one worker thread each, asynchronous, sticky
 * errors), the thread's recent error text, live-object counts and fault injection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_internal.h"

/* ---- state ---- */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;  /* init, contexts, streams */
static pthread_mutex_t g_mem = PTHREAD_MUTEX_INITIALIZER;   /* allocations */
static pthread_mutex_t g_fault_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_fault_cond = PTHREAD_COND_INITIALIZER;
static int g_initialized;
static int g_device_count = -1;      /* -1: from env or 8 */
static int64_t g_memory_bytes = -1;  /* -1: from env or 64 GiB */
static int64_t g_hccl_timeout_ms = -1;
static int64_t g_op_timeout_ms = 30000;
static atomic_llong g_live[9];

typedef struct sim_ctx { int device; struct sim_ctx *next; } sim_ctx;
static sim_ctx *g_contexts;
static sim_ctx *g_default_ctx[SIM_MAX_DEVICES];
static sim_stream *g_streams;
static sim_alloc *g_allocs;
static size_t g_used[SIM_MAX_DEVICES];

static __thread sim_ctx *tl_ctx;
static __thread char tl_err[2048];
static __thread int tl_has_err;

typedef struct sim_fault {
    int device; char op[64]; int64_t remaining; int mode; struct sim_fault *next;
} sim_fault;
static sim_fault *g_faults;
static int64_t g_fault_generation;

/* ---- errors and counters ---- */
void sim_set_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_err, sizeof tl_err, fmt, ap);
    va_end(ap);
    tl_has_err = 1;
}

SIM_EXPORT const char *aclGetRecentErrMsg(void) {
    if (!tl_has_err) return NULL;
    tl_has_err = 0; /* read once, like the real call */
    return tl_err;
}

void sim_live_add(int kind, int delta) { atomic_fetch_add(&g_live[kind], delta); }

SIM_EXPORT int64_t glm4vSimLiveObjects(int32_t kind) {
    if (kind < 0 || kind > 8) return -1;
    if (kind != 0) return atomic_load(&g_live[kind]);
    int64_t all = 0;
    for (int k = 1; k <= 8; k++) all += atomic_load(&g_live[k]);
    return all;
}

SIM_EXPORT int32_t glm4vSimIsSimulator(void) { return 1; }

int64_t sim_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deadline_in(struct timespec *ts, int64_t ms) {
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000) { ts->tv_sec++; ts->tv_nsec -= 1000000000; }
}

static int64_t env_i64(const char *name, int64_t dflt) {
    const char *v = getenv(name);
    if (!v || !*v) return dflt;
    char *end;
    long long x = strtoll(v, &end, 10);
    return (*end == 0 && x > 0) ? x : dflt;
}

int sim_device_count(void) {
    if (g_device_count < 0) {
        int64_t n = env_i64("GLM4V_SIM_DEVICE_COUNT", 8);
        g_device_count = (int) (n > SIM_MAX_DEVICES ? SIM_MAX_DEVICES : n);
    }
    return g_device_count;
}

static size_t memory_bytes(void) {
    if (g_memory_bytes < 0) g_memory_bytes = env_i64("GLM4V_SIM_MEMORY_BYTES", 64LL << 30);
    return (size_t) g_memory_bytes;
}

int64_t sim_hccl_timeout_ms(void) {
    if (g_hccl_timeout_ms > 0) return g_hccl_timeout_ms;
    return env_i64("HCCL_EXEC_TIMEOUT", 1800) * 1000;
}

SIM_EXPORT int32_t glm4vSimSetDeviceCount(int32_t n) {
    pthread_mutex_lock(&g_lock);
    int rc = ACL_SUCCESS;
    if (g_initialized) rc = ACL_ERROR_REPEAT_INITIALIZE;
    else if (n < 1 || n > SIM_MAX_DEVICES) rc = ACL_ERROR_INVALID_PARAM;
    else g_device_count = n;
    pthread_mutex_unlock(&g_lock);
    return rc;
}

SIM_EXPORT void glm4vSimSetMemoryBytes(int64_t bytes) {
    pthread_mutex_lock(&g_mem);
    g_memory_bytes = bytes > 0 ? bytes : -1;
    pthread_mutex_unlock(&g_mem);
}

SIM_EXPORT void glm4vSimSetHcclTimeoutMs(int64_t ms) { g_hccl_timeout_ms = ms > 0 ? ms : -1; }
SIM_EXPORT void glm4vSimSetOpTimeoutMs(int64_t ms) { g_op_timeout_ms = ms > 0 ? ms : 30000; }

/* ---- init ---- */
static void destroy_stream(sim_stream *s);

SIM_EXPORT aclError aclInit(const char *configPath) {
    (void) configPath;
    pthread_mutex_lock(&g_lock);
    int rc = g_initialized ? ACL_ERROR_REPEAT_INITIALIZE : ACL_SUCCESS;
    if (rc == ACL_SUCCESS) { sim_device_count(); g_initialized = 1; }
    else sim_set_error("EH9999: aclInit: repeated initialization");
    pthread_mutex_unlock(&g_lock);
    return rc;
}

SIM_EXPORT aclError aclFinalize(void) {
    pthread_mutex_lock(&g_lock);
    if (!g_initialized) {
        pthread_mutex_unlock(&g_lock);
        sim_set_error("EH9999: aclFinalize: not initialized");
        return ACL_ERROR_UNINITIALIZE;
    }
    sim_stream *streams = g_streams;
    g_streams = NULL;
    while (g_contexts) {
        sim_ctx *c = g_contexts; g_contexts = c->next; free(c); sim_live_add(GLM4V_SIM_LIVE_CONTEXTS, -1);
    }
    memset(g_default_ctx, 0, sizeof g_default_ctx);
    g_initialized = 0;
    pthread_mutex_unlock(&g_lock);
    while (streams) { sim_stream *n = streams->next_live; destroy_stream(streams); streams = n; }
    sim_hccl_abort_all();
    return ACL_SUCCESS;
}

static int check_init(const char *call) {
    if (!g_initialized) {
        sim_set_error("EH9999: %s: acl is not initialized (call aclInit first)", call);
        return ACL_ERROR_UNINITIALIZE;
    }
    return ACL_SUCCESS;
}

/* ---- devices and contexts ---- */
SIM_EXPORT aclError aclrtGetDeviceCount(uint32_t *count) {
    if (!count) { sim_set_error("EH9999: aclrtGetDeviceCount: count is null"); return ACL_ERROR_INVALID_PARAM; }
    *count = (uint32_t) sim_device_count();
    return ACL_SUCCESS;
}

static int check_device(const char *call, int32_t d) {
    int rc = check_init(call);
    if (rc) return rc;
    if (d < 0 || d >= sim_device_count()) {
        sim_set_error("EH9999: %s: invalid device id %d (the simulator has %d cards)", call, d, sim_device_count());
        return ACL_ERROR_RT_INVALID_DEVICEID;
    }
    return ACL_SUCCESS;
}

static int ctx_live(sim_ctx *c) {
    for (sim_ctx *x = g_contexts; x; x = x->next) if (x == c) return 1;
    return 0;
}

int sim_current_device(void) {
    pthread_mutex_lock(&g_lock);
    int d = (tl_ctx && ctx_live(tl_ctx)) ? tl_ctx->device : -1;
    pthread_mutex_unlock(&g_lock);
    return d;
}

static sim_ctx *new_ctx(int d) {
    sim_ctx *c = calloc(1, sizeof *c);
    c->device = d;
    c->next = g_contexts;
    g_contexts = c;
    sim_live_add(GLM4V_SIM_LIVE_CONTEXTS, 1);
    return c;
}

static void unlink_ctx(sim_ctx *c) {
    for (sim_ctx **p = &g_contexts; *p; p = &(*p)->next)
        if (*p == c) { *p = c->next; free(c); sim_live_add(GLM4V_SIM_LIVE_CONTEXTS, -1); return; }
}

SIM_EXPORT aclError aclrtSetDevice(int32_t d) {
    int rc = check_device("aclrtSetDevice", d);
    if (rc) return rc;
    pthread_mutex_lock(&g_lock);
    if (!g_default_ctx[d]) g_default_ctx[d] = new_ctx(d);
    tl_ctx = g_default_ctx[d];
    pthread_mutex_unlock(&g_lock);
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtGetDevice(int32_t *d) {
    int cur = sim_current_device();
    if (!d) { sim_set_error("EH9999: aclrtGetDevice: deviceId is null"); return ACL_ERROR_INVALID_PARAM; }
    if (cur < 0) { sim_set_error("EH9999: aclrtGetDevice: no current context on this thread"); return ACL_ERROR_RT_CONTEXT_NULL; }
    *d = cur;
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtResetDevice(int32_t d) {
    int rc = check_device("aclrtResetDevice", d);
    if (rc) return rc;
    /* the card's streams end (hung tasks are released) and its default context goes */
    pthread_mutex_lock(&g_lock);
    sim_stream *mine = NULL;
    for (sim_stream **p = &g_streams; *p;) {
        sim_stream *s = *p;
        if (s->device == d) { *p = s->next_live; s->next_live = mine; mine = s; }
        else p = &s->next_live;
    }
    if (g_default_ctx[d]) { unlink_ctx(g_default_ctx[d]); g_default_ctx[d] = NULL; }
    pthread_mutex_unlock(&g_lock);
    while (mine) { sim_stream *n = mine->next_live; destroy_stream(mine); mine = n; }
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtCreateContext(aclrtContext *ctx, int32_t d) {
    if (!ctx) { sim_set_error("EH9999: aclrtCreateContext: context is null"); return ACL_ERROR_INVALID_PARAM; }
    int rc = check_device("aclrtCreateContext", d);
    if (rc) return rc;
    pthread_mutex_lock(&g_lock);
    sim_ctx *c = new_ctx(d);
    tl_ctx = c;
    pthread_mutex_unlock(&g_lock);
    *ctx = c;
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtDestroyContext(aclrtContext ctx) {
    pthread_mutex_lock(&g_lock);
    int live = ctx && ctx_live((sim_ctx *) ctx);
    int isDefault = 0;
    for (int i = 0; i < SIM_MAX_DEVICES; i++) if (g_default_ctx[i] == ctx) isDefault = 1;
    if (live && !isDefault) unlink_ctx((sim_ctx *) ctx);
    if (tl_ctx == ctx) tl_ctx = NULL;
    pthread_mutex_unlock(&g_lock);
    if (!live || isDefault) {
        sim_set_error("EH9999: aclrtDestroyContext: %s", live ? "the default context goes with aclrtResetDevice" : "not a live context");
        return ACL_ERROR_RT_PARAM_INVALID;
    }
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtSetCurrentContext(aclrtContext ctx) {
    pthread_mutex_lock(&g_lock);
    int live = ctx && ctx_live((sim_ctx *) ctx);
    if (live) tl_ctx = ctx;
    pthread_mutex_unlock(&g_lock);
    if (!live) { sim_set_error("EH9999: aclrtSetCurrentContext: not a live context"); return ACL_ERROR_RT_PARAM_INVALID; }
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtGetCurrentContext(aclrtContext *ctx) {
    if (!ctx) { sim_set_error("EH9999: aclrtGetCurrentContext: context is null"); return ACL_ERROR_INVALID_PARAM; }
    int d = sim_current_device();
    if (d < 0) { sim_set_error("EH9999: aclrtGetCurrentContext: no current context on this thread"); return ACL_ERROR_RT_CONTEXT_NULL; }
    *ctx = tl_ctx;
    return ACL_SUCCESS;
}

/* ---- device memory ---- */
SIM_EXPORT aclError aclrtMalloc(void **devPtr, size_t size, aclrtMemMallocPolicy policy) {
    (void) policy;
    int rc = check_init("aclrtMalloc");
    if (rc) return rc;
    if (!devPtr || size == 0) {
        sim_set_error("EH9999: aclrtMalloc: %s", devPtr ? "size must be > 0" : "devPtr is null");
        return ACL_ERROR_INVALID_PARAM;
    }
    int d = sim_current_device();
    if (d < 0) { sim_set_error("EH9999: aclrtMalloc: no current context on this thread (aclrtSetDevice or aclrtSetCurrentContext first)"); return ACL_ERROR_RT_CONTEXT_NULL; }
    pthread_mutex_lock(&g_mem);
    size_t cap = memory_bytes();
    size_t free_bytes = cap > g_used[d] ? cap - g_used[d] : 0;
    if (size > free_bytes) {
        pthread_mutex_unlock(&g_mem);
        sim_set_error("EL0004: Failed to allocate memory on device %d: requested %zu bytes, %zu of %zu bytes free. "
                      "Possible Cause: Available memory is insufficient.", d, size, free_bytes, cap);
        return ACL_ERROR_RT_MEMORY_ALLOCATION;
    }
    sim_alloc *a = calloc(1, sizeof *a);
    a->base = a ? malloc(size) : NULL;
    if (!a || !a->base) {
        free(a);
        pthread_mutex_unlock(&g_mem);
        sim_set_error("EL0004: Failed to allocate memory on device %d: host malloc of %zu bytes failed", d, size);
        return ACL_ERROR_RT_MEMORY_ALLOCATION;
    }
    a->size = size;
    a->device = d;
    atomic_init(&a->refs, 1);
    atomic_init(&a->queued, 0);
    a->next = g_allocs;
    g_allocs = a;
    g_used[d] += size;
    pthread_mutex_unlock(&g_mem);
    sim_live_add(GLM4V_SIM_LIVE_ALLOCATIONS, 1);
    *devPtr = a->base;
    return ACL_SUCCESS;
}

static atomic_llong g_free_while_queued;

void sim_alloc_queue(sim_alloc *a, int delta) {
    if (a) atomic_fetch_add(&a->queued, delta);
}

SIM_EXPORT int64_t glm4vSimFreeWhileQueuedCount(void) { return atomic_load(&g_free_while_queued); }

void sim_alloc_release(sim_alloc *a) {
    if (a && atomic_fetch_sub(&a->refs, 1) == 1) { free(a->base); free(a); }
}

sim_alloc *sim_alloc_find(const void *p, size_t bytes) {
    const char *c = p;
    pthread_mutex_lock(&g_mem);
    sim_alloc *hit = NULL;
    for (sim_alloc *a = g_allocs; a; a = a->next) {
        if (c >= a->base && c <= a->base + a->size && bytes <= (size_t) (a->base + a->size - c)) { hit = a; break; }
    }
    if (hit) atomic_fetch_add(&hit->refs, 1);
    pthread_mutex_unlock(&g_mem);
    return hit;
}

SIM_EXPORT aclError aclrtFree(void *p) {
    pthread_mutex_lock(&g_mem);
    sim_alloc *hit = NULL;
    for (sim_alloc **a = &g_allocs; *a; a = &(*a)->next)
        if ((*a)->base == p) { hit = *a; *a = hit->next; break; }
    if (hit) g_used[hit->device] -= hit->size;
    pthread_mutex_unlock(&g_mem);
    if (!hit) { sim_set_error("EH9999: aclrtFree: %p is not the start of a live device allocation", p); return ACL_ERROR_RT_PARAM_INVALID; }
    sim_live_add(GLM4V_SIM_LIVE_ALLOCATIONS, -1);
    /* real aclrtFree does not wait for the stream: freeing memory a queued task still uses is the
     * caller's bug (the task would read or write freed memory). The simulator counts it
     * (glm4vSimFreeWhileQueuedCount) and, to stay memory-safe itself, keeps the bytes until the task ends. */
    if (atomic_load(&hit->queued) > 0) atomic_fetch_add(&g_free_while_queued, 1);
    sim_alloc_release(hit);
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtMemset(void *p, size_t maxCount, int32_t value, size_t count) {
    if (count > maxCount) { sim_set_error("EH9999: aclrtMemset: count %zu > maxCount %zu", count, maxCount); return ACL_ERROR_INVALID_PARAM; }
    sim_alloc *a = sim_alloc_find(p, count);
    if (!a) { sim_set_error("EH9999: aclrtMemset: [%p, +%zu) is not inside a device allocation", p, count); return ACL_ERROR_INVALID_PARAM; }
    memset(p, value, count);
    sim_alloc_release(a);
    return ACL_SUCCESS;
}

static int check_copy(const char *call, void *dst, size_t destMax, const void *src, size_t count,
                      aclrtMemcpyKind kind, sim_alloc **da, sim_alloc **sa) {
    *da = *sa = NULL;
    if (!dst || !src) { sim_set_error("EH9999: %s: %s is null", call, dst ? "src" : "dst"); return ACL_ERROR_INVALID_PARAM; }
    if (count > destMax) { sim_set_error("EH9999: %s: count %zu > destMax %zu", call, count, destMax); return ACL_ERROR_INVALID_PARAM; }
    if (kind < ACL_MEMCPY_HOST_TO_HOST || kind > ACL_MEMCPY_DEVICE_TO_DEVICE) { sim_set_error("EH9999: %s: invalid kind %d", call, (int) kind); return ACL_ERROR_INVALID_PARAM; }
    int dstDev = kind == ACL_MEMCPY_HOST_TO_DEVICE || kind == ACL_MEMCPY_DEVICE_TO_DEVICE;
    int srcDev = kind == ACL_MEMCPY_DEVICE_TO_HOST || kind == ACL_MEMCPY_DEVICE_TO_DEVICE;
    if (dstDev && !(*da = sim_alloc_find(dst, count))) {
        sim_set_error("EH9999: %s: destination [%p, +%zu) is not inside a device allocation", call, dst, count);
        return ACL_ERROR_INVALID_PARAM;
    }
    if (srcDev && !(*sa = sim_alloc_find(src, count))) {
        sim_alloc_release(*da); *da = NULL;
        sim_set_error("EH9999: %s: source [%p, +%zu) is not inside a device allocation", call, src, count);
        return ACL_ERROR_INVALID_PARAM;
    }
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtMemcpy(void *dst, size_t destMax, const void *src, size_t count, aclrtMemcpyKind kind) {
    sim_alloc *da, *sa;
    int rc = check_copy("aclrtMemcpy", dst, destMax, src, count, kind, &da, &sa);
    if (rc) return rc;
    memmove(dst, src, count);
    sim_alloc_release(da);
    sim_alloc_release(sa);
    return ACL_SUCCESS;
}

typedef struct { sim_task task; void *dst; const void *src; size_t count; sim_alloc *da, *sa; } copy_task;

static int run_copy(sim_task *t, sim_stream *s) {
    (void) s;
    copy_task *c = (copy_task *) t;
    memmove(c->dst, c->src, c->count);
    return 0;
}

static void destroy_copy(sim_task *t) {
    copy_task *c = (copy_task *) t;
    sim_alloc_queue(c->da, -1);
    sim_alloc_queue(c->sa, -1);
    sim_alloc_release(c->da);
    sim_alloc_release(c->sa);
    free(c);
}

SIM_EXPORT aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src, size_t count,
                                     aclrtMemcpyKind kind, aclrtStream stream) {
    sim_stream *s = sim_stream_check(stream);
    if (!s) return ACL_ERROR_RT_PARAM_INVALID;
    sim_alloc *da, *sa;
    int rc = check_copy("aclrtMemcpyAsync", dst, destMax, src, count, kind, &da, &sa);
    if (rc) { sim_stream_release(s); return rc; }
    copy_task *c = calloc(1, sizeof *c);
    c->task.name = "aclrtMemcpyAsync";
    c->task.run = run_copy;
    c->task.destroy = destroy_copy;
    c->dst = dst; c->src = src; c->count = count; c->da = da; c->sa = sa;
    sim_alloc_queue(da, 1);
    sim_alloc_queue(sa, 1);
    sim_stream_enqueue(s, &c->task);
    sim_stream_release(s);
    return ACL_SUCCESS;
}

SIM_EXPORT aclError aclrtGetMemInfo(aclrtMemAttr attr, size_t *freeBytes, size_t *total) {
    (void) attr;
    if (!freeBytes || !total) { sim_set_error("EH9999: aclrtGetMemInfo: null output"); return ACL_ERROR_INVALID_PARAM; }
    int d = sim_current_device();
    if (d < 0) { sim_set_error("EH9999: aclrtGetMemInfo: no current context on this thread"); return ACL_ERROR_RT_CONTEXT_NULL; }
    pthread_mutex_lock(&g_mem);
    size_t cap = memory_bytes();
    *total = cap;
    *freeBytes = cap > g_used[d] ? cap - g_used[d] : 0;
    pthread_mutex_unlock(&g_mem);
    return ACL_SUCCESS;
}

/* ---- streams ---- */
static void *stream_worker(void *arg) {
    sim_stream *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->head && !s->stopping) pthread_cond_wait(&s->changed, &s->lock);
        if (!s->head) break;
        sim_task *t = s->head;
        s->head = t->next;
        if (!s->head) s->tail = NULL;
        int skip = s->error != 0 || atomic_load(&s->abort);
        pthread_mutex_unlock(&s->lock);
        if (!skip) {
            int rc = sim_fault_point(s, t->name);
            if (rc == 0) rc = t->run(t, s);
            if (rc != 0) sim_stream_fail(s, rc, "EZ9999: %s failed on device %d with error %d", t->name, s->device, rc);
        }
        t->destroy(t);
        pthread_mutex_lock(&s->lock);
        s->pending--;
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

void sim_stream_fail(sim_stream *s, int code, const char *fmt, ...) {
    pthread_mutex_lock(&s->lock);
    if (!s->error) {
        s->error = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->error_text, sizeof s->error_text, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&s->lock);
}

SIM_EXPORT aclError aclrtCreateStream(aclrtStream *stream) {
    if (!stream) { sim_set_error("EH9999: aclrtCreateStream: stream is null"); return ACL_ERROR_INVALID_PARAM; }
    int rc = check_init("aclrtCreateStream");
    if (rc) return rc;
    int d = sim_current_device();
    if (d < 0) { sim_set_error("EH9999: aclrtCreateStream: no current context on this thread"); return ACL_ERROR_RT_CONTEXT_NULL; }
    sim_stream *s = calloc(1, sizeof *s);
    s->device = d;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    if (pthread_create(&s->worker, NULL, stream_worker, s) != 0) {
        free(s);
        sim_set_error("EH9999: aclrtCreateStream: cannot start the stream thread");
        return ACL_ERROR_RT_INTERNAL_ERROR;
    }
    pthread_mutex_lock(&g_lock);
    s->next_live = g_streams;
    g_streams = s;
    pthread_mutex_unlock(&g_lock);
    sim_live_add(GLM4V_SIM_LIVE_STREAMS, 1);
    *stream = s;
    return ACL_SUCCESS;
}

sim_stream *sim_stream_check(aclrtStream stream) {
    pthread_mutex_lock(&g_lock);
    sim_stream *hit = NULL;
    for (sim_stream *s = g_streams; s; s = s->next_live) if (s == stream) hit = s;
    if (hit) {
        pthread_mutex_lock(&hit->lock);
        hit->users++;
        pthread_mutex_unlock(&hit->lock);
    }
    pthread_mutex_unlock(&g_lock);
    if (!hit) sim_set_error("EH9999: %p is not a live stream", stream);
    return hit;
}

void sim_stream_release(sim_stream *s) {
    pthread_mutex_lock(&s->lock);
    s->users--;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

void sim_stream_enqueue(sim_stream *s, sim_task *t) {
    t->next = NULL;
    pthread_mutex_lock(&s->lock);
    if (s->tail) s->tail->next = t; else s->head = t;
    s->tail = t;
    s->pending++;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

static void destroy_stream(sim_stream *s) {
    atomic_store(&s->abort, 1);
    pthread_mutex_lock(&g_fault_lock);
    pthread_cond_broadcast(&g_fault_cond); /* releases a hung task of this stream */
    pthread_mutex_unlock(&g_fault_lock);
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->worker, NULL); /* drains the queue: tasks after the abort are skipped */
    pthread_mutex_lock(&s->lock);
    s->dead = 1;
    pthread_cond_broadcast(&s->changed);
    while (s->users > 0) pthread_cond_wait(&s->changed, &s->lock); /* calls still inside (a synchronise) */
    while (s->head) { /* enqueued by a call that raced the destroy */
        sim_task *t = s->head;
        s->head = t->next;
        t->destroy(t);
    }
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
    free(s);
    sim_live_add(GLM4V_SIM_LIVE_STREAMS, -1);
}

SIM_EXPORT aclError aclrtDestroyStream(aclrtStream stream) {
    pthread_mutex_lock(&g_lock);
    sim_stream *hit = NULL;
    for (sim_stream **p = &g_streams; *p; p = &(*p)->next_live)
        if (*p == stream) { hit = *p; *p = hit->next_live; break; }
    pthread_mutex_unlock(&g_lock);
    if (!hit) { sim_set_error("EH9999: aclrtDestroyStream: %p is not a live stream", stream); return ACL_ERROR_RT_PARAM_INVALID; }
    destroy_stream(hit);
    return ACL_SUCCESS;
}

static aclError sync_stream(aclrtStream stream, int64_t timeoutMs, const char *call) {
    sim_stream *s = sim_stream_check(stream);
    if (!s) return ACL_ERROR_RT_PARAM_INVALID;
    struct timespec until;
    if (timeoutMs > 0) deadline_in(&until, timeoutMs);
    int rc = ACL_SUCCESS;
    pthread_mutex_lock(&s->lock);
    while (s->pending > 0 && !s->dead) {
        if (timeoutMs > 0) {
            if (pthread_cond_timedwait(&s->changed, &s->lock, &until) == ETIMEDOUT && s->pending > 0 && !s->dead) {
                sim_set_error("EH9999: %s: stream of device %d did not finish within %lld ms (%lld tasks left)",
                              call, s->device, (long long) timeoutMs, (long long) s->pending);
                rc = ACL_ERROR_RT_STREAM_SYNC_TIMEOUT;
                break;
            }
        } else {
            pthread_cond_wait(&s->changed, &s->lock);
        }
    }
    if (rc == ACL_SUCCESS && s->dead) {
        sim_set_error("EH9999: %s: the stream was destroyed while being synchronised", call);
        rc = ACL_ERROR_RT_PARAM_INVALID;
    } else if (rc == ACL_SUCCESS && s->error) {
        sim_set_error("%s", s->error_text);
        rc = s->error;
    }
    s->users--;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

SIM_EXPORT aclError aclrtSynchronizeStream(aclrtStream stream) {
    return sync_stream(stream, -1, "aclrtSynchronizeStream");
}

SIM_EXPORT aclError aclrtSynchronizeStreamWithTimeout(aclrtStream stream, int32_t timeout) {
    return sync_stream(stream, timeout, "aclrtSynchronizeStreamWithTimeout");
}

/* ---- fault injection ---- */
SIM_EXPORT int32_t glm4vSimInjectFault(int32_t device, const char *op, int64_t nth, int32_t mode) {
    if (!op || nth < 1 || (mode != GLM4V_SIM_FAULT_FAIL && mode != GLM4V_SIM_FAULT_HANG)) return ACL_ERROR_INVALID_PARAM;
    sim_fault *f = calloc(1, sizeof *f);
    f->device = device;
    snprintf(f->op, sizeof f->op, "%s", op);
    f->remaining = nth;
    f->mode = mode;
    pthread_mutex_lock(&g_fault_lock);
    f->next = g_faults;
    g_faults = f;
    pthread_mutex_unlock(&g_fault_lock);
    return ACL_SUCCESS;
}

SIM_EXPORT void glm4vSimClearFaults(void) {
    pthread_mutex_lock(&g_fault_lock);
    while (g_faults) { sim_fault *f = g_faults; g_faults = f->next; free(f); }
    g_fault_generation++;
    pthread_cond_broadcast(&g_fault_cond);
    pthread_mutex_unlock(&g_fault_lock);
}

int sim_fault_point(sim_stream *s, const char *op) {
    pthread_mutex_lock(&g_fault_lock);
    int mode = -1;
    for (sim_fault **p = &g_faults; *p; p = &(*p)->next) {
        sim_fault *f = *p;
        if (f->device != s->device || (strcmp(f->op, "*") != 0 && strcmp(f->op, op) != 0)) continue;
        if (--f->remaining == 0) { mode = f->mode; *p = f->next; free(f); }
        break;
    }
    if (mode == GLM4V_SIM_FAULT_FAIL) {
        pthread_mutex_unlock(&g_fault_lock);
        sim_stream_fail(s, ACL_ERROR_RT_AICORE_EXCEPTION,
                        "EZ9999: Inner Error! The error from device(%d): %s raised an aicore exception (injected fault)",
                        s->device, op);
        return ACL_ERROR_RT_AICORE_EXCEPTION;
    }
    if (mode == GLM4V_SIM_FAULT_HANG) {
        int64_t gen = g_fault_generation, start = sim_now_ms();
        int64_t limit = g_op_timeout_ms;
        while (gen == g_fault_generation && !atomic_load(&s->abort) && sim_now_ms() - start < limit) {
            struct timespec until;
            deadline_in(&until, 20);
            pthread_cond_timedwait(&g_fault_cond, &g_fault_lock, &until);
        }
        int released = gen != g_fault_generation;
        pthread_mutex_unlock(&g_fault_lock);
        if (released) return 0; /* glm4vSimClearFaults: the task runs late */
        sim_stream_fail(s, ACL_ERROR_RT_AICORE_TIMEOUT,
                        "EZ9999: Inner Error! The error from device(%d): %s did not finish (injected hang, %s)",
                        s->device, op, atomic_load(&s->abort) ? "stream destroyed" : "aicore timeout");
        return ACL_ERROR_RT_AICORE_TIMEOUT;
    }
    pthread_mutex_unlock(&g_fault_lock);
    return 0;
}
