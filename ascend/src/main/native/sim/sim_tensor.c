/*
 * libglm4v_cann_sim tensors: aclTensor / aclScalar / aclIntArray, dtype conversion (round to
 * nearest even), views checked against their allocation, gather/scatter of strided views.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

int sim_dtype_size(aclDataType t) {
    switch (t) {
        case ACL_FLOAT: case ACL_INT32: return 4;
        case ACL_FLOAT16: case ACL_BF16: return 2;
        case ACL_INT64: return 8;
        default: return 0; /* not supported by the simulator */
    }
}

const char *sim_dtype_name(aclDataType t) {
    switch (t) {
        case ACL_FLOAT: return "DT_FLOAT";
        case ACL_FLOAT16: return "DT_FLOAT16";
        case ACL_BF16: return "DT_BF16";
        case ACL_INT32: return "DT_INT32";
        case ACL_INT64: return "DT_INT64";
        default: return "DT_UNSUPPORTED";
    }
}

static uint16_t f32_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t) ((u >> 16) | 0x40u); /* quiet NaN */
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t) (u >> 16);
}

static float bf16_to_f32(uint16_t h) {
    uint32_t u = (uint32_t) h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float sim_round(float v, aclDataType t) {
    switch (t) {
        case ACL_BF16: return bf16_to_f32(f32_to_bf16(v));
        case ACL_FLOAT16: return (float) (_Float16) v;
        default: return v;
    }
}

double sim_load(const char *base, aclDataType t, int64_t i) {
    switch (t) {
        case ACL_FLOAT: return ((const float *) base)[i];
        case ACL_FLOAT16: return (double) ((const _Float16 *) base)[i];
        case ACL_BF16: return bf16_to_f32(((const uint16_t *) base)[i]);
        case ACL_INT32: return ((const int32_t *) base)[i];
        case ACL_INT64: return (double) ((const int64_t *) base)[i];
        default: return NAN;
    }
}

void sim_store(char *base, aclDataType t, int64_t i, double v) {
    switch (t) {
        case ACL_FLOAT: ((float *) base)[i] = (float) v; break;
        case ACL_FLOAT16: ((_Float16 *) base)[i] = (_Float16) (float) v; break;
        case ACL_BF16: ((uint16_t *) base)[i] = f32_to_bf16((float) v); break;
        case ACL_INT32: ((int32_t *) base)[i] = isnan(v) ? 0 : (int32_t) fmax(fmin(trunc(v), 2147483647.0), -2147483648.0); break;
        case ACL_INT64: ((int64_t *) base)[i] = isnan(v) ? 0 : (int64_t) trunc(v); break;
        default: break;
    }
}

int64_t sim_numel(const sim_desc *d) {
    int64_t n = 1;
    for (int i = 0; i < d->ndim; i++) n *= d->dims[i];
    return n;
}

int sim_is_contiguous(const sim_desc *d) {
    int64_t expect = 1;
    for (int i = d->ndim - 1; i >= 0; i--) {
        if (d->dims[i] != 1 && d->strides[i] != expect) return 0;
        expect *= d->dims[i];
    }
    return 1;
}

int sim_is_transposed_2d(const sim_desc *d) {
    if (d->ndim != 2) return 0;
    return d->strides[0] == 1 && d->strides[1] == d->dims[0];
}

void sim_shape_str(const sim_desc *d, char *buf, size_t n) {
    size_t at = (size_t) snprintf(buf, n, "%s[", sim_dtype_name(d->dtype));
    for (int i = 0; i < d->ndim && at < n; i++) at += (size_t) snprintf(buf + at, n - at, i ? ",%lld" : "%lld", (long long) d->dims[i]);
    if (at < n) at += (size_t) snprintf(buf + at, n - at, "] strides [");
    for (int i = 0; i < d->ndim && at < n; i++) at += (size_t) snprintf(buf + at, n - at, i ? ",%lld" : "%lld", (long long) d->strides[i]);
    if (at < n) snprintf(buf + at, n - at, "] offset %lld", (long long) d->offset);
}

/* ---- tensors ---- */
SIM_EXPORT aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t ndim, aclDataType dtype,
                                      const int64_t *stride, int64_t offset, aclFormat format,
                                      const int64_t *storageDims, uint64_t storageNdim, void *data) {
    if (ndim > SIM_MAX_DIMS || (ndim > 0 && (!viewDims || !stride))) {
        sim_set_error("EZ1001: aclCreateTensor: %s", ndim > SIM_MAX_DIMS ? "more than 8 dims" : "viewDims or stride is null");
        return NULL;
    }
    int es = sim_dtype_size(dtype);
    if (es == 0) { sim_set_error("EZ1001: aclCreateTensor: data type %d is not supported by the simulator", (int) dtype); return NULL; }
    if (format != ACL_FORMAT_ND && format != ACL_FORMAT_NCHW && format != ACL_FORMAT_NHWC) {
        sim_set_error("EZ1001: aclCreateTensor: format %d is not supported by the simulator", (int) format);
        return NULL;
    }
    if (offset < 0) { sim_set_error("EZ1001: aclCreateTensor: negative offset %lld", (long long) offset); return NULL; }
    int64_t numel = 1, maxIndex = offset;
    for (uint64_t i = 0; i < ndim; i++) {
        if (viewDims[i] < 0 || stride[i] < 0) {
            sim_set_error("EZ1001: aclCreateTensor: dim %llu has size %lld stride %lld (must be >= 0)",
                          (unsigned long long) i, (long long) viewDims[i], (long long) stride[i]);
            return NULL;
        }
        numel *= viewDims[i];
        if (viewDims[i] > 0) maxIndex += (viewDims[i] - 1) * stride[i];
    }
    int64_t extent = numel == 0 ? 0 : maxIndex + 1; /* elements the view reaches */
    if (storageDims && storageNdim > 0) {
        int64_t storage = 1;
        for (uint64_t i = 0; i < storageNdim; i++) storage *= storageDims[i];
        if (extent > storage) {
            sim_set_error("EZ1001: aclCreateTensor: the view reaches element %lld but the storage holds %lld elements",
                          (long long) maxIndex, (long long) storage);
            return NULL;
        }
        if (storage > extent) extent = storage;
    }
    sim_alloc *a = NULL;
    if (extent > 0) {
        if (!data) { sim_set_error("EZ1001: aclCreateTensor: tensorData is null"); return NULL; }
        a = sim_alloc_find(data, (size_t) extent * (size_t) es);
        if (!a) {
            sim_set_error("EZ1001: aclCreateTensor: the view (%lld elements of %d bytes from %p) reaches outside its device allocation",
                          (long long) extent, es, data);
            return NULL;
        }
        sim_alloc_release(a);
    }
    aclTensor *t = calloc(1, sizeof *t);
    t->d.ndim = (int) ndim;
    for (uint64_t i = 0; i < ndim; i++) { t->d.dims[i] = viewDims[i]; t->d.strides[i] = stride[i]; }
    t->d.offset = offset;
    t->d.dtype = dtype;
    t->d.data = data;
    sim_live_add(GLM4V_SIM_LIVE_TENSORS, 1);
    return t;
}

SIM_EXPORT aclnnStatus aclDestroyTensor(const aclTensor *t) {
    if (!t) return ACLNN_ERR_PARAM_NULLPTR;
    free((void *) t);
    sim_live_add(GLM4V_SIM_LIVE_TENSORS, -1);
    return ACLNN_SUCCESS;
}

SIM_EXPORT aclScalar *aclCreateScalar(void *value, aclDataType dtype) {
    if (!value) { sim_set_error("EZ1001: aclCreateScalar: value is null"); return NULL; }
    if (dtype != ACL_DOUBLE && sim_dtype_size(dtype) == 0) {
        sim_set_error("EZ1001: aclCreateScalar: data type %d is not supported by the simulator", (int) dtype);
        return NULL;
    }
    aclScalar *s = calloc(1, sizeof *s);
    s->dtype = dtype;
    s->value = dtype == ACL_DOUBLE ? *(double *) value : sim_load(value, dtype, 0);
    sim_live_add(GLM4V_SIM_LIVE_SCALARS, 1);
    return s;
}

SIM_EXPORT aclnnStatus aclDestroyScalar(const aclScalar *s) {
    if (!s) return ACLNN_ERR_PARAM_NULLPTR;
    free((void *) s);
    sim_live_add(GLM4V_SIM_LIVE_SCALARS, -1);
    return ACLNN_SUCCESS;
}

SIM_EXPORT aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size) {
    if (!value && size > 0) { sim_set_error("EZ1001: aclCreateIntArray: value is null"); return NULL; }
    aclIntArray *a = calloc(1, sizeof *a);
    a->size = size;
    a->values = calloc(size ? size : 1, sizeof(int64_t));
    if (size) memcpy(a->values, value, size * sizeof(int64_t));
    sim_live_add(GLM4V_SIM_LIVE_INT_ARRAYS, 1);
    return a;
}

SIM_EXPORT aclnnStatus aclDestroyIntArray(const aclIntArray *a) {
    if (!a) return ACLNN_ERR_PARAM_NULLPTR;
    free(a->values);
    free((void *) a);
    sim_live_add(GLM4V_SIM_LIVE_INT_ARRAYS, -1);
    return ACLNN_SUCCESS;
}

/* ---- strided views to dense arrays and back ---- */
#define FOR_EACH_ELEMENT(d, off, body)                                                  \
    do {                                                                                \
        int64_t idx_[SIM_MAX_DIMS] = {0};                                               \
        int64_t n_ = sim_numel(d), off = (d)->offset;                                   \
        for (int64_t k_ = 0; k_ < n_; k_++) {                                           \
            body;                                                                       \
            for (int j_ = (d)->ndim - 1; j_ >= 0; j_--) {                               \
                off += (d)->strides[j_];                                                \
                if (++idx_[j_] < (d)->dims[j_]) break;                                  \
                off -= (d)->strides[j_] * (d)->dims[j_];                                \
                idx_[j_] = 0;                                                           \
            }                                                                           \
        }                                                                               \
    } while (0)

float *sim_gather(const sim_desc *d) {
    int64_t n = sim_numel(d);
    float *out = malloc((size_t) (n ? n : 1) * sizeof(float));
    int64_t k = 0;
    FOR_EACH_ELEMENT(d, off, out[k++] = (float) sim_load(d->data, d->dtype, off));
    return out;
}

void sim_scatter(const sim_desc *d, const float *src) {
    int64_t k = 0;
    FOR_EACH_ELEMENT(d, off, sim_store(d->data, d->dtype, off, src[k++]));
}

double *sim_gather_f64(const sim_desc *d) {
    int64_t n = sim_numel(d);
    double *out = malloc((size_t) (n ? n : 1) * sizeof(double));
    int64_t k = 0;
    FOR_EACH_ELEMENT(d, off, out[k++] = sim_load(d->data, d->dtype, off));
    return out;
}

void sim_scatter_f64(const sim_desc *d, const double *src) {
    int64_t k = 0;
    FOR_EACH_ELEMENT(d, off, sim_store(d->data, d->dtype, off, src[k++]));
}
