package io.glm4vee.sample;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GET /sample/ask?q=...&amp;image=red_circle[&amp;mode=sync|async|stream]: asks GLM-4V through the
 * local view of InferenceService, injected with @EJB from another module of the EAR, and
 * answers the text (text/plain). mode=async goes through the @Asynchronous method,
 * mode=stream writes the answer piece by piece as the model produces it.
 */
@WebServlet("/ask")
public class AskServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final long ASYNC_WAIT_SECONDS = 600;

    @EJB
    private transient InferenceServiceLocal service;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ChatRequest request = SampleResponses.request(req, resp);
        if (request == null) {
            return;
        }
        String mode = req.getParameter("mode") == null ? "sync" : req.getParameter("mode");
        resp.setContentType("text/plain;charset=UTF-8");
        try {
            switch (mode) {
                case "sync" -> resp.getWriter().print(service.chat(request).text().strip());
                case "async" -> {
                    ChatResponse answer = service.chatAsync(request).get(ASYNC_WAIT_SECONDS, TimeUnit.SECONDS);
                    resp.getWriter().print(answer.text().strip());
                }
                case "stream" -> {
                    PrintWriter out = resp.getWriter();
                    service.chat(request, piece -> {
                        out.print(piece);
                        out.flush();
                    });
                }
                default -> SampleResponses.fail(resp, 400, "mode is sync, async or stream");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SampleResponses.fail(resp, 503, "interrupted");
        } catch (ExecutionException e) {
            SampleResponses.failed(resp, e.getCause());
        } catch (TimeoutException e) {
            SampleResponses.fail(resp, 504, "no answer within " + ASYNC_WAIT_SECONDS + " s");
        } catch (RuntimeException e) {
            SampleResponses.failed(resp, e);
        }
    }
}
