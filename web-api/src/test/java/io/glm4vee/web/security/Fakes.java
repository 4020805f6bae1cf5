package io.glm4vee.web.security;

import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Just enough of a servlet request, response and message context for the security classes. */
final class Fakes {

    static final class Request {
        final Map<String, String> headers = new HashMap<>();
        final Map<String, Object> attributes = new HashMap<>();
        String uri = "/api/v1/chat";
        Principal principal;

        final HttpServletRequest proxy = (HttpServletRequest) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[]{HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getHeader" -> headers.get((String) a[0]);
                    case "getAttribute" -> attributes.get((String) a[0]);
                    case "setAttribute" -> {
                        attributes.put((String) a[0], a[1]);
                        yield null;
                    }
                    case "getRequestURI" -> uri;
                    case "getContextPath" -> "";
                    case "getUserPrincipal" -> principal;
                    case "getMethod" -> "POST";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static final class Response {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        String contentType;
        final StringWriter body = new StringWriter();
        private final PrintWriter writer = new PrintWriter(body);

        final HttpServletResponse proxy = (HttpServletResponse) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[]{HttpServletResponse.class}, (p, m, a) -> switch (m.getName()) {
                    case "setStatus" -> {
                        status = (Integer) a[0];
                        yield null;
                    }
                    case "setHeader" -> {
                        headers.put((String) a[0], (String) a[1]);
                        yield null;
                    }
                    case "setContentType" -> {
                        contentType = (String) a[0];
                        yield null;
                    }
                    case "setCharacterEncoding" -> null;
                    case "getWriter" -> writer;
                    default -> throw new UnsupportedOperationException(m.getName());
                });

        String body() {
            writer.flush();
            return body.toString();
        }
    }

    /** Records the login a mechanism asks for. */
    static final class MessageContext {
        String caller;
        Set<String> groups;
        boolean nothing;

        final HttpMessageContext proxy = (HttpMessageContext) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[]{HttpMessageContext.class}, (p, m, a) -> switch (m.getName()) {
                    case "doNothing" -> {
                        nothing = true;
                        yield AuthenticationStatus.NOT_DONE;
                    }
                    case "notifyContainerAboutLogin" -> {
                        if (a.length == 1) {
                            CredentialValidationResult r = (CredentialValidationResult) a[0];
                            caller = r.getCallerPrincipal().getName();
                            groups = r.getCallerGroups();
                        } else {
                            caller = (String) a[0];
                            @SuppressWarnings("unchecked")
                            Set<String> g = (Set<String>) a[1];
                            groups = g;
                        }
                        yield AuthenticationStatus.SUCCESS;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private Fakes() {
    }
}
