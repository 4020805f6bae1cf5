/* Internals of libglm4v_cann_sim: devices, allocations, streams, tensors, executors. */
#ifndef GLM4V_SIM_INTERNAL_H_
#define GLM4V_SIM_INTERNAL_H_

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "aclnnop/glm4v_aclnn_ops.h"
#include "hccl/hccl.h"
#include "glm4v_sim.h"

#define SIM_EXPORT __attribute__((visibility("default")))
#define SIM_MAX_DIMS 8
#define SIM_MAX_DEVICES 64
#define SIM_MAX_TENSORS_PER_OP 8

/* ---- errors (sim_runtime.c) ---- */
/* records the text aclGetRecentErrMsg returns on this thread */
void sim_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_live_add(int kind, int delta);

/* ---- device memory (sim_runtime.c) ---- */
typedef struct sim_alloc {
    char *base;
    size_t size;
    int device;
    atomic_int refs; /* the registry's reference (until aclrtFree) + one per executor using it */
    atomic_int queued; /* references held by tasks queued on a stream and not yet finished */
    struct sim_alloc *next;
} sim_alloc;

/* finds the live allocation holding [p, p + bytes) and takes a reference; NULL if none */
sim_alloc *sim_alloc_find(const void *p, size_t bytes);
void sim_alloc_release(sim_alloc *a);
/* a queued task starts (+1) or stops (-1) using a; NULL is ignored */
void sim_alloc_queue(sim_alloc *a, int delta);
int sim_device_count(void);
int sim_current_device(void); /* -1 when the thread has no current context */

/* ---- streams (sim_runtime.c) ---- */
typedef struct sim_stream sim_stream;
typedef struct sim_task {
    const char *name;        /* operator name, for fault injection and messages */
    int (*run)(struct sim_task *task, sim_stream *stream); /* 0 or an aclError */
    void (*destroy)(struct sim_task *task);
    struct sim_task *next;
} sim_task;

struct sim_stream {
    int device;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    sim_task *head, *tail;
    int64_t pending;          /* queued + running */
    int error;                /* sticky: first execution error */
    char error_text[1024];
    atomic_int abort;         /* set by destroy/reset/finalize: hung tasks give up, queue drains */
    int stopping;
    int dead;                 /* the worker has exited */
    int users;                /* API calls using the stream now (destroy waits for them) */
    struct sim_stream *next_live;
};

/* the live stream, referenced (sim_stream_release when done); NULL (error text set) if none */
sim_stream *sim_stream_check(aclrtStream s);
void sim_stream_release(sim_stream *s);
void sim_stream_enqueue(sim_stream *s, sim_task *task);
/* called by a running task to record its failure text (first error wins) */
void sim_stream_fail(sim_stream *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* fault injection: 0 = run normally, else the error the task must end with (a hang happens inside) */
int sim_fault_point(sim_stream *s, const char *opName);
int64_t sim_hccl_timeout_ms(void);
int64_t sim_now_ms(void);

/* ---- tensors (sim_tensor.c) ---- */
typedef struct {
    int ndim;
    int64_t dims[SIM_MAX_DIMS];
    int64_t strides[SIM_MAX_DIMS];
    int64_t offset;
    aclDataType dtype;
    char *data;               /* storage base (the tensor's device address) */
    sim_alloc *alloc;         /* referenced while an executor holds the descriptor */
} sim_desc;

struct aclTensor { sim_desc d; };
struct aclScalar { double value; aclDataType dtype; };
struct aclIntArray { uint64_t size; int64_t *values; };

int sim_dtype_size(aclDataType t);
const char *sim_dtype_name(aclDataType t);
int64_t sim_numel(const sim_desc *d);
int sim_is_contiguous(const sim_desc *d);
int sim_is_transposed_2d(const sim_desc *d); /* last two dims swapped, otherwise dense */
void sim_shape_str(const sim_desc *d, char *buf, size_t n);
double sim_load(const char *base, aclDataType t, int64_t index);
void sim_store(char *base, aclDataType t, int64_t index, double v);
float sim_round(float v, aclDataType t); /* value as stored in dtype t */
/* the view as a dense row-major f32 array (malloc'd) / written back from one, rounding per dtype */
float *sim_gather(const sim_desc *d);
void sim_scatter(const sim_desc *d, const float *src);
/* copy of the view into a dense row-major array of doubles (for casts and integer tensors) */
double *sim_gather_f64(const sim_desc *d);
void sim_scatter_f64(const sim_desc *d, const double *src);

/* ---- executors (sim_ops.c) ---- */
struct aclOpExecutor {
    sim_task task;
    const char *op;
    int ntensors;
    sim_desc t[SIM_MAX_TENSORS_PER_OP];
    int present[SIM_MAX_TENSORS_PER_OP];
    double f[4];
    int64_t i[4];
    uint64_t workspace_needed;
    void *workspace;
    uint64_t workspace_size;
    sim_alloc *ws_alloc;
    int queued; /* enqueued on a stream: its allocations count as queued until it is destroyed */
    char group[HCCL_COMM_NAME_MAX_LENGTH]; /* MatmulAllReduce: the communicator's name */
    struct sim_comm *comm;    /* ... and this rank's communicator, resolved at launch */
    int (*exec)(struct aclOpExecutor *e, sim_stream *s);
};

/* ---- hccl (sim_hccl.c) ---- */
typedef struct sim_comm sim_comm;
/* the live communicator named `group` with its rank on `device`, referenced; NULL if none */
sim_comm *sim_comm_by_name(const char *group, int device);
void sim_comm_release(sim_comm *c);
void sim_comm_queue(sim_comm *c, int delta); /* a queued task starts (+1) or stops (-1) using c */
/* the MatmulAllReduce collective: sums the f32 partials of every rank in rank order, adds bias
 * once and writes each rank's output; 0 or an aclError */
int sim_comm_matmul_allreduce(sim_comm *c, sim_stream *s, const float *partial, int64_t rows,
                              int64_t cols, const sim_desc *bias, const sim_desc *out);
void sim_hccl_abort_all(void);

#endif
