package io.glm4vee.ejb;

import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.MetricsSnapshot;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.LocalBean;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes the resource adapter's figures (contexts: state, queue, sessions, rebuilds,
 * contiguity copies; cards: memory, busy time, ops) as gauges of the application's
 * MicroProfile registry, at start. The gauges read {@link #snapshot()} through this bean's
 * container view, so a scrape by the metrics endpoint gets a pooled connection the way any
 * component does; one snapshot serves a whole scrape (it is kept for {@value #TTL_MILLIS} ms).
 * When the adapter cannot be asked at start, a non-persistent timer retries every 5 s.
 */
@Singleton
@Startup
@LocalBean
@PermitAll
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AdapterMetrics {

    private static final Logger LOG = Logger.getLogger(AdapterMetrics.class.getName());
    static final long TTL_MILLIS = 200;

    @Resource(lookup = "eis/glm4v")
    InferenceConnectionFactory factory;

    @Inject
    MetricRegistry registry;

    @Resource
    SessionContext context;

    @Resource
    TimerService timers;

    private final Object lock = new Object();
    private MetricsSnapshot cached;
    private long cachedAt;
    private volatile boolean registered;

    @PostConstruct
    void start() {
        if (!tryRegister() && timers != null) {
            timers.createIntervalTimer(5_000, 5_000, new TimerConfig("glm4v adapter metrics", false));
        }
    }

    @Timeout
    void retry(Timer timer) {
        if (tryRegister()) {
            timer.cancel();
        }
    }

    /** Registers the gauges of every context and card; false when the adapter cannot be asked yet. */
    boolean tryRegister() {
        if (registered) {
            return true;
        }
        if (registry == null) {
            return false;
        }
        MetricsSnapshot s;
        try {
            s = fetch();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "GLM4V-EJB-010 adapter metrics not available yet; retrying", e);
            return false;
        }
        AdapterMetrics self = context == null ? this : context.getBusinessObject(AdapterMetrics.class);
        Supplier<MetricsSnapshot> source = self::snapshot;
        new AdapterGauges(registry, source).register(s);
        registered = true;
        LOG.info(() -> "GLM4V-EJB-011 publishing metrics of " + s.contexts().size() + " device context(s) and "
                + s.cards().size() + " card(s)");
        return true;
    }

    /** The adapter's latest figures, at most {@value #TTL_MILLIS} ms old; empty when it cannot be asked. */
    public MetricsSnapshot snapshot() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (cached == null || now - cachedAt > TTL_MILLIS * 1_000_000) {
                try {
                    cached = fetch();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "GLM4V-EJB-012 adapter metrics not available", e);
                    cached = MetricsSnapshot.empty();
                }
                cachedAt = now;
            }
            return cached;
        }
    }

    private MetricsSnapshot fetch() {
        try (InferenceConnection c = factory.getConnection()) {
            return c.metrics();
        }
    }
}
