/*
 * A C driver of libglm4v_cann_sim for the sanitizers (not part of the Maven build):
 *   gcc -std=c11 -g -fsanitize=thread  -pthread -Isrc/main/native/include src/main/native/sim/*.c src/test/native/sim_stress.c -lm -o /tmp/sim_tsan && /tmp/sim_tsan
 *   gcc -std=c11 -g -fsanitize=address,undefined -pthread -Isrc/main/native/include src/main/native/sim/*.c src/test/native/sim_stress.c -lm -o /tmp/sim_asan && /tmp/sim_asan
 * It drives several cards from their own threads: ops, MatmulAllReduce, HcclAllReduce, an
 * execution error, a collective timeout and a hang released by destroying the stream.
 */
#define _POSIX_C_SOURCE 200809L
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "aclnnop/glm4v_aclnn_ops.h"
#include "glm4v_sim.h"
#include "hccl/hccl.h"

#define RANKS 4
#define CHECK(x) do { int rc_ = (x); if (rc_) { fprintf(stderr, "%s:%d %s = %d (%s)\n", __FILE__, __LINE__, #x, rc_, aclGetRecentErrMsg()); return NULL; } } while (0)

static HcclComm comms[RANKS];
static char group[HCCL_COMM_NAME_MAX_LENGTH];
static int failures;

static aclTensor *tensor(void *p, int64_t r, int64_t c, aclDataType t) {
    int64_t dims[2] = {r, c}, strides[2] = {c, 1};
    return aclCreateTensor(dims, 2, t, strides, 0, ACL_FORMAT_ND, dims, 2, p);
}

static void *rank_main(void *arg) {
    int rank = (int) (intptr_t) arg;
    aclrtContext ctx;
    aclrtStream stream;
    CHECK(aclrtCreateContext(&ctx, rank));
    CHECK(aclrtCreateStream(&stream));
    void *x, *w, *o, *ws = NULL;
    CHECK(aclrtMalloc(&x, 8 * 16 * 2, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK(aclrtMalloc(&w, 16 * 8 * 2, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK(aclrtMalloc(&o, 8 * 8 * 2, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK(aclrtMemset(x, 8 * 16 * 2, 0x3c, 8 * 16 * 2));
    CHECK(aclrtMemset(w, 16 * 8 * 2, 0x3c, 16 * 8 * 2));
    aclTensor *tx = tensor(x, 8, 16, ACL_BF16), *tw = tensor(w, 16, 8, ACL_BF16), *to = tensor(o, 8, 8, ACL_BF16);
    for (int iter = 0; iter < 50; iter++) {
        uint64_t wsSize;
        aclOpExecutor *ex;
        CHECK(aclnnMatmulAllReduceGetWorkspaceSize(tx, tw, NULL, group, "sum", 0, 1, to, &wsSize, &ex));
        if (!ws) CHECK(aclrtMalloc(&ws, wsSize, ACL_MEM_MALLOC_HUGE_FIRST));
        CHECK(aclnnMatmulAllReduce(ws, wsSize, ex, stream));
        CHECK(aclnnSiluGetWorkspaceSize(to, to, &wsSize, &ex));
        CHECK(aclnnSilu(NULL, 0, ex, stream));
        CHECK(HcclAllReduce(o, o, 64, HCCL_DATA_TYPE_BFP16, HCCL_REDUCE_MAX, comms[rank], stream));
    }
    CHECK(aclrtSynchronizeStream(stream));
    /* a timeout: only even ranks join this one */
    if (rank % 2 == 0) {
        CHECK(HcclAllReduce(o, o, 64, HCCL_DATA_TYPE_BFP16, HCCL_REDUCE_SUM, comms[rank], stream));
        int rc = aclrtSynchronizeStream(stream);
        if (rc != GLM4V_SIM_ERR_HCCL_EXEC_TIMEOUT) { fprintf(stderr, "rank %d: expected timeout, got %d\n", rank, rc); failures++; }
    }
    aclDestroyTensor(tx); aclDestroyTensor(tw); aclDestroyTensor(to);
    CHECK(aclrtDestroyStream(stream)); /* queued work, if any, is dropped */
    CHECK(aclrtFree(x)); CHECK(aclrtFree(w)); CHECK(aclrtFree(o)); CHECK(aclrtFree(ws));
    CHECK(aclrtDestroyContext(ctx));
    return NULL;
}

static void *sync_main(void *arg) {
    int rc = aclrtSynchronizeStream(arg); /* blocked on a hung task until the stream is destroyed */
    return (void *) (intptr_t) rc;
}

int main(void) {
    assert(aclInit(NULL) == 0);
    glm4vSimSetHcclTimeoutMs(200);
    int32_t devs[RANKS] = {0, 1, 2, 3};
    assert(HcclCommInitAll(RANKS, devs, comms) == 0);
    assert(HcclGetCommName(comms[0], group) == 0);
    pthread_t th[RANKS];
    for (int r = 0; r < RANKS; r++) pthread_create(&th[r], NULL, rank_main, (void *) (intptr_t) r);
    for (int r = 0; r < RANKS; r++) pthread_join(th[r], NULL);
    /* a hang released by destroying the stream */
    aclrtContext ctx;
    aclrtStream s;
    assert(aclrtCreateContext(&ctx, 5) == 0 && aclrtCreateStream(&s) == 0);
    void *p;
    assert(aclrtMalloc(&p, 64, ACL_MEM_MALLOC_HUGE_FIRST) == 0);
    glm4vSimInjectFault(5, "aclrtMemcpyAsync", 1, GLM4V_SIM_FAULT_HANG);
    assert(aclrtMemcpyAsync(p, 64, p, 32, ACL_MEMCPY_DEVICE_TO_DEVICE, s) == 0);
    assert(aclrtSynchronizeStreamWithTimeout(s, 50) == ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
    assert(aclrtFree(p) == 0); /* the queued copy keeps the memory alive */
    pthread_t waiter;
    pthread_create(&waiter, NULL, sync_main, s);
    struct timespec pause = {0, 50 * 1000000};
    nanosleep(&pause, NULL);
    assert(aclrtDestroyStream(s) == 0); /* while another thread synchronises it */
    void *syncRc;
    pthread_join(waiter, &syncRc);
    assert((intptr_t) syncRc != 0);
    assert(aclrtDestroyContext(ctx) == 0);
    for (int r = 0; r < RANKS; r++) assert(HcclCommDestroy(comms[r]) == 0);
    long long live = (long long) glm4vSimLiveObjects(0);
    assert(aclFinalize() == 0);
    printf("failures %d, live objects %lld\n", failures, live);
    return failures || live;
}
