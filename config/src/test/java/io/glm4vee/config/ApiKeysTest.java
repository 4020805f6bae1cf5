package io.glm4vee.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    @Test
    void emptyMeansOpen() {
        assertTrue(ApiKeys.parse(null).isEmpty());
        assertTrue(ApiKeys.parse("  ").isEmpty());
        assertTrue(ApiKeys.parse("").match("anything-at-all-1234").isEmpty());
    }

    @Test
    void keysMatchTheirNameAndRole() {
        ApiKeys keys = ApiKeys.parse(" user-key-0123456789:alice:inference-user , admin-key-0123456789:ops:INFERENCE-ADMIN");
        assertEquals(2, keys.size());
        ApiKeys.ApiKey alice = keys.match("user-key-0123456789").orElseThrow();
        assertEquals("alice", alice.name());
        assertFalse(alice.isAdmin());
        ApiKeys.ApiKey ops = keys.match("admin-key-0123456789").orElseThrow();
        assertEquals("ops", ops.name());
        assertTrue(ops.isAdmin());
        assertTrue(keys.match("user-key-012345678").isEmpty(), "a prefix is not the key");
        assertTrue(keys.match("").isEmpty());
        assertTrue(keys.match(null).isEmpty());
        assertEquals("2 API key(s): [alice (inference-user), ops (inference-admin)]", keys.toString());
    }

    @Test
    void aKeyMayBeGivenAsItsSha256() {
        String hex = HexFormat.of().formatHex(ApiKeys.sha256("a-long-enough-secret"));
        ApiKeys keys = ApiKeys.parse("{sha256}" + hex + ":bob:inference-user");
        assertEquals("bob", keys.match("a-long-enough-secret").orElseThrow().name());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "short:alice:inference-user|entry 1 of 1 ('alice'): the key must have at least 16 characters",
        "user-key-0123456789:alice|entry 1 of 1 (key hidden): must be key:name:role",
        "user-key-0123456789:alice:root|the role 'root' is not inference-user or inference-admin",
        "user-key-0123456789:al ice:inference-user|the name must be 1..64 of",
        "user-key-0123456789:a:inference-user,user-key-0123456789:b:inference-user|entry 2 of 2 ('b'): the key is the same as another entry's",
        "user-key-0123456789:a:inference-user,user-key-9876543210:a:inference-user|entry 2 of 2 ('a'): the name is used by another key",
        "{sha256}abc:a:inference-user|a {sha256} key must be 64 hex digits"})
    void badEntriesAreNamedWithoutShowingTheKey(String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse(value));
        assertTrue(e.getMessage().startsWith(ApiKeys.KEY + "="), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("0123456789"), "no key in the message: " + e.getMessage());
    }
}
