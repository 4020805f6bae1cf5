package io.glm4vee.web.openai;

import com.sun.net.httpserver.HttpServer;
import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.TestImages;
import io.glm4vee.web.request.ImageCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** http(s) image URLs for allowed hosts: limits on time, size and redirects, against a local server. */
class ImageFetcherTest {

    static final byte[] PNG = TestImages.png(20, 10);

    private HttpServer server;
    private ImageUrls urls;
    private ImageFetcher fetcher;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/red.png", x -> {
            x.getResponseHeaders().add("Content-Type", "image/png");
            x.sendResponseHeaders(200, PNG.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(PNG);
            }
        });
        server.createContext("/big.png", x -> {          // declares its size
            x.sendResponseHeaders(200, 5000);
            try (OutputStream o = x.getResponseBody()) {
                o.write(new byte[5000]);
            }
        });
        server.createContext("/endless.png", x -> {      // chunked, no length
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    o.write(new byte[1000]);
                }
            } catch (IOException e) {
                // the client gave up, as it should
            }
        });
        server.createContext("/slow.png", x -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, PNG.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(PNG);
            } catch (IOException e) {
                // gone
            }
        });
        server.createContext("/missing.png", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        server.createContext("/text", x -> {
            byte[] t = "not a picture".getBytes();
            x.sendResponseHeaders(200, t.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(t);
            }
        });
        server.createContext("/same-host", x -> redirect(x, "/red.png"));
        server.createContext("/other-host", x -> redirect(x, "http://169.254.169.254/latest/meta-data"));
        server.createContext("/loop", x -> redirect(x, "/loop"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        OpenAiSettings settings = new OpenAiSettings("demo", List.of(), List.of("127.0.0.1"), 500);
        ApiSettings limits = new ApiSettings(1 << 20, 4096, 1_000_000, 64, 1000, 16, 64);
        fetcher = new ImageFetcher(settings.imageFetchTimeoutMs(), limits.maxImageBytes());
        urls = new ImageUrls(settings, new ImageCheck(limits), fetcher);
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange x, String to) throws IOException {
        x.getResponseHeaders().add("Location", to);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    @AfterEach
    void stop() {
        fetcher.close();
        server.stop(0);
    }

    private OpenAiError refused(String url) {
        return assertThrows(OpenAiException.class, () -> urls.load(url, "messages[0].content[0].image_url.url")).error();
    }

    @Test
    void anAllowedHostsImage() {
        assertArrayEquals(PNG, urls.load(base + "/red.png", "p"));
    }

    @Test
    void aRedirectOnTheSameHostIsFollowed() {
        assertArrayEquals(PNG, urls.load(base + "/same-host", "p"));
    }

    @Test
    void refusals() {
        OpenAiError other = refused(base + "/other-host");
        assertEquals("invalid_image_url", other.code());
        assertTrue(other.message().contains("another host"), other.message());
        assertEquals("messages[0].content[0].image_url.url", other.param());

        assertTrue(refused(base + "/loop").message().contains("redirects"));
        assertTrue(refused(base + "/missing.png").message().contains("HTTP 404"));
        assertEquals("invalid_image", refused(base + "/text").code(), "fetched, then checked like any image");
        assertTrue(refused("http://localhost:" + server.getAddress().getPort() + "/red.png").message()
                .contains("not on this server's list"), "allowed by name: localhost is not 127.0.0.1");
        assertEquals("invalid_image_url", refused("ftp://127.0.0.1/red.png").code());
        assertEquals("invalid_image_url", refused("http://user@127.0.0.1:" + server.getAddress().getPort() + "/red.png").code());
    }

    @Test
    void sizeLimits() {
        OpenAiError declared = refused(base + "/big.png");
        assertEquals("image_too_large", declared.code());
        assertEquals("messages[0].content[0].image_url.url", declared.param());
        assertEquals("image_too_large", refused(base + "/endless.png").code());
    }

    @Test
    void oneDeadlineForTheWholeFetch() {
        long start = System.nanoTime();
        OpenAiError e = refused(base + "/slow.png");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.message().contains("in time"), e.message());
        assertTrue(ms < 1800, "gave up after " + ms + " ms (limit 500)");
    }

    @Test
    void withoutAllowedHostsOnlyDataUrls() {
        ImageUrls dataOnly = new ImageUrls(new OpenAiSettings("demo", List.of(), List.of(), 500),
                new ImageCheck(ApiSettings.DEFAULTS), null);
        OpenAiError e = assertThrows(OpenAiException.class, () -> dataOnly.load(base + "/red.png", "p")).error();
        assertEquals("invalid_image_url", e.code());
        assertTrue(e.message().contains("data: URLs only"), e.message());
        assertArrayEquals(PNG, dataOnly.load("data:image/png;base64," + TestImages.base64(PNG), "p"));
    }

    @Test
    void closeIsIdempotentAndTheFetcherComesBack() {
        fetcher.close();
        fetcher.close();
        assertArrayEquals(PNG, fetcher.fetch(URI.create(base + "/red.png"), "p"));
    }
}
