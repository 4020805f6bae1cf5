package io.glm4vee.web;

import io.glm4vee.web.metrics.EndpointTemplates;
import io.glm4vee.web.openai.OpenAiApplication;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts every path of the OpenAPI document under its own JAX-RS application. The WAR has two
 * applications (/api: {@link ApiApplication}, /v1: {@link OpenAiApplication}), and the OpenAPI
 * scanner prefixes every resource with one application path only (/api/chat/completions instead of
 * /v1/chat/completions). Registered as mp.openapi.filter (META-INF/microprofile-config.properties).
 */
public class OpenApiPaths implements OASFilter {

    /** A resource path relative to its application, and that application's root. */
    private record Owned(String relative, String root) {
    }

    private final List<Owned> owned = new ArrayList<>();
    private final Set<String> roots = new LinkedHashSet<>();

    public OpenApiPaths() {
        this(List.of(new ApiApplication(), new OpenAiApplication()));
    }

    OpenApiPaths(List<? extends Application> applications) {
        roots.add("");
        for (Application app : applications) {
            String root = EndpointTemplates.join(app.getClass().getAnnotation(ApplicationPath.class).value(), "");
            roots.add(root);
            for (String relative : EndpointTemplates.templates("", app.getClasses())) {
                owned.add(new Owned(relative, root));
            }
        }
        owned.sort(Comparator.comparingInt((Owned o) -> o.relative().length()).reversed());
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Paths paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null) {
            return;
        }
        Map<String, PathItem> fixed = new LinkedHashMap<>();
        paths.getPathItems().forEach((path, item) -> fixed.put(fix(path), item));
        paths.setPathItems(fixed);
    }

    /** The path under its own application: /api/chat/completions becomes /v1/chat/completions. */
    String fix(String path) {
        for (Owned o : owned) {
            if (path.endsWith(o.relative())
                    && roots.contains(path.substring(0, path.length() - o.relative().length()))) {
                return EndpointTemplates.join(o.root(), o.relative());
            }
        }
        return path;
    }
}
