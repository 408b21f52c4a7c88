package org.forgetfilter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub client against servers that lie, stall, loop or point elsewhere (reliability case 9). Every server is on
 * 127.0.0.1; time-outs are 300 ms so a stalling server costs about a second; every test is bounded by @Timeout.
 * For each: a clear message naming the model and file (no Java exception text), nothing written outside the
 * cache, no partial file a rerun could trip on, and where the fault goes away a rerun that recovers.
 */
@Timeout(30)
class HubDownloaderHostileServerTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final HubModelId MODEL = HubModelId.parse("hf:org/tiny");
    private static final String BASE = "/org/tiny/resolve/main/";

    @TempDir
    Path tmp;

    private LocalHub hub;
    private Path src;

    @BeforeEach
    void start() throws IOException {
        hub = new LocalHub();
        src = Files.createDirectories(tmp.resolve("src"));
        HfConfig.write(src.resolve("config.json"), TestWeights.tinyLlama(), SafetensorsDtype.F32);
        SafetensorsWriter.write(src.resolve("model.safetensors"), TestWeights.random(TestWeights.tinyLlama(), 5), SafetensorsDtype.F32);
        Files.copy(Path.of(URI.create(getClass().getResource("/org/forgetfilter/tokenizer/wordlevel/tokenizer.json").toString())),
                src.resolve("tokenizer.json"));
        hub.publishFolder("org/tiny", "main", src);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Path cache() {
        return tmp.resolve("cache");
    }

    private HubDownloader downloader() {
        return new HubDownloader(HubSettings.from(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                "FORGETFILTER_CACHE", cache().toString(), "HF_HUB_CACHE", tmp.resolve("hf").toString()),
                tmp.resolve("home")).withTimeouts(SHORT, SHORT));
    }

    private Path dir() {
        return downloader().folder(MODEL);
    }

    private byte[] weights() throws IOException {
        return Files.readAllBytes(src.resolve("model.safetensors"));
    }

    /** The download fails with a message that names the model and file, in words rather than exception text. */
    private IOException failure(String file) {
        IOException e = assertThrows(IOException.class, () -> downloader().resolve(MODEL, true));
        String m = e.getMessage();
        assertTrue(m.startsWith(MODEL + ": "), m);
        assertTrue(m.contains(file), "names " + file + ": " + m);
        assertFalse(m.contains("Exception") || m.contains("java.") || m.contains(": null"), "no Java exception text: " + m);
        return e;
    }

    /** No file anywhere under tmp except inside the cache, the published source and the HF cache. */
    private void assertNothingOutsideTheCache() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            List<Path> stray = all.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(cache()) && !p.startsWith(src))
                    .toList();
            assertEquals(List.of(), stray);
        }
    }

    private void assertNoPartFiles() throws IOException {
        if (Files.isDirectory(cache())) {
            try (Stream<Path> all = Files.walk(cache())) {
                assertEquals(List.of(), all.filter(p -> p.toString().endsWith(".part")).toList());
            }
        }
    }

    /** An index whose weight_map names {@code shard}. */
    private void publishIndex(String shard) throws IOException {
        hub.files.remove(BASE + "model.safetensors");
        var index = Json.MAPPER.createObjectNode();
        index.putObject("metadata");
        index.putObject("weight_map").put("model.embed_tokens.weight", shard);
        hub.publish("org/tiny", "main", "model.safetensors.index.json", Json.MAPPER.writeValueAsBytes(index));
    }

    @Test
    void fileListsWithPathsOutsideTheFolderAreRefused() throws IOException {
        for (String shard : List.of("../evil.safetensors", "../../../evil.safetensors", tmp.resolve("abs.safetensors").toString(),
                "..\\evil.safetensors", "sub\\evil.safetensors", "sub/evil.safetensors", ".hidden.safetensors",
                "nul\u0000.safetensors")) {
            publishIndex(shard);
            hub.requests.clear();
            IOException e = failure("is not a plain file name");
            assertInstanceOf(HubDownloader.HubHttpException.class, e);
            assertTrue(hub.requests.stream().noneMatch(r -> r.contains("evil") || r.contains("abs.") || r.contains("hidden")),
                    "the hostile name is never requested: " + hub.requests);
            assertFalse(Files.exists(dir().resolve(HfModelDirectory.INDEX_FILE)), "the index is not kept: a rerun asks again");
            assertNothingOutsideTheCache();
        }
    }

    @Test
    void aChecksumMismatchRemovesTheFileAndARerunRecovers() throws IOException {
        byte[] good = weights();
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        hub.files.put(BASE + "model.safetensors", bad);
        hub.on("/cdn" + BASE + "model.safetensors", ex -> LocalHub.serveBytes(ex, bad, bad.length));
        hub.on(BASE + "model.safetensors", ex -> {
            ex.getResponseHeaders().add("Location", "/cdn" + BASE + "model.safetensors");
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + LocalHub.sha256(good) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(good.length));
            ex.sendResponseHeaders(302, -1);
        });
        IOException e = failure("model.safetensors");
        assertInstanceOf(HubDownloader.ChecksumException.class, e);
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(LocalHub.sha256(good)), e.getMessage());
        assertFalse(Files.exists(dir().resolve("model.safetensors")));
        assertNoPartFiles();

        hub.handlers.clear();
        hub.files.put(BASE + "model.safetensors", good);
        Path d = downloader().resolve(MODEL, true);
        assertArrayEquals(good, Files.readAllBytes(d.resolve("model.safetensors")));
    }

    @Test
    void configAndTokenizerJsonAreCheckedAgainstTheirGitBlobHash() throws IOException {
        byte[] config = Files.readAllBytes(src.resolve("config.json"));
        for (String file : List.of("config.json", "tokenizer.json")) {
            byte[] real = Files.readAllBytes(src.resolve(file));
            byte[] tampered = (new String(real, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
            hub.on(BASE + file, ex -> {
                ex.getResponseHeaders().add("ETag", "\"" + LocalHub.gitSha1(real) + "\"");
                LocalHub.serveBytes(ex, tampered, tampered.length);
            });
            IOException e = failure(file);
            assertInstanceOf(HubDownloader.ChecksumException.class, e);
            assertTrue(e.getMessage().contains("git-sha1 " + LocalHub.gitSha1(real)), e.getMessage());
            assertFalse(Files.exists(dir().resolve(file)));
            assertNoPartFiles();
            hub.handlers.clear();
        }
        Path d = downloader().resolve(MODEL, true);
        assertArrayEquals(config, Files.readAllBytes(d.resolve("config.json")));
    }

    @Test
    void moreBytesThanAnnouncedAreRemovedAndARerunRecovers() throws IOException {
        byte[] good = weights();
        byte[] longer = new byte[good.length + 100];
        System.arraycopy(good, 0, longer, 0, good.length);
        hub.on("/cdn" + BASE + "model.safetensors", ex -> LocalHub.serveBytes(ex, longer, longer.length));
        IOException e = failure("model.safetensors");
        assertTrue(e.getMessage().contains("more than the " + good.length + " announced"), e.getMessage());
        assertFalse(Files.exists(dir().resolve("model.safetensors")));
        assertNoPartFiles();

        hub.handlers.clear();
        assertArrayEquals(good, Files.readAllBytes(downloader().resolve(MODEL, true).resolve("model.safetensors")));
    }

    @Test
    void fewerBytesThanAnnouncedAreRetriedThenKeptForTheRerunToResume() throws IOException {
        byte[] good = weights();
        int cut = good.length / 3;
        byte[] head = java.util.Arrays.copyOf(good, cut);
        // The server always stops after the first third, but says the body is complete.
        hub.on("/cdn" + BASE + "model.safetensors", ex -> LocalHub.serveBytes(ex, head, good.length));
        IOException e = failure("model.safetensors");
        assertInstanceOf(HubDownloader.HubDownloadException.class, e);
        assertTrue(e.getMessage().contains("download failed after 4 attempts") && e.getMessage().contains("of " + good.length + " bytes"),
                e.getMessage());
        assertFalse(Files.exists(dir().resolve("model.safetensors")));

        hub.handlers.clear();
        hub.requests.clear();
        assertArrayEquals(good, Files.readAllBytes(downloader().resolve(MODEL, true).resolve("model.safetensors")));
        assertNoPartFiles();
    }

    @Test
    void aDownloadCutOffMidFileResumesWithARangeRequest() throws IOException {
        byte[] good = weights();
        AtomicInteger calls = new AtomicInteger();
        hub.on("/cdn" + BASE + "model.safetensors", ex -> {
            if (calls.getAndIncrement() < 2) { // two cuts: after 1/4, then after 1/2
                String range = ex.getRequestHeaders().getFirst("Range");
                int from = range == null ? 0 : Integer.parseInt(range.substring(6, range.indexOf('-')));
                int to = good.length * (calls.get()) / 4;
                if (range != null) {
                    ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (good.length - 1) + "/" + good.length);
                }
                ex.sendResponseHeaders(range == null ? 200 : 206, good.length - from);
                OutputStream out = ex.getResponseBody();
                out.write(good, from, to - from);
                out.flush();
                return;
            }
            LocalHub.serveBytes(ex, good, good.length);
        });
        Path d = downloader().resolve(MODEL, true);
        assertArrayEquals(good, Files.readAllBytes(d.resolve("model.safetensors")));
        assertTrue(hub.requests.stream().filter(r -> r.startsWith("/cdn") && r.contains("bytes=")).count() >= 2, hub.requests.toString());
    }

    @Test
    void aServerThatResumesAtTheWrongByteGetsACleanRetry() throws IOException {
        byte[] good = weights();
        AtomicInteger calls = new AtomicInteger();
        hub.on("/cdn" + BASE + "model.safetensors", ex -> {
            int call = calls.getAndIncrement();
            if (call == 0) {
                ex.sendResponseHeaders(200, good.length);
                ex.getResponseBody().write(good, 0, good.length / 2);
                return; // cut off
            }
            if (call == 1) { // answers the Range request with the file from byte 0
                ex.getResponseHeaders().add("Content-Range", "bytes 0-" + (good.length - 1) + "/" + good.length);
                ex.sendResponseHeaders(206, good.length);
                ex.getResponseBody().write(good);
                return;
            }
            LocalHub.serveBytes(ex, good, good.length);
        });
        Path d = downloader().resolve(MODEL, true);
        assertArrayEquals(good, Files.readAllBytes(d.resolve("model.safetensors")), "not the wrong bytes appended");
    }

    @Test
    void redirectLoopsAndEndlessRedirectsAreRefused() throws IOException {
        hub.on(BASE + "config.json", ex -> redirect(ex, "/loop/a"));
        hub.on("/loop/a", ex -> redirect(ex, "/loop/b"));
        hub.on("/loop/b", ex -> redirect(ex, "/loop/a"));
        IOException e = failure("config.json");
        assertTrue(e.getMessage().contains("redirects in a loop") && e.getMessage().contains("/loop/a -> /loop/b -> /loop/a"),
                e.getMessage());
        assertFalse(Files.exists(cache()), "nothing arrived: no folder left");

        AtomicInteger n = new AtomicInteger();
        hub.on(BASE + "config.json", ex -> redirect(ex, "/next/" + n.incrementAndGet()));
        for (int i = 1; i <= 20; i++) {
            int k = i;
            hub.on("/next/" + i, ex -> redirect(ex, "/next/" + (k + 1)));
        }
        e = failure("config.json");
        assertTrue(e.getMessage().contains("more than 10 redirects"), e.getMessage());
        assertTrue(hub.requests.stream().filter(r -> r.startsWith("/next/")).count() <= 11, "bounded: " + hub.requests.size());
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    @Test
    void redirectsToOtherSchemesAreRefused() throws IOException {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "not for the model folder");
        for (String target : List.of(secret.toUri().toString(), "ftp://127.0.0.1/config.json", "jar:file:/x.jar!/y",
                "gopher://127.0.0.1/", "//", "http://", "http:///nohost", "ht tp://bad")) {
            hub.on(BASE + "config.json", ex -> redirect(ex, target));
            IOException e = failure("config.json");
            assertInstanceOf(HubDownloader.HubHttpException.class, e, target);
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
            assertFalse(Files.exists(dir().resolve("config.json")), target);
        }
        hub.on(BASE + "config.json", ex -> ex.sendResponseHeaders(302, -1));
        assertTrue(failure("config.json").getMessage().contains("no Location"));
    }

    @Test
    void redirectsToAnotherHostWorkWithoutTheTokenAndAnUnreachableOneIsNamed() throws IOException {
        byte[] good = weights();
        try (LocalHub cdn = new LocalHub()) {
            cdn.on("/blob", ex -> LocalHub.serveBytes(ex, good, good.length));
            hub.on(BASE + "model.safetensors", ex -> {
                ex.getResponseHeaders().add("Location", cdn.endpoint() + "/blob");
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + LocalHub.sha256(good) + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", Long.toString(good.length));
                ex.sendResponseHeaders(302, -1);
            });
            HubDownloader withToken = new HubDownloader(HubSettings.from(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                    "FORGETFILTER_CACHE", cache().toString(), "HF_HUB_CACHE", tmp.resolve("hf").toString(), "HF_TOKEN", "secret"),
                    tmp.resolve("home")).withTimeouts(SHORT, SHORT));
            Path d = withToken.resolve(MODEL, true);
            assertArrayEquals(good, Files.readAllBytes(d.resolve("model.safetensors")));
            assertTrue(hub.authorizations.contains(BASE + "model.safetensors Bearer secret"), hub.authorizations.toString());
            assertEquals(List.of("/blob -"), cdn.authorizations, "the token never goes to another host");
        }
        Files.delete(dir().resolve("model.safetensors"));
        Files.delete(dir().resolve(HubDownloader.MANIFEST));
        int closed = LocalHub.closedPort();
        hub.on(BASE + "model.safetensors", ex -> redirect(ex, "http://127.0.0.1:" + closed + "/blob"));
        IOException e = failure("model.safetensors");
        assertInstanceOf(HubDownloader.HubUnreachableException.class, e);
        assertTrue(e.getMessage().contains("redirected to 127.0.0.1:" + closed + ", which is unreachable"), e.getMessage());
        assertNothingOutsideTheCache();
    }

    @Test
    void aServerThatNeverAnswersTimesOutBoundedly() throws IOException {
        hub.on(BASE + "config.json", ex -> hub.stall());
        long t0 = System.nanoTime();
        IOException e = failure("config.json");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("no data for 0.300 s"), e.getMessage());
        assertTrue(seconds < 4 * SHORT.toMillis() / 1000.0 + 2, "4 attempts of 0.3 s took " + seconds + " s");
        assertFalse(Files.exists(cache()), "nothing arrived: no folder left");
    }

    @Test
    void aServerThatStallsMidFileIsResumed() throws IOException {
        byte[] good = weights();
        AtomicInteger calls = new AtomicInteger();
        hub.on("/cdn" + BASE + "model.safetensors", ex -> {
            if (calls.getAndIncrement() == 0) {
                ex.sendResponseHeaders(200, good.length);
                OutputStream out = ex.getResponseBody();
                out.write(good, 0, good.length / 2);
                out.flush();
                hub.stall(); // then nothing more: the client's read time-out ends it
                return;
            }
            LocalHub.serveBytes(ex, good, good.length);
        });
        Path d = downloader().resolve(MODEL, true);
        assertArrayEquals(good, Files.readAllBytes(d.resolve("model.safetensors")));
        assertTrue(hub.requests.contains("/cdn" + BASE + "model.safetensors bytes=" + good.length / 2 + "-"), hub.requests.toString());
    }

    @Test
    void nonsenseSizesAndStatusesGetAMessage() throws IOException {
        hub.on(BASE + "model.safetensors", ex -> {
            ex.getResponseHeaders().add("Location", "/cdn" + BASE + "model.safetensors");
            ex.getResponseHeaders().add("X-Linked-Size", "lots");
            ex.sendResponseHeaders(302, -1);
        });
        assertTrue(failure("model.safetensors").getMessage().contains("invalid size 'lots'"));
        hub.on(BASE + "model.safetensors", ex -> ex.sendResponseHeaders(418, -1));
        assertTrue(failure("model.safetensors").getMessage().contains("unexpected HTTP status 418"));
        hub.on(BASE + "model.safetensors", ex -> ex.sendResponseHeaders(503, -1));
        assertTrue(failure("model.safetensors").getMessage().contains("HTTP 503"));
        assertNoPartFiles();
    }
}
