package io.glm4vee.ejb;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A MetricRegistry for unit tests: counters, timers and gauges registered by name and tags
 * (metadata kept), read back by the test. Only what the beans use is implemented.
 */
final class FakeMetricRegistry {

    /** What was registered under one name and tag set. */
    static final class Entry {
        final Metadata metadata;
        final AtomicLong count = new AtomicLong();
        final AtomicLong totalNanos = new AtomicLong();
        Supplier<Number> gauge;

        Entry(Metadata metadata) {
            this.metadata = metadata;
        }
    }

    final Map<String, Entry> entries = new TreeMap<>();

    final MetricRegistry registry = (MetricRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{MetricRegistry.class}, (proxy, method, args) -> switch (method.getName()) {
                case "counter" -> counter(entry(args[0], tags(args, 1)));
                case "timer" -> timer(entry(args[0], tags(args, 1)));
                case "gauge" -> gauge(args);
                default -> throw new UnsupportedOperationException(method.toString());
            });

    static String key(String name, Tag... tags) {
        return name + Arrays.stream(tags).sorted(Comparator.comparing(Tag::getTagName))
                .map(t -> t.getTagName() + "=" + t.getTagValue()).collect(Collectors.joining(",", "{", "}"));
    }

    long count(String name, Tag... tags) {
        Entry e = entries.get(key(name, tags));
        return e == null ? 0 : e.count.get();
    }

    long totalNanos(String name, Tag... tags) {
        Entry e = entries.get(key(name, tags));
        return e == null ? 0 : e.totalNanos.get();
    }

    Double gauge(String name, Tag... tags) {
        Entry e = entries.get(key(name, tags));
        return e == null || e.gauge == null ? null : e.gauge.get().doubleValue();
    }

    Metadata metadata(String name, Tag... tags) {
        Entry e = entries.get(key(name, tags));
        return e == null ? null : e.metadata;
    }

    private static Tag[] tags(Object[] args, int from) {
        if (args.length <= from || args[from] == null) {
            return new Tag[0];
        }
        return args[from] instanceof Tag[] t ? t : new Tag[0];
    }

    private Entry entry(Object nameOrMetadata, Tag... tags) {
        Metadata m = nameOrMetadata instanceof Metadata md ? md : Metadata.builder().withName((String) nameOrMetadata).build();
        return entries.computeIfAbsent(key(m.getName(), tags), k -> new Entry(m));
    }

    private static Counter counter(Entry e) {
        return (Counter) Proxy.newProxyInstance(FakeMetricRegistry.class.getClassLoader(), new Class<?>[]{Counter.class},
                (p, method, args) -> switch (method.getName()) {
                    case "inc" -> {
                        e.count.addAndGet(args == null ? 1 : (Long) args[0]);
                        yield null;
                    }
                    case "getCount" -> e.count.get();
                    default -> throw new UnsupportedOperationException(method.toString());
                });
    }

    private static Timer timer(Entry e) {
        return (Timer) Proxy.newProxyInstance(FakeMetricRegistry.class.getClassLoader(), new Class<?>[]{Timer.class},
                (p, method, args) -> switch (method.getName()) {
                    case "update" -> {
                        e.count.incrementAndGet();
                        e.totalNanos.addAndGet(((Duration) args[0]).toNanos());
                        yield null;
                    }
                    case "getCount" -> e.count.get();
                    default -> throw new UnsupportedOperationException(method.toString());
                });
    }

    @SuppressWarnings("unchecked")
    private Gauge<Number> gauge(Object[] args) {
        Entry e;
        Supplier<Number> value;
        if (args[1] instanceof Supplier<?> s && (args.length == 2 || args[2] instanceof Tag[])) {
            e = entry(args[0], tags(args, 2));
            value = (Supplier<Number>) s;
        } else {
            Object target = args[1];
            Function<Object, Number> f = (Function<Object, Number>) args[2];
            e = entry(args[0], tags(args, 3));
            value = () -> f.apply(target);
        }
        e.gauge = value;
        return () -> e.gauge.get();
    }
}
