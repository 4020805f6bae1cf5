package io.glm4vee.web.security;

import io.glm4vee.config.ApiKeys;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who the mechanism logs in: key holders with their group, the admin over Basic, nobody else. */
class ApiKeyAuthenticationTest {

    static final String USER_KEY = "user-key-0123456789";
    static final String ADMIN_KEY = "admin-key-0123456789";

    private final Fakes.Request request = new Fakes.Request();
    private final Fakes.Response response = new Fakes.Response();
    private final Fakes.MessageContext context = new Fakes.MessageContext();
    private final ApiKeyAuthentication mechanism = new ApiKeyAuthentication();

    ApiKeyAuthenticationTest() {
        mechanism.config = new ApiKeysConfig();
        mechanism.identityStores = new IdentityStoreHandler() {
            @Override
            public CredentialValidationResult validate(jakarta.security.enterprise.credential.Credential c) {
                UsernamePasswordCredential u = (UsernamePasswordCredential) c;
                return u.compareTo("admin", "secret")
                        ? new CredentialValidationResult("admin", Set.of(ApiKeyAuthentication.ADMINS))
                        : CredentialValidationResult.INVALID_RESULT;
            }
        };
    }

    private void keys(String value) {
        mechanism.config.keys = ApiKeys.parse(value);
    }

    private AuthenticationStatus call(String authorization) {
        if (authorization != null) {
            request.headers.put("Authorization", authorization);
        }
        return mechanism.validateRequest(request.proxy, response.proxy, context.proxy);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aUserKeyLogsItsNameInWithTheUsersGroup() {
        keys(USER_KEY + ":alice:inference-user," + ADMIN_KEY + ":ops:inference-admin");
        assertEquals(AuthenticationStatus.SUCCESS, call("Bearer " + USER_KEY));
        assertEquals("alice", context.caller);
        assertEquals(Set.of(ApiKeyAuthentication.USERS), context.groups);
    }

    @Test
    void anAdminKeyLogsInWithTheAdminsGroup() {
        keys(USER_KEY + ":alice:inference-user," + ADMIN_KEY + ":ops:inference-admin");
        call("bearer  " + ADMIN_KEY + " ");
        assertEquals("ops", context.caller);
        assertEquals(Set.of(ApiKeyAuthentication.ADMINS), context.groups);
    }

    @Test
    void aWrongKeyLogsNobodyInAndIsMarkedForTheFilter() {
        keys(USER_KEY + ":alice:inference-user");
        call("Bearer " + USER_KEY + "x");
        assertNull(context.caller);
        assertTrue(context.nothing);
        assertEquals(Boolean.TRUE, request.attributes.get(ApiKeyAuthentication.CREDENTIALS_REFUSED));
    }

    @Test
    void noHeaderLogsNobodyInAndIsNotMarked() {
        keys(USER_KEY + ":alice:inference-user");
        call(null);
        assertNull(context.caller);
        assertNull(request.attributes.get(ApiKeyAuthentication.CREDENTIALS_REFUSED));
    }

    @Test
    void theAdminLogsInWithBasicAndWrongCredentialsAreMarked() {
        keys(USER_KEY + ":alice:inference-user");
        call(basic("admin", "secret"));
        assertEquals("admin", context.caller);
        assertEquals(Set.of(ApiKeyAuthentication.ADMINS), context.groups);

        Fakes.MessageContext other = new Fakes.MessageContext();
        Fakes.Request r = new Fakes.Request();
        r.headers.put("Authorization", basic("admin", "guess"));
        mechanism.validateRequest(r.proxy, response.proxy, other.proxy);
        assertNull(other.caller);
        assertEquals(Boolean.TRUE, r.attributes.get(ApiKeyAuthentication.CREDENTIALS_REFUSED));

        Fakes.Request garbage = new Fakes.Request();
        garbage.headers.put("Authorization", "Basic %%%");
        mechanism.validateRequest(garbage.proxy, response.proxy, new Fakes.MessageContext().proxy);
        assertEquals(Boolean.TRUE, garbage.attributes.get(ApiKeyAuthentication.CREDENTIALS_REFUSED));
    }

    @Test
    void withoutKeysAnyBearerTokenRunsUnauthenticated() {
        keys("");
        assertEquals(AuthenticationStatus.NOT_DONE, call("Bearer sk-anything"));
        assertNull(context.caller);
        assertTrue(context.nothing);
    }

    @Test
    void withoutKeysTheAdminStillLogsInWithBasic() {
        keys("");
        call(basic("admin", "secret"));
        assertEquals("admin", context.caller);
    }
}
