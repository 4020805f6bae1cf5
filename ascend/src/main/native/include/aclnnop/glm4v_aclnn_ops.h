/*
 * The aclnn operators glm4v-ee uses (in CANN each has its own aclnnop/aclnn_*.h), declared from
 * the public CANN operator documentation: every operator is two-phase, GetWorkspaceSize then
 * launch on a stream. This header is ours.
 */
#ifndef GLM4V_ACLNNOP_OPS_H_
#define GLM4V_ACLNNOP_OPS_H_

#include "aclnn/acl_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GLM4V_ACLNN_OP(name, ...)                                                              \
    aclnnStatus name##GetWorkspaceSize(__VA_ARGS__, uint64_t *workspaceSize,                   \
                                       aclOpExecutor **executor);                              \
    aclnnStatus name(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,         \
                     aclrtStream stream);

GLM4V_ACLNN_OP(aclnnMatmul, const aclTensor *self, const aclTensor *mat2, aclTensor *out,
               int8_t cubeMathType)
GLM4V_ACLNN_OP(aclnnBatchMatMul, const aclTensor *self, const aclTensor *mat2, aclTensor *out,
               int8_t cubeMathType)
GLM4V_ACLNN_OP(aclnnAdd, const aclTensor *self, const aclTensor *other, const aclScalar *alpha,
               aclTensor *out)
GLM4V_ACLNN_OP(aclnnMul, const aclTensor *self, const aclTensor *other, aclTensor *out)
GLM4V_ACLNN_OP(aclnnMuls, const aclTensor *self, const aclScalar *other, aclTensor *out)
GLM4V_ACLNN_OP(aclnnRmsNorm, const aclTensor *x, const aclTensor *gamma, double epsilon,
               const aclTensor *yOut, const aclTensor *rstdOut)
GLM4V_ACLNN_OP(aclnnLayerNorm, const aclTensor *input, const aclIntArray *normalizedShape,
               const aclTensor *weightOptional, const aclTensor *biasOptional, double eps,
               aclTensor *out, aclTensor *meanOutOptional, aclTensor *rstdOutOptional)
GLM4V_ACLNN_OP(aclnnSilu, const aclTensor *self, aclTensor *out)
GLM4V_ACLNN_OP(aclnnGeluV2, const aclTensor *x, int64_t approximate, aclTensor *y)
GLM4V_ACLNN_OP(aclnnSoftmax, const aclTensor *self, int64_t dim, aclTensor *out)
GLM4V_ACLNN_OP(aclnnEmbedding, const aclTensor *weight, const aclTensor *indices,
               const aclTensor *out)
GLM4V_ACLNN_OP(aclnnCast, const aclTensor *self, aclDataType dtype, aclTensor *out)
GLM4V_ACLNN_OP(aclnnInplaceCopy, aclTensor *selfRef, const aclTensor *src)
GLM4V_ACLNN_OP(aclnnRotaryPositionEmbedding, const aclTensor *x, const aclTensor *cos,
               const aclTensor *sin, int64_t mode, aclTensor *out)
GLM4V_ACLNN_OP(aclnnMatmulAllReduce, const aclTensor *x1, const aclTensor *x2,
               const aclTensor *bias, const char *group, const char *reduceOp, int64_t commTurn,
               int64_t streamMode, const aclTensor *output)

#undef GLM4V_ACLNN_OP

#ifdef __cplusplus
}
#endif
#endif
