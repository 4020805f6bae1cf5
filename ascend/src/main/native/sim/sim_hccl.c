/*
 * libglm4v_cann_sim HCCL: communicators over the cards of one process (HcclCommInitAll) and
 * collectives executed on the ranks' streams. Every rank's stream task arrives at a rendezvous;
 * the last to arrive computes the result for all ranks (sums in rank order 0..N-1, so every rank
 * gets identical bits) and releases the others. A rank that waits longer than the HCCL
 * execution timeout gives up: its stream gets the sticky EI0002 error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_internal.h"

enum { C_ALLREDUCE, C_ALLGATHER, C_BROADCAST, C_MATMUL_ALLREDUCE };
static const char *KIND_NAME[] = {"AllReduce", "AllGather", "Broadcast", "MatmulAllReduce"};

typedef struct {
    int kind;
    void *send, *recv;
    uint64_t count;
    aclDataType dtype;
    int op;
    uint32_t root;
    const float *partial;
    int64_t rows, cols;
    const sim_desc *bias, *out;
} coll_args;

typedef struct clique {
    int n;
    char name[HCCL_COMM_NAME_MAX_LENGTH];
    int devices[SIM_MAX_DEVICES];
    pthread_mutex_t lock;
    pthread_cond_t done;
    int64_t generation;
    int arrived;
    int present[SIM_MAX_DEVICES];
    int64_t seen[SIM_MAX_DEVICES]; /* the generation each rank last arrived at (kept if it gives up) */
    coll_args args[SIM_MAX_DEVICES];
    int last_error;
    char last_text[512];
    int refs; /* live comms */
} clique;

struct sim_comm {
    clique *q;
    int rank;
    int device;
    atomic_int refs; /* the live list + one per queued task */
    atomic_int queued; /* collectives (and MatmulAllReduce executors) queued on a stream, not yet finished */
    struct sim_comm *next_live;
};

static atomic_llong g_destroy_while_queued;

void sim_comm_queue(sim_comm *c, int delta) {
    if (c) atomic_fetch_add(&c->queued, delta);
}

SIM_EXPORT int64_t glm4vSimCommDestroyWhileQueuedCount(void) { return atomic_load(&g_destroy_while_queued); }

static pthread_mutex_t g_comms_lock = PTHREAD_MUTEX_INITIALIZER;
static sim_comm *g_comms;
static int g_clique_seq;

static void clique_release(clique *q) {
    pthread_mutex_lock(&g_comms_lock);
    int last = --q->refs == 0;
    pthread_mutex_unlock(&g_comms_lock);
    if (last) { pthread_mutex_destroy(&q->lock); pthread_cond_destroy(&q->done); free(q); }
}

void sim_comm_release(sim_comm *c) {
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) {
        clique_release(c->q);
        free(c);
    }
}

static sim_comm *comm_check(HcclComm comm) {
    pthread_mutex_lock(&g_comms_lock);
    sim_comm *hit = NULL;
    for (sim_comm *c = g_comms; c; c = c->next_live) if (c == comm) hit = c;
    if (hit) atomic_fetch_add(&hit->refs, 1);
    pthread_mutex_unlock(&g_comms_lock);
    if (!hit) sim_set_error("EI9999: %p is not a live HCCL communicator", comm);
    return hit;
}

sim_comm *sim_comm_by_name(const char *group, int device) {
    pthread_mutex_lock(&g_comms_lock);
    sim_comm *hit = NULL;
    for (sim_comm *c = g_comms; c; c = c->next_live)
        if (c->device == device && strcmp(c->q->name, group) == 0) hit = c;
    if (hit) atomic_fetch_add(&hit->refs, 1);
    pthread_mutex_unlock(&g_comms_lock);
    return hit;
}

SIM_EXPORT HcclResult HcclCommInitAll(uint32_t ndev, int32_t *devices, HcclComm *comms) {
    if (!devices || !comms) { sim_set_error("EI9999: HcclCommInitAll: devices or comms is null"); return HCCL_E_PTR; }
    if (ndev < 1 || (int) ndev > sim_device_count()) {
        sim_set_error("EI9999: HcclCommInitAll: ndev %u not in 1..%d", ndev, sim_device_count());
        return HCCL_E_PARA;
    }
    for (uint32_t i = 0; i < ndev; i++) {
        if (devices[i] < 0 || devices[i] >= sim_device_count()) { sim_set_error("EI9999: HcclCommInitAll: invalid device %d", devices[i]); return HCCL_E_PARA; }
        for (uint32_t j = 0; j < i; j++)
            if (devices[j] == devices[i]) { sim_set_error("EI9999: HcclCommInitAll: device %d listed twice", devices[i]); return HCCL_E_PARA; }
    }
    clique *q = calloc(1, sizeof *q);
    q->n = (int) ndev;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->done, NULL);
    for (int r = 0; r < SIM_MAX_DEVICES; r++) q->seen[r] = -1;
    pthread_mutex_lock(&g_comms_lock);
    snprintf(q->name, sizeof q->name, "glm4v-sim-hccl-%d-world%u", ++g_clique_seq, ndev);
    q->refs = (int) ndev;
    for (uint32_t i = 0; i < ndev; i++) {
        q->devices[i] = devices[i];
        sim_comm *c = calloc(1, sizeof *c);
        c->q = q;
        c->rank = (int) i;
        c->device = devices[i];
        atomic_init(&c->refs, 1);
        atomic_init(&c->queued, 0);
        c->next_live = g_comms;
        g_comms = c;
        comms[i] = c;
        sim_live_add(GLM4V_SIM_LIVE_COMMS, 1);
    }
    pthread_mutex_unlock(&g_comms_lock);
    return HCCL_SUCCESS;
}

SIM_EXPORT HcclResult HcclCommDestroy(HcclComm comm) {
    pthread_mutex_lock(&g_comms_lock);
    sim_comm *hit = NULL;
    for (sim_comm **p = &g_comms; *p; p = &(*p)->next_live)
        if (*p == comm) { hit = *p; *p = hit->next_live; break; }
    pthread_mutex_unlock(&g_comms_lock);
    if (!hit) { sim_set_error("EI9999: HcclCommDestroy: %p is not a live communicator", comm); return HCCL_E_PARA; }
    sim_live_add(GLM4V_SIM_LIVE_COMMS, -1);
    /* real HCCL tears the communicator down under a collective that still uses it; the simulator
     * keeps the object until the task ends (to stay memory-safe) and counts the caller's bug */
    if (atomic_load(&hit->queued) > 0) atomic_fetch_add(&g_destroy_while_queued, 1);
    sim_comm_release(hit);
    return HCCL_SUCCESS;
}

void sim_hccl_abort_all(void) {
    pthread_mutex_lock(&g_comms_lock);
    sim_comm *all = g_comms;
    g_comms = NULL;
    pthread_mutex_unlock(&g_comms_lock);
    while (all) {
        sim_comm *n = all->next_live;
        sim_live_add(GLM4V_SIM_LIVE_COMMS, -1);
        sim_comm_release(all);
        all = n;
    }
}

SIM_EXPORT HcclResult HcclGetCommName(HcclComm comm, char *name) {
    if (!name) { sim_set_error("EI9999: HcclGetCommName: name is null"); return HCCL_E_PTR; }
    sim_comm *c = comm_check(comm);
    if (!c) return HCCL_E_PARA;
    snprintf(name, HCCL_COMM_NAME_MAX_LENGTH, "%s", c->q->name);
    sim_comm_release(c);
    return HCCL_SUCCESS;
}

SIM_EXPORT HcclResult HcclGetRankSize(HcclComm comm, uint32_t *size) {
    sim_comm *c = comm_check(comm);
    if (!c || !size) { sim_comm_release(c); return HCCL_E_PARA; }
    *size = (uint32_t) c->q->n;
    sim_comm_release(c);
    return HCCL_SUCCESS;
}

SIM_EXPORT HcclResult HcclGetRankId(HcclComm comm, uint32_t *rank) {
    sim_comm *c = comm_check(comm);
    if (!c || !rank) { sim_comm_release(c); return HCCL_E_PARA; }
    *rank = (uint32_t) c->rank;
    sim_comm_release(c);
    return HCCL_SUCCESS;
}

/* ---- the rendezvous ---- */
static int agree(clique *q) {
    const coll_args *a0 = &q->args[0];
    for (int r = 1; r < q->n; r++) {
        const coll_args *a = &q->args[r];
        if (a->kind != a0->kind || a->count != a0->count || a->dtype != a0->dtype || a->op != a0->op ||
            a->root != a0->root || a->rows != a0->rows || a->cols != a0->cols) {
            snprintf(q->last_text, sizeof q->last_text,
                     "EI9999: HCCL %s on %s: rank %d disagrees with rank 0 on the operation, count, type or shape",
                     KIND_NAME[a0->kind], q->name, r);
            return ACL_ERROR_RT_INTERNAL_ERROR;
        }
    }
    return 0;
}

/* runs with q->lock held, by the last rank to arrive; every other rank's buffers are stable */
static int complete(clique *q) {
    int rc = agree(q);
    if (rc) return rc;
    const coll_args *a0 = &q->args[0];
    int n = q->n;
    if (a0->kind == C_MATMUL_ALLREDUCE) {
        int64_t total = a0->rows * a0->cols;
        float *sum = malloc((size_t) (total ? total : 1) * sizeof(float));
        /* output = allreduce(x1 @ x2 + bias): each rank adds its own bias (optional per rank) to
         * its partial, then the ranks' terms are summed in rank order 0..n-1 in f32 */
        float *bias[SIM_MAX_DEVICES];
        for (int r = 0; r < n; r++) bias[r] = q->args[r].bias ? sim_gather(q->args[r].bias) : NULL;
        for (int64_t i = 0; i < total; i++) {
            float acc = 0.0f;
            for (int r = 0; r < n; r++) {
                float term = q->args[r].partial[i];
                if (bias[r]) term += bias[r][i % a0->cols];
                acc = r == 0 ? term : acc + term;
            }
            sum[i] = acc;
        }
        for (int r = 0; r < n; r++) sim_scatter(q->args[r].out, sum);
        free(sum);
        for (int r = 0; r < n; r++) free(bias[r]);
        return 0;
    }
    int es = sim_dtype_size(a0->dtype);
    uint64_t count = a0->count;
    if (a0->kind == C_ALLREDUCE) {
        double *res = malloc((size_t) (count ? count : 1) * sizeof(double));
        int isFloat = a0->dtype == ACL_FLOAT || a0->dtype == ACL_FLOAT16 || a0->dtype == ACL_BF16;
        for (uint64_t i = 0; i < count; i++) {
            double acc = sim_load(q->args[0].send, a0->dtype, (int64_t) i);
            float facc = (float) acc;
            for (int r = 1; r < n; r++) {
                double v = sim_load(q->args[r].send, a0->dtype, (int64_t) i);
                switch (a0->op) {
                    case HCCL_REDUCE_SUM: acc += v; facc += (float) v; break;
                    case HCCL_REDUCE_PROD: acc *= v; facc *= (float) v; break;
                    case HCCL_REDUCE_MAX: acc = v > acc ? v : acc; facc = (float) acc; break;
                    default: acc = v < acc ? v : acc; facc = (float) acc; break;
                }
            }
            res[i] = isFloat ? (double) facc : acc; /* floats accumulate in f32 */
        }
        for (int r = 0; r < n; r++)
            for (uint64_t i = 0; i < count; i++) sim_store(q->args[r].recv, a0->dtype, (int64_t) i, res[i]);
        free(res);
    } else if (a0->kind == C_ALLGATHER) {
        size_t chunk = (size_t) count * (size_t) es;
        char *all = malloc(chunk * (size_t) n + 1);
        for (int r = 0; r < n; r++) memcpy(all + chunk * (size_t) r, q->args[r].send, chunk);
        for (int r = 0; r < n; r++) memcpy(q->args[r].recv, all, chunk * (size_t) n);
        free(all);
    } else {
        size_t bytes = (size_t) count * (size_t) es;
        const void *src = q->args[a0->root].send;
        for (int r = 0; r < n; r++) if (r != (int) a0->root) memcpy(q->args[r].send, src, bytes);
    }
    return 0;
}

static int rendezvous(sim_comm *c, sim_stream *s, coll_args *a) {
    clique *q = c->q;
    pthread_mutex_lock(&q->lock);
    int64_t gen = q->generation;
    q->args[c->rank] = *a;
    q->present[c->rank] = 1;
    q->seen[c->rank] = gen;
    if (++q->arrived == q->n) {
        int rc = complete(q);
        q->last_error = rc;
        q->generation++;
        q->arrived = 0;
        memset(q->present, 0, sizeof q->present);
        pthread_cond_broadcast(&q->done);
        if (rc) sim_stream_fail(s, rc, "%s", q->last_text);
        pthread_mutex_unlock(&q->lock);
        return rc;
    }
    int64_t timeout = sim_hccl_timeout_ms(), start = sim_now_ms();
    while (q->generation == gen) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 20 * 1000000;
        if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
        pthread_cond_timedwait(&q->done, &q->lock, &until);
        if (q->generation != gen) break;
        int aborted = atomic_load(&s->abort);
        if (aborted || sim_now_ms() - start >= timeout) {
            char missing[256] = "";
            size_t at = 0;
            for (int r = 0; r < q->n && at < sizeof missing; r++)
                if (q->seen[r] != gen) at += (size_t) snprintf(missing + at, sizeof missing - at, at ? ",%d" : "%d", r);
            if (at == 0) snprintf(missing, sizeof missing, "unknown");
            q->present[c->rank] = 0;
            q->arrived--;
            pthread_mutex_unlock(&q->lock);
            sim_stream_fail(s, GLM4V_SIM_ERR_HCCL_EXEC_TIMEOUT,
                            "EI0002: The wait execution of the Notify register times out. Reason: the Notify register has not "
                            "received the Notify record from remote rank: [%s]. tag[%s_%s], rankSize[%d], rankId[%d], device[%d]. "
                            "(simulator: %s after %lld ms; HCCL_EXEC_TIMEOUT sets the limit)",
                            missing, KIND_NAME[a->kind], q->name, q->n, c->rank, s->device,
                            aborted ? "stream destroyed" : "timed out", (long long) (sim_now_ms() - start));
            return GLM4V_SIM_ERR_HCCL_EXEC_TIMEOUT;
        }
    }
    int rc = q->last_error;
    if (rc) sim_stream_fail(s, rc, "%s", q->last_text);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int sim_comm_matmul_allreduce(sim_comm *c, sim_stream *s, const float *partial, int64_t rows, int64_t cols,
                              const sim_desc *bias, const sim_desc *out) {
    coll_args a = {.kind = C_MATMUL_ALLREDUCE, .partial = partial, .rows = rows, .cols = cols, .bias = bias, .out = out, .dtype = out->dtype};
    return rendezvous(c, s, &a);
}

/* ---- HcclAllReduce / AllGather / Broadcast as stream tasks ---- */
typedef struct {
    sim_task task;
    sim_comm *comm;
    coll_args args;
    sim_alloc *sa, *ra;
} coll_task;

static int run_coll(sim_task *t, sim_stream *s) {
    coll_task *c = (coll_task *) t;
    return rendezvous(c->comm, s, &c->args);
}

static void destroy_coll(sim_task *t) {
    coll_task *c = (coll_task *) t;
    sim_alloc_queue(c->sa, -1);
    sim_alloc_queue(c->ra, -1);
    sim_alloc_release(c->sa);
    sim_alloc_release(c->ra);
    sim_comm_queue(c->comm, -1);
    sim_comm_release(c->comm);
    free(c);
}

static aclDataType hccl_type(HcclDataType t) {
    switch (t) {
        case HCCL_DATA_TYPE_INT32: return ACL_INT32;
        case HCCL_DATA_TYPE_INT64: return ACL_INT64;
        case HCCL_DATA_TYPE_FP16: return ACL_FLOAT16;
        case HCCL_DATA_TYPE_FP32: return ACL_FLOAT;
        case HCCL_DATA_TYPE_BFP16: return ACL_BF16;
        default: return ACL_DT_UNDEFINED;
    }
}

static HcclResult enqueue_coll(const char *name, int kind, void *send, void *recv, uint64_t count, uint64_t recvCount,
                               HcclDataType type, int op, uint32_t root, HcclComm comm, aclrtStream stream) {
    aclDataType t = hccl_type(type);
    if (t == ACL_DT_UNDEFINED) { sim_set_error("EI9999: %s: data type %d is not supported by the simulator", name, (int) type); return HCCL_E_NOT_SUPPORT; }
    if (op < HCCL_REDUCE_SUM || op > HCCL_REDUCE_MIN) { sim_set_error("EI9999: %s: invalid reduce op %d", name, op); return HCCL_E_PARA; }
    if (!send || (kind != C_BROADCAST && !recv)) { sim_set_error("EI9999: %s: null buffer", name); return HCCL_E_PTR; }
    sim_comm *c = comm_check(comm);
    if (!c) return HCCL_E_PARA;
    if (kind == C_BROADCAST && (int) root >= c->q->n) { sim_comm_release(c); sim_set_error("EI9999: %s: root %u >= rank size %d", name, root, c->q->n); return HCCL_E_PARA; }
    sim_stream *s = sim_stream_check(stream);
    if (!s) { sim_comm_release(c); return HCCL_E_PARA; }
    if (s->device != c->device) {
        sim_set_error("EI9999: %s: the stream belongs to device %d, the communicator's rank to device %d", name, s->device, c->device);
        sim_comm_release(c);
        sim_stream_release(s);
        return HCCL_E_PARA;
    }
    size_t es = (size_t) sim_dtype_size(t);
    sim_alloc *sa = sim_alloc_find(send, count * es);
    sim_alloc *ra = kind == C_BROADCAST ? NULL : sim_alloc_find(recv, recvCount * es);
    if (!sa || (kind != C_BROADCAST && !ra)) {
        sim_alloc_release(sa); sim_alloc_release(ra); sim_comm_release(c); sim_stream_release(s);
        sim_set_error("EI9999: %s: a buffer of %llu elements is not inside a device allocation", name, (unsigned long long) count);
        return HCCL_E_PTR;
    }
    coll_task *task = calloc(1, sizeof *task);
    task->task.name = name;
    task->task.run = run_coll;
    task->task.destroy = destroy_coll;
    task->comm = c;
    task->sa = sa;
    task->ra = ra;
    sim_alloc_queue(sa, 1);
    sim_alloc_queue(ra, 1);
    sim_comm_queue(c, 1);
    task->args = (coll_args) {.kind = kind, .send = send, .recv = recv, .count = count, .dtype = t, .op = op, .root = root};
    sim_stream_enqueue(s, &task->task);
    sim_stream_release(s);
    return HCCL_SUCCESS;
}

SIM_EXPORT HcclResult HcclAllReduce(void *send, void *recv, uint64_t count, HcclDataType type, HcclReduceOp op,
                                    HcclComm comm, aclrtStream stream) {
    return enqueue_coll("HcclAllReduce", C_ALLREDUCE, send, recv, count, count, type, op, 0, comm, stream);
}

SIM_EXPORT HcclResult HcclAllGather(void *send, void *recv, uint64_t sendCount, HcclDataType type, HcclComm comm,
                                    aclrtStream stream) {
    sim_comm *c = comm_check(comm);
    if (!c) return HCCL_E_PARA;
    uint64_t n = (uint64_t) c->q->n;
    sim_comm_release(c);
    return enqueue_coll("HcclAllGather", C_ALLGATHER, send, recv, sendCount, sendCount * n, type, HCCL_REDUCE_SUM, 0, comm, stream);
}

SIM_EXPORT HcclResult HcclBroadcast(void *buf, uint64_t count, HcclDataType type, uint32_t root, HcclComm comm,
                                    aclrtStream stream) {
    return enqueue_coll("HcclBroadcast", C_BROADCAST, buf, NULL, count, 0, type, HCCL_REDUCE_SUM, root, comm, stream);
}
