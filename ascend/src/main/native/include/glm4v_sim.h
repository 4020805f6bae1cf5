/*
 * Simulator-only controls of libglm4v_cann_sim (no CANN counterpart): live-object counts,
 * limits, timeouts and fault injection for tests.
 */
#ifndef GLM4V_SIM_H_
#define GLM4V_SIM_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* what aclrtSynchronizeStream reports after an HCCL execution timeout (the field's 507048, EI0002) */
#define GLM4V_SIM_ERR_HCCL_EXEC_TIMEOUT 507048

#define GLM4V_SIM_LIVE_ALL 0
#define GLM4V_SIM_LIVE_ALLOCATIONS 1
#define GLM4V_SIM_LIVE_TENSORS 2
#define GLM4V_SIM_LIVE_SCALARS 3
#define GLM4V_SIM_LIVE_INT_ARRAYS 4
#define GLM4V_SIM_LIVE_EXECUTORS 5
#define GLM4V_SIM_LIVE_STREAMS 6
#define GLM4V_SIM_LIVE_CONTEXTS 7
#define GLM4V_SIM_LIVE_COMMS 8

#define GLM4V_SIM_FAULT_FAIL 0
#define GLM4V_SIM_FAULT_HANG 1

/* 1 when this library is the simulator (always, here) */
int32_t glm4vSimIsSimulator(void);
/* live native objects of a kind (GLM4V_SIM_LIVE_*), 0 = all kinds */
int64_t glm4vSimLiveObjects(int32_t kind);
/* number of cards (default 8, env GLM4V_SIM_DEVICE_COUNT); only while not initialised, else
 * ACL_ERROR_REPEAT_INITIALIZE */
int32_t glm4vSimSetDeviceCount(int32_t deviceCount);
/* memory per card for later aclrtMalloc calls (default 64 GiB, env GLM4V_SIM_MEMORY_BYTES) */
void glm4vSimSetMemoryBytes(int64_t bytesPerCard);
/* HCCL execution timeout in ms (overrides HCCL_EXEC_TIMEOUT); <= 0 restores the default */
void glm4vSimSetHcclTimeoutMs(int64_t ms);
/* how long a hung (fault-injected) task blocks before it fails with ACL_ERROR_RT_AICORE_TIMEOUT */
void glm4vSimSetOpTimeoutMs(int64_t ms);
/* card deviceId fails (mode FAULT_FAIL) or hangs (FAULT_HANG) at the nth (1-based) execution of
 * the operator opName ("aclnnMatmul", "HcclAllReduce", ...; "*" = any task) counted from now */
int32_t glm4vSimInjectFault(int32_t deviceId, const char *opName, int64_t nth, int32_t mode);
/* how many aclrtFree calls so far freed memory that a task queued on a stream (not yet finished)
 * still used; real CANN does not wait for the stream, so a correct caller keeps this at 0 */
int64_t glm4vSimFreeWhileQueuedCount(void);
/* how many HcclCommDestroy calls so far destroyed a communicator that a collective queued on a
 * stream (HcclAllReduce, ..., aclnnMatmulAllReduce; not yet finished) still used; a correct caller keeps it 0 */
int64_t glm4vSimCommDestroyWhileQueuedCount(void);
/* removes every armed fault and releases every hung task */
void glm4vSimClearFaults(void);

#ifdef __cplusplus
}
#endif
#endif
