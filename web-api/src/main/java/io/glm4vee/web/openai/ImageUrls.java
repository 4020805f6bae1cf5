package io.glm4vee.web.openai;

import io.glm4vee.web.problem.ProblemException;
import io.glm4vee.web.request.ImageCheck;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * image_url.url -> checked PNG or JPEG bytes. data:image/...;base64 URLs always; http(s) URLs
 * only for hosts on glm4v.openai.image-url-allow-hosts (none by default), so the server cannot be
 * made to fetch from the network it sits in (SSRF). Every image passes the native API's checks
 * (bytes, PNG/JPEG header, pixels under glm4v.limits.*).
 */
public final class ImageUrls {

    private final OpenAiSettings settings;
    private final ImageCheck images;
    private final ImageFetcher fetcher;

    /** @param fetcher null when no host is allowed */
    public ImageUrls(OpenAiSettings settings, ImageCheck images, ImageFetcher fetcher) {
        this.settings = settings;
        this.images = images;
        this.fetcher = fetcher;
    }

    public byte[] load(String url, String param) {
        String u = url.strip();
        if (u.regionMatches(true, 0, "data:", 0, 5)) {
            return checked(() -> images.decodeBase64(u, param), param);
        }
        URI uri = parse(u, param);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw OpenAiException.invalid(param, "invalid_image_url", "image_url.url must be a data:image/png;base64,... "
                    + "URL" + (settings.imageUrlAllowHosts().isEmpty() ? "" : " or an http(s) URL") + ", not a "
                    + (scheme.isEmpty() ? "relative" : scheme + ":") + " URL");
        }
        if (settings.imageUrlAllowHosts().isEmpty() || fetcher == null) {
            throw OpenAiException.invalid(param, "invalid_image_url", "this server takes images as data: URLs only "
                    + "(data:image/png;base64,...); fetching http(s) image URLs is off (glm4v.openai.image-url-allow-hosts)");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || !settings.allowsImageHost(uri.getHost())) {
            throw OpenAiException.invalid(param, "invalid_image_url", "the host " + uri.getHost() + " is not on this "
                    + "server's list of image hosts (glm4v.openai.image-url-allow-hosts); send the image as a data: URL");
        }
        byte[] bytes = fetcher.fetch(uri, param);
        return checked(() -> images.check(bytes, param), param);
    }

    private static URI parse(String url, String param) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw OpenAiException.invalid(param, "invalid_image_url", "image_url.url is not a URL: " + e.getReason());
        }
    }

    /** The native checks' refusals, with the field and an OpenAI code. */
    private static byte[] checked(java.util.function.Supplier<byte[]> check, String param) {
        try {
            return check.get();
        } catch (ProblemException e) {
            String code = switch (e.code()) {
                case IMAGE_TOO_LARGE -> "image_too_large";
                default -> "invalid_image";
            };
            throw OpenAiException.invalid(param, code, e.getMessage());
        }
    }
}
