package io.glm4vee.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AdapterSettings s = AdapterSettings.builder().modelPath("/m").build();
        assertEquals(List.of("cpu:0", "cpu:1"), s.devices());
        assertEquals(2, s.tensorParallelSize());
        assertEquals("cpu", s.backend());
        assertEquals(1, s.contexts());
        assertEquals(1, s.threadsPerCard());
        assertEquals(0, s.maxSequenceLength());
        assertEquals(0, s.kvCacheBudgetBytes());
        assertFalse(s.launchBlocking());
        assertEquals(120, s.deviceTimeoutSeconds());
        assertEquals(120, s.requestTimeoutSeconds());
        assertEquals(16, s.queueDepth());
        assertEquals(256, s.defaultMaxTokens());
        assertEquals(0, s.quotaTokensPerCaller());
        assertEquals(16L << 20, s.maxImageBytes());
        assertEquals(40_000_000L, s.maxImagePixels());
        assertEquals(List.of(), s.faultInjection());
        assertEquals(AdapterSettings.KEYS, List.copyOf(s.asMap().keySet()));
    }

    @Test
    void contextsGetDisjointSlicesOfTheCards() {
        AdapterSettings s = AdapterSettings.fromStrings(Map.of("modelPath", "/m", "devices", "cpu:0, cpu:1,cpu:2,cpu:3,cpu:4",
                "contexts", "2", "tensorParallelSize", "2"));
        assertEquals(List.of("cpu:0", "cpu:1"), s.devicesOf(0));
        assertEquals(List.of("cpu:2", "cpu:3"), s.devicesOf(1));
        assertEquals(List.of("cpu:4"), s.unusedDevices());
    }

    @Test
    void theLoadDelayHookIsKeptApartFromTheCardFaults() {
        AdapterSettings s = AdapterSettings.fromStrings(Map.of("modelPath", "/m",
                "faultInjection", "cpu:1:matmul_allreduce:throw:1, load:delay:2500"));
        assertEquals(2500, s.loadDelayMillis());
        assertEquals(List.of("cpu:1:matmul_allreduce:throw:1"), s.cardFaults());
        assertEquals(0, AdapterSettings.fromStrings(Map.of("modelPath", "/m")).loadDelayMillis());
    }

    @Test
    void ascendTakesNpuCards() {
        AdapterSettings s = AdapterSettings.fromStrings(Map.of("modelPath", "/m", "backend", "ascend",
                "devices", "npu:0,npu:1"));
        assertEquals("ascend", s.backend());
        assertEquals(List.of("npu:0", "npu:1"), s.devices());
        ConfigException e = assertThrows(ConfigException.class, () -> AdapterSettings.fromStrings(
                Map.of("modelPath", "/m", "backend", "ascend")));
        assertEquals("devices", e.key());
        assertTrue(e.getMessage().contains("card cpu:0 does not belong to backend=ascend (its cards are npu:0, npu:1, ...)"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "modelPath|''|modelPath=(not set): is required",
        "backend|cuda|backend=cuda: unknown backend; backends: ascend, cpu",
        "devices|cpu:0,cpu:0|devices=cpu:0,cpu:0: card cpu:0 is listed twice",
        "devices|cpu0|devices=cpu0: 'cpu0' is not a card id",
        "devices|npu:0,npu:1|devices=npu:0,npu:1: card npu:0 does not belong to backend=cpu",
        "contexts|2|contexts=2: contexts x tensorParallelSize = 2 x 2 = 4 cards, but devices lists only 2",
        "tensorParallelSize|0|tensorParallelSize=0: must be >= 1",
        "tensorParallelSize|two|tensorParallelSize=two: must be a whole number",
        "threadsPerCard|0|threadsPerCard=0: must be in 1..1024",
        "maxSequenceLength|-1|maxSequenceLength=-1: must be >= 0",
        "kvCacheBudgetBytes|-5|kvCacheBudgetBytes=-5: must be >= 0",
        "deviceTimeoutSeconds|0|deviceTimeoutSeconds=0: must be in 1..86400",
        "requestTimeoutSeconds|100000|requestTimeoutSeconds=100000: must be in 1..86400",
        "queueDepth|-1|queueDepth=-1: must be in 0..100000",
        "defaultMaxTokens|0|defaultMaxTokens=0: must be >= 1",
        "quotaTokensPerCaller|-1|quotaTokensPerCaller=-1: must be >= 0",
        "maxImageBytes|0|maxImageBytes=0: must be in 1..",
        "maxImagePixels|99999999999|maxImagePixels=99999999999: must be in 1..",
        "launchBlocking|yes|launchBlocking=yes: must be true or false",
        "faultInjection|cpu:1|faultInjection=cpu:1: rule 'cpu:1' must look like",
        "faultInjection|load:delay:-1|faultInjection=load:delay:-1: rule 'load:delay:-1' must be load:delay:MILLIS",
        "colour|red|colour=red: unknown setting"})
    void eachBadValueIsNamedWithItsRule(String key, String value, String message) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("modelPath", "/m"));
        m.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> AdapterSettings.fromStrings(m));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(key, e.key());
    }
}
