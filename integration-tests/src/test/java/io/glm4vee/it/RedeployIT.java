package io.glm4vee.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Redeploying the application must not leak: after each undeploy no glm4v-* thread is left in the
 * server (the adapter stopped its cards, schedulers and workers), and every deployment runs the same
 * threads. Three deploy / serve / undeploy cycles on the running test server.
 */
@ExtendWith(ArquillianExtension.class)
public class RedeployIT {

    private static final String APP = "app";
    private static final String PREFIX = "glm4v-";

    @Deployment(name = APP, managed = false, testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    @RunAsClient
    void threeRedeploysLeaveNoThreadBehind() throws Exception {
        Http http = new Http(ItEnv.baseUri());
        try (ServerThreads server = new ServerThreads(ItEnv.serverDir())) {
            List<String> before = server.named(PREFIX);
            List<List<String>> whileDeployed = new ArrayList<>();
            for (int cycle = 1; cycle <= 3; cycle++) {
                deployer.deploy(APP);
                Http.Reply r = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
                assertEquals(Examples.RED_CIRCLE, r.text(), "cycle " + cycle + ": " + r);
                whileDeployed.add(server.named(PREFIX));
                deployer.undeploy(APP);
                List<String> after = awaitThreads(server, before);
                System.out.println("redeploy cycle " + cycle + ": " + whileDeployed.getLast().size() + " " + PREFIX
                        + "* threads while deployed, " + after.size() + " after undeploy");
                assertEquals(before, after, "cycle " + cycle + ": threads left behind by the undeployed application");
            }
            assertFalse(whileDeployed.getFirst().isEmpty(), "the adapter runs " + PREFIX + "* threads");
            for (List<String> names : whileDeployed) {
                assertEquals(whileDeployed.getFirst().size(), names.size(),
                        "as many threads in every deployment: " + whileDeployed);
            }
        }
    }

    /** Undeploy may finish stopping threads shortly after the application is reported stopped. */
    private static List<String> awaitThreads(ServerThreads server, List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<String> now = server.named(PREFIX);
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = server.named(PREFIX);
        }
        return now;
    }
}
