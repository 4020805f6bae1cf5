package io.glm4vee.web.pool;

import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading the pool from management beans shaped like Open Liberty's ConnectionManagerMBean (its
 * object name pattern and the attributes of its interface: JndiName, MaxSize, Size, Available). The
 * real bean is read in the integration tests (ConfigChangeIT).
 */
class ServerPoolTest {

    /** The attributes Liberty's com.ibm.ws.jca.cm.mbean.ConnectionManagerMBean has. */
    public interface PoolBean {
        String getJndiName();

        long getMaxSize();

        long getSize();

        long getAvailable();
    }

    record Bean(String jndiName, long maxSize, long size, long available) implements PoolBean {
        public String getJndiName() {
            return jndiName;
        }

        public long getMaxSize() {
            return maxSize;
        }

        public long getSize() {
            return size;
        }

        public long getAvailable() {
            return available;
        }
    }

    private static void register(MBeanServer server, String name, Bean bean) throws Exception {
        server.registerMBean(new StandardMBean(bean, PoolBean.class),
                new ObjectName("WebSphere:type=com.ibm.ws.jca.cm.mbean.ConnectionManagerMBean,name=" + name));
    }

    @Test
    void picksThePoolOfTheAdaptersConnectionFactory() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        register(server, "dataSource[other]/connectionManager", new Bean("jdbc/other", 50, 3, 3));
        register(server, "connectionFactory[glm4vConnectionFactory]/connectionManager[default-0]",
                new Bean("eis/glm4v", 4, 2, 1));
        assertEquals(Optional.of(new ServerPool.Reading(4, 2, 1, "liberty")), ServerPool.read(server, "eis/glm4v"));
    }

    @Test
    void noPoolBeanMeansNoReading() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        assertTrue(ServerPool.read(server, "eis/glm4v").isEmpty(), "a server without Liberty's beans");
        register(server, "dataSource[other]/connectionManager", new Bean("jdbc/other", 50, 3, 3));
        assertTrue(ServerPool.read(server, "eis/glm4v").isEmpty(), "only another factory's pool");
    }
}
