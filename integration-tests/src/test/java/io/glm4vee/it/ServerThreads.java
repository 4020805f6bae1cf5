package io.glm4vee.it;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The test server's threads, read from outside through its local JMX connector (localConnector-1.0
 * writes the address to logs/state), so they can be counted while no application is deployed.
 */
public final class ServerThreads implements AutoCloseable {

    private final JMXConnector connector;
    private final ThreadMXBean threads;

    public ServerThreads(Path serverDir) throws IOException {
        Path address = serverDir.resolve("logs/state/com.ibm.ws.jmx.local.address");
        connector = JMXConnectorFactory.connect(new JMXServiceURL(Files.readString(address).strip()));
        MBeanServerConnection server = connector.getMBeanServerConnection();
        threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
    }

    /** Names of the live threads that start with prefix, sorted. */
    public List<String> named(String prefix) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .toList();
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
