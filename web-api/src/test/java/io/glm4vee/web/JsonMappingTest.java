package io.glm4vee.web;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.dto.ChatReply;
import io.glm4vee.web.dto.ContextList;
import io.glm4vee.web.pool.ServerPool;
import io.glm4vee.web.dto.DeviceList;
import io.glm4vee.web.dto.JobView;
import io.glm4vee.web.dto.MessageBody;
import io.glm4vee.web.dto.SessionCreated;
import io.glm4vee.web.dto.SessionHistory;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The records as JSON-B (Yasson, the implementation Liberty uses) writes and reads them. */
class JsonMappingTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    @Test
    void chatBodyReadsSnakeCaseFields() {
        ChatBody b = JSONB.fromJson("""
                {"messages": [{"role": "user", "content": "hi", "image": "iVBO"}], "max_tokens": 9,
                 "temperature": 0.2, "top_p": 0.5, "seed": 3, "session": "s"}""", ChatBody.class);
        assertEquals(new ChatBody(List.of(new MessageBody("user", "hi", "iVBO")), 9, 0.2, 0.5, 3L, "s"), b);
    }

    @Test
    void chatReplyWritesTheNativeSchema() {
        ChatReply reply = ChatReply.of(new ChatResponse("A red circle.", "stop", 30, 5, null, "ctx-0"));
        assertEquals("{\"context\":\"ctx-0\",\"finish_reason\":\"stop\",\"text\":\"A red circle.\","
                + "\"usage\":{\"completion_tokens\":5,\"prompt_tokens\":30}}", JSONB.toJson(reply));
        ChatReply inSession = ChatReply.of(new ChatResponse("Blue.", "length", 3, 1, "s-1", "ctx-1"));
        assertEquals("s-1", JSONB.fromJson(JSONB.toJson(inSession), ChatReply.class).session());
    }

    @Test
    void statusListsUseSnakeCase() {
        assertEquals("{\"devices\":[{\"context\":\"ctx-0\",\"id\":\"cpu:0\",\"state\":\"READY\",\"weight_bytes\":1024}]}",
                JSONB.toJson(DeviceList.of(List.of(new DeviceInfo("cpu:0", "ctx-0", 1024, "READY")))));
        assertEquals("{\"adapter\":{\"queueDepth\":\"16\",\"contexts\":\"1\"},"
                        + "\"contexts\":[{\"active\":1,\"devices\":[\"cpu:0\",\"cpu:1\"],\"id\":\"ctx-0\",\"queued\":2,"
                        + "\"served\":9,\"sessions\":3,\"state\":\"READY\"}],"
                        + "\"pool\":{\"available\":1,\"max_size\":8,\"size\":2,\"source\":\"liberty\"}}",
                JSONB.toJson(ContextList.of(List.of(new ContextInfo("ctx-0", List.of("cpu:0", "cpu:1"), "READY",
                        1, 2, 3, 9, null)), new java.util.LinkedHashMap<>(java.util.Map.of("queueDepth", "16")) {{
                            put("contexts", "1");
                        }}, new ServerPool.Reading(8, 2, 1, "liberty"))));
        assertEquals("{\"adapter\":{},\"contexts\":[]}", JSONB.toJson(ContextList.of(List.of(), java.util.Map.of(), null)),
                "no pool figures from a server that reports none");
    }

    @Test
    void sessionsAndJobs() {
        assertEquals("{\"session\":\"s-1\"}", JSONB.toJson(new SessionCreated("s-1")));
        assertEquals("{\"messages\":[{\"content\":\"What is it?\",\"has_image\":true,\"role\":\"user\"},"
                        + "{\"content\":\"A circle.\",\"role\":\"assistant\"}],\"session\":\"s-1\"}",
                JSONB.toJson(SessionHistory.of("s-1", List.of(new ChatMessage("user", "What is it?", true),
                        new ChatMessage("assistant", "A circle.")))));
        assertEquals("{\"id\":\"j-1\",\"state\":\"PENDING\"}", JSONB.toJson(JobView.of(new JobStatus("j-1", "PENDING", null, null))));
        assertEquals("{\"id\":\"j-1\",\"result\":{\"finish_reason\":\"stop\",\"text\":\"ok\",\"usage\":"
                        + "{\"completion_tokens\":1,\"prompt_tokens\":2}},\"state\":\"DONE\"}",
                JSONB.toJson(JobView.of(new JobStatus("j-1", "DONE", new ChatResponse("ok", "stop", 2, 1, null, null), null))));
    }
}
