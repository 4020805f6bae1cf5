package io.glm4vee.ra.spi;

import io.glm4vee.config.AdapterSettings;
import io.glm4vee.config.ConfigException;
import io.glm4vee.ra.context.AdapterRuntime;
import io.glm4vee.ra.context.RaLog;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAResource;
import java.io.Serializable;

/**
 * The GLM-4V resource adapter: owns the cards. start() validates the properties (a bad one
 * fails the start with a message naming key, value and rule) and schedules loading of every
 * device context on the WorkManager; stop() drains and frees everything. Outbound only.
 *
 * <p>The properties are JavaBean properties so that server.xml ({@code properties.APP.RAR}) and
 * the admin consoles can set them; their names are a contract.
 */
@Connector(
        displayName = "GLM-4V inference",
        description = "Serves the GLM-4V vision-language model from pooled multi-card device contexts",
        vendorName = "glm4v-ee",
        eisType = "GLM-4V",
        version = "0.1.0",
        licenseRequired = false,
        reauthenticationSupport = false,
        transactionSupport = TransactionSupport.TransactionSupportLevel.XATransaction)
public class Glm4vResourceAdapter implements ResourceAdapter, Serializable {
    private static final long serialVersionUID = 1L;

    @ConfigProperty(description = "Directory of the GLM-4V checkpoint (config.json, tokenizer.model, *.safetensors). "
            + "Required.")
    private String modelPath;

    @ConfigProperty(defaultValue = AdapterSettings.DEFAULT_DEVICES, description = "Cards to use, comma separated "
            + "(cpu:0,cpu:1,...). Context i uses cards i*tensorParallelSize .. (i+1)*tensorParallelSize-1.")
    private String devices = AdapterSettings.DEFAULT_DEVICES;

    @ConfigProperty(defaultValue = "2", description = "Cards per context (tensor parallel size); must divide the "
            + "model's heads, FFN and vocabulary sizes.")
    private Integer tensorParallelSize = AdapterSettings.DEFAULT_TP;

    @ConfigProperty(defaultValue = AdapterSettings.DEFAULT_BACKEND, description = "Device backend: cpu (cards cpu:N) "
            + "or ascend (cards npu:N; needs the glm4v-ascend jar and its native library, bundled in the RAR).")
    private String backend = AdapterSettings.DEFAULT_BACKEND;

    @ConfigProperty(defaultValue = "1", description = "Model replicas (device contexts), each on its own "
            + "tensorParallelSize cards; contexts x tensorParallelSize must not exceed the cards listed in devices.")
    private Integer contexts = 1;

    @ConfigProperty(defaultValue = "1", description = "Compute threads per CPU card.")
    private Integer threadsPerCard = 1;

    @ConfigProperty(defaultValue = "0", description = "Prompt plus answer tokens at most; 0 = the model's "
            + "seq_length, which it must not exceed.")
    private Integer maxSequenceLength = 0;

    @ConfigProperty(defaultValue = "0", description = "KV cache bytes per context for chat sessions; 0 = unlimited. "
            + "Beyond it the caches of the least recently used idle sessions are released (their history stays).")
    private Long kvCacheBudgetBytes = 0L;

    @ConfigProperty(defaultValue = "false", description = "Debugging: run every device op synchronously so that an "
            + "error names the op, card, shapes and strides (also GLM4V_LAUNCH_BLOCKING=1).")
    private Boolean launchBlocking = false;

    @ConfigProperty(defaultValue = "120", description = "A card that does not answer within this many seconds "
            + "fails the request; the context is then rebuilt.")
    private Integer deviceTimeoutSeconds = AdapterSettings.DEFAULT_TIMEOUT_SECONDS;

    @ConfigProperty(defaultValue = "120", description = "Bound on one request: waiting for a context plus "
            + "generating.")
    private Integer requestTimeoutSeconds = AdapterSettings.DEFAULT_TIMEOUT_SECONDS;

    @ConfigProperty(defaultValue = "16", description = "Requests that may wait for a busy context; more are refused "
            + "at once with OVERLOADED and a retry hint.")
    private Integer queueDepth = AdapterSettings.DEFAULT_QUEUE_DEPTH;

    @ConfigProperty(defaultValue = "256", description = "New tokens when a request does not say.")
    private Integer defaultMaxTokens = AdapterSettings.DEFAULT_MAX_NEW_TOKENS;

    @ConfigProperty(defaultValue = "0", description = "Tokens (prompt + completion) each caller may use; "
            + "0 = unlimited.")
    private Long quotaTokensPerCaller = 0L;

    @ConfigProperty(defaultValue = "16777216", description = "Largest encoded image accepted, in bytes.")
    private Long maxImageBytes = AdapterSettings.DEFAULT_MAX_IMAGE_BYTES;

    @ConfigProperty(defaultValue = "40000000", description = "Largest image accepted, in pixels (width x height).")
    private Long maxImagePixels = AdapterSettings.DEFAULT_MAX_IMAGE_PIXELS;

    @ConfigProperty(defaultValue = "", description = "Tests only: card faults to inject, comma separated, e.g. "
            + "cpu:1:matmul_allreduce:throw. Leave empty in production.")
    private String faultInjection = "";

    private transient volatile AdapterRuntime runtime;
    private transient TransactionBranches branches;

    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        if (runtime != null) {
            throw new ResourceAdapterInternalException("the glm4v resource adapter is already started; stop it first");
        }
        try {
            branches = new TransactionBranches();
            runtime = AdapterRuntime.start(settings(), WorkManagerBackground.of(ctx));
        } catch (ConfigException e) {
            RaLog.error(RaLog.SETTINGS_INVALID, "the resource adapter cannot start: " + e.getMessage(), null);
            throw new ResourceAdapterInternalException("glm4v resource adapter: " + e.getMessage(), e);
        } catch (RuntimeException e) {      // reported to the server, which marks the adapter failed
            RaLog.error(RaLog.SETTINGS_INVALID, "the resource adapter cannot start", e);
            throw new ResourceAdapterInternalException("glm4v resource adapter: " + e, e);
        }
    }

    /** The typed, validated settings from the current property values. */
    public AdapterSettings settings() {
        return AdapterSettings.builder()
                .modelPath(modelPath).devices(devices).tensorParallelSize(tensorParallelSize).backend(backend)
                .contexts(contexts).threadsPerCard(threadsPerCard).maxSequenceLength(maxSequenceLength)
                .kvCacheBudgetBytes(kvCacheBudgetBytes).launchBlocking(launchBlocking)
                .deviceTimeoutSeconds(deviceTimeoutSeconds).requestTimeoutSeconds(requestTimeoutSeconds)
                .queueDepth(queueDepth).defaultMaxTokens(defaultMaxTokens).quotaTokensPerCaller(quotaTokensPerCaller)
                .maxImageBytes(maxImageBytes).maxImagePixels(maxImagePixels).faultInjection(faultInjection)
                .build();
    }

    /** Idempotent: drains (bounded) and frees every context, thread and mapping. */
    @Override
    public void stop() {
        AdapterRuntime rt = runtime;
        runtime = null;
        if (rt != null) {
            rt.stop();
        }
        if (branches != null) {
            branches.rollbackAll();
        }
    }

    /** The started runtime. */
    public AdapterRuntime runtime() throws ResourceException {
        AdapterRuntime rt = runtime;
        if (rt == null || rt.isStopped()) {
            throw new ResourceException("the glm4v resource adapter is not started");
        }
        return rt;
    }

    TransactionBranches branches() {
        return branches;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("the glm4v resource adapter has no inbound messaging");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // no inbound endpoints
    }

    /** Nothing survives a crash (sessions and reservations live in memory), so there is nothing to recover. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    // ---------------------------------------------------------------- JavaBean properties

    public String getModelPath() {
        return modelPath;
    }

    public void setModelPath(String v) {
        modelPath = v;
    }

    public String getDevices() {
        return devices;
    }

    public void setDevices(String v) {
        devices = v;
    }

    public Integer getTensorParallelSize() {
        return tensorParallelSize;
    }

    public void setTensorParallelSize(Integer v) {
        tensorParallelSize = v;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String v) {
        backend = v;
    }

    public Integer getContexts() {
        return contexts;
    }

    public void setContexts(Integer v) {
        contexts = v;
    }

    public Integer getThreadsPerCard() {
        return threadsPerCard;
    }

    public void setThreadsPerCard(Integer v) {
        threadsPerCard = v;
    }

    public Integer getMaxSequenceLength() {
        return maxSequenceLength;
    }

    public void setMaxSequenceLength(Integer v) {
        maxSequenceLength = v;
    }

    public Long getKvCacheBudgetBytes() {
        return kvCacheBudgetBytes;
    }

    public void setKvCacheBudgetBytes(Long v) {
        kvCacheBudgetBytes = v;
    }

    public Boolean getLaunchBlocking() {
        return launchBlocking;
    }

    public void setLaunchBlocking(Boolean v) {
        launchBlocking = v;
    }

    public Integer getDeviceTimeoutSeconds() {
        return deviceTimeoutSeconds;
    }

    public void setDeviceTimeoutSeconds(Integer v) {
        deviceTimeoutSeconds = v;
    }

    public Integer getRequestTimeoutSeconds() {
        return requestTimeoutSeconds;
    }

    public void setRequestTimeoutSeconds(Integer v) {
        requestTimeoutSeconds = v;
    }

    public Integer getQueueDepth() {
        return queueDepth;
    }

    public void setQueueDepth(Integer v) {
        queueDepth = v;
    }

    public Integer getDefaultMaxTokens() {
        return defaultMaxTokens;
    }

    public void setDefaultMaxTokens(Integer v) {
        defaultMaxTokens = v;
    }

    public Long getQuotaTokensPerCaller() {
        return quotaTokensPerCaller;
    }

    public void setQuotaTokensPerCaller(Long v) {
        quotaTokensPerCaller = v;
    }

    public Long getMaxImageBytes() {
        return maxImageBytes;
    }

    public void setMaxImageBytes(Long v) {
        maxImageBytes = v;
    }

    public Long getMaxImagePixels() {
        return maxImagePixels;
    }

    public void setMaxImagePixels(Long v) {
        maxImagePixels = v;
    }

    public String getFaultInjection() {
        return faultInjection;
    }

    public void setFaultInjection(String v) {
        faultInjection = v;
    }
}
