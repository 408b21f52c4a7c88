package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local server on 127.0.0.1 in the hub's URL layout: /ORG/NAME/resolve/REV/FILE. Weights are redirected to a
 * "CDN" path with X-Linked-Etag (sha256) and X-Linked-Size, as the real hub does for LFS files.
 */
class HubDownloaderTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> shaOverride = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean dropFirstWeightsRequest;
    private volatile String requiredToken;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(path + (range != null ? " " + range : ""));
        if (requiredToken != null && path.contains("/resolve/")
                && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        if (path.contains("/resolve/") && path.endsWith(".safetensors") && files.containsKey(path)) {
            byte[] body = files.get(path);
            ex.getResponseHeaders().add("Location", "/cdn" + path);
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + shaOverride.getOrDefault(path, sha256(body)) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(body.length));
            ex.sendResponseHeaders(302, -1);
            ex.close();
            return;
        }
        String key = path.startsWith("/cdn/") ? path.substring(4) : path;
        byte[] body = files.get(key);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int from = 0;
        if (range != null) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - from);
        } else {
            ex.sendResponseHeaders(200, body.length);
        }
        OutputStream out = ex.getResponseBody();
        if (path.startsWith("/cdn/") && range == null && dropFirstWeightsRequest) {
            dropFirstWeightsRequest = false;
            out.write(body, 0, body.length / 2);
            out.flush();
            ex.close(); // fewer bytes than announced: the connection is dropped mid-file
            return;
        }
        out.write(body, from, body.length - from);
        out.close();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a tiny LLaMA folder (written by our own writers) under /org/tiny/resolve/main. */
    private Path publishTinyModel() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        HfConfig.write(src.resolve("config.json"), TestWeights.tinyLlama(), SafetensorsDtype.F32);
        SafetensorsWriter.write(src.resolve("model.safetensors"), TestWeights.random(TestWeights.tinyLlama(), 5), SafetensorsDtype.F32);
        Files.copy(Path.of(URI.create(getClass().getResource("/org/forgetfilter/tokenizer/wordlevel/tokenizer.json").toString())),
                src.resolve("tokenizer.json"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            files.put("/org/tiny/resolve/main/" + f, Files.readAllBytes(src.resolve(f)));
        }
        return src;
    }

    @Test
    void downloadsResumesAfterADroppedConnectionAndDoesNotRepeat() throws IOException {
        Path src = publishTinyModel();
        dropFirstWeightsRequest = true;
        HubDownloader hub = new HubDownloader(endpoint(), null, tmp.resolve("cache"));
        Path dir = hub.download("org/tiny", "main");
        assertEquals(tmp.resolve("cache/hub/org--tiny/main"), dir);
        byte[] expected = Files.readAllBytes(src.resolve("model.safetensors"));
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
        assertTrue(requests.contains("/cdn/org/tiny/resolve/main/model.safetensors bytes=" + expected.length / 2 + "-"),
                requests.toString());
        assertTrue(Files.readString(dir.resolve(HubDownloader.MANIFEST)).contains(sha256(expected)));

        requests.clear();
        Checkpoint c = ModelReference.parse("hf:org/tiny", hub).load(hub);
        assertEquals(TestWeights.tinyLlama(), c.config());
        assertEquals("hf:org/tiny@main", c.source());
        assertArrayEquals(new int[] {3, 4}, c.tokenizer().encode("once upon"));
        assertFalse(requests.stream().anyMatch(r -> r.contains("model.safetensors") || r.contains("config.json")),
                "completed files are not fetched again: " + requests);
    }

    @Test
    void checksumMismatchIsReportedAndNothingIsKept() throws IOException {
        publishTinyModel();
        shaOverride.put("/org/tiny/resolve/main/model.safetensors", "0".repeat(64));
        HubDownloader hub = new HubDownloader(endpoint(), null, tmp.resolve("cache"));
        IOException e = assertThrows(IOException.class, () -> hub.download("org/tiny", "main"));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("model.safetensors"), e.getMessage());
        Path dir = hub.folder("org/tiny", "main");
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
    }

    @Test
    void missingModelGivesA404Message() {
        HubDownloader hub = new HubDownloader(endpoint(), null, tmp.resolve("cache"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> hub.download("org/nothere", "v1"));
        assertTrue(e.getMessage().contains("404") && e.getMessage().contains("/org/nothere/resolve/v1/config.json"), e.getMessage());
    }

    @Test
    void tokenIsSentAndItsAbsenceExplained() throws IOException {
        publishTinyModel();
        requiredToken = "secret";
        IOException e = assertThrows(IOException.class,
                () -> new HubDownloader(endpoint(), null, tmp.resolve("c1")).download("org/tiny", "main"));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        Path dir = new HubDownloader(endpoint(), "secret", tmp.resolve("c2")).download("org/tiny", "main");
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    }

    @Test
    void badReferencesAreRejected() {
        HubDownloader hub = new HubDownloader(endpoint(), null, tmp.resolve("cache"));
        assertThrows(IllegalArgumentException.class, () -> ModelReference.parse("hf:../etc", hub));
        assertThrows(IllegalArgumentException.class, () -> ModelReference.parse("hf:org/name@../x", hub));
        assertThrows(NoSuchFileException.class, () -> ModelReference.parse(tmp.resolve("none.bin").toString(), hub));
    }
}
