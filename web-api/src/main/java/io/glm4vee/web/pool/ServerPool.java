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
 * attributes {@code MaxSize}, {@code Size}, {@code Available}. Other servers: none found, the answer
 * is empty (a reader for another server adds a branch here).
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
        } catch (JMException | RuntimeException e) {       // the pool figures are optional: report none
            LOG.log(Level.FINE, "GLM4V-WEB-030 cannot read the connection pool of " + jndiName, e);
        }
        return Optional.empty();
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : -1;
    }
}
