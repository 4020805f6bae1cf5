package io.glm4vee.web.security;

import io.glm4vee.config.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Who calls the REST API (every path of this WAR: /api/v1/* and /v1/*). This mechanism only
 * establishes the caller; {@link ApiKeyFilter} turns callers away (401) when keys are configured
 * and none was accepted (Liberty runs an unconstrained resource even when a mechanism answers
 * SEND_FAILURE, so the refusal must not be left to the mechanism).
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <key>} (as OpenAI clients send it): a key of
 *       {@value ApiKeys#KEY} logs the caller in under the key's name, in group
 *       {@value #ADMINS} for inference-admin keys and {@value #USERS} for inference-user keys.
 *       The EAR's ibm-application-bnd.xml maps the groups to the roles, and the identity reaches
 *       the EJB's SessionContext (caller name for quotas and sessions, isCallerInRole).</li>
 *   <li>{@code Authorization: Basic} is checked by the application's identity stores
 *       ({@link AdminIdentityStore}: the admin user and its password, glm4v.admin.password).</li>
 *   <li>Without keys (the default local run) the API is open: a request without valid
 *       credentials, or with any Bearer token, runs unauthenticated (role inference-user).</li>
 * </ul>
 */
@ApplicationScoped
public class ApiKeyAuthentication implements HttpAuthenticationMechanism {

    /** The group of inference-admin keys (mapped to the role in ibm-application-bnd.xml). */
    public static final String ADMINS = "inference-admins";
    /** The group of inference-user keys. */
    public static final String USERS = "inference-users";
    /** Request attribute: credentials were sent but not accepted (for the 401 of ApiKeyFilter). */
    static final String CREDENTIALS_REFUSED = "io.glm4vee.web.security.refused";

    @Inject
    ApiKeysConfig config;

    @Inject
    IdentityStoreHandler identityStores;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        ApiKeys keys = config.keys();
        String header = request.getHeader("Authorization");
        String scheme = header == null ? "" : header.strip();
        if (startsWithIgnoreCase(scheme, "Bearer ")) {
            if (keys.isEmpty()) {
                return context.doNothing();                   // open: OpenAI clients always send some key
            }
            Optional<ApiKeys.ApiKey> key = keys.match(scheme.substring(7).strip());
            if (key.isPresent()) {
                return context.notifyContainerAboutLogin(key.get().name(),
                        Set.of(key.get().isAdmin() ? ADMINS : USERS));
            }
        } else if (startsWithIgnoreCase(scheme, "Basic ")) {
            CredentialValidationResult result = basic(scheme.substring(6).strip());
            if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                return context.notifyContainerAboutLogin(result);
            }
        }
        if (!scheme.isEmpty()) {
            request.setAttribute(CREDENTIALS_REFUSED, Boolean.TRUE);
        }
        return context.doNothing();
    }

    private CredentialValidationResult basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || identityStores == null) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        return identityStores.validate(new UsernamePasswordCredential(decoded.substring(0, colon),
                decoded.substring(colon + 1)));
    }

    static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
