package io.glm4vee.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The resource adapter's settings, typed and validated. The names of the components are the
 * names of the adapter's JavaBean properties (and of {@code <properties.APP.RAR .../>}
 * attributes in server.xml); {@link #KEYS} lists them in the order operators see them.
 *
 * <p>Everything that can be checked without reading the model is checked here; the checks that
 * need the model's config.json (tp divides the heads, maxSequenceLength fits seq_length) run
 * when the adapter starts, with the same message shape.
 *
 * @param modelPath            checkpoint directory (config.json, tokenizer.model, safetensors)
 * @param devices              card ids in order; context i uses cards [i*tp, (i+1)*tp)
 * @param tensorParallelSize   cards per context
 * @param backend              "cpu" (cards cpu:N) or "ascend" (cards npu:N; the glm4v-ascend module)
 * @param contexts             model replicas, each on its own tp cards
 * @param threadsPerCard       compute threads of each CPU card
 * @param maxSequenceLength    prompt + answer tokens at most; 0 = the model's seq_length
 * @param kvCacheBudgetBytes   KV cache bytes a context keeps for chat sessions; 0 = unlimited
 * @param launchBlocking       run every device op synchronously (debugging)
 * @param deviceTimeoutSeconds a card that does not answer within this fails the request
 * @param requestTimeoutSeconds bound on waiting for a context plus generating
 * @param queueDepth           requests that may wait for a busy context; more get OVERLOADED
 * @param defaultMaxTokens     new tokens when a request does not say
 * @param quotaTokensPerCaller tokens (prompt + completion) a caller may book; 0 = unlimited
 * @param maxImageBytes        largest encoded image accepted
 * @param maxImagePixels       largest width * height accepted
 * @param faultInjection       test only: card fault rules, comma separated (empty = none)
 */
public record AdapterSettings(String modelPath, List<String> devices, int tensorParallelSize, String backend,
                              int contexts, int threadsPerCard, int maxSequenceLength, long kvCacheBudgetBytes,
                              boolean launchBlocking, int deviceTimeoutSeconds, int requestTimeoutSeconds,
                              int queueDepth, int defaultMaxTokens, long quotaTokensPerCaller, long maxImageBytes,
                              long maxImagePixels, List<String> faultInjection) {

    public static final String MODEL_PATH = "modelPath";
    public static final String DEVICES = "devices";
    public static final String TENSOR_PARALLEL_SIZE = "tensorParallelSize";
    public static final String BACKEND = "backend";
    public static final String CONTEXTS = "contexts";
    public static final String THREADS_PER_CARD = "threadsPerCard";
    public static final String MAX_SEQUENCE_LENGTH = "maxSequenceLength";
    public static final String KV_CACHE_BUDGET_BYTES = "kvCacheBudgetBytes";
    public static final String LAUNCH_BLOCKING = "launchBlocking";
    public static final String DEVICE_TIMEOUT_SECONDS = "deviceTimeoutSeconds";
    public static final String REQUEST_TIMEOUT_SECONDS = "requestTimeoutSeconds";
    public static final String QUEUE_DEPTH = "queueDepth";
    public static final String DEFAULT_MAX_TOKENS = "defaultMaxTokens";
    public static final String QUOTA_TOKENS_PER_CALLER = "quotaTokensPerCaller";
    public static final String MAX_IMAGE_BYTES = "maxImageBytes";
    public static final String MAX_IMAGE_PIXELS = "maxImagePixels";
    public static final String FAULT_INJECTION = "faultInjection";

    public static final List<String> KEYS = List.of(MODEL_PATH, DEVICES, TENSOR_PARALLEL_SIZE, BACKEND, CONTEXTS,
            THREADS_PER_CARD, MAX_SEQUENCE_LENGTH, KV_CACHE_BUDGET_BYTES, LAUNCH_BLOCKING, DEVICE_TIMEOUT_SECONDS,
            REQUEST_TIMEOUT_SECONDS, QUEUE_DEPTH, DEFAULT_MAX_TOKENS, QUOTA_TOKENS_PER_CALLER, MAX_IMAGE_BYTES,
            MAX_IMAGE_PIXELS, FAULT_INJECTION);

    public static final String DEFAULT_DEVICES = "cpu:0,cpu:1";
    public static final int DEFAULT_TP = 2;
    public static final String DEFAULT_BACKEND = "cpu";
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;
    public static final int DEFAULT_QUEUE_DEPTH = 16;
    public static final int DEFAULT_MAX_NEW_TOKENS = 256;
    public static final long DEFAULT_MAX_IMAGE_BYTES = 16L << 20;
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 40_000_000L;
    /** What ImageIO-based decoding can hold in one RGB byte array. */
    public static final long MAX_IMAGE_PIXELS_LIMIT = (Integer.MAX_VALUE - 8) / 3;
    public static final long MAX_IMAGE_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    private static final Pattern DEVICE_ID = Pattern.compile("([a-z]+):(\\d{1,4})");
    /** Backend name -> prefix of its card ids. Whether a backend is on the class path is checked at start. */
    private static final Map<String, String> BACKENDS = Map.of("cpu", "cpu", "ascend", "npu");
    private static final int MAX_TIMEOUT_SECONDS = 86_400;

    public AdapterSettings {
        devices = List.copyOf(devices);
        faultInjection = List.copyOf(faultInjection);
        validate(modelPath, devices, tensorParallelSize, backend, contexts, threadsPerCard, maxSequenceLength,
                kvCacheBudgetBytes, deviceTimeoutSeconds, requestTimeoutSeconds, queueDepth, defaultMaxTokens,
                quotaTokensPerCaller, maxImageBytes, maxImagePixels, faultInjection);
    }

    /** Test hook in faultInjection: "load:delay:MILLIS" makes every load of the model wait that long first. */
    public static final String LOAD_DELAY = "load:delay:";
    public static final long MAX_LOAD_DELAY_MILLIS = 600_000;

    /** The card fault rules of faultInjection (everything but load:delay). */
    public List<String> cardFaults() {
        return faultInjection.stream().filter(f -> !f.startsWith(LOAD_DELAY)).toList();
    }

    /** The load delay of faultInjection (load:delay:MILLIS), 0 without one. */
    public long loadDelayMillis() {
        long ms = 0;
        for (String f : faultInjection) {
            if (f.startsWith(LOAD_DELAY)) {
                ms = loadDelayMillis(f, faultInjection);
            }
        }
        return ms;
    }

    private static long loadDelayMillis(String rule, List<String> faults) {
        try {
            long ms = Long.parseLong(rule.substring(LOAD_DELAY.length()).strip());
            if (ms >= 0 && ms <= MAX_LOAD_DELAY_MILLIS) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(FAULT_INJECTION, String.join(",", faults), "rule '" + rule + "' must be "
                + "load:delay:MILLIS with MILLIS in 0.." + MAX_LOAD_DELAY_MILLIS + " (test use only)");
    }

    /** Cards of context i (0-based): a disjoint slice of devices. */
    public List<String> devicesOf(int context) {
        if (context < 0 || context >= contexts) {
            throw new IllegalArgumentException("context " + context + " outside [0, " + contexts + ")");
        }
        return devices.subList(context * tensorParallelSize, (context + 1) * tensorParallelSize);
    }

    /** Cards listed in devices that no context uses (devices may list more than contexts * tp). */
    public List<String> unusedDevices() {
        return devices.subList(contexts * tensorParallelSize, devices.size());
    }

    /** Every setting as its server.xml spelling, for logs and the admin view. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MODEL_PATH, modelPath);
        m.put(DEVICES, String.join(",", devices));
        m.put(TENSOR_PARALLEL_SIZE, String.valueOf(tensorParallelSize));
        m.put(BACKEND, backend);
        m.put(CONTEXTS, String.valueOf(contexts));
        m.put(THREADS_PER_CARD, String.valueOf(threadsPerCard));
        m.put(MAX_SEQUENCE_LENGTH, String.valueOf(maxSequenceLength));
        m.put(KV_CACHE_BUDGET_BYTES, String.valueOf(kvCacheBudgetBytes));
        m.put(LAUNCH_BLOCKING, String.valueOf(launchBlocking));
        m.put(DEVICE_TIMEOUT_SECONDS, String.valueOf(deviceTimeoutSeconds));
        m.put(REQUEST_TIMEOUT_SECONDS, String.valueOf(requestTimeoutSeconds));
        m.put(QUEUE_DEPTH, String.valueOf(queueDepth));
        m.put(DEFAULT_MAX_TOKENS, String.valueOf(defaultMaxTokens));
        m.put(QUOTA_TOKENS_PER_CALLER, String.valueOf(quotaTokensPerCaller));
        m.put(MAX_IMAGE_BYTES, String.valueOf(maxImageBytes));
        m.put(MAX_IMAGE_PIXELS, String.valueOf(maxImagePixels));
        m.put(FAULT_INJECTION, String.join(",", faultInjection));
        return m;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings from string values (server.xml, a properties file); absent keys take their defaults. */
    public static AdapterSettings fromStrings(Map<String, String> values) {
        Builder b = builder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            b.set(e.getKey(), e.getValue());
        }
        return b.build();
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private static void validate(String modelPath, List<String> devices, int tp, String backend, int contexts,
                                 int threadsPerCard, int maxSequenceLength, long kvBudget, int deviceTimeout,
                                 int requestTimeout, int queueDepth, int defaultMaxTokens, long quota,
                                 long maxImageBytes, long maxImagePixels, List<String> faults) {
        if (modelPath == null || modelPath.isBlank()) {
            throw new ConfigException(MODEL_PATH, modelPath, "is required: the directory of a GLM-4V checkpoint "
                    + "(config.json, tokenizer.model, *.safetensors)");
        }
        if (backend == null || !BACKENDS.containsKey(backend)) {
            throw new ConfigException(BACKEND, backend, "unknown backend; backends: ascend, cpu");
        }
        String prefix = BACKENDS.get(backend);
        String deviceCsv = String.join(",", devices);
        if (devices.isEmpty()) {
            throw new ConfigException(DEVICES, deviceCsv, "lists no card; write card ids separated by commas, "
                    + "e.g. cpu:0,cpu:1");
        }
        Set<String> seen = new HashSet<>();
        for (String id : devices) {
            var m = DEVICE_ID.matcher(id);
            if (!m.matches()) {
                throw new ConfigException(DEVICES, deviceCsv, "'" + id + "' is not a card id; expected kind:index "
                        + "such as cpu:0");
            }
            if (!m.group(1).equals(prefix)) {
                throw new ConfigException(DEVICES, deviceCsv, "card " + id + " does not belong to backend=" + backend
                        + " (its cards are " + prefix + ":0, " + prefix + ":1, ...)");
            }
            if (!seen.add(id)) {
                throw new ConfigException(DEVICES, deviceCsv, "card " + id + " is listed twice; every card serves "
                        + "exactly one context");
            }
        }
        atLeast(TENSOR_PARALLEL_SIZE, tp, 1);
        atLeast(CONTEXTS, contexts, 1);
        if ((long) contexts * tp > devices.size()) {
            throw new ConfigException(CONTEXTS, contexts, "contexts x tensorParallelSize = " + contexts + " x " + tp
                    + " = " + (long) contexts * tp + " cards, but devices lists only " + devices.size() + " ("
                    + deviceCsv + "); contexts use disjoint cards");
        }
        between(THREADS_PER_CARD, threadsPerCard, 1, 1024);
        atLeast(MAX_SEQUENCE_LENGTH, maxSequenceLength, 0);
        if (kvBudget < 0) {
            throw new ConfigException(KV_CACHE_BUDGET_BYTES, kvBudget, "must be >= 0 (0 = unlimited)");
        }
        between(DEVICE_TIMEOUT_SECONDS, deviceTimeout, 1, MAX_TIMEOUT_SECONDS);
        between(REQUEST_TIMEOUT_SECONDS, requestTimeout, 1, MAX_TIMEOUT_SECONDS);
        between(QUEUE_DEPTH, queueDepth, 0, 100_000);
        atLeast(DEFAULT_MAX_TOKENS, defaultMaxTokens, 1);
        if (quota < 0) {
            throw new ConfigException(QUOTA_TOKENS_PER_CALLER, quota, "must be >= 0 (0 = unlimited)");
        }
        if (maxImageBytes < 1 || maxImageBytes > MAX_IMAGE_BYTES_LIMIT) {
            throw new ConfigException(MAX_IMAGE_BYTES, maxImageBytes, "must be in 1.." + MAX_IMAGE_BYTES_LIMIT);
        }
        if (maxImagePixels < 1 || maxImagePixels > MAX_IMAGE_PIXELS_LIMIT) {
            throw new ConfigException(MAX_IMAGE_PIXELS, maxImagePixels, "must be in 1.." + MAX_IMAGE_PIXELS_LIMIT);
        }
        for (String f : faults) {
            if (f.startsWith(LOAD_DELAY)) {
                loadDelayMillis(f, faults);
                continue;
            }
            String[] parts = f.split(":");
            if (parts.length < 4 || parts.length > 5 || !Set.of("throw", "hang").contains(parts[3])) {
                throw new ConfigException(FAULT_INJECTION, String.join(",", faults), "rule '" + f + "' must look like "
                        + "cpu:1:matmul_allreduce[@layer]:throw|hang[:times] (test use only)");
            }
        }
    }

    private static void atLeast(String key, long v, long min) {
        if (v < min) {
            throw new ConfigException(key, v, "must be >= " + min);
        }
    }

    private static void between(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new ConfigException(key, v, "must be in " + min + ".." + max);
        }
    }

    /** Collects values (null = default) and validates them all in {@link #build()}. */
    public static final class Builder {
        private String modelPath;
        private String devices = DEFAULT_DEVICES;
        private int tensorParallelSize = DEFAULT_TP;
        private String backend = DEFAULT_BACKEND;
        private int contexts = 1;
        private int threadsPerCard = 1;
        private int maxSequenceLength;
        private long kvCacheBudgetBytes;
        private boolean launchBlocking;
        private int deviceTimeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        private int requestTimeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        private int queueDepth = DEFAULT_QUEUE_DEPTH;
        private int defaultMaxTokens = DEFAULT_MAX_NEW_TOKENS;
        private long quotaTokensPerCaller;
        private long maxImageBytes = DEFAULT_MAX_IMAGE_BYTES;
        private long maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS;
        private String faultInjection = "";

        private Builder() {
        }

        public Builder modelPath(String v) {
            modelPath = v == null ? null : v.trim();
            return this;
        }

        public Builder devices(String v) {
            if (v != null) {
                devices = v;
            }
            return this;
        }

        public Builder tensorParallelSize(Integer v) {
            if (v != null) {
                tensorParallelSize = v;
            }
            return this;
        }

        public Builder backend(String v) {
            if (v != null) {
                backend = v.trim().toLowerCase(Locale.ROOT);
            }
            return this;
        }

        public Builder contexts(Integer v) {
            if (v != null) {
                contexts = v;
            }
            return this;
        }

        public Builder threadsPerCard(Integer v) {
            if (v != null) {
                threadsPerCard = v;
            }
            return this;
        }

        public Builder maxSequenceLength(Integer v) {
            if (v != null) {
                maxSequenceLength = v;
            }
            return this;
        }

        public Builder kvCacheBudgetBytes(Long v) {
            if (v != null) {
                kvCacheBudgetBytes = v;
            }
            return this;
        }

        public Builder launchBlocking(Boolean v) {
            if (v != null) {
                launchBlocking = v;
            }
            return this;
        }

        public Builder deviceTimeoutSeconds(Integer v) {
            if (v != null) {
                deviceTimeoutSeconds = v;
            }
            return this;
        }

        public Builder requestTimeoutSeconds(Integer v) {
            if (v != null) {
                requestTimeoutSeconds = v;
            }
            return this;
        }

        public Builder queueDepth(Integer v) {
            if (v != null) {
                queueDepth = v;
            }
            return this;
        }

        public Builder defaultMaxTokens(Integer v) {
            if (v != null) {
                defaultMaxTokens = v;
            }
            return this;
        }

        public Builder quotaTokensPerCaller(Long v) {
            if (v != null) {
                quotaTokensPerCaller = v;
            }
            return this;
        }

        public Builder maxImageBytes(Long v) {
            if (v != null) {
                maxImageBytes = v;
            }
            return this;
        }

        public Builder maxImagePixels(Long v) {
            if (v != null) {
                maxImagePixels = v;
            }
            return this;
        }

        public Builder faultInjection(String v) {
            faultInjection = v == null ? "" : v;
            return this;
        }

        /** Sets one setting from its string form; an unknown key or a malformed number is a ConfigException. */
        public Builder set(String key, String value) {
            String v = value == null ? null : value.trim();
            switch (key) {
                case MODEL_PATH -> modelPath(v);
                case DEVICES -> devices(v);
                case TENSOR_PARALLEL_SIZE -> tensorParallelSize(parseInt(key, v));
                case BACKEND -> backend(v);
                case CONTEXTS -> contexts(parseInt(key, v));
                case THREADS_PER_CARD -> threadsPerCard(parseInt(key, v));
                case MAX_SEQUENCE_LENGTH -> maxSequenceLength(parseInt(key, v));
                case KV_CACHE_BUDGET_BYTES -> kvCacheBudgetBytes(parseLong(key, v));
                case LAUNCH_BLOCKING -> launchBlocking(parseBoolean(key, v));
                case DEVICE_TIMEOUT_SECONDS -> deviceTimeoutSeconds(parseInt(key, v));
                case REQUEST_TIMEOUT_SECONDS -> requestTimeoutSeconds(parseInt(key, v));
                case QUEUE_DEPTH -> queueDepth(parseInt(key, v));
                case DEFAULT_MAX_TOKENS -> defaultMaxTokens(parseInt(key, v));
                case QUOTA_TOKENS_PER_CALLER -> quotaTokensPerCaller(parseLong(key, v));
                case MAX_IMAGE_BYTES -> maxImageBytes(parseLong(key, v));
                case MAX_IMAGE_PIXELS -> maxImagePixels(parseLong(key, v));
                case FAULT_INJECTION -> faultInjection(v);
                default -> throw new ConfigException(key, value, "unknown setting; known settings: " + KEYS);
            }
            return this;
        }

        public AdapterSettings build() {
            return new AdapterSettings(modelPath, splitCsv(devices), tensorParallelSize, backend, contexts,
                    threadsPerCard, maxSequenceLength, kvCacheBudgetBytes, launchBlocking, deviceTimeoutSeconds,
                    requestTimeoutSeconds, queueDepth, defaultMaxTokens, quotaTokensPerCaller, maxImageBytes,
                    maxImagePixels, splitCsv(faultInjection));
        }

        private static List<String> splitCsv(String csv) {
            List<String> out = new ArrayList<>();
            for (String s : csv.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        }

        private static Integer parseInt(String key, String v) {
            if (v == null || v.isEmpty()) {
                return null;
            }
            try {
                return Integer.valueOf(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, v, "must be a whole number");
            }
        }

        private static Long parseLong(String key, String v) {
            if (v == null || v.isEmpty()) {
                return null;
            }
            try {
                return Long.valueOf(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, v, "must be a whole number");
            }
        }

        private static Boolean parseBoolean(String key, String v) {
            if (v == null || v.isEmpty()) {
                return null;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key, v, "must be true or false");
            };
        }
    }
}
