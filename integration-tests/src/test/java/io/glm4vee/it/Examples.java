package io.glm4vee.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** In-container access to the example pictures the probe WAR carries (see Deployments). */
public final class Examples {

    /** The demo model's answers (models/glm4v-shapes-demo/README.md). */
    public static final String GREETING = "I am a small GLM-4V demo model. Show me a picture of a shape.";
    public static final String RED_CIRCLE = "A red circle.";

    /**
     * The EJB's local view by its portable name. The tests' @EJB fields name it (lookup) so that Arquillian's
     * EJB enricher finds the bean from the probe module on every server (Payara's does not inject it otherwise).
     */
    public static final String SERVICE = "java:app/glm4v-ee-ejb-inference/InferenceService!io.glm4vee.ejb.InferenceServiceLocal";

    /**
     * The connection factory as a resource reference of the probe: eis/glm4v, which Liberty's probe binds to the
     * connectionFactory eis/glm4v (src/test/liberty/probe-WEB-INF/web.xml) and Payara's to the Payara EAR's
     * java:app/eis/glm4v (integration-tests-payara/src/test/payara/probe-WEB-INF/web.xml).
     */
    public static final String FACTORY_REF = "eis/glm4v";

    /** The pictures the probe carries as class-path resources under /examples/. */
    public static final List<String> NAMES = List.of("red_circle.png", "blue_square.png", "green_triangle.png");

    private Examples() {
    }

    public static byte[] image(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("examples/" + name + " is not in the probe WAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
