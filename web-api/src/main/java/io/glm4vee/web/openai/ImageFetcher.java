package io.glm4vee.web.openai;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches an http(s) image URL whose host is on glm4v.openai.image-url-allow-hosts (the caller
 * checks the host). Bounded in every way a hostile or broken server could abuse: one deadline for
 * the whole fetch (connect, headers, body), at most maxBytes of body (a larger Content-Length is
 * refused before reading, a longer body is cut off), at most {@link #MAX_REDIRECTS} redirects and
 * only to the same host (no hop to a host that is not allowed). Only 200 answers are taken.
 *
 * <p>Owns one HttpClient (and so its selector thread), created on first use and closed by
 * {@link #close()} when the application stops.
 */
public final class ImageFetcher implements AutoCloseable {

    static final int MAX_REDIRECTS = 3;

    private final Duration timeout;
    private final long maxBytes;
    private HttpClient client; // guarded by this

    public ImageFetcher(long timeoutMs, long maxBytes) {
        this.timeout = Duration.ofMillis(timeoutMs);
        this.maxBytes = maxBytes;
    }

    /**
     * @param param the request field, for the error
     * @throws OpenAiException 400 invalid_image_url (cannot be fetched) or image_too_large
     */
    public byte[] fetch(URI url, String param) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI at = url;
        for (int hop = 0; ; hop++) {
            HttpResponse<byte[]> r = get(at, deadline, param);
            int status = r.statusCode();
            if (status == 200) {
                return r.body();
            }
            if (status / 100 == 3 && status != 304) {
                if (hop == MAX_REDIRECTS) {
                    throw unusable(param, url, "more than " + MAX_REDIRECTS + " redirects");
                }
                at = redirect(at, r.headers().firstValue("Location").orElse(null), param);
                continue;
            }
            throw unusable(param, url, "the server answered HTTP " + status);
        }
    }

    private HttpResponse<byte[]> get(URI url, long deadline, String param) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timedOut(param, url);
        }
        HttpRequest request = HttpRequest.newBuilder(url).GET()
                .timeout(Duration.ofNanos(left))
                .header("Accept", "image/png, image/jpeg")
                .build();
        CompletableFuture<HttpResponse<byte[]>> answer = client().sendAsync(request, this::limitedBody);
        try {
            return answer.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw timedOut(param, url);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw unusable(param, url, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OpenAiException refusal) { // the size limit, raised while reading the body
                throw OpenAiException.invalid(param, refusal.error().code(), refusal.getMessage());
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw timedOut(param, url);
            }
            throw unusable(param, url, "cannot fetch it (" + (cause == null ? e : cause).getClass().getSimpleName()
                    + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : "") + ")");
        }
    }

    /** Redirects are followed by hand, to the same host only. */
    private static URI redirect(URI from, String location, String param) {
        if (location == null || location.isBlank()) {
            throw unusable(param, from, "a redirect without a Location");
        }
        URI to;
        try {
            to = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw unusable(param, from, "a redirect to a malformed URL");
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || to.getHost() == null
                || !to.getHost().equalsIgnoreCase(from.getHost()) || to.getRawUserInfo() != null) {
            throw unusable(param, from, "a redirect to another host (" + to.getScheme() + "://" + to.getHost()
                    + "), which is not followed");
        }
        return to;
    }

    /** Refuses a declared length over the limit at once; counts and cuts off a longer body. */
    private HttpResponse.BodySubscriber<byte[]> limitedBody(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(new byte[0]);
        }
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxBytes) {
            return new Limited(maxBytes, declared);
        }
        return new Limited(maxBytes, -1);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.shutdownNow();
            client = null;
        }
    }

    static OpenAiException tooLarge(long limit, long bytes) {
        return OpenAiException.invalid(null, "image_too_large", "the image is " + (bytes < 0 ? "over " + limit
                : bytes) + " bytes, over the limit of " + limit + " bytes");
    }

    private static OpenAiException timedOut(String param, URI url) {
        return unusable(param, url, "no complete answer in time");
    }

    private static OpenAiException unusable(String param, URI url, String why) {
        return OpenAiException.invalid(param, "invalid_image_url", "cannot use the image at " + shown(url) + ": " + why);
    }

    private static String shown(URI url) {
        String s = url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null ? "" : url.getRawPath());
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Collects the body up to limit bytes; fails (and cancels the transfer) past it. */
    private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        Limited(long limit, long declared) {
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > limit) {
                s.cancel();
                result.completeExceptionally(tooLarge(limit, declared));
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if (data.size() + (long) b.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(tooLarge(limit, -1));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                data.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(data.toByteArray());
        }
    }
}
