package io.glm4vee.web.security;

import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AdminIdentityStoreTest {

    private static AdminIdentityStore store(String password) {
        AdminIdentityStore s = new AdminIdentityStore();
        s.config = (Config) Proxy.newProxyInstance(AdminIdentityStoreTest.class.getClassLoader(),
                new Class<?>[]{Config.class}, (p, m, a) -> {
                    if (m.getName().equals("getOptionalValue") && AdminIdentityStore.PASSWORD_KEY.equals(a[0])) {
                        return Optional.ofNullable(password);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return s;
    }

    @Test
    void theAdminWithItsPasswordIsInTheAdminsGroup() {
        CredentialValidationResult r = store("s3cret").validate(new UsernamePasswordCredential("admin", "s3cret"));
        assertEquals(CredentialValidationResult.Status.VALID, r.getStatus());
        assertEquals("admin", r.getCallerPrincipal().getName());
        assertEquals(Set.of(ApiKeyAuthentication.ADMINS), r.getCallerGroups());
    }

    @Test
    void anyOtherUserOrPasswordIsInvalid() {
        assertEquals(CredentialValidationResult.Status.INVALID,
                store("s3cret").validate(new UsernamePasswordCredential("admin", "guess")).getStatus());
        assertEquals(CredentialValidationResult.Status.INVALID,
                store("s3cret").validate(new UsernamePasswordCredential("root", "s3cret")).getStatus());
    }

    @Test
    void withoutAPasswordNobodyLogsInThisWay() {
        assertEquals(CredentialValidationResult.Status.NOT_VALIDATED,
                store(null).validate(new UsernamePasswordCredential("admin", "")).getStatus());
    }
}
