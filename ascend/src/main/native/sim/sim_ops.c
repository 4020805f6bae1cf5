/*
 * libglm4v_cann_sim aclnn operators. Phase one (GetWorkspaceSize) validates every argument and
 * captures the tensor descriptors in an executor; phase two enqueues the executor on a stream,
 * whose worker runs it later. Inputs are read in their dtype, computed in f32 in a fixed order
 * and rounded to the output dtype (round to nearest even).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

/* ---- executors ---- */
static int is_float(aclDataType t) { return t == ACL_FLOAT || t == ACL_FLOAT16 || t == ACL_BF16; }

static void exec_release(aclOpExecutor *e) {
    if (e->queued) {
        for (int i = 0; i < e->ntensors; i++) if (e->present[i]) sim_alloc_queue(e->t[i].alloc, -1);
        sim_alloc_queue(e->ws_alloc, -1);
        sim_comm_queue(e->comm, -1);
    }
    for (int i = 0; i < e->ntensors; i++) if (e->present[i]) sim_alloc_release(e->t[i].alloc);
    if (e->comm) sim_comm_release(e->comm);
    if (e->ws_alloc) sim_alloc_release(e->ws_alloc);
    free(e);
    sim_live_add(GLM4V_SIM_LIVE_EXECUTORS, -1);
}

static int exec_task_run(sim_task *t, sim_stream *s) { return ((aclOpExecutor *) t)->exec((aclOpExecutor *) t, s); }
static void exec_task_destroy(sim_task *t) { exec_release((aclOpExecutor *) t); }

static aclOpExecutor *exec_new(const char *op, int (*fn)(aclOpExecutor *, sim_stream *), int ntensors) {
    aclOpExecutor *e = calloc(1, sizeof *e);
    e->op = op;
    e->task.name = op;
    e->task.run = exec_task_run;
    e->task.destroy = exec_task_destroy;
    e->exec = fn;
    e->ntensors = ntensors;
    sim_live_add(GLM4V_SIM_LIVE_EXECUTORS, 1);
    return e;
}

/* captures tensor i (NULL allowed: optional) and references its allocation */
static int exec_tensor(aclOpExecutor *e, int i, const aclTensor *t, const char *op, const char *arg) {
    if (!t) { e->present[i] = 0; return ACLNN_SUCCESS; }
    e->t[i] = t->d;
    e->t[i].alloc = NULL;
    int64_t n = sim_numel(&t->d);
    if (n > 0) {
        int64_t maxIndex = t->d.offset;
        for (int k = 0; k < t->d.ndim; k++) maxIndex += (t->d.dims[k] - 1) * t->d.strides[k];
        e->t[i].alloc = sim_alloc_find(t->d.data, (size_t) (maxIndex + 1) * (size_t) sim_dtype_size(t->d.dtype));
        if (!e->t[i].alloc) {
            sim_set_error("EZ1001: %s: the memory of %s was freed or the view reaches outside it", op, arg);
            return ACLNN_ERR_PARAM_INVALID;
        }
    }
    e->present[i] = 1;
    return ACLNN_SUCCESS;
}

static aclnnStatus finish(aclOpExecutor *e, int rc, uint64_t *ws, aclOpExecutor **out) {
    if (rc != ACLNN_SUCCESS) { exec_release(e); return rc; }
    *ws = e->workspace_needed;
    *out = e;
    return ACLNN_SUCCESS;
}

static aclnnStatus launch_on(const char *op, void *ws, uint64_t wsSize, aclOpExecutor *e, sim_stream *s);

static aclnnStatus launch(const char *op, void *ws, uint64_t wsSize, aclOpExecutor *e, aclrtStream stream) {
    if (!e) { sim_set_error("EZ1001: %s: executor is nullptr", op); return ACLNN_ERR_PARAM_NULLPTR; }
    if (strcmp(e->op, op) != 0) {
        sim_set_error("EZ1001: %s: the executor was built by %sGetWorkspaceSize", op, e->op);
        return ACLNN_ERR_PARAM_INVALID;
    }
    /* from here the executor is consumed: enqueued, or released on a failed launch */
    sim_stream *s = sim_stream_check(stream);
    if (!s) { exec_release(e); return ACLNN_ERR_PARAM_INVALID; }
    int rc = launch_on(op, ws, wsSize, e, s);
    sim_stream_release(s);
    return rc;
}

static aclnnStatus launch_on(const char *op, void *ws, uint64_t wsSize, aclOpExecutor *e, sim_stream *s) {
    if (wsSize < e->workspace_needed || (e->workspace_needed > 0 && !ws)) {
        sim_set_error("EZ1001: %s: workspace of %llu bytes at %p given, %llu needed", op,
                      (unsigned long long) wsSize, ws, (unsigned long long) e->workspace_needed);
        exec_release(e);
        return ACLNN_ERR_PARAM_INVALID;
    }
    if (e->workspace_needed > 0) {
        e->ws_alloc = sim_alloc_find(ws, e->workspace_needed);
        if (!e->ws_alloc || e->ws_alloc->device != s->device) {
            sim_set_error("EZ1001: %s: the workspace is not device memory of device %d", op, s->device);
            exec_release(e);
            return ACLNN_ERR_PARAM_INVALID;
        }
        e->workspace = ws;
        e->workspace_size = wsSize;
    }
    for (int i = 0; i < e->ntensors; i++) {
        if (e->present[i] && e->t[i].alloc && e->t[i].alloc->device != s->device) {
            sim_set_error("EZ1001: %s: tensor %d lives on device %d but the stream belongs to device %d", op, i,
                          e->t[i].alloc->device, s->device);
            exec_release(e);
            return ACLNN_ERR_PARAM_INVALID;
        }
    }
    if (e->group[0]) {
        e->comm = sim_comm_by_name(e->group, s->device);
        if (!e->comm) {
            sim_set_error("EZ1001: %s: no HCCL communicator named \"%s\" has a rank on device %d", op, e->group, s->device);
            exec_release(e);
            return ACLNN_ERR_PARAM_INVALID;
        }
    }
    e->queued = 1;
    for (int i = 0; i < e->ntensors; i++) if (e->present[i]) sim_alloc_queue(e->t[i].alloc, 1);
    sim_alloc_queue(e->ws_alloc, 1);
    sim_comm_queue(e->comm, 1);
    sim_stream_enqueue(s, &e->task);
    return ACLNN_SUCCESS;
}

#define SIM_LAUNCH(name)                                                                           \
    SIM_EXPORT aclnnStatus name(void *ws, uint64_t wsSize, aclOpExecutor *e, aclrtStream stream) { \
        return launch(#name, ws, wsSize, e, stream);                                               \
    }

/* ---- argument checks: each sets the message and returns the aclnn status ---- */
#define CHECK(cond, status, ...)                                                     \
    do {                                                                             \
        if (!(cond)) { sim_set_error(__VA_ARGS__); return (status); }                \
    } while (0)
#define CHECK_NULL(op, p) CHECK((p) != NULL, ACLNN_ERR_PARAM_NULLPTR, "EZ1001: %s: %s is nullptr", op, #p)
#define CHECK_FLOAT(op, t, name)                                                                     \
    CHECK(is_float((t)->d.dtype), ACLNN_ERR_PARAM_INVALID,                                          \
          "EZ1001: %s: %s has data type %s, expected DT_FLOAT, DT_FLOAT16 or DT_BF16", op, name,     \
          sim_dtype_name((t)->d.dtype))

static int same_shape(const sim_desc *a, const sim_desc *b) {
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++) if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

static int shape_error(const char *op, const char *what, const sim_desc *a, const sim_desc *b) {
    char sa[256], sb[256];
    sim_shape_str(a, sa, sizeof sa);
    sim_shape_str(b, sb, sizeof sb);
    sim_set_error("EZ1001: %s: %s: %s vs %s", op, what, sa, sb);
    return ACLNN_ERR_PARAM_INVALID;
}

/* can `in` broadcast to `out` (numpy rules, trailing dims aligned)? */
static int broadcasts_to(const sim_desc *in, const sim_desc *out) {
    if (in->ndim > out->ndim) return 0;
    for (int i = 0; i < in->ndim; i++) {
        int64_t a = in->dims[in->ndim - 1 - i], b = out->dims[out->ndim - 1 - i];
        if (a != b && a != 1) return 0;
    }
    return 1;
}

/* the broadcast result shape of a and b equals out? */
static int broadcast_shape_is(const sim_desc *a, const sim_desc *b, const sim_desc *out) {
    int r = a->ndim > b->ndim ? a->ndim : b->ndim;
    if (out->ndim != r) return 0;
    for (int i = 0; i < r; i++) {
        int64_t x = i < a->ndim ? a->dims[a->ndim - 1 - i] : 1;
        int64_t y = i < b->ndim ? b->dims[b->ndim - 1 - i] : 1;
        if (x != y && x != 1 && y != 1) return 0;
        if (out->dims[out->ndim - 1 - i] != (x > y ? x : y)) return 0;
    }
    return 1;
}

/* dense copy of `in` expanded to out's shape (in must broadcast to out) */
static float *gather_broadcast(const sim_desc *in, const sim_desc *out) {
    float *src = sim_gather(in);
    int64_t n = sim_numel(out);
    int64_t bstride[SIM_MAX_DIMS], idx[SIM_MAX_DIMS] = {0};
    int64_t dense = 1;
    for (int j = out->ndim - 1; j >= 0; j--) {
        int i = j - (out->ndim - in->ndim);
        if (i < 0 || in->dims[i] == 1) bstride[j] = 0;
        else bstride[j] = dense;
        if (i >= 0) dense *= in->dims[i];
    }
    float *res = malloc((size_t) (n ? n : 1) * sizeof(float));
    int64_t off = 0;
    for (int64_t k = 0; k < n; k++) {
        res[k] = src[off];
        for (int j = out->ndim - 1; j >= 0; j--) {
            off += bstride[j];
            if (++idx[j] < out->dims[j]) break;
            off -= bstride[j] * out->dims[j];
            idx[j] = 0;
        }
    }
    free(src);
    return res;
}

/* ---- Matmul / BatchMatMul: out (..., m, n) = self (..., m, k) @ mat2 ([b,] k, n) ---- */
static void matmul_f32(const float *a, const float *b, float *c, int64_t m, int64_t k, int64_t n) {
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            float acc = 0.0f; /* one dot product, accumulated p = 0 .. k-1 */
            for (int64_t p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
            c[i * n + j] = acc;
        }
}

static int exec_matmul(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    const sim_desc *x = &e->t[0], *w = &e->t[1], *o = &e->t[2];
    int64_t k = x->dims[x->ndim - 1], n = w->dims[w->ndim - 1];
    int64_t m = x->ndim >= 2 ? x->dims[x->ndim - 2] : 1;
    int64_t batch = sim_numel(o) / (m * n > 0 ? m * n : 1);
    float *a = sim_gather(x), *b = sim_gather(w);
    float *c = malloc((size_t) (sim_numel(o) ? sim_numel(o) : 1) * sizeof(float));
    for (int64_t bi = 0; bi < batch; bi++)
        matmul_f32(a + (x->ndim == 3 ? bi * m * k : 0), b + (w->ndim == 3 ? bi * k * n : 0), c + bi * m * n, m, k, n);
    sim_scatter(o, c);
    free(a); free(b); free(c);
    return 0;
}

static aclnnStatus matmul_prepare(const char *op, const aclTensor *self, const aclTensor *mat2, aclTensor *out,
                                  int8_t cubeMathType, int batched, uint64_t *ws, aclOpExecutor **ex) {
    CHECK_NULL(op, self); CHECK_NULL(op, mat2); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, self, "self"); CHECK_FLOAT(op, mat2, "mat2"); CHECK_FLOAT(op, out, "out");
    CHECK(cubeMathType >= 0 && cubeMathType <= 3, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: cubeMathType %d not in 0..3", op, cubeMathType);
    const sim_desc *x = &self->d, *w = &mat2->d, *o = &out->d;
    if (batched) {
        if (x->ndim != 3 || w->ndim != 3 || x->dims[0] != w->dims[0]) return shape_error(op, "self and mat2 must be (b,m,k) and (b,k,n)", x, w);
    } else {
        if (x->ndim < 2 || x->ndim > 3 || w->ndim < 2 || w->ndim > 3 || (w->ndim == 3 && (x->ndim != 3 || w->dims[0] != x->dims[0])))
            return shape_error(op, "self must be (m,k) or (b,m,k), mat2 (k,n) or (b,k,n)", x, w);
    }
    if (x->dims[x->ndim - 1] != w->dims[w->ndim - 2]) return shape_error(op, "self's k differs from mat2's k", x, w);
    int ok = o->ndim == x->ndim && o->dims[o->ndim - 1] == w->dims[w->ndim - 1];
    for (int i = 0; ok && i < x->ndim - 1; i++) ok = o->dims[i] == x->dims[i];
    if (!ok) return shape_error(op, "out must be (..., m, n)", o, x);
    aclOpExecutor *e = exec_new(op, exec_matmul, 3);
    int rc = exec_tensor(e, 0, self, op, "self");
    if (!rc) rc = exec_tensor(e, 1, mat2, op, "mat2");
    if (!rc) rc = exec_tensor(e, 2, out, op, "out");
    return finish(e, rc, ws, ex);
}

SIM_EXPORT aclnnStatus aclnnMatmulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2, aclTensor *out,
                                                   int8_t cubeMathType, uint64_t *ws, aclOpExecutor **ex) {
    return matmul_prepare("aclnnMatmul", self, mat2, out, cubeMathType, 0, ws, ex);
}
SIM_LAUNCH(aclnnMatmul)

SIM_EXPORT aclnnStatus aclnnBatchMatMulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2, aclTensor *out,
                                                        int8_t cubeMathType, uint64_t *ws, aclOpExecutor **ex) {
    return matmul_prepare("aclnnBatchMatMul", self, mat2, out, cubeMathType, 1, ws, ex);
}
SIM_LAUNCH(aclnnBatchMatMul)

/* ---- Add / Mul (broadcasting) and Muls ---- */
static int exec_binary(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    const sim_desc *o = &e->t[2];
    int64_t n = sim_numel(o);
    float *a = gather_broadcast(&e->t[0], o), *b = gather_broadcast(&e->t[1], o);
    float alpha = (float) e->f[0];
    if (e->i[0] == 0) for (int64_t k = 0; k < n; k++) a[k] = a[k] + alpha * b[k]; /* add */
    else for (int64_t k = 0; k < n; k++) a[k] = a[k] * b[k];                       /* mul */
    sim_scatter(o, a);
    free(a); free(b);
    return 0;
}

static aclnnStatus binary_prepare(const char *op, const aclTensor *self, const aclTensor *other, double alpha,
                                  int mul, aclTensor *out, uint64_t *ws, aclOpExecutor **ex) {
    CHECK_NULL(op, self); CHECK_NULL(op, other); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, self, "self"); CHECK_FLOAT(op, other, "other"); CHECK_FLOAT(op, out, "out");
    if (!broadcast_shape_is(&self->d, &other->d, &out->d)) return shape_error(op, "self and other do not broadcast to out", &self->d, &out->d);
    aclOpExecutor *e = exec_new(op, exec_binary, 3);
    e->f[0] = alpha;
    e->i[0] = mul;
    int rc = exec_tensor(e, 0, self, op, "self");
    if (!rc) rc = exec_tensor(e, 1, other, op, "other");
    if (!rc) rc = exec_tensor(e, 2, out, op, "out");
    return finish(e, rc, ws, ex);
}

SIM_EXPORT aclnnStatus aclnnAddGetWorkspaceSize(const aclTensor *self, const aclTensor *other, const aclScalar *alpha,
                                                aclTensor *out, uint64_t *ws, aclOpExecutor **ex) {
    CHECK_NULL("aclnnAdd", alpha);
    return binary_prepare("aclnnAdd", self, other, alpha->value, 0, out, ws, ex);
}
SIM_LAUNCH(aclnnAdd)

SIM_EXPORT aclnnStatus aclnnMulGetWorkspaceSize(const aclTensor *self, const aclTensor *other, aclTensor *out,
                                                uint64_t *ws, aclOpExecutor **ex) {
    return binary_prepare("aclnnMul", self, other, 1.0, 1, out, ws, ex);
}
SIM_LAUNCH(aclnnMul)

/* unary ops: i[0] selects the function, f[0] a parameter */
enum { U_MULS, U_SILU, U_GELU_ERF, U_GELU_TANH };

static int exec_unary(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    int64_t n = sim_numel(&e->t[0]);
    float *x = sim_gather(&e->t[0]);
    float c = (float) e->f[0];
    for (int64_t k = 0; k < n; k++) {
        float v = x[k];
        switch (e->i[0]) {
            case U_MULS: x[k] = v * c; break;
            case U_SILU: x[k] = v / (1.0f + expf(-v)); break;
            case U_GELU_ERF: x[k] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)); break;
            default: x[k] = 0.5f * v * (1.0f + tanhf(0.79788456080286536f * (v + 0.044715f * v * v * v))); break;
        }
    }
    sim_scatter(&e->t[1], x);
    free(x);
    return 0;
}

static aclnnStatus unary_prepare(const char *op, const aclTensor *self, aclTensor *out, int fn, double c,
                                 uint64_t *ws, aclOpExecutor **ex) {
    CHECK_NULL(op, self); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, self, "self"); CHECK_FLOAT(op, out, "out");
    if (!same_shape(&self->d, &out->d)) return shape_error(op, "self and out differ in shape", &self->d, &out->d);
    aclOpExecutor *e = exec_new(op, exec_unary, 2);
    e->i[0] = fn;
    e->f[0] = c;
    int rc = exec_tensor(e, 0, self, op, "self");
    if (!rc) rc = exec_tensor(e, 1, out, op, "out");
    return finish(e, rc, ws, ex);
}

SIM_EXPORT aclnnStatus aclnnMulsGetWorkspaceSize(const aclTensor *self, const aclScalar *other, aclTensor *out,
                                                 uint64_t *ws, aclOpExecutor **ex) {
    CHECK_NULL("aclnnMuls", other);
    return unary_prepare("aclnnMuls", self, out, U_MULS, other->value, ws, ex);
}
SIM_LAUNCH(aclnnMuls)

SIM_EXPORT aclnnStatus aclnnSiluGetWorkspaceSize(const aclTensor *self, aclTensor *out, uint64_t *ws, aclOpExecutor **ex) {
    return unary_prepare("aclnnSilu", self, out, U_SILU, 0, ws, ex);
}
SIM_LAUNCH(aclnnSilu)

SIM_EXPORT aclnnStatus aclnnGeluV2GetWorkspaceSize(const aclTensor *x, int64_t approximate, aclTensor *y,
                                                   uint64_t *ws, aclOpExecutor **ex) {
    CHECK(approximate == 0 || approximate == 1, ACLNN_ERR_PARAM_INVALID,
          "EZ1001: aclnnGeluV2: approximate %lld not in {0 (none), 1 (tanh)}", (long long) approximate);
    return unary_prepare("aclnnGeluV2", x, y, approximate ? U_GELU_TANH : U_GELU_ERF, 0, ws, ex);
}
SIM_LAUNCH(aclnnGeluV2)

/* ---- RmsNorm and LayerNorm: normalise over the trailing `inner` elements of each row ---- */
static int exec_norm(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    int layer = (int) e->i[0];
    int64_t inner = e->i[1], rows = sim_numel(&e->t[0]) / (inner ? inner : 1);
    float eps = (float) e->f[0];
    float *x = sim_gather(&e->t[0]);
    float *w = e->present[1] ? sim_gather(&e->t[1]) : NULL;
    float *b = e->present[2] ? sim_gather(&e->t[2]) : NULL;
    float *mean = malloc((size_t) (rows ? rows : 1) * sizeof(float)), *rstd = malloc((size_t) (rows ? rows : 1) * sizeof(float));
    for (int64_t r = 0; r < rows; r++) {
        float *row = x + r * inner, mu = 0.0f, acc = 0.0f;
        if (layer) {
            for (int64_t j = 0; j < inner; j++) mu += row[j];
            mu /= (float) inner;
            for (int64_t j = 0; j < inner; j++) acc += (row[j] - mu) * (row[j] - mu);
        } else {
            for (int64_t j = 0; j < inner; j++) acc += row[j] * row[j];
        }
        float rs = 1.0f / sqrtf(acc / (float) inner + eps);
        mean[r] = mu;
        rstd[r] = rs;
        for (int64_t j = 0; j < inner; j++) {
            float v = (row[j] - mu) * rs;
            if (w) v *= w[j];
            if (b) v += b[j];
            row[j] = v;
        }
    }
    sim_scatter(&e->t[3], x);
    if (e->present[4]) sim_scatter(&e->t[4], mean);
    if (e->present[5]) sim_scatter(&e->t[5], rstd);
    free(x); free(w); free(b); free(mean); free(rstd);
    return 0;
}

/* checks that `stat` holds one value per row (rank of x, normalised dims 1, or just the rows) */
static int stat_ok(const sim_desc *x, int inner_dims, const sim_desc *stat) {
    int64_t rows = 1;
    for (int i = 0; i < x->ndim - inner_dims; i++) rows *= x->dims[i];
    return sim_numel(stat) == rows;
}

/* CANN's RmsNorm wants rstd with x's rank: x's leading dims, then 1 for every dim gamma covers */
static int rms_rstd_ok(const sim_desc *x, int inner_dims, const sim_desc *stat) {
    if (stat->ndim != x->ndim) return 0;
    for (int i = 0; i < x->ndim; i++) {
        int64_t want = i < x->ndim - inner_dims ? x->dims[i] : 1;
        if (stat->dims[i] != want) return 0;
    }
    return 1;
}

SIM_EXPORT aclnnStatus aclnnRmsNormGetWorkspaceSize(const aclTensor *x, const aclTensor *gamma, double epsilon,
                                                    const aclTensor *yOut, const aclTensor *rstdOut,
                                                    uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnRmsNorm";
    CHECK_NULL(op, x); CHECK_NULL(op, gamma); CHECK_NULL(op, yOut); CHECK_NULL(op, rstdOut); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, x, "x"); CHECK_FLOAT(op, gamma, "gamma"); CHECK_FLOAT(op, yOut, "yOut");
    CHECK(rstdOut->d.dtype == ACL_FLOAT, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: rstdOut must be DT_FLOAT, got %s", op, sim_dtype_name(rstdOut->d.dtype));
    const sim_desc *xd = &x->d, *g = &gamma->d;
    int ok = g->ndim >= 1 && g->ndim <= xd->ndim;
    int64_t inner = 1;
    for (int i = 0; ok && i < g->ndim; i++) { ok = g->dims[i] == xd->dims[xd->ndim - g->ndim + i]; inner *= g->dims[i]; }
    if (!ok) return shape_error(op, "gamma must equal the trailing dims of x", g, xd);
    if (!same_shape(xd, &yOut->d)) return shape_error(op, "yOut must have x's shape", &yOut->d, xd);
    if (!rms_rstd_ok(xd, g->ndim, &rstdOut->d))
        return shape_error(op, "rstdOut must have x's rank, x's leading dims and 1 for each of gamma's dims", &rstdOut->d, xd);
    CHECK(epsilon >= 0, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: epsilon %g < 0", op, epsilon);
    aclOpExecutor *e = exec_new(op, exec_norm, 6);
    e->i[0] = 0; e->i[1] = inner; e->f[0] = epsilon;
    int rc = exec_tensor(e, 0, x, op, "x");
    if (!rc) rc = exec_tensor(e, 1, gamma, op, "gamma");
    if (!rc) rc = exec_tensor(e, 3, yOut, op, "yOut");
    if (!rc) rc = exec_tensor(e, 5, rstdOut, op, "rstdOut");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnRmsNorm)

SIM_EXPORT aclnnStatus aclnnLayerNormGetWorkspaceSize(const aclTensor *input, const aclIntArray *normalizedShape,
                                                      const aclTensor *weight, const aclTensor *bias, double eps,
                                                      aclTensor *out, aclTensor *meanOut, aclTensor *rstdOut,
                                                      uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnLayerNorm";
    CHECK_NULL(op, input); CHECK_NULL(op, normalizedShape); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, input, "input"); CHECK_FLOAT(op, out, "out");
    const sim_desc *x = &input->d;
    int nd = (int) normalizedShape->size;
    int ok = nd >= 1 && nd <= x->ndim;
    int64_t inner = 1;
    for (int i = 0; ok && i < nd; i++) { ok = normalizedShape->values[i] == x->dims[x->ndim - nd + i]; inner *= normalizedShape->values[i]; }
    CHECK(ok, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: normalizedShape (%d dims) must equal the trailing dims of input", op, nd);
    const aclTensor *opt[2] = {weight, bias};
    for (int i = 0; i < 2; i++) {
        if (!opt[i]) continue;
        CHECK_FLOAT(op, opt[i], i ? "bias" : "weight");
        CHECK(sim_numel(&opt[i]->d) == inner && opt[i]->d.ndim == nd, ACLNN_ERR_PARAM_INVALID,
              "EZ1001: %s: %s must have normalizedShape", op, i ? "bias" : "weight");
    }
    if (!same_shape(x, &out->d)) return shape_error(op, "out must have input's shape", &out->d, x);
    const aclTensor *stats[2] = {meanOut, rstdOut};
    for (int i = 0; i < 2; i++) {
        if (!stats[i]) continue;
        CHECK_FLOAT(op, stats[i], i ? "rstdOut" : "meanOut");
        if (!stat_ok(x, nd, &stats[i]->d)) return shape_error(op, "meanOut/rstdOut must hold one value per row", &stats[i]->d, x);
    }
    aclOpExecutor *e = exec_new(op, exec_norm, 6);
    e->i[0] = 1; e->i[1] = inner; e->f[0] = eps;
    int rc = exec_tensor(e, 0, input, op, "input");
    if (!rc) rc = exec_tensor(e, 1, weight, op, "weight");
    if (!rc) rc = exec_tensor(e, 2, bias, op, "bias");
    if (!rc) rc = exec_tensor(e, 3, out, op, "out");
    if (!rc) rc = exec_tensor(e, 4, meanOut, op, "meanOut");
    if (!rc) rc = exec_tensor(e, 5, rstdOut, op, "rstdOut");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnLayerNorm)

/* ---- Softmax over one dim ---- */
static int exec_softmax(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    const sim_desc *x = &e->t[0];
    int dim = (int) e->i[0];
    int64_t len = x->dims[dim], inner = 1, outer = 1;
    for (int i = dim + 1; i < x->ndim; i++) inner *= x->dims[i];
    for (int i = 0; i < dim; i++) outer *= x->dims[i];
    float *v = sim_gather(x);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t in = 0; in < inner; in++) {
            float *base = v + o * len * inner + in;
            float mx = -INFINITY, sum = 0.0f;
            for (int64_t j = 0; j < len; j++) if (base[j * inner] > mx) mx = base[j * inner];
            for (int64_t j = 0; j < len; j++) { base[j * inner] = expf(base[j * inner] - mx); sum += base[j * inner]; }
            for (int64_t j = 0; j < len; j++) base[j * inner] /= sum;
        }
    sim_scatter(&e->t[1], v);
    free(v);
    return 0;
}

SIM_EXPORT aclnnStatus aclnnSoftmaxGetWorkspaceSize(const aclTensor *self, int64_t dim, aclTensor *out,
                                                    uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnSoftmax";
    CHECK_NULL(op, self); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, self, "self"); CHECK_FLOAT(op, out, "out");
    int r = self->d.ndim;
    CHECK(r >= 1 && dim >= -r && dim < r, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: dim %lld out of range for %d dims", op, (long long) dim, r);
    if (!same_shape(&self->d, &out->d)) return shape_error(op, "self and out differ in shape", &self->d, &out->d);
    aclOpExecutor *e = exec_new(op, exec_softmax, 2);
    e->i[0] = dim < 0 ? dim + r : dim;
    int rc = exec_tensor(e, 0, self, op, "self");
    if (!rc) rc = exec_tensor(e, 1, out, op, "out");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnSoftmax)

/* ---- Embedding: out (indices..., H) = weight (V, H)[indices] ---- */
static int exec_embedding(aclOpExecutor *e, sim_stream *s) {
    const sim_desc *w = &e->t[0], *ix = &e->t[1];
    int64_t V = w->dims[0], H = w->dims[1], n = sim_numel(ix);
    double *idx = sim_gather_f64(ix);
    float *out = malloc((size_t) (n * H > 0 ? n * H : 1) * sizeof(float));
    for (int64_t r = 0; r < n; r++) {
        int64_t id = (int64_t) idx[r];
        if (id < 0 || id >= V) {
            sim_stream_fail(s, ACL_ERROR_RT_AICORE_EXCEPTION,
                            "EZ9999: Inner Error! The error from device(%d): aclnnEmbedding index %lld at position %lld "
                            "is outside the weight's %lld rows (aicore exception)", s->device, (long long) id, (long long) r, (long long) V);
            free(idx); free(out);
            return ACL_ERROR_RT_AICORE_EXCEPTION;
        }
        for (int64_t h = 0; h < H; h++)
            out[r * H + h] = (float) sim_load(w->data, w->dtype, w->offset + id * w->strides[0] + h * w->strides[1]);
    }
    sim_scatter(&e->t[2], out);
    free(idx); free(out);
    return 0;
}

SIM_EXPORT aclnnStatus aclnnEmbeddingGetWorkspaceSize(const aclTensor *weight, const aclTensor *indices, const aclTensor *out,
                                                      uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnEmbedding";
    CHECK_NULL(op, weight); CHECK_NULL(op, indices); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, weight, "weight"); CHECK_FLOAT(op, out, "out");
    CHECK(indices->d.dtype == ACL_INT32 || indices->d.dtype == ACL_INT64, ACLNN_ERR_PARAM_INVALID,
          "EZ1001: %s: indices must be DT_INT32 or DT_INT64, got %s", op, sim_dtype_name(indices->d.dtype));
    if (weight->d.ndim != 2) return shape_error(op, "weight must be (V, H)", &weight->d, &weight->d);
    int ok = out->d.ndim == indices->d.ndim + 1 && out->d.dims[out->d.ndim - 1] == weight->d.dims[1];
    for (int i = 0; ok && i < indices->d.ndim; i++) ok = out->d.dims[i] == indices->d.dims[i];
    if (!ok) return shape_error(op, "out must be (indices..., H)", &out->d, &indices->d);
    aclOpExecutor *e = exec_new(op, exec_embedding, 3);
    int rc = exec_tensor(e, 0, weight, op, "weight");
    if (!rc) rc = exec_tensor(e, 1, indices, op, "indices");
    if (!rc) rc = exec_tensor(e, 2, out, op, "out");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnEmbedding)

/* ---- Cast and InplaceCopy: element copies through double (exact for the integer types) ---- */
static int exec_copy(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    const sim_desc *src = &e->t[0], *dst = &e->t[1];
    double *v = sim_gather_f64(src);
    if (same_shape(src, dst)) {
        sim_scatter_f64(dst, v);
    } else { /* broadcast src to dst */
        int64_t n = sim_numel(dst), idx[SIM_MAX_DIMS] = {0}, bstride[SIM_MAX_DIMS], dense = 1, off = 0;
        for (int j = dst->ndim - 1; j >= 0; j--) {
            int i = j - (dst->ndim - src->ndim);
            bstride[j] = (i < 0 || src->dims[i] == 1) ? 0 : dense;
            if (i >= 0) dense *= src->dims[i];
        }
        double *x = malloc((size_t) (n ? n : 1) * sizeof(double));
        for (int64_t k = 0; k < n; k++) {
            x[k] = v[off];
            for (int j = dst->ndim - 1; j >= 0; j--) {
                off += bstride[j];
                if (++idx[j] < dst->dims[j]) break;
                off -= bstride[j] * dst->dims[j];
                idx[j] = 0;
            }
        }
        sim_scatter_f64(dst, x);
        free(x);
    }
    free(v);
    return 0;
}

SIM_EXPORT aclnnStatus aclnnCastGetWorkspaceSize(const aclTensor *self, aclDataType dtype, aclTensor *out,
                                                 uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnCast";
    CHECK_NULL(op, self); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK(out->d.dtype == dtype, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: out is %s but dtype %s was asked", op,
          sim_dtype_name(out->d.dtype), sim_dtype_name(dtype));
    if (!same_shape(&self->d, &out->d)) return shape_error(op, "self and out differ in shape", &self->d, &out->d);
    aclOpExecutor *e = exec_new(op, exec_copy, 2);
    int rc = exec_tensor(e, 0, self, op, "self");
    if (!rc) rc = exec_tensor(e, 1, out, op, "out");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnCast)

SIM_EXPORT aclnnStatus aclnnInplaceCopyGetWorkspaceSize(aclTensor *selfRef, const aclTensor *src,
                                                        uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnInplaceCopy";
    CHECK_NULL(op, selfRef); CHECK_NULL(op, src); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    if (!broadcasts_to(&src->d, &selfRef->d)) return shape_error(op, "src does not broadcast to selfRef", &src->d, &selfRef->d);
    aclOpExecutor *e = exec_new(op, exec_copy, 2);
    int rc = exec_tensor(e, 0, src, op, "src");
    if (!rc) rc = exec_tensor(e, 1, selfRef, op, "selfRef");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnInplaceCopy)

/* ---- RotaryPositionEmbedding: x (4-D, last dim D) with cos/sin broadcast to x ---- */
static int exec_rope(aclOpExecutor *e, sim_stream *s) {
    (void) s;
    const sim_desc *xd = &e->t[0];
    int64_t n = sim_numel(xd), D = xd->dims[xd->ndim - 1], half = D / 2;
    float *x = sim_gather(xd), *c = gather_broadcast(&e->t[1], xd), *sn = gather_broadcast(&e->t[2], xd);
    float *o = malloc((size_t) (n ? n : 1) * sizeof(float));
    for (int64_t r = 0; r < n; r += D) {
        const float *xr = x + r, *cr = c + r, *sr = sn + r;
        float *orow = o + r;
        if (e->i[0] == 0) { /* half: x * cos + rotate_half(x) * sin, rotate_half = cat(-x2, x1) */
            for (int64_t j = 0; j < D; j++) orow[j] = xr[j] * cr[j] + (j < half ? -xr[j + half] : xr[j - half]) * sr[j];
        } else {             /* interleaved pairs (x0, x1), (x2, x3), ... */
            for (int64_t j = 0; j < D; j += 2) {
                orow[j] = xr[j] * cr[j] - xr[j + 1] * sr[j];
                orow[j + 1] = xr[j + 1] * cr[j + 1] + xr[j] * sr[j + 1];
            }
        }
    }
    sim_scatter(&e->t[3], o);
    free(x); free(c); free(sn); free(o);
    return 0;
}

SIM_EXPORT aclnnStatus aclnnRotaryPositionEmbeddingGetWorkspaceSize(const aclTensor *x, const aclTensor *cos, const aclTensor *sin,
                                                                    int64_t mode, aclTensor *out, uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnRotaryPositionEmbedding";
    CHECK_NULL(op, x); CHECK_NULL(op, cos); CHECK_NULL(op, sin); CHECK_NULL(op, out); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    CHECK_FLOAT(op, x, "x"); CHECK_FLOAT(op, cos, "cos"); CHECK_FLOAT(op, sin, "sin"); CHECK_FLOAT(op, out, "out");
    CHECK(cos->d.dtype == x->d.dtype && sin->d.dtype == x->d.dtype, ACLNN_ERR_PARAM_INVALID,
          "EZ1001: %s: cos (%s) and sin (%s) must have x's data type %s", op, sim_dtype_name(cos->d.dtype),
          sim_dtype_name(sin->d.dtype), sim_dtype_name(x->d.dtype));
    CHECK(mode == 0 || mode == 1, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: mode %lld not in {0 (half), 1 (interleave)}", op, (long long) mode);
    if (x->d.ndim != 4 || cos->d.ndim != 4 || sin->d.ndim != 4) return shape_error(op, "x, cos and sin must be 4-D", &x->d, &cos->d);
    int64_t D = x->d.dims[3];
    CHECK(D % 2 == 0, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: the last dim %lld of x must be even", op, (long long) D);
    if (cos->d.dims[3] != D || sin->d.dims[3] != D || !broadcasts_to(&cos->d, &x->d) || !broadcasts_to(&sin->d, &x->d))
        return shape_error(op, "cos/sin must broadcast to x with the same last dim", &cos->d, &x->d);
    if (!same_shape(&x->d, &out->d)) return shape_error(op, "out must have x's shape", &out->d, &x->d);
    aclOpExecutor *e = exec_new(op, exec_rope, 4);
    e->i[0] = mode;
    int rc = exec_tensor(e, 0, x, op, "x");
    if (!rc) rc = exec_tensor(e, 1, cos, op, "cos");
    if (!rc) rc = exec_tensor(e, 2, sin, op, "sin");
    if (!rc) rc = exec_tensor(e, 3, out, op, "out");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnRotaryPositionEmbedding)

/* ---- MatmulAllReduce: output = sum over ranks (x1 @ x2 + bias), each rank's bias optional ---- */
static int exec_matmul_allreduce(aclOpExecutor *e, sim_stream *s) {
    const sim_desc *x = &e->t[0], *w = &e->t[1];
    int64_t k = x->dims[x->ndim - 1], n = w->dims[1], m = sim_numel(x) / (k ? k : 1);
    float *partial = e->workspace; /* (m, n) f32 in the op's workspace */
    float *a = sim_gather(x), *b = sim_gather(w);
    matmul_f32(a, b, partial, m, k, n);
    free(a); free(b);
    return sim_comm_matmul_allreduce(e->comm, s, partial, m, n, e->present[2] ? &e->t[2] : NULL, &e->t[3]);
}

SIM_EXPORT aclnnStatus aclnnMatmulAllReduceGetWorkspaceSize(const aclTensor *x1, const aclTensor *x2, const aclTensor *bias,
                                                            const char *group, const char *reduceOp, int64_t commTurn,
                                                            int64_t streamMode, const aclTensor *output,
                                                            uint64_t *ws, aclOpExecutor **ex) {
    const char *op = "aclnnMatmulAllReduce";
    CHECK_NULL(op, x1); CHECK_NULL(op, x2); CHECK_NULL(op, output); CHECK_NULL(op, group); CHECK_NULL(op, ws); CHECK_NULL(op, ex);
    aclDataType t = x1->d.dtype;
    CHECK(t == ACL_FLOAT16 || t == ACL_BF16, ACLNN_ERR_PARAM_INVALID,
          "EZ1001: %s: x1 is %s; MatmulAllReduce supports DT_FLOAT16 and DT_BF16 only", op, sim_dtype_name(t));
    CHECK(x2->d.dtype == t && output->d.dtype == t, ACLNN_ERR_PARAM_INVALID,
          "EZ1001: %s: x1, x2 and output must share one data type (x1 %s, x2 %s, output %s)", op,
          sim_dtype_name(t), sim_dtype_name(x2->d.dtype), sim_dtype_name(output->d.dtype));
    CHECK(!bias || bias->d.dtype == t || bias->d.dtype == ACL_FLOAT, ACLNN_ERR_PARAM_INVALID,
          "EZ1001: %s: bias is %s, expected %s or DT_FLOAT", op, bias ? sim_dtype_name(bias->d.dtype) : "", sim_dtype_name(t));
    CHECK(reduceOp && strcmp(reduceOp, "sum") == 0, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: reduceOp must be \"sum\"", op);
    CHECK(commTurn == 0, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: commTurn must be 0, got %lld", op, (long long) commTurn);
    CHECK(streamMode == 1, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: streamMode must be 1, got %lld", op, (long long) streamMode);
    CHECK(strlen(group) > 0 && strlen(group) < HCCL_COMM_NAME_MAX_LENGTH, ACLNN_ERR_PARAM_INVALID, "EZ1001: %s: group name is empty or too long", op);
    const sim_desc *x = &x1->d, *w = &x2->d, *o = &output->d;
    if ((x->ndim != 2 && x->ndim != 3) || w->ndim != 2) return shape_error(op, "x1 must be 2-D or 3-D and x2 2-D (k, n)", x, w);
    if (x->dims[x->ndim - 1] != w->dims[0]) return shape_error(op, "x1's k differs from x2's k", x, w);
    int ok = o->ndim == x->ndim && o->dims[o->ndim - 1] == w->dims[1];
    for (int i = 0; ok && i < x->ndim - 1; i++) ok = o->dims[i] == x->dims[i];
    if (!ok) return shape_error(op, "output must be (x1 dims..., n)", o, x);
    if (bias && (bias->d.ndim != 1 || bias->d.dims[0] != w->dims[1])) return shape_error(op, "bias must be (n)", &bias->d, w);
    /* the op takes x1 and bias contiguous and x2 contiguous or transposed; it does not convert
     * (no auto contiguous) and fails while building the executor, like the op-api layer */
    int uncontiguous = !sim_is_contiguous(x) + !(sim_is_contiguous(w) || sim_is_transposed_2d(w)) + (bias && !sim_is_contiguous(&bias->d));
    if (uncontiguous > 0) {
        char sx[256];
        sim_shape_str(x, sx, sizeof sx);
        sim_set_error("ERR01005 OPS internal error. Op MatmulAllReduce has %d uncontiguous input, but set 0 auto conversion "
                      "(x1 %s)", uncontiguous, sx);
        return ACLNN_ERR_PARAM_INVALID;
    }
    aclOpExecutor *e = exec_new(op, exec_matmul_allreduce, 4);
    snprintf(e->group, sizeof e->group, "%s", group);
    int64_t m = sim_numel(x) / (w->dims[0] ? w->dims[0] : 1);
    e->workspace_needed = (uint64_t) (m * w->dims[1] * (int64_t) sizeof(float));
    if (e->workspace_needed == 0) e->workspace_needed = sizeof(float);
    int rc = exec_tensor(e, 0, x1, op, "x1");
    if (!rc) rc = exec_tensor(e, 1, x2, op, "x2");
    if (!rc) rc = exec_tensor(e, 2, bias, op, "bias");
    if (!rc) rc = exec_tensor(e, 3, output, op, "output");
    return finish(e, rc, ws, ex);
}
SIM_LAUNCH(aclnnMatmulAllReduce)

SIM_EXPORT aclnnStatus aclDestroyAclOpExecutor(aclOpExecutor *e) {
    if (!e) return ACLNN_ERR_PARAM_NULLPTR;
    exec_release(e);
    return ACLNN_SUCCESS;
}
