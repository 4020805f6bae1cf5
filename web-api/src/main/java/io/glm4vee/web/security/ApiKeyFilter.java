package io.glm4vee.web.security;

import io.glm4vee.config.ApiKeys;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.io.IOException;

/**
 * With API keys configured, a request whose caller {@link ApiKeyAuthentication} did not log in
 * ends here: 401 with {@code WWW-Authenticate: Bearer}, in the error format of the API it asked
 * ({@link Unauthorized}), counted in {@value #REJECTED} (tag reason: missing, invalid). Without
 * keys every request passes. The first filter of the WAR (declared in web.xml, which orders it).
 */
public class ApiKeyFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    static final String REJECTED = "glm4v.security.rejected";
    private static final Metadata REJECTED_META = Metadata.builder().withName(REJECTED)
            .withDescription("requests refused with 401 because API keys are configured and the request had no "
                    + "valid one (reason: missing, invalid)").build();

    @Inject
    ApiKeysConfig config;

    @Inject
    MetricRegistry metrics;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ApiKeys keys = config.keys();
        if (keys.isEmpty() || request.getUserPrincipal() != null) {
            chain.doFilter(request, response);
            return;
        }
        boolean invalid = request.getAttribute(ApiKeyAuthentication.CREDENTIALS_REFUSED) != null
                || request.getHeader("Authorization") != null;
        if (metrics != null) {
            metrics.counter(REJECTED_META, new Tag("reason", invalid ? "invalid" : "missing")).inc();
        }
        Unauthorized u = Unauthorized.of(request.getRequestURI().substring(request.getContextPath().length()), invalid);
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", u.wwwAuthenticate());
        response.setContentType(u.contentType());
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(u.body());
    }
}
