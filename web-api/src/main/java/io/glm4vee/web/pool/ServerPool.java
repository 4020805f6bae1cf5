package io.glm4vee.web.pool;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application server's connection pool of the adapter's connection factory (eis/glm4v), as the
 * server reports it: the pool belongs to the server (server.xml {@code connectionManager}, the admin
 * console), not to the adapter, so its size is read from the server's management beans.
 *
 * <p>Open Liberty: the {@code WebSphere:type=com.ibm.ws.jca.cm.mbean.ConnectionManagerMBean} of the
 * connection manager whose {@code JndiName} is eis/glm4v (registered once the factory has been used),
 * attributes {@code MaxSize}, {@code Size}, {@code Available}.
 *
 * <p>Payara Server: the AMX configuration bean ({@code amx:type=connector-connection-pool}) of the
 * pool whose resource adapter is the application's embedded glm4v-ra and whose connection definition
 * is the adapter's factory (the application-scoped {@code java:app/glm4v-pool}); AMX is booted first
 * when it is not yet ({@code amx-support:type=boot-amx}). It holds the pool's configuration, which is
 * what the pool runs with since the application was last enabled; Payara has no bean with the pool's
 * current connections unless monitoring is on, so size and available are -1 (not reported).
 * Other servers: none found, the answer is empty (a reader for another server adds a branch here).
 */
public final class ServerPool {

    /** The connection factory the EJBs look up. */
    public static final String JNDI_NAME = "eis/glm4v";

    private static final Logger LOG = Logger.getLogger(ServerPool.class.getName());
    private static final String LIBERTY_POOLS = "WebSphere:type=com.ibm.ws.jca.cm.mbean.ConnectionManagerMBean,*";

    /** One reading of the pool: its configured maximum, connections now in it, and those free now. */
    public record Reading(long maxSize, long size, long available, String source) {
    }

    private ServerPool() {
    }

    public static Optional<Reading> read() {
        return read(ManagementFactory.getPlatformMBeanServer(), JNDI_NAME);
    }

    static Optional<Reading> read(MBeanServer server, String jndiName) {
        try {
            for (ObjectName name : server.queryNames(new ObjectName(LIBERTY_POOLS), null)) {
                if (jndiName.equals(server.getAttribute(name, "JndiName"))) {
                    return Optional.of(new Reading(number(server.getAttribute(name, "MaxSize")),
                            number(server.getAttribute(name, "Size")), number(server.getAttribute(name, "Available")),
                            "liberty"));
                }
            }
            return readPayara(server);
        } catch (JMException | RuntimeException e) {       // the pool figures are optional: report none
            LOG.log(Level.FINE, "GLM4V-WEB-030 cannot read the connection pool of " + jndiName, e);
        }
        return Optional.empty();
    }

    /** Payara's AMX beans of connector connection pools. */
    private static final String PAYARA_POOLS = "amx:type=connector-connection-pool,*";
    private static final String PAYARA_AMX_BOOT = "amx-support:type=boot-amx";
    /** The connection definition of the adapter's pool, and the adapter's module name in the EAR. */
    static final String CONNECTION_DEFINITION = "io.glm4vee.ra.api.InferenceConnectionFactory";
    static final String ADAPTER_MODULE = "#glm4v-ra";

    static Optional<Reading> readPayara(MBeanServer server) throws JMException {
        ObjectName pools = new ObjectName(PAYARA_POOLS);
        ObjectName boot = new ObjectName(PAYARA_AMX_BOOT);
        if (server.queryNames(pools, null).isEmpty() && server.isRegistered(boot)) {
            server.invoke(boot, "bootAMX", new Object[0], new String[0]);
        }
        for (ObjectName name : server.queryNames(pools, null)) {
            if (CONNECTION_DEFINITION.equals(server.getAttribute(name, "ConnectionDefinitionName"))
                    && String.valueOf(server.getAttribute(name, "ResourceAdapterName")).endsWith(ADAPTER_MODULE)) {
                return Optional.of(new Reading(count(server.getAttribute(name, "MaxPoolSize")), -1, -1, "payara"));
            }
        }
        return Optional.empty();
    }

    /** A count that AMX may hold as text ("8"); -1 when it is neither a number nor a numeral. */
    private static long count(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? -1 : Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : -1;
    }
}
