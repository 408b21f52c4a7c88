package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.forgetfilter.io.Sha256;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Progress;

/**
 * Downloads the files of a Hugging Face hub model ({@code {endpoint}/{org}/{name}/resolve/{rev}/{file}}) into a
 * local folder that {@link HfModelDirectory} loads. Each file goes to {@code file.part} first; an interrupted
 * download continues from where it stopped with an HTTP Range request (also across runs). Large files stored in
 * LFS carry their sha256 as ETag ({@code X-Linked-Etag} on the redirect), which is verified; for other files the
 * size is checked. A finished file is renamed into place and is not downloaded again. A {@value #MANIFEST}
 * records what was fetched.
 */
public final class HubDownloader {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    static final String MANIFEST = "forgetfilter-download.json";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int MAX_REDIRECTS = 10;
    private static final int ATTEMPTS = 4;
    private static final List<String> OPTIONAL = List.of("tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json");

    private final URI endpoint;
    private final String token;
    private final Path cacheRoot;
    private final HttpClient http;

    /**
     * @param endpoint  hub base URL, e.g. https://huggingface.co
     * @param token     bearer token, or null
     * @param cacheRoot root under which {@code hub/ORG--NAME/REV} folders are created
     */
    public HubDownloader(URI endpoint, String token, Path cacheRoot) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.cacheRoot = cacheRoot;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand: see get()
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * Settings from the environment: endpoint from system property {@code forgetfilter.hfEndpoint} or env
     * {@code HF_ENDPOINT}; token from {@code HF_TOKEN}; cache root from {@code FORGETFILTER_CACHE}, else
     * {@code ~/.cache/forgetfilter}.
     */
    public static HubDownloader fromEnvironment() {
        String ep = System.getProperty("forgetfilter.hfEndpoint");
        if (ep == null || ep.isBlank()) {
            ep = System.getenv("HF_ENDPOINT");
        }
        String cache = System.getenv("FORGETFILTER_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "forgetfilter");
        return new HubDownloader(URI.create(ep == null || ep.isBlank() ? DEFAULT_ENDPOINT : ep),
                System.getenv("HF_TOKEN"), root);
    }

    /** The local folder of a model revision: {@code <cacheRoot>/hub/ORG--NAME/REV}. */
    public Path folder(String repo, String revision) {
        String[] parts = repo.split("/", -1);
        if (parts.length != 2 || !PART.matcher(parts[0]).matches() || !PART.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException("hub model must be ORG/NAME, got '" + repo + "'");
        }
        if (revision.isEmpty() || revision.contains("..") || !revision.matches("[A-Za-z0-9._/-]+")) {
            throw new IllegalArgumentException("invalid revision '" + revision + "'");
        }
        return cacheRoot.resolve("hub").resolve(parts[0] + "--" + parts[1]).resolve(revision.replace("/", "--"));
    }

    /**
     * Downloads config.json, the tokenizer files and the safetensors weights (single file, or the index and every
     * shard it names) of {@code repo} at {@code revision}; returns the local folder.
     */
    public Path download(String repo, String revision) throws IOException {
        Path dir = folder(repo, revision);
        Files.createDirectories(dir);
        ObjectNode manifest = readManifest(dir);
        if (isComplete(manifest, dir)) {
            return dir; // an earlier run finished: no network at all
        }
        manifest.put("repo", repo);
        manifest.put("revision", revision);
        manifest.put("endpoint", endpoint.toString());
        manifest.put("complete", false);
        ObjectNode files = manifest.get("files") instanceof ObjectNode o ? o : manifest.putObject("files");
        fetch(repo, revision, "config.json", dir, files, true);
        fetch(repo, revision, "tokenizer.json", dir, files, true);
        for (String name : OPTIONAL) {
            fetch(repo, revision, name, dir, files, false);
        }
        if (fetch(repo, revision, HfModelDirectory.INDEX_FILE, dir, files, false)) {
            JsonNode index = Json.MAPPER.readTree(dir.resolve(HfModelDirectory.INDEX_FILE).toFile());
            Set<String> shards = new LinkedHashSet<>();
            index.path("weight_map").forEach(v -> shards.add(v.asText()));
            if (shards.isEmpty()) {
                throw new IOException(dir.resolve(HfModelDirectory.INDEX_FILE) + ": no weight_map");
            }
            for (String shard : shards) {
                if (!PART.matcher(shard).matches()) {
                    throw new IOException(dir.resolve(HfModelDirectory.INDEX_FILE) + ": shard name '" + shard + "' is not a plain file name");
                }
                fetch(repo, revision, shard, dir, files, true);
            }
        } else {
            fetch(repo, revision, HfModelDirectory.WEIGHTS_FILE, dir, files, true);
        }
        manifest.put("complete", true);
        AtomicFile.writeString(dir.resolve(MANIFEST), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
        return dir;
    }

    /** True when the manifest says the download finished and every file it lists is still there. */
    private static boolean isComplete(ObjectNode manifest, Path dir) {
        if (!manifest.path("complete").asBoolean(false)) {
            return false;
        }
        var names = manifest.path("files").fieldNames();
        while (names.hasNext()) {
            if (!Files.isRegularFile(dir.resolve(names.next()))) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode readManifest(Path dir) throws IOException {
        Path p = dir.resolve(MANIFEST);
        if (Files.isRegularFile(p)) {
            JsonNode n = Json.MAPPER.readTree(p.toFile());
            if (n instanceof ObjectNode o) {
                return o;
            }
        }
        return Json.MAPPER.createObjectNode();
    }

    /**
     * Brings one file into {@code dir}; returns false when an optional file does not exist on the hub.
     * A file already in place is kept.
     */
    boolean fetch(String repo, String revision, String file, Path dir, ObjectNode manifest, boolean required)
            throws IOException {
        Path target = dir.resolve(file);
        if (Files.isRegularFile(target)) {
            if (!manifest.has(file)) {
                manifest.putObject(file).put("size", Files.size(target));
            }
            return true;
        }
        URI uri = URI.create(endpoint + "/" + repo + "/resolve/" + revision + "/" + file);
        Path part = dir.resolve(file + ".part");
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                Result r = transfer(uri, part, file);
                if (r == null) {
                    if (required) {
                        throw new NoSuchFileException(uri.toString(), null,
                                "not found on the hub (404): check the model name, revision and file");
                    }
                    return false;
                }
                ObjectNode entry = manifest.putObject(file);
                entry.put("size", Files.size(part));
                if (r.sha256 != null) {
                    entry.put("sha256", r.sha256);
                }
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return true;
            } catch (ChecksumException | HubHttpException | NoSuchFileException e) {
                throw e;
            } catch (IOException e) {
                last = e; // connection dropped: keep the .part and continue with a Range request
            }
        }
        throw new IOException(uri + ": download failed after " + ATTEMPTS + " attempts: " + last.getMessage(), last);
    }

    private record Result(String sha256) {
    }

    /** Fills {@code part} to the end of the file; null on 404. */
    private Result transfer(URI uri, Path part, String file) throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        Response resp = get(uri, have);
        try (InputStream body = resp.body) {
            int status = resp.status;
            if (status == 404) {
                return null;
            }
            if (status == 416 && have > 0) {
                // Range starts at the end: the .part is already complete; verify it below.
                body.transferTo(OutputStream.nullOutputStream());
            } else if (status == 200 || status == 206) {
                boolean append = status == 206 && have > 0;
                if (!append) {
                    have = 0;
                }
                long total = resp.totalSize(have);
                Progress progress = new Progress("download " + file, total, "bytes");
                progress.advance(have);
                try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = body.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                        progress.advance(n);
                    }
                }
                progress.finish();
            } else if (status == 401 || status == 403) {
                throw new HubHttpException(uri + ": access denied (HTTP " + status + "); the model may be gated or "
                        + "private: accept its license on the hub and set HF_TOKEN");
            } else {
                throw new HubHttpException(uri + ": unexpected HTTP status " + status);
            }
        }
        long size = Files.size(part);
        if (resp.expectedSize >= 0 && size != resp.expectedSize) {
            throw new IOException(uri + ": got " + size + " bytes, expected " + resp.expectedSize);
        }
        String sha = null;
        if (resp.etag != null && SHA256.matcher(resp.etag).matches()) {
            sha = Sha256.ofFile(part);
            if (!sha.equals(resp.etag)) {
                Files.delete(part);
                throw new ChecksumException(uri + ": checksum mismatch, expected sha256 " + resp.etag + " but the "
                        + "download has " + sha + " (partial file removed; run again)");
            }
        }
        return new Result(sha);
    }

    /** The final response of a GET, with headers merged from the redirects (LFS metadata is on the first hop). */
    private static final class Response {
        int status;
        InputStream body;
        String etag;
        long expectedSize = -1;
        long contentLength = -1;
        String contentRange;

        long totalSize(long offset) {
            if (expectedSize >= 0) {
                return expectedSize;
            }
            if (contentRange != null && contentRange.contains("/")) {
                String t = contentRange.substring(contentRange.indexOf('/') + 1).trim();
                if (!t.equals("*")) {
                    return Long.parseLong(t);
                }
            }
            return contentLength >= 0 ? contentLength + offset : -1;
        }
    }

    private Response get(URI start, long offset) throws IOException {
        Response r = new Response();
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(10))
                    .header("User-Agent", "forgetfilter/0.1");
            // Send the token only to the hub itself, never to a CDN it redirects to.
            if (token != null && sameOrigin(uri, endpoint)) {
                b.header("Authorization", "Bearer " + token);
            }
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> resp;
            try {
                resp = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(uri + ": interrupted", e);
            }
            var h = resp.headers();
            if (r.etag == null) {
                r.etag = h.firstValue("X-Linked-Etag").map(HubDownloader::cleanEtag).orElse(null);
            }
            if (r.expectedSize < 0) {
                r.expectedSize = h.firstValue("X-Linked-Size").map(Long::parseLong).orElse(-1L);
            }
            int status = resp.statusCode();
            if (status >= 300 && status < 400 && h.firstValue("Location").isPresent()) {
                resp.body().close();
                uri = uri.resolve(h.firstValue("Location").get());
                continue;
            }
            if (r.etag == null && (status == 200 || status == 206)) {
                r.etag = h.firstValue("ETag").map(HubDownloader::cleanEtag).orElse(null);
            }
            r.status = status;
            r.body = resp.body();
            r.contentLength = h.firstValueAsLong("Content-Length").orElse(-1L);
            r.contentRange = h.firstValue("Content-Range").orElse(null);
            return r;
        }
        throw new HubHttpException(start + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    private static String cleanEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "").toLowerCase(Locale.ROOT);
    }


    /** The downloaded bytes do not match the hub's sha256: not retried. */
    static final class ChecksumException extends IOException {
        ChecksumException(String message) {
            super(message);
        }
    }

    /** A definite answer from the server (401, 403, unexpected status): not retried. */
    static final class HubHttpException extends IOException {
        HubHttpException(String message) {
            super(message);
        }
    }
}
