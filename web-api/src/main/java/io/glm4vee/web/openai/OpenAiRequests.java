package io.glm4vee.web.openai;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.problem.BodyTooLargeException;
import io.glm4vee.web.request.ImageCheck;
import io.glm4vee.web.request.LimitedInputStream;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request side of the OpenAI-compatible API: body -> checked {@link CompletionRequest}
 * under the native API's limits (glm4v.limits.*) and the glm4v.openai.* settings. Owns the image
 * fetcher (when image hosts are allowed), closed with the application.
 */
@ApplicationScoped
public class OpenAiRequests {

    @Inject
    ApiSettings limits;

    @Inject
    OpenAiSettings settings;

    private ImageFetcher fetcher;
    private CompletionRequestParser parser;
    private long startedAt;

    public OpenAiRequests() {
    }

    /** Outside CDI (tests). */
    public OpenAiRequests(ApiSettings limits, OpenAiSettings settings) {
        this.limits = limits;
        this.settings = settings;
        wire();
    }

    @PostConstruct
    void init() {
        wire();
    }

    private void wire() {
        fetcher = settings.imageUrlAllowHosts().isEmpty() ? null
                : new ImageFetcher(settings.imageFetchTimeoutMs(), limits.maxImageBytes());
        parser = new CompletionRequestParser(limits, settings,
                new ImageUrls(settings, new ImageCheck(limits), fetcher));
        startedAt = Instant.now().getEpochSecond();
    }

    @PreDestroy
    void close() {
        if (fetcher != null) {
            fetcher.close();
        }
    }

    /**
     * @param contentLength the Content-Length header, or null (chunked: counted while reading)
     * @throws BodyTooLargeException over glm4v.limits.max-body-bytes (413)
     */
    public CompletionRequest read(InputStream body, String contentLength) throws IOException {
        long limit = limits.maxBodyBytes();
        if (declared(contentLength) > limit) {
            LimitedInputStream.drain(body);
            throw new BodyTooLargeException(limit);
        }
        return parser.parse(LimitedInputStream.readAll(body, limit));
    }

    public OpenAiSettings settings() {
        return settings;
    }

    /** When this API started, as the "created" of its model (seconds since the epoch). */
    public long startedAt() {
        return startedAt;
    }

    /** "chatcmpl-" and 24 random hex digits. */
    public static String completionId() {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return "chatcmpl-" + HexFormat.of().formatHex(random);
    }

    private static long declared(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
