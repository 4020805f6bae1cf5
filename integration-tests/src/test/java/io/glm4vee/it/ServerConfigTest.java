package io.glm4vee.it;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test servers must be the production server plus test needs, not a different server: same
 * features, same JVM options, and adapter settings that the production configuration knows.
 * (A unit test: it reads the files and starts nothing.)
 */
class ServerConfigTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path PRODUCTION = ROOT.resolve("ear/src/main/liberty/config");
    private static final Path TESTS = ROOT.resolve("integration-tests/src/test/liberty");

    /** The adapter's JavaBean properties (the lead's contract; README.md, "Configuration"). */
    private static final Set<String> ADAPTER_PROPERTIES = Set.of("modelPath", "devices", "tensorParallelSize",
            "backend", "contexts", "threadsPerCard", "maxSequenceLength", "kvCacheBudgetBytes", "launchBlocking",
            "deviceTimeoutSeconds", "requestTimeoutSeconds", "queueDepth", "defaultMaxTokens",
            "quotaTokensPerCaller", "maxImageBytes", "maxImagePixels", "faultInjection");

    /** The operator's console: production runs it; of the test servers only glm4v-it-admin, which tests it. */
    private static final Set<String> CONSOLE = Set.of("adminCenter-1.0");

    @Test
    void testServerHasTheProductionFeaturesPlusArquilliansOwn() throws Exception {
        Set<String> production = features(PRODUCTION.resolve("server.xml"));
        assertTrue(production.containsAll(CONSOLE), "production runs Admin Center: " + production);
        production.removeAll(CONSOLE);
        Set<String> test = features(TESTS.resolve("glm4v-it/server.xml"));
        Set<String> extra = new LinkedHashSet<>(test);
        extra.removeAll(production);
        assertTrue(test.containsAll(production), "test server lacks " + production + " - " + test);
        assertEquals(Set.of("localConnector-1.0", "servlet-6.0"), extra);
    }

    @Test
    void theAdminTestServerIsGlm4vItWithTheConsoleAsProductionConfiguresIt() throws Exception {
        Path admin = TESTS.resolve("glm4v-it-admin/server.xml");
        assertEquals(CONSOLE, features(admin), "glm4v-it-admin adds the console to glm4v-it");
        Document a = parse(admin);
        assertTrue(((Element) a.getElementsByTagName("include").item(0)).getAttribute("location")
                .endsWith("/glm4v-it/server.xml"));
        Document p = parse(PRODUCTION.resolve("server.xml"));
        for (String element : List.of("writeDir", "administrator-role")) {
            assertEquals(p.getElementsByTagName(element).item(0).getTextContent().strip(),
                    a.getElementsByTagName(element).item(0).getTextContent().strip(), element);
        }
        assertEquals("${server.config.dir}", p.getElementsByTagName("writeDir").item(0).getTextContent().strip(),
                "Server Config may save server.xml");
        assertEquals(Files.readString(PRODUCTION.resolve("jvm.options")), Files.readString(admin.resolveSibling("jvm.options")));
    }

    @Test
    void sameJvmOptions() throws Exception {
        String production = Files.readString(PRODUCTION.resolve("jvm.options"));
        assertEquals(production, Files.readString(TESTS.resolve("glm4v-it/jvm.options")));
        assertEquals(production, Files.readString(TESTS.resolve("glm4v-it-fault/jvm.options")));
        assertEquals(production, Files.readString(TESTS.resolve("glm4v-it-ops/jvm.options")));
        assertTrue(production.contains("--add-modules=jdk.incubator.vector"), production);
    }

    @Test
    void adapterSettingsAreTheAdaptersProperties() throws Exception {
        Set<String> production = adapterAttributes(PRODUCTION.resolve("server.xml"));
        Set<String> test = adapterAttributes(TESTS.resolve("resource-adapter.xml"));
        assertTrue(ADAPTER_PROPERTIES.containsAll(production), "unknown in production: " + production);
        assertTrue(ADAPTER_PROPERTIES.containsAll(test), "unknown in the tests: " + test);
        Set<String> notInProduction = new LinkedHashSet<>(ADAPTER_PROPERTIES);
        notInProduction.removeAll(production);
        assertEquals(Set.of("faultInjection"), notInProduction, "every setting but the test-only one is in server.xml");
    }

    private static Set<String> features(Path serverXml) throws Exception {
        NodeList nodes = parse(serverXml).getElementsByTagName("feature");
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            names.add(nodes.item(i).getTextContent().strip());
        }
        return names;
    }

    private static Set<String> adapterAttributes(Path xml) throws Exception {
        NodeList nodes = parse(xml).getElementsByTagName("properties.glm4v.glm4v-ra");
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            NamedNodeMap attributes = ((Element) nodes.item(i)).getAttributes();
            for (int a = 0; a < attributes.getLength(); a++) {
                names.add(attributes.item(a).getNodeName());
            }
        }
        return names;
    }

    private static Document parse(Path xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    }
}
