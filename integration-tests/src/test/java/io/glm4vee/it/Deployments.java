package io.glm4vee.it;

import org.jboss.arquillian.container.test.api.Testable;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.FileAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The archives the tests deploy. Always the real EAR as ../ear built it, named glm4v.ear, so the
 * server sees application "glm4v" and its resource adapter "glm4v.glm4v-ra" as in production.
 *
 * <p>In-container tests add a probe WAR (context root /it-probe) holding the test class. Being a
 * module of the same EAR, it sees the adapter's client API (from the embedded RAR) and the EJB's
 * local view exactly as the application's own modules do. The probe's WEB-INF gets the server's bindings of the
 * tests' resource reference eis/glm4v (the files of glm4v.it.probe-web-inf: src/test/liberty/probe-WEB-INF on
 * Open Liberty, integration-tests-payara/src/test/payara/probe-WEB-INF on Payara).
 */
public final class Deployments {

    private Deployments() {
    }

    /** The production EAR, unchanged. */
    public static EnterpriseArchive application() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ItEnv.ear().toFile());
    }

    /** The production EAR plus a probe WAR with the given test classes, marked as the archive to test. */
    public static EnterpriseArchive applicationWithProbe(Class<?>... classes) {
        EnterpriseArchive ear = application();
        WebArchive probe = ShrinkWrap.create(WebArchive.class, "it-probe.war").addClasses(classes);
        for (String name : Examples.NAMES) {
            probe.addAsResource(new FileAsset(ItEnv.example(name).toFile()), "examples/" + name);
        }
        for (Path descriptor : ItEnv.probeWebInf()) {
            probe.addAsWebInfResource(descriptor.toFile(), descriptor.getFileName().toString());
        }
        String xml = read(ear);
        if (!xml.contains("<library-directory>")) {
            throw new IllegalStateException("unexpected application.xml in " + ItEnv.ear() + ":\n" + xml);
        }
        xml = xml.replace("<library-directory>", "<module>\n    <web>\n      <web-uri>it-probe.war</web-uri>\n"
                + "      <context-root>/it-probe</context-root>\n    </web>\n  </module>\n  <library-directory>");
        ear.delete("META-INF/application.xml");
        ear.setApplicationXML(new StringAsset(xml));
        ear.addAsModule(Testable.archiveToTest(probe));
        return ear;
    }

    private static String read(EnterpriseArchive ear) {
        try (InputStream in = ear.get("META-INF/application.xml").getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
