package io.glm4vee.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scrape of /metrics (Prometheus text format) read into samples: name, labels, value. Client
 * side only.
 */
public final class PrometheusText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** GET /metrics?scope=application: 200 and the text format, read. */
    public static PrometheusText scrape(Http http) {
        Http.Reply r = http.get("/metrics?scope=application");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
        return new PrometheusText(r.body());
    }

    /** Scrapes until the condition holds (the adapter's figures are read at most every 200 ms), at most 10 s. */
    public static PrometheusText scrapeUntil(Http http, Predicate<PrometheusText> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        PrometheusText m = scrape(http);
        while (!condition.test(m) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            m = scrape(http);
        }
        return m;
    }

    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Sample> samples = new ArrayList<>();
    private final String text;

    public PrometheusText(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
    }

    /** Whether a HELP line documents the metric. */
    public boolean hasHelp(String name) {
        return text.contains("# HELP " + name + " ");
    }

    /** The sum of the samples named name whose labels include every given pair (k1, v1, k2, v2, ...); 0 when none. */
    public double value(String name, String... labelPairs) {
        return matching(name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }

    /** Whether any sample matches. */
    public boolean has(String name, String... labelPairs) {
        return !matching(name, labelPairs).isEmpty();
    }

    public List<Sample> matching(String name, String... labelPairs) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                all &= labelPairs[i + 1].equals(s.labels().get(labelPairs[i]));
            }
            if (all) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
