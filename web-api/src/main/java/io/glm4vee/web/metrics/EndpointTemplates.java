package io.glm4vee.web.metrics;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path templates of the WAR's JAX-RS endpoints ("/api/v1/sessions/{id}"), read from the
 * applications' listed classes, and which one a request path belongs to: the metrics label an
 * endpoint by its template, never by the ids in its path, so the number of series stays bounded.
 */
public final class EndpointTemplates {

    private static final Pattern PARAM = Pattern.compile("\\{\\s*(\\w[\\w.-]*)\\s*(?::\\s*((?:[^{}]|\\{[^{}]*})+))?}");

    /** One template and the paths it matches; more literal segments win over parameters. */
    record Template(String template, Pattern regex, int literals) {
    }

    private final List<Template> templates;

    private EndpointTemplates(List<Template> templates) {
        this.templates = templates.stream()
                .sorted(Comparator.comparingInt(Template::literals).reversed()
                        .thenComparing(Template::template))
                .toList();
    }

    /**
     * The templates of JAX-RS applications.
     *
     * @param applications each application's path (its @ApplicationPath) and resource classes
     */
    static EndpointTemplates of(Map<String, ? extends Collection<Class<?>>> applications) {
        List<Template> all = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, ? extends Collection<Class<?>>> app : applications.entrySet()) {
            String root = app.getKey();
            for (Class<?> type : app.getValue()) {
                Path p = type.getAnnotation(Path.class);
                if (p == null) {
                    continue;
                }
                String prefix = join(root, p.value());
                for (Method m : type.getMethods()) {
                    Path mp = m.getAnnotation(Path.class);
                    if (mp != null) {
                        add(all, seen, join(prefix, mp.value()));
                    } else if (isResourceMethod(m)) {
                        add(all, seen, prefix);
                    }
                }
            }
        }
        return new EndpointTemplates(all);
    }

    /** The templates of one application's resource classes ("/api/v1/sessions/{id}" for root "/api"). */
    public static List<String> templates(String root, Collection<Class<?>> resources) {
        return of(Map.of(root, resources)).templates();
    }

    static EndpointTemplates none() {
        return new EndpointTemplates(List.of());
    }

    public List<String> templates() {
        return templates.stream().map(Template::template).toList();
    }

    /** The template a request path (inside the application) belongs to, or null. */
    String match(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Template t : templates) {
            if (t.regex().matcher(p).matches()) {
                return t.template();
            }
        }
        return null;
    }

    /** Annotated with GET, POST, ... (an annotation that carries @HttpMethod). */
    private static boolean isResourceMethod(Method m) {
        return Arrays.stream(m.getAnnotations()).anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class));
    }

    private static void add(List<Template> all, Set<String> seen, String raw) {
        StringBuilder template = new StringBuilder();
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAM.matcher(raw);
        int last = 0;
        while (m.find()) {
            template.append(raw, last, m.start()).append('{').append(m.group(1)).append('}');
            regex.append(Pattern.quote(raw.substring(last, m.start())))
                    .append('(').append(m.group(2) == null ? "[^/]+" : m.group(2).strip()).append(')');
            last = m.end();
        }
        template.append(raw.substring(last));
        regex.append(Pattern.quote(raw.substring(last)));
        String t = template.toString();
        if (seen.add(t)) {
            int literals = (int) Arrays.stream(t.split("/")).filter(s -> !s.isEmpty() && !s.startsWith("{"))
                    .count();
            all.add(new Template(t, Pattern.compile(regex.toString()), literals));
        }
    }

    /** "/api" + "v1/chat" = "/api/v1/chat" (one slash between parts, none at the end). */
    public static String join(String a, String b) {
        StringBuilder out = new StringBuilder();
        for (String part : (a + "/" + b).split("/")) {
            if (!part.isEmpty()) {
                out.append('/').append(part);
            }
        }
        return out.isEmpty() ? "/" : out.toString();
    }
}
