package io.glm4vee.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GenerationDefaults, read from generation_config.json. */
class GenerationConfigTest {

    @Test
    void tinyFixture() {
        GenerationDefaults g = GenerationDefaults.load(ModelConfigTest.TINY);
        assertArrayEquals(new int[] {320, 327, 329}, g.eosTokenIds());
        assertEquals(320, g.padTokenId());
        assertEquals(Boolean.TRUE, g.doSample());
        assertEquals(0.8, g.temperature());
        assertEquals(0.8, g.topP());
        assertNull(g.topK());
        assertEquals(512, g.maxLength());
    }

    @Test
    void demoModelHasNoSamplingValues() {
        GenerationDefaults g = GenerationDefaults.load(ModelConfigTest.DEMO);
        assertEquals(Boolean.FALSE, g.doSample());
        assertNull(g.temperature());
        assertNull(g.topP());
        assertArrayEquals(new int[] {522, 529, 531}, g.eosTokenIds());
    }

    @Test
    void absentFileGivesNone(@TempDir Path dir) {
        assertEquals(GenerationDefaults.none(), GenerationDefaults.load(dir));
        assertEquals(0, GenerationDefaults.none().eosTokenIds().length);
    }

    @Test
    void singleEosAndTopK() {
        GenerationDefaults g = GenerationDefaults.parse("{\"eos_token_id\": 7, \"top_k\": 40}");
        assertArrayEquals(new int[] {7}, g.eosTokenIds());
        assertEquals(40, g.topK());
    }

    @Test
    void badValuesNameTheField() {
        EngineException e = assertThrows(EngineException.class, () -> GenerationDefaults.parse("{\"top_p\": 1.5}"));
        assertEquals(ErrorCode.BAD_CONFIG, e.code());
        assertTrue(e.getMessage().contains("top_p=1.5"), e.getMessage());
        e = assertThrows(EngineException.class, () -> GenerationDefaults.parse("{\"do_sample\": 1}"));
        assertTrue(e.getMessage().contains("do_sample"), e.getMessage());
    }
}
