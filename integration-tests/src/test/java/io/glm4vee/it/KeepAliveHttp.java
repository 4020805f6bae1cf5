package io.glm4vee.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket, for the overhead benchmark: what a lean
 * client costs (write the request, read the response on the calling thread), without the JDK
 * HttpClient's selector thread, which on a small machine competes with the server for the cores.
 * Understands Content-Length and chunked responses; reconnects when the server closes.
 */
final class KeepAliveHttp implements AutoCloseable {

    /** Status and body of one response. */
    record Response(int status, String body) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Response send(String method, String path, String contentType, byte[] body) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (socket == null) {
                connect();
            }
            try {
                return exchange(method, path, contentType, body);
            } catch (IOException e) {
                close();
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private Response exchange(String method, String path, String contentType, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length)
                    .append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();

        String status = line();
        if (status == null) {
            throw new IOException("connection closed by the server");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfter = true;
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
                content.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (length >= 0) {
            content.write(in.readNBytes((int) length));
        } else {
            content.write(in.readAllBytes());
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Response(code, content.toString(StandardCharsets.UTF_8));
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(120_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** One header line without its CRLF, or null at the end of the stream. */
    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                int n = s.length();
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
            }
            s.append((char) c);
        }
        return s.isEmpty() ? null : s.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket we are done with: nothing to recover
            }
            socket = null;
        }
    }
}
