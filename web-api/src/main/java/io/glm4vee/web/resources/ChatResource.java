package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.dto.ChatReply;
import io.glm4vee.web.request.ChatRequests;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** POST /api/v1/chat: one answer, as JSON (base64 image) or as a form (image file + prompt). */
@Path("v1/chat")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChatResource {

    @EJB
    InferenceServiceLocal service;

    @Inject
    ChatRequests requests;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public ChatReply chat(ChatBody body) {
        return ChatReply.of(service.chat(requests.fromJson(body)));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public ChatReply chatForm(List<EntityPart> parts) {
        return ChatReply.of(service.chat(requests.fromForm(parts)));
    }
}
