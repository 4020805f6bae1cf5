package io.glm4vee.it;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBAccessException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * InferenceService as other modules of the application use it: injected with @EJB into a module of the
 * EAR (the probe), and from the sample app (a WAR of the EAR that injects it with @EJB), over HTTP.
 */
@ExtendWith(ArquillianExtension.class)
public class EjbInjectionIT {

    @Deployment
    public static EnterpriseArchive deployment() {
        return Deployments.applicationWithProbe(EjbInjectionIT.class, Examples.class, ItEnv.class);
    }

    @EJB(lookup = Examples.SERVICE)
    InferenceServiceLocal service;

    @Test
    void injectedServiceAnswersText() {
        ChatResponse r = service.chat(new ChatRequest(null, List.of(new ChatMessage("user", "Who are you?")), null,
                null, null, null, null, null, null, null));
        assertEquals(Examples.GREETING, r.text().strip());
        assertEquals("stop", r.finishReason());
    }

    @Test
    void injectedServiceAnswersAboutAPicture() {
        ChatResponse r = service.chat(new ChatRequest(null,
                List.of(new ChatMessage("user", "What is in the picture?", true)), Examples.image("red_circle.png"),
                null, null, null, null, null, null, null));
        assertEquals(Examples.RED_CIRCLE, r.text().strip());
    }

    @Test
    void asynchronousCallAnswers() throws Exception {
        ChatResponse r = service.chatAsync(new ChatRequest(null,
                List.of(new ChatMessage("user", "What colour is the shape?", true)), Examples.image("blue_square.png"),
                null, null, null, null, null, null, null)).get(60, TimeUnit.SECONDS);
        assertEquals("Blue.", r.text().strip());
    }

    @Test
    void statusOfDevicesAndContexts() {
        List<DeviceInfo> devices = service.devices();
        List<ContextInfo> contexts = service.contexts();
        assertEquals(List.of("cpu:0", "cpu:1"), devices.stream().map(DeviceInfo::id).toList());
        assertEquals(1, contexts.size(), contexts.toString());
        assertEquals(List.of("cpu:0", "cpu:1"), contexts.get(0).devices());
        assertEquals("READY", contexts.get(0).state());
    }

    @Test
    void adminOperationsNeedTheAdminRole() {
        String context = service.contexts().get(0).id();
        // the probe's caller is unauthenticated: inference-user (EVERYONE), not inference-admin
        assertThrows(EJBAccessException.class, () -> service.rebuild(context));
    }

    @Test
    @RunAsClient
    void sampleAppInjectsTheLocalViewWithEjb() throws Exception {
        assertEquals(Examples.GREETING, sample("/sample/ask?q=" + encode("Who are you?")));
        assertEquals(Examples.RED_CIRCLE, sample("/sample/ask?image=red_circle"));
        assertEquals(Examples.RED_CIRCLE, sample("/sample/ask?image=red_circle&mode=async"));
        assertEquals(Examples.RED_CIRCLE, sample("/sample/ask?image=red_circle&mode=stream"));
    }

    /**
     * The remote view over IIOP (loopback, see server.xml), injected with @EJB and looked up in JNDI. Not on
     * Payara: its ORB does not start on JDK 25, so the Payara EAR has no remote view (integration-tests-payara).
     */
    @Test
    @RunAsClient
    @DisabledIfSystemProperty(named = "glm4v.it.server-kind", matches = "payara",
            disabledReason = "Payara 6.2025.10's ORB does not start on JDK 25; the Payara EAR has no remote view")
    void sampleAppUsesTheRemoteView() throws Exception {
        assertEquals(Examples.GREETING, sample("/sample/ask-remote?q=" + encode("Who are you?")));
        assertEquals(Examples.RED_CIRCLE, sample("/sample/ask-remote?image=red_circle&via=jndi"));
    }

    private static String sample(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(ItEnv.baseUri().resolve(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
        return r.body().strip();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
