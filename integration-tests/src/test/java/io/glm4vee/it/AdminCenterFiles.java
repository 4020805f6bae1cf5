package io.glm4vee.it;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The file API of Liberty's REST connector (restConnector-2.0, part of adminCenter-1.0), which Admin
 * Center's Server Config tool reads and saves server.xml with: GET and POST
 * {@code https://host:port/IBMJMXConnectorREST/file/<path>}, the path may start with
 * {@code ${server.config.dir}}; writing needs a {@code remoteFileAccess writeDir} that contains it and a
 * user in administrator-role. Client side only; trusts the test server's self-signed certificate.
 */
final class AdminCenterFiles {

    private final URI base;
    private final String authorization;
    private final SSLContext trustAll;

    AdminCenterFiles(int httpsPort, String user, String password) {
        this.base = URI.create("https://127.0.0.1:" + httpsPort + "/IBMJMXConnectorREST/file/");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        try {
            trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // the test server's certificate is the self-signed one Liberty created at its first start
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String read(String path) {
        HttpsURLConnection c = open(path, "GET");
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(failure(c, "GET " + path, e), e);
        }
    }

    /** Replaces the file, as Server Config's Save does. */
    void write(String path, String content) {
        HttpsURLConnection c = open(path + "?expandOnCompletion=false", "POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/octet-stream");
        try {
            try (OutputStream out = c.getOutputStream()) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("POST " + path + " answered " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(failure(c, "POST " + path, e), e);
        }
    }

    private HttpsURLConnection open(String path, String method) {
        String encoded = path.contains("?") ? URLEncoder.encode(path.substring(0, path.indexOf('?')),
                StandardCharsets.UTF_8) + path.substring(path.indexOf('?')) : URLEncoder.encode(path, StandardCharsets.UTF_8);
        try {
            HttpsURLConnection c = (HttpsURLConnection) base.resolve(encoded).toURL().openConnection();
            c.setSSLSocketFactory(trustAll.getSocketFactory());
            c.setHostnameVerifier((host, session) -> "127.0.0.1".equals(host));
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", authorization);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(60_000);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String failure(HttpsURLConnection c, String what, IOException e) {
        try {
            return what + " answered " + c.getResponseCode() + ": " + e.getMessage();
        } catch (IOException again) {
            return what + ": " + e.getMessage();
        }
    }
}
