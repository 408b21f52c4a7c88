package org.forgetfilter.checkpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A hub on 127.0.0.1 (never any other address) in the hub's URL layout, {@code /REPO/resolve/REV/FILE}. Regular files
 * are served with their git blob hash as ETag, as the real hub does; safetensors files are redirected to a "CDN" path
 * with X-Linked-Etag (sha256) and X-Linked-Size, as the hub does for LFS files. Range requests are honoured. A test
 * changes what one path does with {@link #on}. Handlers that stall wait on a latch that {@link #close} releases, so no
 * test outlives its server.
 */
final class LocalHub implements AutoCloseable {
    /** What the server does for one request path instead of the default; return normally after answering. */
    interface Handler {
        void handle(HttpExchange ex) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final CountDownLatch released = new CountDownLatch(1);

    LocalHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::dispatch);
        server.setExecutor(threads);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A port on 127.0.0.1 where nothing listens (opened, then closed). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void on(String path, Handler h) {
        handlers.put(path, h);
    }

    /** Publishes {@code bytes} as {@code /REPO/resolve/REV/NAME}. */
    void publish(String repo, String rev, String name, byte[] bytes) {
        files.put("/" + repo + "/resolve/" + rev + "/" + name, bytes);
    }

    /** Publishes every file of {@code dir} under {@code repo} at {@code rev}. */
    void publishFolder(String repo, String rev, Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path f : s.toList()) {
                publish(repo, rev, f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
    }

    private void dispatch(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(path + (range != null ? " " + range : ""));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(path + " " + (auth == null ? "-" : auth));
        try {
            Handler h = handlers.get(path);
            if (h != null) {
                h.handle(ex);
            } else {
                serveDefault(ex, path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (time-out tests): nothing to answer
        } finally {
            ex.close();
        }
    }

    void serveDefault(HttpExchange ex, String path) throws IOException {
        if (path.contains("/resolve/") && path.endsWith(".safetensors") && files.containsKey(path)) {
            byte[] body = files.get(path);
            ex.getResponseHeaders().add("Location", "/cdn" + path);
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(body) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(body.length));
            ex.sendResponseHeaders(302, -1);
            return;
        }
        String key = path.startsWith("/cdn/") ? path.substring(4) : path;
        byte[] body = files.get(key);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            return;
        }
        if (!path.startsWith("/cdn/")) {
            ex.getResponseHeaders().add("ETag", "\"" + gitSha1(body) + "\"");
            ex.getResponseHeaders().add("X-Repo-Commit", "c".repeat(40));
        }
        serveBytes(ex, body, body.length);
    }

    /** Serves {@code body} honouring a Range header; announces {@code announced} bytes in all. */
    static void serveBytes(HttpExchange ex, byte[] body, int announced) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            if (from >= announced) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + announced);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (announced - 1) + "/" + announced);
            int n = body.length - from;
            ex.sendResponseHeaders(206, n <= 0 ? -1 : n);
        } else {
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        }
        OutputStream out = ex.getResponseBody();
        out.write(body, Math.min(from, body.length), Math.max(0, body.length - from));
        out.close();
    }

    /** Waits until the test ends (at most 5 s): a server that never answers. */
    void stall() throws InterruptedException {
        released.await(5, TimeUnit.SECONDS);
    }

    static String sha256(byte[] b) {
        return hex("SHA-256", b);
    }

    /** Git's blob hash, the hub's ETag of a regular file. */
    static String gitSha1(byte[] b) {
        byte[] header = ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + b.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(b, 0, all, header.length, b.length);
        return hex("SHA-1", all);
    }

    private static String hex(String algorithm, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
