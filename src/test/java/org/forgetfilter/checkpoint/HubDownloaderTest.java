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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.tokenizer.HfTokenizer;
import org.forgetfilter.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub client against a well-behaved local hub, the user's Hugging Face cache, offline mode and an unreachable hub.
 * Every setting comes from a map, never from this process's environment.
 */
@Timeout(30)
class HubDownloaderTest {
    @TempDir
    Path tmp;

    private LocalHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new LocalHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubSettings settings(URI endpoint, boolean offline, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", endpoint.toString());
        env.put("FORGETFILTER_CACHE", tmp.resolve("ff-cache").toString());
        env.put("HF_HUB_CACHE", tmp.resolve("hf-cache").toString());
        if (offline) {
            env.put("HF_HUB_OFFLINE", "1");
        }
        if (token != null) {
            env.put("HF_TOKEN", token);
        }
        return HubSettings.from(env, tmp.resolve("home")).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private HubDownloader downloader() {
        return new HubDownloader(settings(hub.endpoint(), false, null));
    }

    /** A tiny LLaMA folder written by our own writers, with a word-level tokenizer.json. */
    private Path tinyModel() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        HfConfig.write(src.resolve("config.json"), TestWeights.tinyLlama(), SafetensorsDtype.F32);
        SafetensorsWriter.write(src.resolve("model.safetensors"), TestWeights.random(TestWeights.tinyLlama(), 5), SafetensorsDtype.F32);
        Files.copy(Path.of(URI.create(getClass().getResource("/org/forgetfilter/tokenizer/wordlevel/tokenizer.json").toString())),
                src.resolve("tokenizer.json"));
        return src;
    }

    @Test
    void downloadsResumesAfterADroppedConnectionAndDoesNotRepeat() throws IOException {
        Path src = tinyModel();
        hub.publishFolder("org/tiny", "main", src);
        byte[] weights = Files.readAllBytes(src.resolve("model.safetensors"));
        boolean[] dropped = {false};
        hub.on("/cdn/org/tiny/resolve/main/model.safetensors", ex -> {
            if (!dropped[0] && ex.getRequestHeaders().getFirst("Range") == null) {
                dropped[0] = true;
                ex.sendResponseHeaders(200, weights.length);
                OutputStream out = ex.getResponseBody();
                out.write(weights, 0, weights.length / 2);
                out.flush();
                return; // closed with fewer bytes than announced: the connection drops mid-file
            }
            LocalHub.serveBytes(ex, weights, weights.length);
        });
        HubDownloader d = downloader();
        Path dir = d.resolve(HubModelId.parse("hf:org/tiny"), true);
        assertEquals(tmp.resolve("ff-cache/hub/org--tiny/main"), dir);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
        assertTrue(hub.requests.contains("/cdn/org/tiny/resolve/main/model.safetensors bytes=" + weights.length / 2 + "-"),
                hub.requests.toString());
        String manifest = Files.readString(dir.resolve(HubDownloader.MANIFEST));
        assertTrue(manifest.contains(LocalHub.sha256(weights)), "the weights' sha256 was verified and recorded");
        assertTrue(manifest.contains(LocalHub.gitSha1(Files.readAllBytes(src.resolve("config.json")))),
                "config.json's git blob hash was verified and recorded");

        hub.requests.clear();
        Checkpoint c = ModelReference.parse("hf:org/tiny").load(d, null);
        assertEquals(TestWeights.tinyLlama(), c.config());
        assertEquals("hf:org/tiny@main", c.source());
        assertArrayEquals(new int[] {3, 4}, c.tokenizer().encode("once upon"));
        assertEquals(List.of(), hub.requests, "a finished download is not fetched again");
    }

    @Test
    void singleNameRepositoriesSuchAsGpt2Download() throws IOException {
        hub.publishFolder("gpt2", "main", tinyModel());
        Path dir = downloader().resolve(HubModelId.parse("hf:gpt2"), true);
        assertEquals(tmp.resolve("ff-cache/hub/gpt2/main"), dir);
        assertTrue(hub.requests.contains("/gpt2/resolve/main/config.json"), hub.requests.toString());
        assertEquals(TestWeights.tinyLlama(), HfModelDirectory.load(dir).config());
    }

    /** Lays {@code src} out as huggingface_hub does: blobs, a snapshot of links to them, refs/BRANCH. */
    private Path placeInHfCache(String repoFolder, String commit, String branch, Path src) throws IOException {
        Path repo = tmp.resolve("hf-cache").resolve(repoFolder);
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Path blob = blobs.resolve(LocalHub.sha256(Files.readAllBytes(f)));
                Files.copy(f, blob);
                Files.createSymbolicLink(snapshot.resolve(f.getFileName()), Path.of("../../blobs").resolve(blob.getFileName()));
            }
        }
        if (branch != null) {
            Path ref = repo.resolve("refs").resolve(branch);
            Files.createDirectories(ref.getParent());
            Files.writeString(ref, commit);
        }
        return snapshot;
    }

    @Test
    void modelsInTheHuggingFaceCacheLoadOfflineWithoutAnyRequest() throws IOException {
        Path src = tinyModel();
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path snapshot = placeInHfCache("models--org--tiny", commit, "main", src);
        placeInHfCache("models--gpt2", "89abcdef0123456789abcdef0123456789abcdef", "main", src);
        HubDownloader offline = new HubDownloader(settings(hub.endpoint(), true, null));

        Checkpoint c = ModelReference.parse("hf:org/tiny").load(offline, null);
        assertEquals(TestWeights.tinyLlama(), c.config());
        assertEquals(snapshot, offline.resolve(HubModelId.parse("hf:org/tiny"), true));
        assertEquals(TestWeights.tinyLlama(), ModelReference.parse("hf:gpt2").load(offline, null).config());
        assertEquals(snapshot, offline.resolve(HubModelId.parse("hf:org/tiny@" + commit), true), "a commit hash as REV");
        assertEquals(List.of(), hub.requests, "HF_HUB_OFFLINE=1 and a cached model: no request at all");

        // Online too, a complete cached snapshot is used as it is.
        assertEquals(snapshot, downloader().resolve(HubModelId.parse("hf:org/tiny"), true));
        assertEquals(List.of(), hub.requests);
        assertFalse(Files.exists(tmp.resolve("ff-cache")), "nothing is copied into ForgetFilter's cache");
    }

    @Test
    void aBranchOtherThanMainIsFoundThroughItsRef() throws IOException {
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        Path snapshot = placeInHfCache("models--org--tiny", commit, "v2", tinyModel());
        HubDownloader offline = new HubDownloader(settings(hub.endpoint(), true, null));
        assertEquals(snapshot, offline.resolve(HubModelId.parse("hf:org/tiny@v2"), true));
        IOException e = assertThrows(IOException.class, () -> offline.resolve(HubModelId.parse("hf:org/tiny"), true));
        assertTrue(e.getMessage().contains("hf:org/tiny@main") && e.getMessage().contains("offline mode is on"), e.getMessage());
    }

    @Test
    void anIncompleteCachedSnapshotIsNotUsedAndOfflineModeSaysWhatIsMissing() throws IOException {
        Path src = tinyModel();
        Files.delete(src.resolve("model.safetensors"));
        placeInHfCache("models--org--tiny", "0123456789abcdef0123456789abcdef01234567", "main", src);
        HubDownloader offline = new HubDownloader(settings(hub.endpoint(), true, null));
        IOException e = assertThrows(IOException.class, () -> offline.resolve(HubModelId.parse("hf:org/tiny"), true));
        assertTrue(e.getMessage().contains("without model.safetensors") && e.getMessage().contains("HF_HUB_OFFLINE"),
                e.getMessage());
        assertEquals(List.of(), hub.requests);
    }

    @Test
    void offlineWithoutTheModelNamesItAndTouchesNothing() {
        HubDownloader offline = new HubDownloader(settings(hub.endpoint(), true, null));
        IOException e = assertThrows(IOException.class, () -> ModelReference.parse("hf:org/absent").load(offline, null));
        assertInstanceOf(HubDownloader.HubOfflineException.class, e);
        assertTrue(e.getMessage().startsWith("hf:org/absent@main: ") && e.getMessage().contains("offline mode is on"),
                e.getMessage());
        assertEquals(List.of(), hub.requests);
        assertFalse(Files.exists(tmp.resolve("ff-cache")), "no folder is created");
    }

    @Test
    void anUnreachableHubIsNamedAndLeavesNoEmptyFolder() throws IOException {
        URI dead = URI.create("http://127.0.0.1:" + LocalHub.closedPort());
        HubDownloader d = new HubDownloader(settings(dead, false, null));
        IOException e = assertThrows(IOException.class, () -> ModelReference.parse("hf:TinyLlama/TinyLlama-1.1B").load(d, null));
        assertInstanceOf(HubDownloader.HubUnreachableException.class, e);
        String m = e.getMessage();
        assertTrue(m.startsWith("hf:TinyLlama/TinyLlama-1.1B@main: the hub " + dead + " is unreachable (connection refused"), m);
        assertTrue(m.contains("HF_HUB_OFFLINE=1"), m);
        assertFalse(m.contains("null") || m.contains("Exception") || m.contains("attempts"), m);
        assertFalse(Files.exists(tmp.resolve("ff-cache")), "no empty cache folder is left behind");
    }

    @Test
    void a404NamesTheModelAndFileAndLeavesNoFolder() {
        IOException e = assertThrows(IOException.class, () -> downloader().resolve(HubModelId.parse("hf:org/nothere@v1"), true));
        assertTrue(e.getMessage().startsWith("hf:org/nothere@v1: config.json is not on the hub (HTTP 404")
                && e.getMessage().contains("/org/nothere/resolve/v1/config.json"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("ff-cache")));
    }

    @Test
    void tokenGoesToTheHubAndItsAbsenceIsExplained() throws IOException {
        hub.publishFolder("org/tiny", "main", tinyModel());
        hub.on("/org/tiny/resolve/main/config.json", ex -> {
            if (!"Bearer secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            hub.serveDefault(ex, "/org/tiny/resolve/main/config.json");
        });
        IOException e = assertThrows(IOException.class,
                () -> new HubDownloader(settings(hub.endpoint(), false, null)).resolve(HubModelId.parse("hf:org/tiny"), true));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        Path dir = new HubDownloader(settings(hub.endpoint(), false, "secret")).resolve(HubModelId.parse("hf:org/tiny"), true);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertTrue(hub.authorizations.contains("/org/tiny/resolve/main/config.json Bearer secret"), hub.authorizations.toString());
    }

    @Test
    void aCallerWithItsOwnTokenizerDoesNotNeedTheRepositorysTokenizer() throws IOException {
        Path src = tinyModel();
        Files.delete(src.resolve("tokenizer.json"));
        hub.publishFolder("org/notok", "main", src);
        IOException e = assertThrows(IOException.class, () -> downloader().resolve(HubModelId.parse("hf:org/notok"), true));
        assertTrue(e.getMessage().contains("tokenizer.json is not on the hub"), e.getMessage());
        Tokenizer own = HfTokenizer.load(Path.of(URI.create(
                getClass().getResource("/org/forgetfilter/tokenizer/wordlevel/tokenizer.json").toString())));
        Checkpoint c = ModelReference.parse("hf:org/notok").load(downloader(), own);
        assertEquals(own, c.tokenizer());
    }

    @Test
    void environmentValuesAreReadAsHuggingFacesToolsReadThem() {
        Path home = tmp.resolve("home");
        HubSettings none = HubSettings.from(Map.of(), home);
        assertEquals(home.resolve(".cache/huggingface/hub"), none.hfHubCache());
        assertEquals(home.resolve(".cache/forgetfilter"), none.downloadRoot());
        assertEquals(URI.create("https://huggingface.co"), none.endpoint());
        assertFalse(none.offline());
        assertEquals(Duration.ofSeconds(10), none.readTimeout());
        assertEquals(Path.of("/x/hf/hub"), HubSettings.from(Map.of("HF_HOME", "/x/hf"), home).hfHubCache());
        assertEquals(Path.of("/y"), HubSettings.from(Map.of("HF_HOME", "/x/hf", "HF_HUB_CACHE", "/y"), home).hfHubCache());
        for (String on : List.of("1", "true", "YES", "on")) {
            assertTrue(HubSettings.from(Map.of("HF_HUB_OFFLINE", on), home).offline(), on);
        }
        assertFalse(HubSettings.from(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
        assertEquals(Duration.ofMillis(2500), HubSettings.from(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "2.5"), home).readTimeout());
        assertThrows(IllegalArgumentException.class, () -> HubSettings.from(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "soon"), home));
    }

    @Test
    void badReferencesAreRejected() throws IOException {
        for (String bad : List.of("hf:../etc", "hf:org/name@../x", "hf:a/b/c", "hf:", "hf:org/", "hf:org--x/y", "hf:org/name@",
                "hf:/abs", "hf:org\\name", "hf:org/name@/x")) {
            assertThrows(IllegalArgumentException.class, () -> ModelReference.parse(bad), bad);
        }
        assertEquals(new HubModelId("gpt2-xl", "main"), ModelReference.parse("hf:gpt2-xl").hub());
        assertEquals(new HubModelId("org/name", "refs/pr/1"), ModelReference.parse("hf:org/name@refs/pr/1").hub());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelReference.parse(tmp.resolve("none.bin").toString()));
    }
}
