package io.glm4vee.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import org.eclipse.microprofile.config.Config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * The administrator's HTTP Basic login: user {@value #ADMIN_USER} with the password of
 * {@value #PASSWORD_KEY} (the server variable of the same name, environment variable
 * GLM4V_ADMIN_PASSWORD), in group {@value ApiKeyAuthentication#ADMINS}. Without a configured
 * password nobody logs in this way. (Liberty's Jakarta Security does not fall back to the server's
 * user registry once an application has its own authentication mechanism.)
 */
@ApplicationScoped
public class AdminIdentityStore implements IdentityStore {

    public static final String ADMIN_USER = "admin";
    public static final String PASSWORD_KEY = "glm4v.admin.password";

    @Inject
    Config config;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        Optional<String> password = config == null ? Optional.empty()
                : config.getOptionalValue(PASSWORD_KEY, String.class).filter(p -> !p.isEmpty());
        if (password.isEmpty()) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        boolean userMatches = ADMIN_USER.equals(credential.getCaller());
        boolean passwordMatches = MessageDigest.isEqual(password.get().getBytes(StandardCharsets.UTF_8),
                credential.getPasswordAsString().getBytes(StandardCharsets.UTF_8));
        return userMatches && passwordMatches
                ? new CredentialValidationResult(ADMIN_USER, Set.of(ApiKeyAuthentication.ADMINS))
                : CredentialValidationResult.INVALID_RESULT;
    }
}
