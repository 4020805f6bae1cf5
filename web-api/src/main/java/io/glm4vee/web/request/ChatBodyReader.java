package io.glm4vee.web.request;

import io.glm4vee.web.dto.ChatBody;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads a native chat body instead of the runtime's generic JSON-B reader, so that size,
 * syntax and shape errors become problems with a stable code and the name of the field.
 */
@Provider
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
public class ChatBodyReader implements MessageBodyReader<ChatBody> {

    @Inject
    ChatRequests requests;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == ChatBody.class;
    }

    @Override
    public ChatBody readFrom(Class<ChatBody> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                             MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        return requests.readJson(entityStream);
    }
}
