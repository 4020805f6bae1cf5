package io.glm4vee.sample;

import io.glm4vee.ejb.InferenceServiceRemote;
import io.glm4vee.ejb.remote.RemoteChatRequest;
import io.glm4vee.ra.api.ChatRequest;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.io.IOException;

/**
 * GET /sample/ask-remote?q=...&amp;image=red_circle[&amp;via=inject|jndi]: the same question through
 * the remote view (RemoteInferenceService: arguments and answers copied, as for a client in
 * another JVM): injected with @EJB, or (via=jndi) looked up by its portable java:app name.
 */
@WebServlet("/ask-remote")
public class RemoteAskServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The remote view's portable name inside the application (module name set in ejb-jar.xml). */
    public static final String JNDI_NAME =
            "java:app/glm4v-ee-ejb-inference/RemoteInferenceService!io.glm4vee.ejb.InferenceServiceRemote";

    @EJB
    private transient InferenceServiceRemote injected;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ChatRequest request = SampleResponses.request(req, resp);
        if (request == null) {
            return;
        }
        try {
            InferenceServiceRemote service = "jndi".equals(req.getParameter("via")) ? lookup() : injected;
            String text = service.chat(RemoteChatRequest.of(request)).text().strip();
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(text);
        } catch (NamingException e) {
            SampleResponses.fail(resp, 500, "lookup of " + JNDI_NAME + " failed: " + e.getMessage());
        } catch (RuntimeException e) {
            SampleResponses.failed(resp, e);
        }
    }

    private static InferenceServiceRemote lookup() throws NamingException {
        return (InferenceServiceRemote) new InitialContext().lookup(JNDI_NAME);
    }
}
