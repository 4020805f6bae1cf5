package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.TokenStream;
import io.glm4vee.ra.api.UsageReport;

import javax.naming.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Records what the service asks of the adapter; answers with canned values or a planned failure. */
class FakeConnectionFactory implements InferenceConnectionFactory {
    private static final long serialVersionUID = 1L;

    final transient List<ChatRequest> requests = new ArrayList<>();
    final transient List<String> calls = new ArrayList<>();
    int opened;
    int closed;
    transient Supplier<RuntimeException> failure;
    transient MetricsSnapshot metrics = MetricsSnapshot.empty();
    volatile boolean failMetrics;
    int metricsCalls;

    @Override
    public InferenceConnection getConnection() {
        opened++;
        return new Connection();
    }

    @Override
    public void setReference(Reference reference) {
    }

    @Override
    public Reference getReference() {
        return null;
    }

    private class Connection implements InferenceConnection {

        private void call(String what) {
            calls.add(what);
            if (failure != null) {
                throw failure.get();
            }
        }

        @Override
        public MetricsSnapshot metrics() {
            metricsCalls++;
            if (failMetrics) {
                throw new io.glm4vee.ra.api.InferenceException(io.glm4vee.ra.api.InferenceException.Code.UNAVAILABLE,
                        "the adapter is not started");
            }
            return metrics;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            requests.add(request);
            call("chat");
            return new ChatResponse("A red circle.", "stop", 12, 4, request.session(), "ctx-0");
        }

        @Override
        public ChatResponse chat(ChatRequest request, TokenStream stream) {
            requests.add(request);
            call("chat-stream");
            stream.onText("A red ");
            stream.onText("circle.");
            return new ChatResponse("A red circle.", "stop", 12, 4, request.session(), "ctx-0");
        }

        @Override
        public String openSession(String caller) {
            call("open:" + caller);
            return "s-1";
        }

        @Override
        public void closeSession(String sessionId) {
            call("close:" + sessionId);
        }

        @Override
        public List<ChatMessage> sessionHistory(String sessionId) {
            call("history:" + sessionId);
            return List.of(new ChatMessage("user", "hi"), new ChatMessage("assistant", "hello"));
        }

        @Override
        public JobStatus submit(ChatRequest request) {
            requests.add(request);
            call("submit");
            return new JobStatus("j-1", "PENDING", null, null);
        }

        @Override
        public JobStatus job(String jobId) {
            call("job:" + jobId);
            return new JobStatus(jobId, "RUNNING", null, null);
        }

        @Override
        public UsageReport usage(String caller) {
            call("usage:" + caller);
            return new UsageReport(caller, 0, 10, 0);
        }

        @Override
        public List<DeviceInfo> devices() {
            call("devices");
            return List.of(new DeviceInfo("cpu:0", "ctx-0", 1000, "READY"));
        }

        @Override
        public List<ContextInfo> contexts() {
            call("contexts");
            return List.of(new ContextInfo("ctx-0", List.of("cpu:0"), "READY", 0, 0, 0, 3, null));
        }

        @Override
        public void drain(String contextId) {
            call("drain:" + contextId);
        }

        @Override
        public void rebuild(String contextId) {
            call("rebuild:" + contextId);
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
