package io.glm4vee.web.metrics;

import jakarta.inject.Inject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Counts and times every request of the REST API by endpoint and outcome: counter
 * {@value #REQUESTS} (tags endpoint, method, status, outcome) and timer {@value #DURATION}
 * (tags endpoint, method). The endpoint is the path template of the JAX-RS resource the path
 * belongs to ({@link EndpointTemplates}, learnt from the WAR's applications at start), so ids never
 * become labels; a path no resource has counts as "unmatched". Streaming
 * answers are counted when they end. Declared in web.xml, after the API key filter: requests
 * refused for want of an API key never get here
 * (see glm4v.security.rejected).
 */
public class RequestMetricsFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RequestMetricsFilter.class.getName());

    static final String REQUESTS = "glm4v.requests";
    static final String DURATION = "glm4v.request.duration";
    static final String UNMATCHED = "unmatched";

    private static final Metadata REQUESTS_META = Metadata.builder().withName(REQUESTS)
            .withDescription("REST requests by endpoint (path template), method, status and outcome "
                    + "(success, client_error, server_error)").build();
    private static final Metadata DURATION_META = Metadata.builder().withName(DURATION)
            .withDescription("time to answer a REST request, by endpoint and method (streams: until the last event)")
            .withUnit(MetricUnits.SECONDS).build();

    @Inject
    MetricRegistry registry;

    private volatile EndpointTemplates endpoints = EndpointTemplates.none();

    /**
     * Learns the endpoint templates of every JAX-RS application of this WAR (the servlets the
     * runtime registers for them): its listed classes, or when it lists none (scanning), the
     * resource classes of WEB-INF/classes.
     */
    @Override
    public void init() throws ServletException {
        ServletContext servlets = getServletContext();
        Map<String, Collection<Class<?>>> apps = new LinkedHashMap<>();
        for (ServletRegistration r : servlets.getServletRegistrations().values()) {
            for (String name : Arrays.asList(r.getName(), r.getClassName(),
                    r.getInitParameter("jakarta.ws.rs.Application"))) {
                Class<?> app = applicationClass(servlets.getClassLoader(), name);
                if (app != null) {
                    apps.put(app.getAnnotation(ApplicationPath.class).value(), resources(servlets, app));
                    break;
                }
            }
        }
        endpoints = EndpointTemplates.of(apps);
        LOG.info(() -> "GLM4V-WEB-020 request metrics label " + endpoints.templates().size() + " endpoint(s) of "
                + apps.keySet() + ": " + endpoints.templates());
    }

    private static Class<?> applicationClass(ClassLoader loader, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            Class<?> c = Class.forName(name, false, loader);
            return Application.class.isAssignableFrom(c) && c.isAnnotationPresent(ApplicationPath.class) ? c : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;                        // a servlet that is not a JAX-RS application
        }
    }

    private static Collection<Class<?>> resources(ServletContext servlets, Class<?> app) {
        try {
            Set<Class<?>> listed = ((Application) app.getConstructor().newInstance()).getClasses();
            if (!listed.isEmpty()) {
                return listed;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.fine(() -> "GLM4V-WEB-021 cannot list the classes of " + app.getName() + ": " + e);
        }
        List<Class<?>> scanned = new ArrayList<>();
        scan(servlets, "/WEB-INF/classes/", scanned);
        return scanned;
    }

    /** Classes with @Path under a WEB-INF/classes directory (what JAX-RS scanning finds there). */
    private static void scan(ServletContext servlets, String dir, List<Class<?>> out) {
        Set<String> entries = servlets.getResourcePaths(dir);
        if (entries == null) {
            return;
        }
        for (String e : entries) {
            if (e.endsWith("/")) {
                scan(servlets, e, out);
            } else if (e.endsWith(".class") && !e.contains("$")) {
                String name = e.substring("/WEB-INF/classes/".length(), e.length() - 6).replace('/', '.');
                try {
                    Class<?> c = Class.forName(name, false, servlets.getClassLoader());
                    if (c.isAnnotationPresent(Path.class)) {
                        out.add(c);
                    }
                } catch (ClassNotFoundException | LinkageError ignored) {
                    // not loadable here: not a resource of ours
                }
            }
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long t0 = System.nanoTime();
        int failedWith = 0;
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            failedWith = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;   // what the container will answer
            throw e;
        } finally {
            if (failedWith == 0 && request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(request, response.getStatus(), t0);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                record(request, failedWith != 0 ? failedWith : response.getStatus(), t0);
            }
        }
    }

    private void record(HttpServletRequest request, int status, long t0) {
        if (registry == null) {
            return;
        }
        String template = endpoints.match(request.getRequestURI().substring(request.getContextPath().length()));
        String endpoint = template != null ? template : UNMATCHED;
        Tag e = new Tag("endpoint", endpoint);
        Tag m = new Tag("method", request.getMethod());
        registry.counter(REQUESTS_META, e, m, new Tag("status", String.valueOf(status)),
                new Tag("outcome", outcome(status))).inc();
        registry.timer(DURATION_META, e, m).update(Duration.ofNanos(System.nanoTime() - t0));
    }

    static String outcome(int status) {
        return status >= 500 ? "server_error" : status >= 400 ? "client_error" : "success";
    }
}
