package io.glm4vee.web.request;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.web.dto.ChatBody;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.EntityPart;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The request side of the control layer: body -> checked ChatRequest, under the configured limits. */
@ApplicationScoped
public class ChatRequests {

    @Inject
    ApiSettings settings;

    private ChatBodyParser parser;
    private ChatMapping mapping;
    private MultipartChatParser multipart;

    public ChatRequests() {
    }

    /** Outside CDI (tests). */
    public ChatRequests(ApiSettings settings) {
        this.settings = settings;
        wire();
    }

    @PostConstruct
    void init() {
        wire();
    }

    private void wire() {
        parser = new ChatBodyParser(settings);
        mapping = new ChatMapping(settings);
        multipart = new MultipartChatParser(mapping);
    }

    public ChatBody readJson(InputStream body) throws IOException {
        return parser.parse(LimitedInputStream.readAll(body, settings.maxBodyBytes()));
    }

    public ChatRequest fromJson(ChatBody body) {
        return mapping.toRequest(body);
    }

    public ChatRequest fromForm(List<EntityPart> parts) {
        return multipart.toRequest(parts);
    }

    public ApiSettings settings() {
        return settings;
    }
}
