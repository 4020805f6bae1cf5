package io.glm4vee.web;

import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An EntityPart without a JAX-RS runtime, and a minimal multipart/form-data splitter for the data-file cases. */
public record FakePart(String name, String fileName, byte[] content, MediaType mediaType) implements EntityPart {

    public static FakePart text(String name, String value) {
        return new FakePart(name, null, value.getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN_TYPE);
    }

    public static FakePart file(String name, String fileName, byte[] content) {
        return new FakePart(name, fileName, content, MediaType.APPLICATION_OCTET_STREAM_TYPE);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Optional<String> getFileName() {
        return Optional.ofNullable(fileName);
    }

    @Override
    public InputStream getContent() {
        return new ByteArrayInputStream(content);
    }

    @Override
    public <T> T getContent(Class<T> type) {
        throw new UnsupportedOperationException("read getContent() instead");
    }

    @Override
    public <T> T getContent(GenericType<T> type) {
        throw new UnsupportedOperationException("read getContent() instead");
    }

    @Override
    public MultivaluedMap<String, String> getHeaders() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public MediaType getMediaType() {
        return mediaType;
    }

    private static final Pattern NAME = Pattern.compile("(?<![a-z])name=\"([^\"]*)\"");
    private static final Pattern FILE = Pattern.compile("filename=\"([^\"]*)\"");

    /** Splits a multipart/form-data body (ISO-8859-1 text with CRLF line ends) into parts. */
    public static List<FakePart> parse(String contentType, String body) {
        String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
        List<FakePart> parts = new ArrayList<>();
        for (String chunk : body.split(Pattern.quote(boundary))) {
            if (!chunk.startsWith("\r\n")) {
                continue; // preamble or the closing "--"
            }
            int headersEnd = chunk.indexOf("\r\n\r\n");
            String headers = chunk.substring(2, headersEnd);
            String content = chunk.substring(headersEnd + 4, chunk.length() - 2);
            Matcher name = NAME.matcher(headers);
            Matcher file = FILE.matcher(headers);
            name.find();
            parts.add(new FakePart(name.group(1), file.find() ? file.group(1) : null,
                    content.getBytes(StandardCharsets.ISO_8859_1), MediaType.TEXT_PLAIN_TYPE));
        }
        return parts;
    }
}
